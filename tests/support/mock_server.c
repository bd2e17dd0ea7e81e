/* SPDX-License-Identifier: MIT */
/*
 * mock_server.c - scripted local HTTP/1.1 server for tests and benchmarks.
 *
 * Structure:
 *   - accept_main: one thread polls the listening socket and a self-pipe,
 *     accepts connections and starts one conn_main thread per connection
 *     (reaping threads that have finished).
 *   - conn_main: reads requests in a loop (read_request: request line,
 *     headers, Content-Length or chunked body), counts/records each one,
 *     picks a response (queue -> handler -> default, see serve) and writes it
 *     with as few sendmsg calls as possible (send_response).
 *   - The self-pipe is written once by mock_server_stop and never drained, so
 *     every wait (accept, delays, lingering close) wakes promptly on stop.
 *     Connection threads blocked in recv/send are woken by shutdown(2).
 * All shared state lives in struct mock_server under one mutex; the parse
 * buffers of a connection belong to its thread only.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "mock_server.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#ifndef MSG_NOSIGNAL
#define MSG_NOSIGNAL 0 /* platforms without it get SO_NOSIGPIPE below */
#endif

#define RECORD_LIMIT 4096        /* requests recorded after start/reset */
#define MAX_HEAD (256 * 1024)    /* request line + headers */
#define MAX_LINE (64 * 1024)     /* chunk-size / trailer line */
#define LINGER_MS 500            /* max wait for the client's FIN after we close */
#define IOV_BATCH 64

/* Deep copy of a mock_response: headers and body live right after the struct
 * (one allocation).  Refcounted because the default response may be replaced
 * while a connection is still sending it. */
typedef struct resp_item {
  mock_response r;
  int refs;
  struct resp_item *next;
} resp_item;

typedef struct conn {
  mock_server *s;
  int fd;            /* -1 once closed; closed only under the mutex */
  int done;          /* thread has finished; may be joined */
  size_t index;      /* connection_index for its requests */
  pthread_t th;
  struct conn *next;
  /* --- owned by the connection thread, reused across requests --- */
  char *rbuf; size_t rcap, rlen, rpos; /* receive buffer, unconsumed = [rpos, rlen) */
  char *head; size_t head_cap;         /* copy of request head, parsed in place */
  mock_header *hdrs; size_t hdrs_cap;
  char *body; size_t body_cap;
  char *wbuf; size_t wcap;             /* response head */
  mock_request req;                    /* points into head/hdrs/body */
  int want_close;                      /* client asked to close after this request */
} conn;

struct mock_server {
  pthread_mutex_t mu;
  int listen_fd, wake_rd, wake_wr, port;
  char url[48];
  pthread_t accept_th;
  int accept_started;
  int stopping, record;
  resp_item *q_head, *q_tail, *def;
  mock_handler_fn handler;
  void *payload;
  size_t n_requests, n_conns;
  mock_request *recs; size_t n_recs, recs_cap;
  conn *conns;
};

/* ------------------------------------------------------------ small helpers */

static int grow(void *pbuf, size_t *cap, size_t need, size_t elem) {
  void **buf = (void **)pbuf;
  if (need <= *cap) return 0;
  size_t n = *cap ? *cap : 64;
  while (n < need) n *= 2;
  void *p = realloc(*buf, n * elem);
  if (!p) return -1;
  *buf = p;
  *cap = n;
  return 0;
}

static int contains_ci(const char *hay, const char *needle) {
  size_t n = strlen(needle);
  for (; *hay; hay++)
    if (strncasecmp(hay, needle, n) == 0) return 1;
  return 0;
}

/* Does a block of raw "Name: value\r\n" lines contain header `name`? */
static int has_header_line(const char *lines, const char *name) {
  size_t n = strlen(name);
  for (const char *p = lines; p && *p;) {
    if (strncasecmp(p, name, n) == 0) {
      const char *q = p + n;
      while (*q == ' ' || *q == '\t') q++;
      if (*q == ':') return 1;
    }
    p = strchr(p, '\n');
    if (p) p++;
  }
  return 0;
}

