/* SPDX-License-Identifier: MIT */
/* The header-only event-loop adapters (include/intercom/adapters/): the async client driven
 * by libuv and by libevent against the scripted local server. Each test runs once per loop
 * compiled in (INTERCOM_HAVE_LIBUV, INTERCOM_HAVE_LIBEVENT).
 *
 * Run all: ./test_adapters        One loop or group: ./test_adapters libuv   ./test_adapters cancel
 * List: ./test_adapters --list    Slow machines / valgrind: IC_TEST_TIME_FACTOR=8 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <jansson.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <intercom/intercom.h>
#ifdef INTERCOM_HAVE_LIBUV
#include <intercom/adapters/libuv.h>
#endif
#ifdef INTERCOM_HAVE_LIBEVENT
#include <intercom/adapters/libevent.h>
#endif

#include "mock_server.h"
#include "testutil.h"

static mock_server *S;
#if defined(INTERCOM_HAVE_LIBUV) || defined(INTERCOM_HAVE_LIBEVENT)
static double TF = 1.0; /* time factor for upper bounds: IC_TEST_TIME_FACTOR (valgrind) */

static double now_s(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* /x/<status>/<delay ms>; /close: read the request, close without answering */
static void slow_handler(const mock_request *req, mock_response *resp, void *payload) {
    (void)payload;
    int status = 200, delay = 0;
    if (!strcmp(req->target, "/close")) {
        resp->close_before_response = 1;
        return;
    }
    if (sscanf(req->target, "/x/%d/%d", &status, &delay) >= 1) {
        resp->status = status;
        resp->delay_headers_ms = delay;
    }
    resp->body = status == 200 ? "{\"ok\":1}" : "{\"type\":\"error.list\",\"errors\":[{\"code\":\"e\"}]}";
}

static void fresh(void) {
    mock_server_reset(S);
    mock_server_set_handler(S, slow_handler, NULL);
}

static intercom_client_options opts(void) {
    intercom_client_options o = INTERCOM_CLIENT_OPTIONS_INIT;
    o.bearer_token = "tok-adapters";
    o.base_url = mock_server_url(S);
    o.retry_initial_delay = 0.001;
    o.retry_max_delay = 0.005;
    o.timeout = 10;
    return o;
}

/* ---------- completion bookkeeping ---------- */

enum { MAXREQ = 128 };

typedef struct counter {
    int calls[MAXREQ];
    intercom_code codes[MAXREQ];
    double at[MAXREQ];     /* completion time */
    int total;
    int bad_args;          /* a failure without a message, or a result on failure */
    /* chaining: a callback submits the next request */
    intercom_async_client *chain_client;
    int chain_left;
} counter;

typedef struct slot {
    counter *c;
    int i;
} slot;

static slot SLOTS[MAXREQ];

static void on_count(intercom_code code, void *result, const intercom_error *err, void *payload);

static intercom_code submit(intercom_async_client *ac, counter *c, int i, const char *path, uint64_t *id) {
    intercom_request_options ro = INTERCOM_REQUEST_OPTIONS_INIT;
    ro.async_id = id;
    SLOTS[i] = (slot){c, i};
    return intercom_async_request(ac, "GET", path, NULL, NULL, id ? &ro : NULL, on_count, &SLOTS[i]);
}

static void on_count(intercom_code code, void *result, const intercom_error *err, void *payload) {
    slot *s = payload;
    counter *c = s->c;
    c->calls[s->i]++;
    c->codes[s->i] = code;
    c->total++;
    c->at[s->i] = now_s();
    if (code != INTERCOM_OK && (!err || !err->message || result)) c->bad_args++;
    if (code == INTERCOM_OK && !result) c->bad_args++;
    intercom_response_free(result);
    if (c->chain_client && c->chain_left > 0 && code == INTERCOM_OK) {
        int next = s->i + 1;
        c->chain_left--;
        if (submit(c->chain_client, c, next, "/x/200/0", NULL) != INTERCOM_OK) c->bad_args++;
    }
}

/* ---------- one interface over each loop ---------- */

enum { RUN_IDLE, RUN_STOPPED, RUN_DEADLINE };

typedef int (*pred_fn)(void *arg);

typedef struct driver {
    const char *name;
    void (*open)(void);
    /* attach a client; the context is kept by the driver (one per client index) */
    intercom_code (*attach)(int k, intercom_async_client *c, intercom_error *err);
    /* run until the loop has nothing left to do (RUN_IDLE), until pred(arg) holds (RUN_STOPPED),
     * or for at most max_s seconds (RUN_DEADLINE) */
    int (*run)(pred_fn pred, void *arg, double max_s);
    size_t (*watched)(int k); /* sockets the adapter watches for client k */
    /* call client k's watch hook directly, as libcurl would */
    void (*watch)(int k, int fd, int events, void **socket_data);
    void (*free_ctx)(int k);
    int (*close)(void);       /* let pending closes finish, destroy the loop: 0 when nothing was left */
} driver;

static const char *run_name(int r) { return r == RUN_IDLE ? "idle" : r == RUN_STOPPED ? "stopped" : "deadline"; }

#ifdef INTERCOM_HAVE_LIBUV
static struct {
    uv_loop_t loop;
    uv_timer_t check; /* unreferenced: does not keep the loop alive */
    intercom_libuv_ctx *ctx[2];
    pred_fn pred;
    void *arg;
    double deadline;
    int outcome;
} UV;

static void uv_drv_open(void) {
    memset(&UV, 0, sizeof UV);
    CHECK(uv_loop_init(&UV.loop) == 0);
    CHECK(uv_timer_init(&UV.loop, &UV.check) == 0);
    uv_unref((uv_handle_t *)&UV.check);
}

static intercom_code uv_drv_attach(int k, intercom_async_client *c, intercom_error *err) {
    return intercom_libuv_attach(c, &UV.loop, &UV.ctx[k], err);
}

static void uv_drv_check(uv_timer_t *t) {
    (void)t;
    if (UV.pred && UV.pred(UV.arg)) {
        UV.outcome = RUN_STOPPED;
        uv_stop(&UV.loop);
    } else if (now_s() > UV.deadline) {
        UV.outcome = RUN_DEADLINE;
        uv_stop(&UV.loop);
    }
}

static int uv_drv_run(pred_fn pred, void *arg, double max_s) {
    UV.pred = pred;
    UV.arg = arg;
    UV.deadline = now_s() + max_s;
    UV.outcome = RUN_IDLE;
    if (pred && pred(arg)) return RUN_STOPPED;
    uv_timer_start(&UV.check, uv_drv_check, 5, 5);
    uv_run(&UV.loop, UV_RUN_DEFAULT); /* returns by itself only when no referenced handle is active */
    uv_timer_stop(&UV.check);
    return UV.outcome;
}

static size_t uv_drv_watched(int k) { return UV.ctx[k] ? UV.ctx[k]->nsockets : 0; }

static void uv_drv_watch(int k, int fd, int events, void **socket_data) {
    intercom_libuv__watch(fd, events, socket_data, UV.ctx[k]);
}

static void uv_drv_free_ctx(int k) {
    intercom_libuv_free(UV.ctx[k]);
    UV.ctx[k] = NULL;
}

static int uv_drv_close(void) {
    uv_close((uv_handle_t *)&UV.check, NULL);
    uv_run(&UV.loop, UV_RUN_DEFAULT); /* the close callbacks release the adapter's memory */
    int rc = uv_loop_close(&UV.loop);
    if (rc) uv_print_all_handles(&UV.loop, stderr);
    return rc;
}

static const driver LIBUV = {"libuv", uv_drv_open, uv_drv_attach, uv_drv_run, uv_drv_watched, uv_drv_watch, uv_drv_free_ctx,
                             uv_drv_close};
#endif

#ifdef INTERCOM_HAVE_LIBEVENT
static struct {
    struct event_base *base;
    struct event *check;
    intercom_libevent_ctx *ctx[2];
} EV;

static void ev_drv_nop(evutil_socket_t fd, short what, void *arg) {
    (void)fd;
    (void)what;
    (void)arg;
}

static void ev_drv_open(void) {
    memset(&EV, 0, sizeof EV);
    EV.base = event_base_new();
    CHECK(EV.base != NULL);
    EV.check = evtimer_new(EV.base, ev_drv_nop, NULL);
    CHECK(EV.check != NULL);
}

static intercom_code ev_drv_attach(int k, intercom_async_client *c, intercom_error *err) {
    return intercom_libevent_attach(c, EV.base, &EV.ctx[k], err);
}

/* event_base_dispatch() returns when no event is added or active; the same test here, with
 * a 5 ms wake-up (removed before the test) to look at pred and the deadline. */
static int ev_drv_run(pred_fn pred, void *arg, double max_s) {
    double deadline = now_s() + max_s;
    for (;;) {
        if (pred && pred(arg)) return RUN_STOPPED;
        if (!event_base_get_num_events(EV.base,
                                       EVENT_BASE_COUNT_ADDED | EVENT_BASE_COUNT_ACTIVE | EVENT_BASE_COUNT_VIRTUAL))
            return RUN_IDLE;
        if (now_s() > deadline) return RUN_DEADLINE;
        struct timeval tv = {0, 5000};
        evtimer_add(EV.check, &tv);
        event_base_loop(EV.base, EVLOOP_ONCE);
        evtimer_del(EV.check);
    }
}

static size_t ev_drv_watched(int k) { return EV.ctx[k] ? EV.ctx[k]->nsockets : 0; }

static void ev_drv_watch(int k, int fd, int events, void **socket_data) {
    intercom_libevent__watch(fd, events, socket_data, EV.ctx[k]);
}

static void ev_drv_free_ctx(int k) {
    intercom_libevent_free(EV.ctx[k]);
    EV.ctx[k] = NULL;
}

static int ev_drv_close(void) {
    int left = event_base_get_num_events(EV.base, EVENT_BASE_COUNT_ADDED | EVENT_BASE_COUNT_ACTIVE);
    event_free(EV.check);
    event_base_free(EV.base);
    EV.base = NULL;
    return left;
}

static const driver LIBEVENT = {"libevent", ev_drv_open, ev_drv_attach, ev_drv_run, ev_drv_watched,
                                ev_drv_watch, ev_drv_free_ctx, ev_drv_close};
#endif

/* ---------- the tests, for any driver ---------- */

static int pred_requests_at_least(void *arg) { return mock_server_request_count(S) >= *(size_t *)arg; }

static int pred_time_passed(void *arg) { return now_s() >= *(double *)arg; }

static void shutdown_all(const driver *d, intercom_async_client *ac, int k) {
    intercom_async_client_free(ac);
    CHECKF(d->watched(k) == 0, "%zu sockets still watched after intercom_async_client_free", d->watched(k));
    d->free_ctx(k);
}

/* 60 requests at once, one answered 500 and retried (the back-off wait is the loop's timer):
 * every callback exactly once with its code, concurrently, and the loop goes idle by itself. */
static void run_many(const driver *d) {
    fresh();
    d->open();
    intercom_client_options o = opts();
    o.retry_initial_delay = 0.05; /* long enough that the retries wait on the adapter's timer */
    o.retry_max_delay = 0.05;
    intercom_async_client *ac = NULL;
    intercom_error err = INTERCOM_ERROR_INIT;
    CHECK_CODE(intercom_async_client_new(&ac, &o, &err), INTERCOM_OK);
    CHECK_CODE(d->attach(0, ac, &err), INTERCOM_OK);
    enum { N = 60, FAILING = 5 };
    static counter cnt;
    memset(&cnt, 0, sizeof cnt);
    double t0 = now_s();
    for (int i = 0; i < N; i++)
        CHECK_CODE(submit(ac, &cnt, i, i == FAILING ? "/x/500/0" : "/x/200/200", NULL), INTERCOM_OK);
    CHECK(cnt.total == 0); /* never from inside submit */
    int r = d->run(NULL, NULL, 20 * TF);
    double el = now_s() - t0;
    CHECKF(r == RUN_IDLE, "the loop ended %s with %zu requests pending", run_name(r), intercom_async_pending(ac));
    CHECK(intercom_async_pending(ac) == 0);
    int once = 1, ok = 0;
    for (int i = 0; i < N; i++) {
        once &= cnt.calls[i] == 1;
        ok += cnt.codes[i] == INTERCOM_OK;
    }
    CHECKF(once && cnt.total == N, "%d callbacks for %d requests", cnt.total, N);
    CHECKF(ok == N - 1, "%d of %d succeeded", ok, N - 1);
    CHECK_CODE(cnt.codes[FAILING], INTERCOM_E_INTERNAL_SERVER);
    CHECK(cnt.bad_args == 0);
    CHECKF(mock_server_request_count(S) == N + 2, "%zu requests (the 500 is retried twice)",
           mock_server_request_count(S));
    /* the back-off has up to 25 % jitter below the configured delay */
    CHECKF(cnt.at[FAILING] - t0 >= 0.075, "2 x 50 ms of back-off took %.3f s", cnt.at[FAILING] - t0);
    /* sequential would be 60 x 200 ms = 12 s */
    CHECKF(el < 3.0 * TF, "60 x 200 ms requests took %.2f s", el);
    CHECKF(mock_server_connection_count(S) >= 50, "only %zu connections", mock_server_connection_count(S));
    CHECKF(d->watched(0) == 0, "%zu sockets watched while idle", d->watched(0));
    shutdown_all(d, ac, 0);
    CHECKF(d->close() == 0, "%s: handles or events left behind", d->name);
    intercom_error_clear(&err);
}

/* Cancel one request, then free the client with the rest in flight (sockets open and watched):
 * every callback exactly once, INTERCOM_E_CANCELLED, and nothing left on the loop. */
static void run_cancel(const driver *d) {
    fresh();
    d->open();
    intercom_client_options o = opts();
    intercom_async_client *ac = NULL;
    CHECK_CODE(intercom_async_client_new(&ac, &o, NULL), INTERCOM_OK);
    CHECK_CODE(d->attach(0, ac, NULL), INTERCOM_OK);
    enum { N = 60 };
    static counter cnt;
    static uint64_t ids[N];
    memset(&cnt, 0, sizeof cnt);
    for (int i = 0; i < N; i++) CHECK_CODE(submit(ac, &cnt, i, "/x/200/3000", &ids[i]), INTERCOM_OK);
    size_t want = N;
    int r = d->run(pred_requests_at_least, &want, 10 * TF);
    CHECKF(r == RUN_STOPPED, "the loop ended %s; the server saw %zu requests", run_name(r),
           mock_server_request_count(S));
    CHECK(cnt.total == 0);
    CHECKF(d->watched(0) >= N / 2, "%zu sockets watched with %d requests in flight", d->watched(0), N);

    CHECK_CODE(intercom_async_cancel(ac, ids[7]), INTERCOM_OK);
    CHECK(cnt.calls[7] == 1 && cnt.codes[7] == INTERCOM_E_CANCELLED);
    CHECK_CODE(intercom_async_cancel(ac, ids[7]), INTERCOM_E_INVALID_ARGUMENT);
    double until = now_s() + 0.05; /* the loop keeps going after a cancel */
    r = d->run(pred_time_passed, &until, 10 * TF);
    CHECKF(r == RUN_STOPPED, "the loop ended %s", run_name(r));
    CHECK(cnt.total == 1 && intercom_async_pending(ac) == N - 1);

    intercom_async_client_free(ac);
    int all_once = 1, cancelled = 0;
    for (int i = 0; i < N; i++) {
        all_once &= cnt.calls[i] == 1;
        cancelled += cnt.codes[i] == INTERCOM_E_CANCELLED;
    }
    CHECKF(all_once && cnt.total == N, "%d callbacks for %d requests", cnt.total, N);
    CHECKF(cancelled == N, "%d of %d cancelled", cancelled, N);
    CHECK(cnt.bad_args == 0);
    CHECKF(d->watched(0) == 0, "%zu sockets still watched after intercom_async_client_free", d->watched(0));
    d->free_ctx(0);
    CHECKF(d->close() == 0, "%s: handles or events left behind", d->name);
}

/* Callbacks submit the next request (the hooks are re-entered from inside a loop callback);
 * the chain reuses one keep-alive connection. */
static void run_chain(const driver *d) {
    fresh();
    d->open();
    intercom_client_options o = opts();
    intercom_async_client *ac = NULL;
    CHECK_CODE(intercom_async_client_new(&ac, &o, NULL), INTERCOM_OK);
    CHECK_CODE(d->attach(0, ac, NULL), INTERCOM_OK);
    enum { N = 25 };
    static counter cnt;
    memset(&cnt, 0, sizeof cnt);
    cnt.chain_client = ac;
    cnt.chain_left = N - 1;
    CHECK_CODE(submit(ac, &cnt, 0, "/x/200/0", NULL), INTERCOM_OK);
    int r = d->run(NULL, NULL, 10 * TF);
    CHECKF(r == RUN_IDLE, "the loop ended %s", run_name(r));
    int ok = 0;
    for (int i = 0; i < N; i++) ok += cnt.calls[i] == 1 && cnt.codes[i] == INTERCOM_OK;
    CHECKF(ok == N && cnt.total == N, "%d of %d chained requests ok (%d callbacks)", ok, N, cnt.total);
    CHECK(mock_server_request_count(S) == N);
    CHECKF(mock_server_connection_count(S) == 1, "%zu connections for a sequential chain",
           mock_server_connection_count(S));
    shutdown_all(d, ac, 0);
    CHECKF(d->close() == 0, "%s: handles or events left behind", d->name);
}

/* A retry whose back-off nothing but the adapter's timer can end: no other request, and the
 * connection idle (not watched) in between. */
static void run_retry(const driver *d) {
    fresh();
    d->open();
    intercom_client_options o = opts();
    o.retry_initial_delay = 0.15;
    o.retry_max_delay = 0.15;
    intercom_async_client *ac = NULL;
    CHECK_CODE(intercom_async_client_new(&ac, &o, NULL), INTERCOM_OK);
    CHECK_CODE(d->attach(0, ac, NULL), INTERCOM_OK);
    static counter cnt;
    memset(&cnt, 0, sizeof cnt);
    double t0 = now_s();
    CHECK_CODE(submit(ac, &cnt, 0, "/x/503/0", NULL), INTERCOM_OK);
    int r = d->run(NULL, NULL, 10 * TF);
    CHECKF(r == RUN_IDLE, "the loop ended %s", run_name(r));
    CHECK(cnt.total == 1 && cnt.calls[0] == 1);
    CHECK_CODE(cnt.codes[0], INTERCOM_E_INTERNAL_SERVER);
    CHECKF(mock_server_request_count(S) == 3, "%zu requests", mock_server_request_count(S));
    CHECKF(cnt.at[0] - t0 >= 0.225 && cnt.at[0] - t0 < 0.3 + 1.0 * TF, "2 x 150 ms (-25 %% jitter) took %.3f s",
           cnt.at[0] - t0);
    CHECK(mock_server_connection_count(S) == 1);
    shutdown_all(d, ac, 0);
    CHECKF(d->close() == 0, "%s: handles or events left behind", d->name);
}

/* A port nobody listens on. */
static int closed_port(void) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    int port = 0;
    if (fd >= 0 && !bind(fd, (struct sockaddr *)&a, sizeof a) && !getsockname(fd, (struct sockaddr *)&a, &len))
        port = ntohs(a.sin_port);
    if (fd >= 0) close(fd);
    return port;
}

