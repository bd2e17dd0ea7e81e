/* SPDX-License-Identifier: MIT */
/*
 * mock_server_selftest.c - exercises every mock_server feature with plain
 * sockets.  Prints TAP-style "ok N - what" lines; exits non-zero on failure.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "mock_server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static int failures, testno;

#define CHECK(cond, what)                                                                  \
  do {                                                                                     \
    testno++;                                                                              \
    if (cond) {                                                                            \
      printf("ok %d - %s\n", testno, what);                                                \
    } else {                                                                               \
      printf("not ok %d - %s (%s:%d: %s)\n", testno, what, __FILE__, __LINE__, #cond);     \
      failures++;                                                                          \
    }                                                                                      \
    fflush(stdout);                                                                        \
  } while (0)

/* ------------------------------------------------------------ tiny client */

typedef struct client {
  int fd;
  char *buf;
  size_t len, cap;
} client;

typedef struct http_resp {
  int status;
  char head[8192];  /* status line + headers */
  long long clen;   /* Content-Length or -1 */
  char *body;
  size_t body_len;
  int eof;          /* server closed the connection while/after reading */
} http_resp;

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1000.0 + t.tv_nsec / 1e6;
}

static void sleep_ms(int ms) {
  struct timespec t = {ms / 1000, (long)(ms % 1000) * 1000000L};
  nanosleep(&t, NULL);
}

static int cl_open(client *c, mock_server *s) {
  struct sockaddr_in a;
  struct timeval tv = {10, 0};
  int one = 1;
  memset(c, 0, sizeof *c);
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons((unsigned short)mock_server_port(s));
  c->fd = socket(AF_INET, SOCK_STREAM, 0);
  if (c->fd < 0) return -1;
  setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv); /* never hang the suite */
  setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (connect(c->fd, (struct sockaddr *)&a, sizeof a) != 0) {
    close(c->fd);
    c->fd = -1;
    return -1;
  }
  return 0;
}

static void cl_close(client *c) {
  if (c->fd >= 0) close(c->fd);
  free(c->buf);
  memset(c, 0, sizeof *c);
  c->fd = -1;
}

static int cl_send(client *c, const char *data, size_t n) {
  while (n > 0) {
    ssize_t w = send(c->fd, data, n, MSG_NOSIGNAL);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return -1;
    data += w;
    n -= (size_t)w;
  }
  return 0;
}

static int cl_sends(client *c, const char *s) { return cl_send(c, s, strlen(s)); }