static size_t resp_body_len(const mock_response *r) {
  if (!r->body) return 0;
  return r->body_len == (size_t)-1 ? strlen(r->body) : r->body_len;
}

static long ms_since(const struct timespec *t0) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (long)(t.tv_sec - t0->tv_sec) * 1000 + (t.tv_nsec - t0->tv_nsec) / 1000000;
}

/* Sleep up to ms; returns 1 early if the server is stopping, else 0. */
static int wait_stop(mock_server *s, int ms) {
  struct timespec t0;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  for (;;) {
    long left = ms - ms_since(&t0);
    struct pollfd p = {s->wake_rd, POLLIN, 0};
    int r = poll(&p, 1, left > 0 ? (int)left : 0);
    if (r > 0) return 1;
    if (r == 0 && left <= 0) return 0;
    if (r < 0 && errno != EINTR) return 0;
  }
}

static const char *reason(int status) {
  static const struct { int code; const char *text; } t[] = {
      {100, "Continue"}, {200, "OK"}, {201, "Created"}, {202, "Accepted"}, {204, "No Content"},
      {301, "Moved Permanently"}, {302, "Found"}, {304, "Not Modified"}, {400, "Bad Request"},
      {401, "Unauthorized"}, {403, "Forbidden"}, {404, "Not Found"}, {405, "Method Not Allowed"},
      {408, "Request Timeout"}, {409, "Conflict"}, {413, "Payload Too Large"},
      {415, "Unsupported Media Type"}, {422, "Unprocessable Entity"}, {429, "Too Many Requests"},
      {500, "Internal Server Error"}, {502, "Bad Gateway"}, {503, "Service Unavailable"},
      {504, "Gateway Timeout"}};
  for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
    if (t[i].code == status) return t[i].text;
  return "Status";
}

/* --------------------------------------------------- response / request copies */

static size_t resp_raw_len(const mock_response *r) {
  if (!r->raw) return 0;
  return r->raw_len == (size_t)-1 ? strlen(r->raw) : r->raw_len;
}

static resp_item *item_new(const mock_response *r) {
  size_t hl = r->headers ? strlen(r->headers) : 0, bl = resp_body_len(r), rl = resp_raw_len(r);
  resp_item *it = malloc(sizeof *it + hl + 1 + bl + 1 + rl + 1);
  if (!it) return NULL;
  char *h = (char *)(it + 1), *b = h + hl + 1, *w = b + bl + 1;
  if (hl) memcpy(h, r->headers, hl);
  h[hl] = 0;
  if (bl) memcpy(b, r->body, bl);
  b[bl] = 0;
  if (rl) memcpy(w, r->raw, rl);
  w[rl] = 0;
  it->r = *r;
  it->r.headers = h;
  it->r.body = b;
  it->r.body_len = bl;
  it->r.raw = r->raw ? w : NULL;
  it->r.raw_len = rl;
  it->refs = 1;
  it->next = NULL;
  return it;
}

static void item_release_locked(resp_item *it) {
  if (it && --it->refs == 0) free(it);
}

/* Deep copy of a request in ONE allocation: [header array][target][names and
 * values][body].  The block is owned through dst->headers (see
 * mock_request_clear). */
static int req_copy(mock_request *dst, const mock_request *src) {
  size_t tl = strlen(src->target) + 1;
  size_t sz = src->headers_count * sizeof(mock_header) + tl + src->body_len + 1;
  for (size_t i = 0; i < src->headers_count; i++)
    sz += strlen(src->headers[i].name) + strlen(src->headers[i].value) + 2;
  mock_header *blk = malloc(sz);
  if (!blk) {
    memset(dst, 0, sizeof *dst);
    return -1;
  }
  char *p = (char *)(blk + src->headers_count);
  *dst = *src;
  dst->headers = blk;
  dst->target = memcpy(p, src->target, tl);
  p += tl;
  for (size_t i = 0; i < src->headers_count; i++) {
    size_t nl = strlen(src->headers[i].name) + 1, vl = strlen(src->headers[i].value) + 1;
    blk[i].name = memcpy(p, src->headers[i].name, nl);
    p += nl;
    blk[i].value = memcpy(p, src->headers[i].value, vl);
    p += vl;
  }
  dst->body = p;
  if (src->body_len) memcpy(p, src->body, src->body_len);
  p[src->body_len] = 0;
  return 0;
}