/* Failures that reach the adapter as socket errors, hang-ups and libcurl timeouts. */
static void run_faults(const driver *d) {
    fresh();
    d->open();
    static counter cnt;
    memset(&cnt, 0, sizeof cnt);
    char refused_url[64];
    snprintf(refused_url, sizeof refused_url, "http://127.0.0.1:%d", closed_port());

    intercom_client_options o = opts();
    intercom_async_client *ac = NULL, *refused = NULL;
    CHECK_CODE(intercom_async_client_new(&ac, &o, NULL), INTERCOM_OK);
    CHECK_CODE(d->attach(0, ac, NULL), INTERCOM_OK);
    o.base_url = refused_url;
    CHECK_CODE(intercom_async_client_new(&refused, &o, NULL), INTERCOM_OK);
    CHECK_CODE(d->attach(1, refused, NULL), INTERCOM_OK);

    intercom_request_options ro = INTERCOM_REQUEST_OPTIONS_INIT;
    ro.max_retries = 0;
    ro.timeout = 0.3;
    SLOTS[0] = (slot){&cnt, 0};
    SLOTS[1] = (slot){&cnt, 1};
    SLOTS[2] = (slot){&cnt, 2};
    SLOTS[3] = (slot){&cnt, 3};
    /* the server closes without answering: retried, then a connection error */
    CHECK_CODE(intercom_async_request(ac, "GET", "/close", NULL, NULL, NULL, on_count, &SLOTS[0]), INTERCOM_OK);
    /* libcurl's own timeout, fired through the adapter's timer */
    CHECK_CODE(intercom_async_request(ac, "GET", "/x/200/3000", NULL, NULL, &ro, on_count, &SLOTS[1]), INTERCOM_OK);
    /* a healthy request next to them */
    CHECK_CODE(intercom_async_request(ac, "GET", "/x/200/0", NULL, NULL, NULL, on_count, &SLOTS[2]), INTERCOM_OK);
    /* connection refused */
    CHECK_CODE(intercom_async_request(refused, "GET", "/x/200/0", NULL, NULL, NULL, on_count, &SLOTS[3]),
               INTERCOM_OK);
    double t0 = now_s();
    int r = d->run(NULL, NULL, 10 * TF);
    CHECKF(r == RUN_IDLE, "the loop ended %s", run_name(r));
    CHECK(cnt.total == 4 && cnt.calls[0] == 1 && cnt.calls[1] == 1 && cnt.calls[2] == 1 && cnt.calls[3] == 1);
    CHECK_CODE(cnt.codes[0], INTERCOM_E_CONNECTION);
    CHECK_CODE(cnt.codes[1], INTERCOM_E_TIMEOUT);
    CHECK_CODE(cnt.codes[2], INTERCOM_OK);
    CHECK_CODE(cnt.codes[3], INTERCOM_E_CONNECTION);
    CHECK(cnt.bad_args == 0);
    CHECKF(cnt.at[1] - t0 >= 0.25 && cnt.at[1] - t0 < 2.0 * TF, "the 0.3 s timeout fired after %.3f s",
           cnt.at[1] - t0);
    shutdown_all(d, ac, 0);
    shutdown_all(d, refused, 1);
    CHECKF(d->close() == 0, "%s: handles or events left behind", d->name);
}

