/* SPDX-License-Identifier: MIT */
/*
 * mock_server.h - scripted local HTTP/1.1 server for tests and benchmarks.
 *
 * Listens on 127.0.0.1 on an ephemeral port.  One thread per accepted
 * connection serves keep-alive requests in a loop.  Each request gets, in
 * order of precedence: the next queued response (mock_server_push), else the
 * handler's response (mock_server_set_handler), else the default response.
 * Every request is counted and (optionally) recorded for later inspection.
 */
#ifndef MOCK_SERVER_H
#define MOCK_SERVER_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct mock_header {
  char *name;
  char *value;
} mock_header;

typedef struct mock_request {
  char method[16];
  char *target;            /* request target as received, e.g. "/contacts/a%2Fb?x=1" */
  mock_header *headers;
  size_t headers_count;
  char *body;              /* NUL-terminated copy (de-chunked) */
  size_t body_len;
  size_t connection_index; /* which accepted connection (0-based) carried it */
} mock_request;

/* Case-insensitive lookup: value of the first header called `name`, or NULL. */
const char *mock_request_header(const mock_request *r, const char *name);
/* Frees a copy obtained with mock_server_request and zeroes *r. */
void mock_request_clear(mock_request *r);

typedef struct mock_response {
  int status;                       /* e.g. 200 */
  const char *headers;              /* extra raw header lines, each ending "\r\n", may be NULL */
  const char *body;                 /* may be NULL (empty) */
  size_t body_len;                  /* (size_t)-1 => strlen(body) */
  size_t body_repeat;               /* send body this many times (0 or 1 => once) */
  int delay_headers_ms;             /* sleep before sending anything */
  int delay_body_ms;                /* send status+headers, sleep, then the body */
  int close_before_response;        /* read the request then close without answering */
  long long content_length;         /* -1 => real length; other value => announced, then close */
  long long close_after_body_bytes; /* -1 => off; else send only this many body bytes then close */
  int no_content_length;            /* no Content-Length, body then close (HTTP/1.0 style) */
  int connection_close;             /* send "Connection: close" and close after the response */
  const char *raw;                  /* if set: these bytes verbatim instead of a response (HTTP/0.9,
                                       "HTTP/1.1 000", ...), then close */
  size_t raw_len;                   /* (size_t)-1 => strlen(raw) */
  int drip_ms;                      /* > 0: the body one byte at a time, each after drip_ms (slow server) */
} mock_response;

#define MOCK_RESPONSE_INIT {200, NULL, NULL, (size_t)-1, 0, 0, 0, 0, -1, -1, 0, 0, NULL, (size_t)-1, 0}

/* Called on a connection thread (possibly several at once) when the queue is
 * empty.  `resp` arrives pre-filled with MOCK_RESPONSE_INIT; the pointers it
 * sets must stay valid until the response is sent (e.g. static strings). */
typedef void (*mock_handler_fn)(const mock_request *req, mock_response *resp, void *payload);

typedef struct mock_server mock_server;

mock_server *mock_server_start(void);               /* NULL on failure */
void mock_server_stop(mock_server *s);              /* closes every connection, joins every thread, frees all */
int mock_server_port(const mock_server *s);
const char *mock_server_url(const mock_server *s);  /* "http://127.0.0.1:<port>", owned by server */
void mock_server_push(mock_server *s, const mock_response *r);        /* FIFO, deep copy */
void mock_server_set_default(mock_server *s, const mock_response *r); /* deep copy */
void mock_server_set_handler(mock_server *s, mock_handler_fn fn, void *payload); /* fn NULL => none */
size_t mock_server_request_count(mock_server *s);    /* requests fully received since start/reset */
size_t mock_server_connection_count(mock_server *s); /* TCP connections accepted since start/reset */
/* Deep copy of the i-th recorded request (0-based): 0 ok, -1 if out of range.
 * The first 4096 requests after start/reset are recorded; later ones are only
 * counted.  Release the copy with mock_request_clear. */
int mock_server_request(mock_server *s, size_t i, mock_request *out);
void mock_server_reset(mock_server *s);              /* clears queue, records, counters (not default/handler) */
void mock_server_set_record(mock_server *s, int on); /* default on; off = count only */

#ifdef __cplusplus
}
#endif

#endif /* MOCK_SERVER_H */