const char *mock_request_header(const mock_request *r, const char *name) {
  for (size_t i = 0; r && i < r->headers_count; i++)
    if (strcasecmp(r->headers[i].name, name) == 0) return r->headers[i].value;
  return NULL;
}

void mock_request_clear(mock_request *r) {
  if (!r) return;
  free(r->headers); /* the whole copy lives in this block */
  memset(r, 0, sizeof *r);
}

/* ----------------------------------------------------------- socket I/O */

/* Read more bytes into rbuf (compacting or growing it); >0 read, 0 EOF/error. */
static ssize_t fill(conn *c) {
  if (c->rpos == c->rlen) c->rpos = c->rlen = 0;
  if (c->rlen == c->rcap) {
    if (c->rpos > 0) {
      memmove(c->rbuf, c->rbuf + c->rpos, c->rlen - c->rpos);
      c->rlen -= c->rpos;
      c->rpos = 0;
    } else if (grow(&c->rbuf, &c->rcap, c->rcap * 2, 1)) {
      return 0;
    }
  }
  for (;;) {
    ssize_t n = recv(c->fd, c->rbuf + c->rlen, c->rcap - c->rlen, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return 0;
    c->rlen += (size_t)n;
    return n;
  }
}

/* Send a whole iovec array, coping with partial writes; 0 ok, -1 error. */
static int send_iov(int fd, struct iovec *iov, int n) {
  while (n > 0) {
    struct msghdr m;
    memset(&m, 0, sizeof m);
    m.msg_iov = iov;
    m.msg_iovlen = (size_t)n;
    ssize_t w = sendmsg(fd, &m, MSG_NOSIGNAL);
    if (w < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    while (n > 0 && (size_t)w >= iov->iov_len) {
      w -= (ssize_t)iov->iov_len;
      iov++;
      n--;
    }
    if (n > 0) {
      iov->iov_base = (char *)iov->iov_base + w;
      iov->iov_len -= (size_t)w;
    }
  }
  return 0;
}

static int send_str(int fd, const char *str) {
  struct iovec v = {(void *)str, strlen(str)};
  return send_iov(fd, &v, 1);
}

/* Send `hlen` head bytes followed by the first `n` bytes of the infinite
 * repetition of body[0..blen), batching many pieces per sendmsg. */
static int send_payload(int fd, const char *hd, size_t hlen, const char *body, size_t blen, size_t n) {
  struct iovec iov[IOV_BATCH];
  int k = 0;
  size_t queued = 0, off = 0;
  if (hlen) iov[k++] = (struct iovec){(void *)hd, hlen};
  while (k > 0 || queued < n) {
    while (k < IOV_BATCH && queued < n) {
      size_t piece = blen - off < n - queued ? blen - off : n - queued;
      iov[k++] = (struct iovec){(void *)(body + off), piece};
      queued += piece;
      off = (off + piece) % blen;
    }
    if (send_iov(fd, iov, k)) return -1;
    k = 0;
  }
  return 0;
}

/* We decided to close: send FIN, then briefly drain what the client still
 * sends so that close() does not turn into a RST that could destroy data
 * the client has not read yet. */
static void linger_close(conn *c) {
  struct timespec t0;
  shutdown(c->fd, SHUT_WR);
  clock_gettime(CLOCK_MONOTONIC, &t0);
  for (;;) {
    long left = LINGER_MS - ms_since(&t0);
    if (left <= 0) return;
    struct pollfd p[2] = {{c->fd, POLLIN, 0}, {c->s->wake_rd, POLLIN, 0}};
    int r = poll(p, 2, (int)left);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0 || p[1].revents) return;
    if (recv(c->fd, c->rbuf, c->rcap, 0) <= 0) return;
  }
}

/* ---------------------------------------------------------- request parsing */

/* Wait for a complete request head; 1 ok (*hlen set), 0 EOF, -1 malformed. */
static int read_head(conn *c, size_t *hlen) {
  size_t scanned = 0; /* bytes after rpos already searched */
  for (;;) {
    /* tolerate empty lines before the request line (RFC 9112 2.2) */
    while (scanned == 0 && c->rlen - c->rpos >= 2 && c->rbuf[c->rpos] == '\r' && c->rbuf[c->rpos + 1] == '\n')
      c->rpos += 2;
    const char *b = c->rbuf + c->rpos;
    size_t avail = c->rlen - c->rpos;
    for (size_t i = scanned; i + 3 < avail; i++) {
      if (b[i] == '\r' && b[i + 1] == '\n' && b[i + 2] == '\r' && b[i + 3] == '\n') {
        *hlen = i + 4;
        return 1;
      }
    }
    scanned = avail > 3 ? avail - 3 : 0;
    if (avail > MAX_HEAD) return -1;
    if (fill(c) <= 0) return 0;
  }
}

/* Copy the head out of rbuf and split it in place into c->req. */
static int parse_head(conn *c, size_t hlen) {
  if (grow(&c->head, &c->head_cap, hlen + 1, 1)) return -1;
  memcpy(c->head, c->rbuf + c->rpos, hlen);
  c->head[hlen] = 0;
  c->rpos += hlen;

  /* request line: METHOD SP target SP HTTP/1.x */
  char *line = c->head, *eol = strstr(line, "\r\n");
  *eol = 0;
  char *sp1 = strchr(line, ' ');
  if (!sp1) return -1;
  *sp1 = 0;
  char *target = sp1 + 1, *sp2 = strchr(target, ' ');
  if (!sp2) return -1;
  *sp2 = 0;
  const char *version = sp2 + 1;
  size_t ml = strlen(line);
  if (ml == 0 || ml >= sizeof c->req.method || !*target) return -1;
  for (size_t i = 0; i < ml; i++)
    if (line[i] <= ' ' || line[i] >= 127) return -1;
  for (const unsigned char *t = (const unsigned char *)target; *t; t++)
    if (*t <= ' ' || *t == 127) return -1; /* raw UTF-8 allowed so tests can inspect it */
  if (strncmp(version, "HTTP/1.", 7) != 0 || version[7] < '0' || version[7] > '9' || version[8])
    return -1;
  memcpy(c->req.method, line, ml + 1);
  c->req.target = target;

  /* header fields: name ":" OWS value OWS */
  size_t n = 0;
  for (char *p = eol + 2; (eol = strstr(p, "\r\n")) != p; p = eol + 2) {
    *eol = 0;
    char *colon = strchr(p, ':');
    if (!colon || colon == p) return -1;
    for (char *q = p; q < colon; q++)
      if (*q <= ' ' || *q >= 127) return -1;
    *colon = 0;
    char *v = colon + 1, *e = eol;
    while (*v == ' ' || *v == '\t') v++;
    while (e > v && (e[-1] == ' ' || e[-1] == '\t')) *--e = 0;
    if (strpbrk(v, "\r\n")) return -1;
    if (grow(&c->hdrs, &c->hdrs_cap, n + 1, sizeof *c->hdrs)) return -1;
    c->hdrs[n].name = p;
    c->hdrs[n].value = v;
    n++;
  }
  c->req.headers = c->hdrs;
  c->req.headers_count = n;

  const char *ch = mock_request_header(&c->req, "Connection");
  if (version[7] == '0')
    c->want_close = !(ch && contains_ci(ch, "keep-alive"));
  else
    c->want_close = ch && contains_ci(ch, "close");
  return 0;
}

/* Append n bytes of body: first from rbuf, then straight from the socket. */
static int take_body(conn *c, size_t n) {
  if (grow(&c->body, &c->body_cap, c->req.body_len + n + 1, 1)) return 0;
  size_t have = c->rlen - c->rpos < n ? c->rlen - c->rpos : n;
  memcpy(c->body + c->req.body_len, c->rbuf + c->rpos, have);
  c->rpos += have;
  c->req.body_len += have;
  n -= have;
  while (n > 0) {
    ssize_t r = recv(c->fd, c->body + c->req.body_len, n, 0);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return 0;
    c->req.body_len += (size_t)r;
    n -= (size_t)r;
  }
  return 1;
}

/* Consume one LF-terminated line (CR stripped, NUL-terminated in rbuf; valid
 * until the next read).  NULL on EOF (*err = 0) or overlong line (*err = -1). */
static char *read_line(conn *c, int *err) {
  size_t scanned = 0;
  for (;;) {
    char *b = c->rbuf + c->rpos;
    size_t avail = c->rlen - c->rpos;
    char *nl = memchr(b + scanned, '\n', avail - scanned);
    if (nl) {
      *nl = 0;
      if (nl > b && nl[-1] == '\r') nl[-1] = 0;
      c->rpos += (size_t)(nl - b) + 1;
      return b;
    }
    scanned = avail;
    *err = avail > MAX_LINE ? -1 : 0;
    if (*err || fill(c) <= 0) return NULL;
  }
}

static int read_chunked(conn *c) {
  int err = 0;
  char *line;
  for (;;) {
    if (!(line = read_line(c, &err))) return err;
    char *end;
    unsigned long long sz = strtoull(line, &end, 16);
    int hex = (line[0] >= '0' && line[0] <= '9') || ((line[0] | 32) >= 'a' && (line[0] | 32) <= 'f');
    if (!hex || (*end && *end != ';' && *end != ' ' && *end != '\t') || sz > (SIZE_MAX >> 2))
      return -1;
    if (sz == 0) break;
    if (!take_body(c, (size_t)sz)) return 0;
    if (!(line = read_line(c, &err))) return err;
    if (*line) return -1; /* chunk data must be followed by CRLF */
  }
  do { /* trailer section, ignored */
    if (!(line = read_line(c, &err))) return err;
  } while (*line);
  return 1;
}

/* Read one full request into c->req: 1 ok, 0 connection closed, -1 malformed. */
static int read_request(conn *c) {
  size_t hlen;
  int r = read_head(c, &hlen);
  if (r <= 0) return r;
  if (parse_head(c, hlen)) return -1;

  const char *te = mock_request_header(&c->req, "Transfer-Encoding");
  const char *cl = mock_request_header(&c->req, "Content-Length");
  int chunked = te && contains_ci(te, "chunked");
  unsigned long long n = 0;
  if (!chunked && cl) {
    char *end;
    if (*cl < '0' || *cl > '9') return -1;
    n = strtoull(cl, &end, 10);
    if (*end || n > (SIZE_MAX >> 2)) return -1;
  }
  const char *ex = mock_request_header(&c->req, "Expect");
  if (ex && strcasecmp(ex, "100-continue") == 0 && (chunked || n > 0))
    if (send_str(c->fd, "HTTP/1.1 100 Continue\r\n\r\n")) return 0;

  c->req.body_len = 0;
  if (chunked) {
    if ((r = read_chunked(c)) <= 0) return r;
  } else if (!take_body(c, (size_t)n)) {
    return 0;
  }
  c->body[c->req.body_len] = 0; /* take_body always reserves the NUL */
  c->req.body = c->body;
  return 1;
}

/* ---------------------------------------------------------------- responses */

/* Write one response; returns 1 to keep the connection open, 0 to close. */
static int send_response(conn *c, const mock_response *r) {
  mock_server *s = c->s;
  if (r->delay_headers_ms > 0 && wait_stop(s, r->delay_headers_ms)) return 0;
  if (r->close_before_response) {
    linger_close(c);
    return 0;
  }
  if (r->raw) { /* verbatim bytes, then close */
    send_payload(c->fd, r->raw, resp_raw_len(r), NULL, 0, 0);
    linger_close(c);
    return 0;
  }
  int bodiless = (r->status >= 100 && r->status < 200) || r->status == 204 || r->status == 304;
  int is_head = strcmp(c->req.method, "HEAD") == 0;
  size_t blen = resp_body_len(r), rep = r->body_repeat > 1 ? r->body_repeat : 1;
  unsigned long long total = bodiless ? 0 : (unsigned long long)blen * rep;
  unsigned long long n = is_head ? 0 : total; /* body bytes to send */
  int keep = !c->want_close && !r->connection_close;
  if (!bodiless && r->no_content_length) keep = 0;
  int announce_close = !keep; /* the cases below are abrupt on purpose */
  if (!bodiless && !is_head) {
    if (r->content_length >= 0 && (unsigned long long)r->content_length != total) keep = 0;
    if (r->close_after_body_bytes >= 0) {
      keep = 0;
      if ((unsigned long long)r->close_after_body_bytes < n) n = (unsigned long long)r->close_after_body_bytes;
    }
  }

  /* status line + headers, built in the connection's reusable buffer */
  const char *extra = r->headers ? r->headers : "";
  size_t el = strlen(extra);
  int fix_eol = el > 0 && extra[el - 1] != '\n';
  if (grow(&c->wbuf, &c->wcap, el + 256, 1)) return 0;
  int len = snprintf(c->wbuf, c->wcap, "HTTP/1.1 %d %s\r\n", r->status, reason(r->status));
  if (!bodiless && !r->no_content_length)
    len += snprintf(c->wbuf + len, c->wcap - (size_t)len, "Content-Length: %llu\r\n",
                    r->content_length >= 0 ? (unsigned long long)r->content_length : total);
  memcpy(c->wbuf + len, extra, el);
  len += (int)el;
  len += snprintf(c->wbuf + len, c->wcap - (size_t)len, "%s%s%s\r\n", fix_eol ? "\r\n" : "",
                  has_header_line(extra, "Content-Type") ? "" : "Content-Type: application/json\r\n",
                  announce_close ? "Connection: close\r\n" : "");

  int rc;
  if (r->drip_ms > 0 && n > 0) { /* one byte at a time */
    rc = send_payload(c->fd, c->wbuf, (size_t)len, NULL, 0, 0);
    for (unsigned long long i = 0; rc == 0 && i < n; i++) {
      if (wait_stop(s, r->drip_ms)) return 0;
      rc = send_payload(c->fd, NULL, 0, r->body + i % blen, 1, 1);
    }
  } else if (r->delay_body_ms > 0 && n > 0) {
    rc = send_payload(c->fd, c->wbuf, (size_t)len, NULL, 0, 0);
    if (rc == 0 && wait_stop(s, r->delay_body_ms)) return 0;
    if (rc == 0) rc = send_payload(c->fd, NULL, 0, r->body, blen, (size_t)n);
  } else {
    rc = send_payload(c->fd, c->wbuf, (size_t)len, r->body, blen, (size_t)n);
  }
  if (rc) return 0;
  if (!keep) linger_close(c);
  return keep;
}

/* Count/record the request, pick its response and send it. */
static int serve(conn *c) {
  mock_server *s = c->s;
  resp_item *it = NULL;
  mock_handler_fn fn = NULL;
  void *payload = NULL;

  c->req.connection_index = c->index;
  pthread_mutex_lock(&s->mu);
  s->n_requests++;
  if (s->record && s->n_recs < RECORD_LIMIT &&
      grow(&s->recs, &s->recs_cap, s->n_recs + 1, sizeof *s->recs) == 0 &&
      req_copy(&s->recs[s->n_recs], &c->req) == 0)
    s->n_recs++;
  if (s->q_head) {
    it = s->q_head;
    s->q_head = it->next;
    if (!s->q_head) s->q_tail = NULL;
  } else if (s->handler) {
    fn = s->handler;
    payload = s->payload;
  } else {
    it = s->def;
    it->refs++;
  }
  pthread_mutex_unlock(&s->mu);

  int keep;
  if (fn) {
    mock_response resp = MOCK_RESPONSE_INIT;
    fn(&c->req, &resp, payload);
    keep = send_response(c, &resp);
  } else {
    keep = send_response(c, &it->r);
    pthread_mutex_lock(&s->mu);
    item_release_locked(it);
    pthread_mutex_unlock(&s->mu);
  }
  return keep;
}

/* ------------------------------------------------------------------ threads */

static void *conn_main(void *arg) {
  conn *c = arg;
  c->rcap = 16384;
  c->rbuf = malloc(c->rcap);
  if (c->rbuf && grow(&c->body, &c->body_cap, 1024, 1) == 0) {
    for (;;) {
      int r = read_request(c);
      if (r == 0) break;
      if (r < 0) {
        send_str(c->fd, "HTTP/1.1 400 Bad Request\r\nContent-Length: 25\r\n"
                        "Content-Type: application/json\r\nConnection: close\r\n\r\n"
                        "{\"error\":\"bad request\"}\r\n");
        linger_close(c);
        break;
      }
      if (!serve(c)) break;
    }
  }
  free(c->rbuf);
  free(c->head);
  free(c->hdrs);
  free(c->body);
  free(c->wbuf);
  pthread_mutex_lock(&c->s->mu);
  close(c->fd);
  c->fd = -1;
  c->done = 1; /* last touch: after this the accept thread may join and free c */
  pthread_mutex_unlock(&c->s->mu);
  return NULL;
}

/* Join and free connection threads that have finished (accept thread only). */
static void reap(mock_server *s) {
  conn *dead = NULL;
  pthread_mutex_lock(&s->mu);
  for (conn **pp = &s->conns; *pp;) {
    conn *c = *pp;
    if (c->done) {
      *pp = c->next;
      c->next = dead;
      dead = c;
    } else {
      pp = &c->next;
    }
  }
  pthread_mutex_unlock(&s->mu);
  while (dead) {
    conn *next = dead->next;
    pthread_join(dead->th, NULL);
    free(dead);
    dead = next;
  }
}

static void *accept_main(void *arg) {
  mock_server *s = arg;
  for (;;) {
    struct pollfd p[2] = {{s->listen_fd, POLLIN, 0}, {s->wake_rd, POLLIN, 0}};
    if (poll(p, 2, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (p[1].revents) break;
    if (!p[0].revents) continue;
    int fd = accept(s->listen_fd, NULL, NULL);
    if (fd < 0) {
      /* transient (EINTR, ECONNABORTED) or resource exhaustion: back off */
      int busy = errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM;
      if (wait_stop(s, busy ? 10 : 0)) break;
      continue;
    }
    int one = 1;
    fcntl(fd, F_SETFD, FD_CLOEXEC);
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
#ifdef SO_NOSIGPIPE
    setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &one, sizeof one);
#endif
    reap(s);
    conn *c = calloc(1, sizeof *c);
    if (!c) {
      close(fd);
      continue;
    }
    c->s = s;
    c->fd = fd;
    pthread_mutex_lock(&s->mu);
    c->index = s->n_conns++;
    c->next = s->conns;
    s->conns = c;
    pthread_mutex_unlock(&s->mu);
    if (pthread_create(&c->th, NULL, conn_main, c) != 0) {
      pthread_mutex_lock(&s->mu);
      s->conns = c->next; /* still the list head: only this thread links/unlinks */
      close(fd);
      pthread_mutex_unlock(&s->mu);
      free(c);
    }
  }
  return NULL;
}

/* ---------------------------------------------------------------- public API */

/* Drop queued responses, records and counters (mutex held or no threads). */
static void clear_locked(mock_server *s) {
  while (s->q_head) {
    resp_item *n = s->q_head->next;
    free(s->q_head);
    s->q_head = n;
  }
  s->q_tail = NULL;
  for (size_t i = 0; i < s->n_recs; i++) mock_request_clear(&s->recs[i]);
  s->n_recs = s->n_requests = s->n_conns = 0;
}

static void destroy(mock_server *s) {
  if (s->listen_fd >= 0) close(s->listen_fd);
  if (s->wake_rd >= 0) close(s->wake_rd);
  if (s->wake_wr >= 0) close(s->wake_wr);
  clear_locked(s);
  free(s->def);
  free(s->recs);
  pthread_mutex_destroy(&s->mu);
  free(s);
}

mock_server *mock_server_start(void) {
  mock_server *s = calloc(1, sizeof *s);
  if (!s) return NULL;
  pthread_mutex_init(&s->mu, NULL);
  s->listen_fd = s->wake_rd = s->wake_wr = -1;
  s->record = 1;

  int pfd[2];
  if (pipe(pfd) != 0) goto fail;
  s->wake_rd = pfd[0];
  s->wake_wr = pfd[1];
  fcntl(pfd[0], F_SETFD, FD_CLOEXEC);
  fcntl(pfd[1], F_SETFD, FD_CLOEXEC);

  struct sockaddr_in a;
  socklen_t alen = sizeof a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  if ((s->listen_fd = socket(AF_INET, SOCK_STREAM, 0)) < 0) goto fail;
  fcntl(s->listen_fd, F_SETFD, FD_CLOEXEC);
  if (bind(s->listen_fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(s->listen_fd, 1024) != 0 ||
      getsockname(s->listen_fd, (struct sockaddr *)&a, &alen) != 0)
    goto fail;
  s->port = ntohs(a.sin_port);
  snprintf(s->url, sizeof s->url, "http://127.0.0.1:%d", s->port);

  mock_response d = MOCK_RESPONSE_INIT;
  d.body = "{}"; /* Content-Type: application/json is added automatically */
  if (!(s->def = item_new(&d))) goto fail;
  if (pthread_create(&s->accept_th, NULL, accept_main, s) != 0) goto fail;
  return s;
fail:
  destroy(s);
  return NULL;
}

void mock_server_stop(mock_server *s) {
  if (!s) return;
  pthread_mutex_lock(&s->mu);
  s->stopping = 1;
  pthread_mutex_unlock(&s->mu);
  /* 1. wake every poll (accept loop, delays, lingering closes) */
  while (write(s->wake_wr, "x", 1) < 0 && errno == EINTR) {
  }
  shutdown(s->listen_fd, SHUT_RDWR);
  pthread_join(s->accept_th, NULL); /* from now on the conn list is fixed */
  /* 2. wake connection threads blocked in recv/send */
  pthread_mutex_lock(&s->mu);
  for (conn *c = s->conns; c; c = c->next)
    if (c->fd >= 0) shutdown(c->fd, SHUT_RDWR);
  pthread_mutex_unlock(&s->mu);
  /* 3. join them; each closes its own fd */
  while (s->conns) {
    conn *c = s->conns;
    s->conns = c->next;
    pthread_join(c->th, NULL);
    free(c);
  }
  destroy(s);
}

int mock_server_port(const mock_server *s) { return s->port; }

const char *mock_server_url(const mock_server *s) { return s->url; }

void mock_server_push(mock_server *s, const mock_response *r) {
  resp_item *it = item_new(r);
  if (!it) return;
  pthread_mutex_lock(&s->mu);
  if (s->q_tail)
    s->q_tail->next = it;
  else
    s->q_head = it;
  s->q_tail = it;
  pthread_mutex_unlock(&s->mu);
}

void mock_server_set_default(mock_server *s, const mock_response *r) {
  resp_item *it = item_new(r);
  if (!it) return;
  pthread_mutex_lock(&s->mu);
  item_release_locked(s->def); /* freed now, or by the last connection using it */
  s->def = it;
  pthread_mutex_unlock(&s->mu);
}

void mock_server_set_handler(mock_server *s, mock_handler_fn fn, void *payload) {
  pthread_mutex_lock(&s->mu);
  s->handler = fn;
  s->payload = payload;
  pthread_mutex_unlock(&s->mu);
}

static size_t read_locked(mock_server *s, const size_t *p) {
  pthread_mutex_lock(&s->mu);
  size_t n = *p;
  pthread_mutex_unlock(&s->mu);
  return n;
}

size_t mock_server_request_count(mock_server *s) { return read_locked(s, &s->n_requests); }

size_t mock_server_connection_count(mock_server *s) { return read_locked(s, &s->n_conns); }

int mock_server_request(mock_server *s, size_t i, mock_request *out) {
  int rc = -1;
  pthread_mutex_lock(&s->mu);
  if (i < s->n_recs)
    rc = req_copy(out, &s->recs[i]);
  else
    memset(out, 0, sizeof *out);
  pthread_mutex_unlock(&s->mu);
  return rc;
}

void mock_server_reset(mock_server *s) {
  pthread_mutex_lock(&s->mu);
  clear_locked(s);
  pthread_mutex_unlock(&s->mu);
}

void mock_server_set_record(mock_server *s, int on) {
  pthread_mutex_lock(&s->mu);
  s->record = on != 0;
  pthread_mutex_unlock(&s->mu);
}