/* Two clients on one loop, interleaved; freed in either order. */
static void run_two_clients(const driver *d) {
    fresh();
    d->open();
    intercom_client_options o = opts();
    intercom_async_client *a = NULL, *b = NULL;
    CHECK_CODE(intercom_async_client_new(&a, &o, NULL), INTERCOM_OK);
    CHECK_CODE(intercom_async_client_new(&b, &o, NULL), INTERCOM_OK);
    CHECK_CODE(d->attach(0, a, NULL), INTERCOM_OK);
    CHECK_CODE(d->attach(1, b, NULL), INTERCOM_OK);
    enum { N = 40 };
    static counter cnt;
    memset(&cnt, 0, sizeof cnt);
    for (int i = 0; i < N; i++) CHECK_CODE(submit(i % 2 ? b : a, &cnt, i, "/x/200/100", NULL), INTERCOM_OK);
    int r = d->run(NULL, NULL, 10 * TF);
    CHECKF(r == RUN_IDLE, "the loop ended %s", run_name(r));
    int ok = 0;
    for (int i = 0; i < N; i++) ok += cnt.calls[i] == 1 && cnt.codes[i] == INTERCOM_OK;
    CHECKF(ok == N && cnt.total == N, "%d of %d ok", ok, N);
    /* b keeps a request in flight while a goes away */
    CHECK_CODE(submit(b, &cnt, N, "/x/200/100", NULL), INTERCOM_OK);
    CHECK_CODE(submit(a, &cnt, N + 1, "/x/200/2000", NULL), INTERCOM_OK);
    size_t want = N + 2;
    r = d->run(pred_requests_at_least, &want, 10 * TF);
    CHECK(r == RUN_STOPPED);
    shutdown_all(d, a, 0);
    CHECK(cnt.calls[N + 1] == 1 && cnt.codes[N + 1] == INTERCOM_E_CANCELLED);
    r = d->run(NULL, NULL, 10 * TF);
    CHECKF(r == RUN_IDLE, "the loop ended %s", run_name(r));
    CHECK(cnt.calls[N] == 1 && cnt.codes[N] == INTERCOM_OK);
    shutdown_all(d, b, 1);
    CHECKF(d->close() == 0, "%s: handles or events left behind", d->name);
}