/* Read more into the buffer; returns bytes read, 0 on EOF/error/timeout. */
static ssize_t cl_more(client *c) {
  if (c->cap - c->len < 65536) {
    c->cap = c->cap ? c->cap * 2 : 131072;
    c->buf = realloc(c->buf, c->cap);
    if (!c->buf) abort();
  }
  for (;;) {
    ssize_t n = recv(c->fd, c->buf + c->len, c->cap - c->len - 1, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return 0;
    c->len += (size_t)n;
    c->buf[c->len] = 0;
    return n;
  }
}

static void cl_consume(client *c, size_t n) {
  memmove(c->buf, c->buf + n, c->len - n);
  c->len -= n;
  c->buf[c->len] = 0; /* keep strstr() within the valid bytes */
}

/* Case-insensitive header value lookup in a response head; copies into out. */
static int resp_header(const http_resp *r, const char *name, char *out, size_t outsz) {
  size_t n = strlen(name);
  const char *p = strstr(r->head, "\r\n");
  while (p && p[2]) {
    p += 2;
    if (strncasecmp(p, name, n) == 0 && p[n] == ':') {
      const char *v = p + n + 1, *e = strstr(v, "\r\n");
      while (*v == ' ') v++;
      size_t l = (size_t)(e - v) < outsz - 1 ? (size_t)(e - v) : outsz - 1;
      memcpy(out, v, l);
      out[l] = 0;
      return 1;
    }
    p = strstr(p, "\r\n");
  }
  return 0;
}

static int count_header(const http_resp *r, const char *name) {
  int k = 0;
  size_t n = strlen(name);
  for (const char *p = strstr(r->head, "\r\n"); p && p[2]; p = strstr(p + 2, "\r\n"))
    if (strncasecmp(p + 2, name, n) == 0 && p[2 + n] == ':') k++;
  return k;
}

/* Read one response.  Returns the status, or -1 if the connection closed
 * before a full head arrived.  Body: Content-Length bytes (or up to EOF when
 * absent); a short body sets eof.  no_body: HEAD request. */
static int read_resp(client *c, http_resp *r, int no_body) {
  char *end;
  free(r->body);
  memset(r, 0, sizeof *r);
  r->clen = -1;
  while (!c->buf || !(end = strstr(c->buf, "\r\n\r\n"))) {
    if (cl_more(c) == 0) {
      r->eof = 1;
      r->status = -1;
      return -1;
    }
  }
  size_t hl = (size_t)(end - c->buf) + 4;
  if (hl >= sizeof r->head) return -1;
  memcpy(r->head, c->buf, hl);
  r->head[hl] = 0;
  cl_consume(c, hl);
  sscanf(r->head, "HTTP/1.1 %d", &r->status);
  char v[64];
  if (resp_header(r, "Content-Length", v, sizeof v)) r->clen = atoll(v);
  if (no_body || r->status == 204 || r->status == 304 || r->status / 100 == 1) {
    r->body = calloc(1, 1);
    return r->status;
  }
  size_t want = r->clen >= 0 ? (size_t)r->clen : (size_t)-1;
  while (c->len < want)
    if (cl_more(c) == 0) {
      r->eof = 1;
      break;
    }
  r->body_len = c->len < want ? c->len : want;
  r->body = malloc(r->body_len + 1);
  if (r->body_len) memcpy(r->body, c->buf, r->body_len);
  r->body[r->body_len] = 0;
  cl_consume(c, r->body_len);
  return r->status;
}

/* After a response: does the server close the connection (EOF, no data)? */
static int sees_eof(client *c) { return c->len == 0 && cl_more(c) == 0; }

static int get(client *c, const char *target, http_resp *r) {
  char req[512];
  snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: x\r\n\r\n", target);
  if (cl_sends(c, req)) return -1;
  return read_resp(c, r, 0);
}

static int wait_requests(mock_server *s, size_t n) {
  for (int i = 0; i < 3000 && mock_server_request_count(s) < n; i++) sleep_ms(1);
  return mock_server_request_count(s) >= n;
}

/* ---------------------------------------------------------------- handlers */

typedef struct handler_state {
  pthread_mutex_t mu;
  int calls;
} handler_state;

static int calls(handler_state *st) {
  pthread_mutex_lock(&st->mu);
  int n = st->calls;
  pthread_mutex_unlock(&st->mu);
  return n;
}

static void teapot_handler(const mock_request *req, mock_response *resp, void *payload) {
  handler_state *st = payload;
  pthread_mutex_lock(&st->mu);
  st->calls++;
  pthread_mutex_unlock(&st->mu);
  if (strcmp(req->target, "/missing") == 0) {
    resp->status = 404;
    resp->body = "{\"error\":\"not found\"}";
  } else {
    resp->status = 418;
    resp->headers = "X-Handler: yes\r\n";
    resp->body = "{\"teapot\":true}";
  }
}

/* ------------------------------------------------------------------ tests */

static void test_basics(mock_server *s) {
  client c;
  http_resp r = {0};
  char v[256];

  CHECK(mock_server_port(s) > 0, "ephemeral port assigned");
  snprintf(v, sizeof v, "http://127.0.0.1:%d", mock_server_port(s));
  CHECK(strcmp(mock_server_url(s), v) == 0, "url is http://127.0.0.1:<port>");

  CHECK(cl_open(&c, s) == 0, "connect");
  CHECK(get(&c, "/", &r) == 200 && strcmp(r.body, "{}") == 0 && r.clen == 2, "default response 200 {}");
  CHECK(resp_header(&r, "Content-Type", v, sizeof v) && strcmp(v, "application/json") == 0,
        "default Content-Type application/json");

  /* queued responses in FIFO order, deep-copied */
  char hdrs[64], body[16];
  strcpy(hdrs, "X-A: 1\r\ncontent-type: text/plain\r\n");
  strcpy(body, "first");
  mock_response a = MOCK_RESPONSE_INIT, b = MOCK_RESPONSE_INIT;
  a.status = 201;
  a.headers = hdrs;
  a.body = body;
  b.status = 202;
  b.body = "second!";
  b.body_len = 6; /* explicit length: "second" */
  mock_server_push(s, &a);
  mock_server_push(s, &b);
  memset(hdrs, 'Z', sizeof hdrs - 1);
  memset(body, 'Z', sizeof body - 1); /* server must have copied */
  CHECK(get(&c, "/q1", &r) == 201 && strcmp(r.body, "first") == 0, "queued response 1 served first");
  CHECK(resp_header(&r, "X-A", v, sizeof v) && strcmp(v, "1") == 0, "extra header sent");
  CHECK(count_header(&r, "Content-Type") == 1 && resp_header(&r, "content-type", v, sizeof v) &&
            strcmp(v, "text/plain") == 0,
        "no Content-Type added when extra headers have one");
  CHECK(get(&c, "/q2", &r) == 202 && strcmp(r.body, "second") == 0, "queued response 2 second, body_len honoured");
  CHECK(get(&c, "/q3", &r) == 200 && strcmp(r.body, "{}") == 0, "queue empty -> default again");
  CHECK(strstr(r.head, " OK\r\n") != NULL, "reason phrase present");

  /* set_default */
  mock_response d = MOCK_RESPONSE_INIT;
  d.status = 404;
  d.body = "{\"nope\":1}";
  mock_server_set_default(s, &d);
  CHECK(get(&c, "/d", &r) == 404 && strcmp(r.body, "{\"nope\":1}") == 0, "set_default changes default");
  d.status = 200;
  d.body = "{}";
  mock_server_set_default(s, &d);

  /* handler; the queue still takes precedence */
  handler_state st = {PTHREAD_MUTEX_INITIALIZER, 0};
  mock_server_set_handler(s, teapot_handler, &st);
  CHECK(get(&c, "/h", &r) == 418 && strcmp(r.body, "{\"teapot\":true}") == 0, "handler response");
  CHECK(resp_header(&r, "X-Handler", v, sizeof v) && count_header(&r, "Content-Type") == 1,
        "handler headers + auto Content-Type");
  CHECK(get(&c, "/missing", &r) == 404, "handler sees request target");
  a.status = 203;
  a.headers = NULL;
  a.body = "q";
  mock_server_push(s, &a);
  CHECK(get(&c, "/h2", &r) == 203 && calls(&st) == 2, "queued response beats handler");
  mock_server_set_handler(s, NULL, NULL);
  CHECK(get(&c, "/h3", &r) == 200 && calls(&st) == 2, "handler cleared -> default");

  /* 204 / 304: no body, no Content-Length; connection stays usable */
  a = (mock_response)MOCK_RESPONSE_INIT;
  a.status = 204;
  a.body = "ignored";
  mock_server_push(s, &a);
  a.status = 304;
  mock_server_push(s, &a);
  CHECK(get(&c, "/204", &r) == 204 && r.clen == -1, "204 without Content-Length");
  CHECK(get(&c, "/304", &r) == 304 && r.clen == -1, "304 without Content-Length");
  CHECK(get(&c, "/after", &r) == 200 && strcmp(r.body, "{}") == 0, "connection in sync after 204/304");

  /* HEAD: Content-Length but no body */
  cl_sends(&c, "HEAD /x HTTP/1.1\r\nHost: x\r\n\r\n");
  CHECK(read_resp(&c, &r, 1) == 200 && r.clen == 2, "HEAD has Content-Length");
  CHECK(get(&c, "/after-head", &r) == 200 && strcmp(r.body, "{}") == 0, "no body after HEAD");

  /* pipelining: two requests in one write */
  cl_sends(&c, "GET /p1 HTTP/1.1\r\nHost: x\r\n\r\nGET /p2 HTTP/1.1\r\nHost: x\r\n\r\n");
  int s1 = read_resp(&c, &r, 0), s2 = read_resp(&c, &r, 0);
  CHECK(s1 == 200 && s2 == 200, "pipelined requests");
  cl_close(&c);
  free(r.body);
}

static void test_keepalive_and_records(mock_server *s) {
  client c;
  http_resp r = {0};
  mock_request q;

  mock_server_reset(s);
  CHECK(mock_server_request_count(s) == 0 && mock_server_connection_count(s) == 0, "reset zeroes counters");
  cl_open(&c, s);
  get(&c, "/one", &r);
  const char *post = "POST /contacts/a%2Fb?x=1 HTTP/1.1\r\nHost: x\r\nX-Test:  Hello World \r\n"
                     "content-type: application/json\r\nContent-Length: 13\r\n\r\n{\"name\":\"x\"}\n";
  cl_sends(&c, post);
  read_resp(&c, &r, 0);
  CHECK(mock_server_request_count(s) == 2 && mock_server_connection_count(s) == 1,
        "keep-alive: 2 requests on 1 connection");
  CHECK(mock_server_request(s, 1, &q) == 0, "request 1 recorded");
  CHECK(strcmp(q.method, "POST") == 0 && strcmp(q.target, "/contacts/a%2Fb?x=1") == 0, "method and raw target");
  CHECK(mock_request_header(&q, "x-test") && strcmp(mock_request_header(&q, "X-TEST"), "Hello World") == 0,
        "header lookup case-insensitive, value trimmed");
  CHECK(mock_request_header(&q, "X-Absent") == NULL, "absent header -> NULL");
  CHECK(q.body_len == 13 && strcmp(q.body, "{\"name\":\"x\"}\n") == 0, "body recorded");
  CHECK(q.connection_index == 0 && q.headers_count == 4, "connection_index / headers_count");
  mock_request_clear(&q);
  CHECK(mock_server_request(s, 0, &q) == 0 && strcmp(q.target, "/one") == 0 && q.body_len == 0 &&
            q.body && q.body[0] == 0,
        "request 0 recorded, empty body is \"\"");
  mock_request_clear(&q);
  CHECK(mock_server_request(s, 2, &q) == -1, "out of range -> -1");
  cl_close(&c);

  cl_open(&c, s);
  get(&c, "/two", &r);
  CHECK(mock_server_connection_count(s) == 2 && mock_server_request(s, 2, &q) == 0 && q.connection_index == 1,
        "second connection has index 1");
  mock_request_clear(&q);

  /* chunked request body, then the connection keeps working */
  cl_sends(&c, "POST /chunked HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
               "5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nX-Trailer: y\r\n\r\n");
  CHECK(read_resp(&c, &r, 0) == 200, "chunked request answered");
  CHECK(mock_server_request(s, 3, &q) == 0 && q.body_len == 11 && strcmp(q.body, "hello world") == 0,
        "chunked body decoded");
  mock_request_clear(&q);
  CHECK(get(&c, "/after-chunked", &r) == 200, "keep-alive after chunked body");

  /* Expect: 100-continue */
  cl_sends(&c, "PUT /expect HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n");
  CHECK(read_resp(&c, &r, 0) == 100, "100 Continue sent");
  cl_sends(&c, "data");
  CHECK(read_resp(&c, &r, 0) == 200 && mock_server_request(s, 5, &q) == 0 && strcmp(q.body, "data") == 0,
        "body after 100 Continue");
  mock_request_clear(&q);

  /* large upload (body read straight from the socket) */
  size_t big = 3 * 1024 * 1024 + 7;
  char *up = malloc(big), head[128];
  for (size_t i = 0; i < big; i++) up[i] = (char)('a' + i % 26);
  snprintf(head, sizeof head, "POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: %zu\r\n\r\n", big);
  cl_sends(&c, head);
  cl_send(&c, up, big);
  CHECK(read_resp(&c, &r, 0) == 200 && mock_server_request(s, 6, &q) == 0 && q.body_len == big &&
            memcmp(q.body, up, big) == 0,
        "3 MiB upload recorded");
  mock_request_clear(&q);
  free(up);

  /* Connection: close from the client */
  cl_sends(&c, "GET /bye HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  CHECK(read_resp(&c, &r, 0) == 200 && sees_eof(&c), "client Connection: close honoured");
  cl_close(&c);

  /* malformed request -> 400 + close, not counted */
  size_t before = mock_server_request_count(s);
  cl_open(&c, s);
  cl_sends(&c, "THIS IS NOT HTTP\r\n\r\n");
  CHECK(read_resp(&c, &r, 0) == 400 && sees_eof(&c), "malformed request -> 400 and close");
  cl_close(&c);
  cl_open(&c, s);
  cl_sends(&c, "GET / HTTP/1.1\r\nNo colon here\r\n\r\n");
  CHECK(read_resp(&c, &r, 0) == 400, "header without colon -> 400");
  cl_close(&c);
  cl_open(&c, s);
  cl_sends(&c, "POST / HTTP/1.1\r\nContent-Length: abc\r\n\r\n");
  CHECK(read_resp(&c, &r, 0) == 400 && mock_server_request_count(s) == before, "bad Content-Length -> 400");
  cl_close(&c);

  /* reset clears queue and records */
  mock_response x = MOCK_RESPONSE_INIT;
  x.status = 500;
  mock_server_push(s, &x);
  mock_server_reset(s);
  CHECK(mock_server_request(s, 0, &q) == -1 && mock_server_request_count(s) == 0, "reset clears records");
  cl_open(&c, s);
  CHECK(get(&c, "/r", &r) == 200, "reset clears queue");
  cl_close(&c);
  free(r.body);
}

static void test_scripted_failures(mock_server *s) {
  client c;
  http_resp r = {0};
  mock_response m;
  double t0;

  /* delay_headers */
  m = (mock_response)MOCK_RESPONSE_INIT;
  m.delay_headers_ms = 300;
  mock_server_push(s, &m);
  cl_open(&c, s);
  t0 = now_ms();
  CHECK(get(&c, "/slow", &r) == 200 && now_ms() - t0 >= 280, "delay_headers_ms");

  /* delay_body: head arrives before the body */
  m = (mock_response)MOCK_RESPONSE_INIT;
  m.delay_body_ms = 300;
  m.body = "{\"late\":1}";
  mock_server_push(s, &m);
  cl_sends(&c, "GET /slowbody HTTP/1.1\r\nHost: x\r\n\r\n");
  t0 = now_ms();
  while (!strstr(c.buf ? c.buf : "", "\r\n\r\n") && cl_more(&c) > 0) {
  }
  double head_at = now_ms() - t0;
  CHECK(read_resp(&c, &r, 0) == 200 && strcmp(r.body, "{\"late\":1}") == 0 && head_at < 200 &&
            now_ms() - t0 >= 280,
        "delay_body_ms");
  cl_close(&c);

  /* close_before_response: counted, client sees EOF */
  size_t n0 = mock_server_request_count(s);
  m = (mock_response)MOCK_RESPONSE_INIT;
  m.close_before_response = 1;
  mock_server_push(s, &m);
  cl_open(&c, s);
  CHECK(get(&c, "/drop", &r) == -1 && r.eof && c.len == 0, "close_before_response -> EOF");
  CHECK(mock_server_request_count(s) == n0 + 1, "close_before_response request counted");
  cl_close(&c);

  /* body shorter than Content-Length */
  m = (mock_response)MOCK_RESPONSE_INIT;
  m.body = "abc";
  m.content_length = 100;
  mock_server_push(s, &m);
  cl_open(&c, s);
  CHECK(get(&c, "/short", &r) == 200 && r.clen == 100 && r.body_len == 3 && r.eof, "short body vs Content-Length");
  cl_close(&c);

  /* close_after_body_bytes */
  m = (mock_response)MOCK_RESPONSE_INIT;
  m.body = "0123456789";
  m.close_after_body_bytes = 4;
  mock_server_push(s, &m);
  cl_open(&c, s);
  CHECK(get(&c, "/cut", &r) == 200 && r.clen == 10 && r.body_len == 4 && memcmp(r.body, "0123", 4) == 0 && r.eof,
        "close_after_body_bytes");
  cl_close(&c);

  /* body_repeat: 1000 x 1 KiB */
  static char kib[1024];
  for (size_t i = 0; i < sizeof kib; i++) kib[i] = (char)('A' + i % 26);
  m = (mock_response)MOCK_RESPONSE_INIT;
  m.body = kib;
  m.body_len = sizeof kib;
  m.body_repeat = 1000;
  mock_server_push(s, &m);
  cl_open(&c, s);
  int okrep = get(&c, "/big", &r) == 200 && r.clen == 1024000 && r.body_len == 1024000;
  for (size_t i = 0; okrep && i < r.body_len; i++) okrep = r.body[i] == kib[i % sizeof kib];
  CHECK(okrep, "body_repeat 1000 x 1 KiB");
  CHECK(get(&c, "/after-big", &r) == 200, "keep-alive after repeated body");
  cl_close(&c);

  /* no_content_length: body until EOF */
  m = (mock_response)MOCK_RESPONSE_INIT;
  m.body = "{\"until\":\"eof\"}";
  m.no_content_length = 1;
  mock_server_push(s, &m);
  cl_open(&c, s);
  CHECK(get(&c, "/eof", &r) == 200 && r.clen == -1 && strcmp(r.body, "{\"until\":\"eof\"}") == 0 && r.eof,
        "no_content_length: body then close");
  cl_close(&c);

  /* connection_close */
  m = (mock_response)MOCK_RESPONSE_INIT;
  m.connection_close = 1;
  mock_server_push(s, &m);
  cl_open(&c, s);
  char v[64];
  CHECK(get(&c, "/cc", &r) == 200 && resp_header(&r, "Connection", v, sizeof v) && strcasecmp(v, "close") == 0 &&
            sees_eof(&c),
        "connection_close");
  cl_close(&c);
  free(r.body);
}

#define NCONN 128
static void test_concurrency(mock_server *s) {
  static client cs[NCONN];
  http_resp r = {0};
  handler_state st = {PTHREAD_MUTEX_INITIALIZER, 0};
  int ok = 1;

  mock_server_reset(s);
  mock_server_set_handler(s, teapot_handler, &st);
  for (int i = 0; i < NCONN; i++) ok &= cl_open(&cs[i], s) == 0;
  for (int i = 0; i < NCONN; i++) ok &= cl_sends(&cs[i], "GET /c HTTP/1.1\r\nHost: x\r\n\r\n") == 0;
  for (int i = 0; i < NCONN; i++) ok &= read_resp(&cs[i], &r, 0) == 418;
  for (int i = 0; i < NCONN; i++) ok &= get(&cs[i], "/c2", &r) == 418;
  CHECK(ok && mock_server_connection_count(s) == NCONN && mock_server_request_count(s) == 2 * NCONN &&
            calls(&st) == 2 * NCONN,
        "128 simultaneous keep-alive connections (handler on many threads)");
  for (int i = 0; i < NCONN; i++) cl_close(&cs[i]);
  mock_server_set_handler(s, NULL, NULL);
  free(r.body);
}

static void test_throughput(mock_server *s) {
  client c;
  http_resp r = {0};
  mock_request q;
  char t[32];
  int ok = 1;

  mock_server_reset(s);
  cl_open(&c, s);
  double t0 = now_ms();
  for (int i = 0; i < 4200; i++) {
    snprintf(t, sizeof t, "/r%d", i);
    ok &= get(&c, t, &r) == 200;
  }
  double ms = now_ms() - t0;
  printf("# 4200 sequential requests (recording) in %.0f ms = %.0f req/s\n", ms, 4200 / (ms / 1000));
  CHECK(ok && mock_server_request_count(s) == 4200, "4200 sequential keep-alive requests");
  CHECK(mock_server_request(s, 4095, &q) == 0 && strcmp(q.target, "/r4095") == 0, "request 4095 recorded");
  mock_request_clear(&q);
  CHECK(mock_server_request(s, 4096, &q) == -1, "beyond 4096: counted, not recorded");

  mock_server_reset(s);
  mock_server_set_record(s, 0);
  t0 = now_ms();
  for (int i = 0; i < 2000; i++) ok &= get(&c, "/norec", &r) == 200;
  ms = now_ms() - t0;
  printf("# 2000 sequential requests (count only) in %.0f ms = %.0f req/s\n", ms, 2000 / (ms / 1000));
  CHECK(ok && mock_server_request_count(s) == 2000 && mock_server_request(s, 0, &q) == -1,
        "set_record(0): count only");
  mock_server_set_record(s, 1);
  cl_close(&c);
  free(r.body);
}

static void test_stop(void) {
  client c, c2;
  http_resp r = {0};
  double t0;

  /* idle keep-alive connection + a connection with a half-sent request */
  mock_server *s = mock_server_start();
  cl_open(&c, s);
  get(&c, "/", &r);
  cl_open(&c2, s);
  cl_sends(&c2, "GET /partial HTTP/1.1\r\nHost:");
  sleep_ms(50);
  t0 = now_ms();
  mock_server_stop(s);
  CHECK(now_ms() - t0 < 1000, "stop with idle + half-sent connections < 1 s");
  CHECK(sees_eof(&c) && sees_eof(&c2), "clients see EOF after stop");
  cl_close(&c);
  cl_close(&c2);

  /* during delay_headers */
  s = mock_server_start();
  mock_response m = MOCK_RESPONSE_INIT;
  m.delay_headers_ms = 10000;
  mock_server_push(s, &m);
  cl_open(&c, s);
  cl_sends(&c, "GET /wait HTTP/1.1\r\nHost: x\r\n\r\n");
  wait_requests(s, 1);
  sleep_ms(50);
  t0 = now_ms();
  mock_server_stop(s);
  CHECK(now_ms() - t0 < 1000, "stop during delay_headers_ms < 1 s");
  cl_close(&c);

  /* during delay_body */
  s = mock_server_start();
  m = (mock_response)MOCK_RESPONSE_INIT;
  m.delay_body_ms = 10000;
  m.body = "x";
  mock_server_push(s, &m);
  cl_open(&c, s);
  cl_sends(&c, "GET /wait HTTP/1.1\r\nHost: x\r\n\r\n");
  wait_requests(s, 1);
  sleep_ms(50);
  t0 = now_ms();
  mock_server_stop(s);
  CHECK(now_ms() - t0 < 1000, "stop during delay_body_ms < 1 s");
  cl_close(&c);

  /* while a big response is blocked because the client does not read */
  s = mock_server_start();
  static char mib[1 << 20];
  m = (mock_response)MOCK_RESPONSE_INIT;
  m.body = mib;
  m.body_len = sizeof mib;
  m.body_repeat = 100;
  mock_server_push(s, &m);
  cl_open(&c, s);
  cl_sends(&c, "GET /huge HTTP/1.1\r\nHost: x\r\n\r\n");
  wait_requests(s, 1);
  sleep_ms(100);
  t0 = now_ms();
  mock_server_stop(s);
  CHECK(now_ms() - t0 < 1000, "stop while blocked sending 100 MB < 1 s");
  cl_close(&c);

  /* client disconnects mid-response: server survives */
  s = mock_server_start();
  mock_server_push(s, &m);
  cl_open(&c, s);
  cl_sends(&c, "GET /huge HTTP/1.1\r\nHost: x\r\n\r\n");
  cl_more(&c);
  cl_close(&c);
  sleep_ms(50);
  cl_open(&c, s);
  CHECK(get(&c, "/alive", &r) == 200, "server survives client disconnect mid-body");
  cl_close(&c);
  mock_server_stop(s);
  free(r.body);
}

int main(void) {
  mock_server *s = mock_server_start();
  CHECK(s != NULL, "mock_server_start");
  if (!s) return 1;
  test_basics(s);
  test_keepalive_and_records(s);
  test_scripted_failures(s);
  test_concurrency(s);
  test_throughput(s);
  double t0 = now_ms();
  mock_server_stop(s);
  CHECK(now_ms() - t0 < 1000, "stop main server");
  test_stop();
  printf("1..%d\n", testno);
  if (failures) printf("# %d failure(s)\n", failures);
  return failures ? 1 : 0;
}