/* Argument checks; an idle client attached and freed leaves nothing behind. */
static void run_attach(const driver *d) {
    fresh();
    d->open();
    intercom_client_options o = opts();
    intercom_async_client *ac = NULL;
    intercom_error err = INTERCOM_ERROR_INIT;
    CHECK_CODE(intercom_async_client_new(&ac, &o, NULL), INTERCOM_OK);
    CHECK_CODE(d->attach(0, NULL, &err), INTERCOM_E_INVALID_ARGUMENT);
    CHECK(err.code == INTERCOM_E_INVALID_ARGUMENT && err.message && strstr(err.message, "NULL"));
    intercom_error_clear(&err);

    /* too late: a request is already pending */
    static counter cnt;
    memset(&cnt, 0, sizeof cnt);
    CHECK_CODE(submit(ac, &cnt, 0, "/x/200/0", NULL), INTERCOM_OK);
    CHECK_CODE(d->attach(0, ac, &err), INTERCOM_E_INVALID_ARGUMENT);
    CHECK(err.message && strstr(err.message, "before the first request"));
    CHECK(d->watched(0) == 0);
    intercom_error_clear(&err);
    intercom_async_client_free(ac); /* never attached: cancelled by the free */
    CHECK(cnt.calls[0] == 1 && cnt.codes[0] == INTERCOM_E_CANCELLED);

    /* attached, never used */
    CHECK_CODE(intercom_async_client_new(&ac, &o, NULL), INTERCOM_OK);
    CHECK_CODE(d->attach(0, ac, &err), INTERCOM_OK);
    CHECK(err.code == INTERCOM_OK && !err.message);
    shutdown_all(d, ac, 0);
    d->free_ctx(0); /* NULL: no-op */
    CHECKF(d->close() == 0, "%s: handles or events left behind", d->name);
}

/* The adapter's free closes what it still watches: sockets the hooks were never told to
 * release (libcurl releases all of its own before intercom_async_client_free returns). The hook
 * is called directly here, on a socket pair libcurl does not know. */
static void run_leftover(const driver *d) {
    fresh();
    d->open();
    intercom_client_options o = opts();
    intercom_async_client *ac = NULL;
    CHECK_CODE(intercom_async_client_new(&ac, &o, NULL), INTERCOM_OK);
    CHECK_CODE(d->attach(0, ac, NULL), INTERCOM_OK);
    int sv[2];
    CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    void *slot0 = NULL, *slot1 = NULL;
    d->watch(0, sv[0], INTERCOM_POLL_IN, &slot0);
    d->watch(0, sv[1], INTERCOM_POLL_OUT, &slot1);
    CHECK(slot0 && slot1 && slot0 != slot1 && d->watched(0) == 2);
    d->watch(0, sv[1], INTERCOM_POLL_IN | INTERCOM_POLL_OUT, &slot1); /* change: same slot */
    CHECK(d->watched(0) == 2);
    d->watch(0, sv[1], 0, &slot1); /* release one */
    CHECK(slot1 == NULL && d->watched(0) == 1);
    intercom_async_client_free(ac);
    CHECK(d->watched(0) == 1);
    d->free_ctx(0);
    CHECKF(d->close() == 0, "%s: handles or events left behind", d->name);
    close(sv[0]);
    close(sv[1]);
}

#define FOR_DRIVER(drv, id)                                         \
    static void id##_many(void) { run_many(&drv); }                 \
    static void id##_cancel(void) { run_cancel(&drv); }             \
    static void id##_chain(void) { run_chain(&drv); }               \
    static void id##_retry(void) { run_retry(&drv); }               \
    static void id##_faults(void) { run_faults(&drv); }             \
    static void id##_two_clients(void) { run_two_clients(&drv); }   \
    static void id##_attach(void) { run_attach(&drv); }             \
    static void id##_leftover(void) { run_leftover(&drv); }
#define DRIVER_TESTS(id)                                                                \
    {#id "_many", id##_many}, {#id "_cancel", id##_cancel}, {#id "_chain", id##_chain}, \
        {#id "_retry", id##_retry}, {#id "_faults", id##_faults}, {#id "_two_clients", id##_two_clients},          \
        {#id "_attach", id##_attach}, {#id "_leftover", id##_leftover},

#ifdef INTERCOM_HAVE_LIBUV
FOR_DRIVER(LIBUV, libuv)
#endif
#ifdef INTERCOM_HAVE_LIBEVENT
FOR_DRIVER(LIBEVENT, libevent)
#endif
#endif /* a loop */

static const ic_test tests[] = {
#ifdef INTERCOM_HAVE_LIBUV
    DRIVER_TESTS(libuv)
#endif
#ifdef INTERCOM_HAVE_LIBEVENT
    DRIVER_TESTS(libevent)
#endif
    {NULL, NULL},
};

int main(int argc, char **argv) {
#if defined(INTERCOM_HAVE_LIBUV) || defined(INTERCOM_HAVE_LIBEVENT)
    if (getenv("IC_TEST_TIME_FACTOR")) TF = atof(getenv("IC_TEST_TIME_FACTOR"));
#else
    puts("built without libuv and libevent: nothing to test");
#endif
    S = mock_server_start();
    if (!S) {
        fprintf(stderr, "cannot start the mock server\n");
        return 1;
    }
    int rc = ic_test_run(tests, argc, argv);
    mock_server_stop(S);
    return rc;
}
