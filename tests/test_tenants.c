/* SPDX-License-Identifier: MIT */
/* One client for many workspaces (issue 9 part 4): per-request bearer tokens and regions over one
 * connection per host, rate-limit pacing per workspace, the bounded in-process store of windows, and
 * a Redis-shared window across four processes (adapters/hiredis.h, when hiredis and redis-server are
 * installed). Peers: the scripted server (tests/support/mock_server.c) and a redis-server on a free
 * port of 127.0.0.1. Internal headers: linked statically. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <math.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <intercom/intercom.h>
#ifdef INTERCOM_HAVE_HIREDIS
#include <intercom/adapters/hiredis.h>
#endif

#include "mock_server.h"
#include "runtime/internal.h"
#include "testutil.h"

static mock_server *S, *S2;
static char self_exe[4096]; /* this program (argv[0]: under valgrind, /proc/self/exe is valgrind's) */

static double mono(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static intercom_client *client_for(const char *url, int pace, const intercom_rate_limit_store *store) {
    intercom_client_options o = INTERCOM_CLIENT_OPTIONS_INIT;
    o.bearer_token = "tok-client-default";
    o.base_url = url;
    o.max_retries = 0;
    o.pace_rate_limit = pace;
    o.rate_limit_store = store;
    intercom_client *c = NULL;
    intercom_error err = INTERCOM_ERROR_INIT;
    CHECKF(intercom_client_new(&c, &o, &err) == INTERCOM_OK, "%s", err.message);
    intercom_error_clear(&err);
    return c;
}

static intercom_code get_me(intercom_client *c, const intercom_request_options *ro, intercom_error *err) {
    intercom_response *resp = NULL;
    intercom_code rc = intercom_request(c, "GET", "/me", NULL, NULL, ro, &resp, err);
    intercom_response_free(resp);
    return rc;
}

static void ok_json(void) {
    mock_response r = MOCK_RESPONSE_INIT;
    r.headers = "Content-Type: application/json\r\n";
    r.body = "{\"type\":\"admin\",\"id\":\"1\"}";
    mock_server_set_default(S, &r);
    mock_server_set_default(S2, &r);
}

/* The Authorization header of the i-th recorded request of @p s, copied into @p out. */
static const char *auth_of(mock_server *s, size_t i, char *out, size_t n) {
    mock_request q;
    out[0] = '\0';
    if (mock_server_request(s, i, &q)) return out;
    const char *a = mock_request_header(&q, "Authorization");
    snprintf(out, n, "%s", a ? a : "");
    mock_request_clear(&q);
    return out;
}

/* Sync: the client's token, then two workspaces' tokens, alternating, on one connection. */
static void test_tokens_one_connection(void) {
    ok_json();
    mock_server_reset(S);
    intercom_client *c = client_for(mock_server_url(S), 0, NULL);
    intercom_request_options a = INTERCOM_REQUEST_OPTIONS_INIT, b = INTERCOM_REQUEST_OPTIONS_INIT;
    a.bearer_token = "tok-workspace-A";
    b.bearer_token = "tok-workspace-B";
    intercom_error err = INTERCOM_ERROR_INIT;
    CHECK_CODE(get_me(c, NULL, &err), INTERCOM_OK);
    for (int i = 0; i < 3; i++) {
        CHECK_CODE(get_me(c, &a, &err), INTERCOM_OK);
        CHECK_CODE(get_me(c, &b, &err), INTERCOM_OK);
    }
    CHECK_CODE(get_me(c, NULL, &err), INTERCOM_OK);
    CHECK(mock_server_request_count(S) == 8);
    CHECKF(mock_server_connection_count(S) == 1, "%zu connections", mock_server_connection_count(S));
    char h[256];
    CHECK_STR(auth_of(S, 0, h, sizeof h), "Bearer tok-client-default");
    CHECK_STR(auth_of(S, 1, h, sizeof h), "Bearer tok-workspace-A");
    CHECK_STR(auth_of(S, 2, h, sizeof h), "Bearer tok-workspace-B");
    CHECK_STR(auth_of(S, 5, h, sizeof h), "Bearer tok-workspace-A");
    CHECK_STR(auth_of(S, 6, h, sizeof h), "Bearer tok-workspace-B");
    CHECK_STR(auth_of(S, 7, h, sizeof h), "Bearer tok-client-default");
    /* a per-request token together with extra headers and another API version */
    intercom_kv extra[] = {{"X-Trace", "t1"}, {NULL, NULL}};
    a.extra_headers = extra;
    a.api_version = "2.15";
    CHECK_CODE(get_me(c, &a, &err), INTERCOM_OK);
    mock_request q;
    CHECK(mock_server_request(S, 8, &q) == 0);
    CHECK_STR(mock_request_header(&q, "Authorization"), "Bearer tok-workspace-A");
    CHECK_STR(mock_request_header(&q, "X-Trace"), "t1");
    CHECK_STR(mock_request_header(&q, "Intercom-Version"), "2.15");
    CHECK(q.headers_count > 0);
    size_t nauth = 0;
    for (size_t i = 0; i < q.headers_count; i++) nauth += !strcasecmp(q.headers[i].name, "Authorization");
    CHECK(nauth == 1);
    mock_request_clear(&q);
    intercom_error_clear(&err);
    intercom_client_free(c);
}

typedef struct async_count {
    int done, ok;
} async_count;

static void on_done(intercom_code code, void *result, const intercom_error *err, void *payload) {
    (void)err;
    async_count *n = payload;
    n->done++;
    n->ok += code == INTERCOM_OK;
    intercom_response_free(result);
}

/* Async: ten workspaces' requests in turn over one connection. */
static void test_tokens_async(void) {
    ok_json();
    mock_server_reset(S);
    intercom_client_options o = INTERCOM_CLIENT_OPTIONS_INIT;
    o.bearer_token = "tok-client-default";
    o.base_url = mock_server_url(S);
    intercom_async_client *ac = NULL;
    intercom_error err = INTERCOM_ERROR_INIT;
    CHECKF(intercom_async_client_new(&ac, &o, &err) == INTERCOM_OK, "%s", err.message);
    async_count n = {0, 0};
    char tok[10][32];
    for (int i = 0; i < 10; i++) { /* one at a time: the connection is reused, not opened in parallel */
        intercom_request_options ro = INTERCOM_REQUEST_OPTIONS_INIT;
        snprintf(tok[i], sizeof tok[i], "tok-ws-%d", i);
        ro.bearer_token = tok[i];
        CHECK_CODE(intercom_async_request(ac, "GET", "/me", NULL, NULL, &ro, on_done, &n), INTERCOM_OK);
        intercom_async_run_until_idle(ac);
    }
    CHECK(n.done == 10 && n.ok == 10);
    CHECKF(mock_server_connection_count(S) == 1, "%zu connections", mock_server_connection_count(S));
    char h[256];
    for (int i = 0; i < 10; i++) {
        char want[400];
        snprintf(want, sizeof want, "Bearer %s", tok[i]);
        CHECK_STR(auth_of(S, (size_t)i, h, sizeof h), want);
    }
    intercom_async_client_free(ac);
    intercom_error_clear(&err);
}

/* Two "regions" (two local servers): per-request base_url and tokens; one connection per host. */
static void test_regions(void) {
    ok_json();
    mock_server_reset(S);
    mock_server_reset(S2);
    intercom_client *c = client_for(mock_server_url(S), 0, NULL);
    intercom_request_options eu = INTERCOM_REQUEST_OPTIONS_INIT, us = INTERCOM_REQUEST_OPTIONS_INIT;
    char base2[128];
    snprintf(base2, sizeof base2, "%s/", mock_server_url(S2)); /* a trailing slash is dropped, as the client's */
    eu.base_url = base2;
    eu.bearer_token = "tok-eu-workspace";
    us.bearer_token = "tok-us-workspace";
    intercom_error err = INTERCOM_ERROR_INIT;
    for (int i = 0; i < 4; i++) {
        CHECK_CODE(get_me(c, &eu, &err), INTERCOM_OK);
        CHECK_CODE(get_me(c, &us, &err), INTERCOM_OK);
    }
    CHECK(mock_server_request_count(S) == 4 && mock_server_request_count(S2) == 4);
    CHECK(mock_server_connection_count(S) == 1 && mock_server_connection_count(S2) == 1);
    char h[256];
    CHECK_STR(auth_of(S, 3, h, sizeof h), "Bearer tok-us-workspace");
    CHECK_STR(auth_of(S2, 3, h, sizeof h), "Bearer tok-eu-workspace");
    mock_request q;
    CHECK(mock_server_request(S2, 0, &q) == 0);
    CHECK_STR(q.target, "/me");
    mock_request_clear(&q);
    intercom_error_clear(&err);
    intercom_client_free(c);
}

typedef struct logbuf {
    ic_test_buf text;
} logbuf;

static void log_to(intercom_log_level lvl, const char *line, void *payload) {
    (void)lvl;
    logbuf *l = payload;
    ic_test_buf_add(&l->text, line, strlen(line));
    ic_test_buf_add(&l->text, "\n", 1);
}

static int connect_to_closed(void *curl, void *payload) { /* "eu" resolves to a closed local port */
    struct curl_slist *l = payload;
    return curl_easy_setopt(curl, CURLOPT_CONNECT_TO, l) != CURLE_OK;
}

/* environment per request: the region's host, without touching the network; the token is never logged;
 * bad per-request values fail before anything is sent. */
static void test_environment_and_errors(void) {
    ok_json();
    mock_server_reset(S);
    logbuf log = {{0}};
    struct curl_slist *ct = curl_slist_append(NULL, "api.eu.intercom.io:443:127.0.0.1:1");
    intercom_client_options o = INTERCOM_CLIENT_OPTIONS_INIT;
    o.bearer_token = "tok-client-default";
    o.base_url = mock_server_url(S);
    o.max_retries = 0;
    o.connect_timeout = 2;
    o.log_level = INTERCOM_LOG_DEBUG;
    o.log_fn = log_to;
    o.log_payload = &log;
    o.curl_hook = connect_to_closed;
    o.curl_hook_payload = ct;
    intercom_client *c = NULL;
    intercom_error err = INTERCOM_ERROR_INIT;
    CHECK(intercom_client_new(&c, &o, &err) == INTERCOM_OK);
    intercom_request_options ro = INTERCOM_REQUEST_OPTIONS_INIT;
    ro.environment = "eu";
    ro.bearer_token = "tok-SECRET-eu-7781";
    CHECK_CODE(get_me(c, &ro, &err), INTERCOM_E_CONNECTION);
    CHECKF(log.text.data && strstr(log.text.data, "GET https://api.eu.intercom.io/me"), "%s", log.text.data);
    CHECK(log.text.data && strstr(log.text.data, "Authorization: [redacted]"));
    CHECK(log.text.data && !strstr(log.text.data, "SECRET"));
    CHECK(!err.message || !strstr(err.message, "SECRET"));
    ro.bearer_token = NULL;
    CHECK_CODE(get_me(c, &ro, &err), INTERCOM_E_CONNECTION);
    CHECK(mock_server_request_count(S) == 0);

    intercom_request_options bad = INTERCOM_REQUEST_OPTIONS_INIT;
    bad.environment = "mars";
    CHECK_CODE(get_me(c, &bad, &err), INTERCOM_E_INVALID_ARGUMENT);
    CHECK(err.message && strstr(err.message, "mars"));
    bad.environment = "eu";
    bad.base_url = mock_server_url(S);
    CHECK_CODE(get_me(c, &bad, &err), INTERCOM_E_INVALID_ARGUMENT);
    CHECK(err.message && strstr(err.message, "choose one"));
    bad.environment = NULL;
    bad.base_url = "ftp://example.com";
    CHECK_CODE(get_me(c, &bad, &err), INTERCOM_E_INVALID_ARGUMENT);
    bad.base_url = "https://user:pw@example.com";
    CHECK_CODE(get_me(c, &bad, &err), INTERCOM_E_INVALID_ARGUMENT);
    CHECK(err.message && !strstr(err.message, "pw@"));
    bad.base_url = NULL;
    bad.bearer_token = "";
    CHECK_CODE(get_me(c, &bad, &err), INTERCOM_E_INVALID_ARGUMENT);
    bad.bearer_token = "tok\r\nX-Injected: 1";
    CHECK_CODE(get_me(c, &bad, &err), INTERCOM_E_INVALID_ARGUMENT);
    CHECK(err.message && !strstr(err.message, "Injected"));
    bad.bearer_token = NULL;
    bad.version = 3;
    CHECK_CODE(get_me(c, &bad, &err), INTERCOM_E_INVALID_ARGUMENT);
    CHECK(mock_server_request_count(S) == 0);
    intercom_error_clear(&err);
    intercom_client_free(c);
    curl_slist_free_all(ct);
    free(log.text.data);
}

/* Structs of version 1 (before bearer_token, environment and base_url) are read only up to their end:
 * allocated at exactly that size, so ASan/valgrind see any read beyond. */
static void test_old_versions(void) {
    ok_json();
    mock_server_reset(S);
    size_t n1 = offsetof(intercom_request_options, bearer_token);
    intercom_request_options full = INTERCOM_REQUEST_OPTIONS_INIT;
    full.version = 1;
    intercom_kv extra[] = {{"X-Old", "v1"}, {NULL, NULL}};
    full.extra_headers = extra;
    intercom_request_options *v1 = malloc(n1);
    memcpy(v1, &full, n1);
    intercom_client *c = client_for(mock_server_url(S), 0, NULL);
    intercom_error err = INTERCOM_ERROR_INIT;
    CHECK_CODE(get_me(c, v1, &err), INTERCOM_OK);
    mock_request q;
    CHECK(mock_server_request(S, 0, &q) == 0);
    CHECK_STR(mock_request_header(&q, "X-Old"), "v1");
    CHECK_STR(mock_request_header(&q, "Authorization"), "Bearer tok-client-default");
    mock_request_clear(&q);
    free(v1);
    intercom_client_free(c);

    size_t c1 = offsetof(intercom_client_options, rate_limit_store);
    intercom_client_options cfull = INTERCOM_CLIENT_OPTIONS_INIT;
    cfull.version = 2; /* version 2: through allocator, without rate_limit_store */
    cfull.bearer_token = "tok-v1-client";
    cfull.base_url = mock_server_url(S);
    intercom_client_options *co = malloc(c1);
    memcpy(co, &cfull, c1);
    c = NULL;
    CHECK_CODE(intercom_client_new(&c, co, &err), INTERCOM_OK);
    CHECK_CODE(get_me(c, NULL, &err), INTERCOM_OK);
    char h[256];
    CHECK_STR(auth_of(S, 1, h, sizeof h), "Bearer tok-v1-client");
    intercom_client_free(c);
    free(co);
    cfull.version = INTERCOM_CLIENT_OPTIONS_VERSION + 1;
    CHECK_CODE(intercom_client_new(&c, &cfull, &err), INTERCOM_E_INVALID_ARGUMENT);
    intercom_rate_limit_store broken = {INTERCOM_RATE_LIMIT_STORE_VERSION, NULL, NULL, NULL};
    cfull.version = INTERCOM_CLIENT_OPTIONS_VERSION;
    cfull.rate_limit_store = &broken;
    CHECK_CODE(intercom_client_new(&c, &cfull, &err), INTERCOM_E_INVALID_ARGUMENT);
    intercom_error_clear(&err);
}

/* Workspace A's window is used up (X-RateLimit-Remaining: 0 until the next second but one): A's next
 * request is held until then, B's are not held at all. */
static void pacing_handler(const mock_request *req, mock_response *resp, void *payload) {
    (void)payload;
    static __thread char hdr[256];
    const char *auth = mock_request_header(req, "Authorization");
    long long reset = (long long)time(NULL) + 2;
    int a = auth && strstr(auth, "tok-paced-A");
    snprintf(hdr, sizeof hdr,
             "Content-Type: application/json\r\nX-RateLimit-Limit: 100\r\nX-RateLimit-Remaining: %d\r\n"
             "X-RateLimit-Reset: %lld\r\n", a ? 0 : 99, reset);
    resp->headers = hdr;
    resp->body = "{\"type\":\"admin\",\"id\":\"1\"}";
}

static void test_pacing_per_workspace(void) {
    mock_server_reset(S);
    mock_server_set_handler(S, pacing_handler, NULL);
    intercom_client *c = client_for(mock_server_url(S), 1, NULL);
    intercom_request_options a = INTERCOM_REQUEST_OPTIONS_INIT, b = INTERCOM_REQUEST_OPTIONS_INIT;
    a.bearer_token = "tok-paced-A";
    b.bearer_token = "tok-paced-B";
    intercom_error err = INTERCOM_ERROR_INIT;
    CHECK_CODE(get_me(c, &a, &err), INTERCOM_OK); /* A: window used up, until the second after next */
    double t0 = mono();
    for (int i = 0; i < 5; i++) CHECK_CODE(get_me(c, &b, &err), INTERCOM_OK);
    double tb = mono() - t0;
    CHECK_CODE(get_me(c, NULL, &err), INTERCOM_OK); /* the client's own token: another workspace */
    double tc = mono() - t0;
    CHECKF(tb < 0.5 && tc < 0.5, "workspace B held %.3f s, the client's token %.3f s", tb, tc);
    t0 = mono();
    CHECK_CODE(get_me(c, &a, &err), INTERCOM_OK);
    double ta = mono() - t0;
    CHECKF(ta > 0.9, "workspace A was not held (%.3f s)", ta);
    CHECK(mock_server_request_count(S) == 8);

    /* async: A (held) and B submitted together, B completes first */
    intercom_client_options o = INTERCOM_CLIENT_OPTIONS_INIT;
    o.bearer_token = "tok-client-default";
    o.base_url = mock_server_url(S);
    o.pace_rate_limit = 1;
    intercom_async_client *ac = NULL;
    CHECK(intercom_async_client_new(&ac, &o, &err) == INTERCOM_OK);
    async_count na = {0, 0}, nb = {0, 0};
    CHECK_CODE(intercom_async_request(ac, "GET", "/me", NULL, NULL, &a, on_done, &na), INTERCOM_OK);
    intercom_async_run_until_idle(ac); /* A's window now used up */
    t0 = mono();
    CHECK_CODE(intercom_async_request(ac, "GET", "/me", NULL, NULL, &a, on_done, &na), INTERCOM_OK);
    CHECK_CODE(intercom_async_request(ac, "GET", "/me", NULL, NULL, &b, on_done, &nb), INTERCOM_OK);
    while (nb.done < 1 && mono() - t0 < 5) intercom_async_run(ac, 50);
    double tb2 = mono() - t0;
    CHECKF(nb.ok == 1 && na.done == 1 && tb2 < 0.5, "B done %d after %.3f s, A done %d", nb.done, tb2, na.done);
    intercom_async_run_until_idle(ac);
    CHECKF(na.ok == 2 && mono() - t0 > 0.9, "A done %d after %.3f s", na.ok, mono() - t0);
    intercom_async_client_free(ac);
    mock_server_set_handler(S, NULL, NULL);
    intercom_error_clear(&err);
    intercom_client_free(c);
}

/* The in-process store stays bounded: at most max_keys entries (least recently used dropped), idle ones
 * expire; a client keeps one entry per workspace it paced. */
static void test_store_bounded(void) {
    ic_rl_mem *m = ic_rl_mem_new(NULL, 1000);
    char key[INTERCOM_RATE_LIMIT_KEY_LEN + 1], tok[32];
    double w;
    for (int i = 0; i < 5000; i++) {
        snprintf(tok, sizeof tok, "tok-%d", i);
        CHECK(ic_rl_key(tok, key) == 0);
        CHECK(ic_rl_mem_acquire(m, key, 1000.0, &w) == 0 && w == 0);
        intercom_rate_limit rl = {100, 50, 1001};
        ic_rl_mem_release(m, key, &rl, 1000.0);
    }
    CHECKF(ic_rl_mem_count(m) == 1000, "%zu entries", ic_rl_mem_count(m));
    size_t bytes = ic_rl_mem_bytes(m);
    printf("in-process store: %zu bytes for %zu workspaces (%.1f bytes each)\n", bytes, ic_rl_mem_count(m),
           (double)bytes / (double)ic_rl_mem_count(m));
    CHECK(bytes / 1000 < 200);
    /* the most recent key is still known: its window (50 left, reset 1001) */
    CHECK(ic_rl_mem_acquire(m, key, 1000.5, &w) == 0 && w == 0);
    ic_rl_mem_release(m, key, NULL, 1000.5);
    /* idle for longer than the expiry: other keys' calls drop them */
    for (int i = 0; i < 600; i++) {
        snprintf(tok, sizeof tok, "late-%d", i);
        ic_rl_key(tok, key);
        ic_rl_mem_acquire(m, key, 2000.0, &w);
        ic_rl_mem_release(m, key, NULL, 2000.0);
    }
    CHECKF(ic_rl_mem_count(m) <= 600, "%zu entries after the idle ones expired", ic_rl_mem_count(m));
    /* a used-up window holds until its reset; a passed window lets one probe through at a time */
    ic_rl_key("tok-window", key);
    CHECK(ic_rl_mem_acquire(m, key, 3000.0, &w) == 0 && w == 0);
    intercom_rate_limit rl0 = {10, 0, 3002};
    ic_rl_mem_release(m, key, &rl0, 3000.1);
    CHECK(ic_rl_mem_acquire(m, key, 3000.5, &w) == 0 && w > 1.4 && w < 1.6);
    CHECK(ic_rl_mem_acquire(m, key, 3002.0, &w) == 0 && w == 0);  /* the probe */
    CHECK(ic_rl_mem_acquire(m, key, 3002.0, &w) == 0 && w > 0);   /* another waits for its answer */
    intercom_rate_limit rl1 = {10, 9, 3003};
    ic_rl_mem_release(m, key, &rl1, 3002.1);
    for (int i = 0; i < 9; i++) CHECK(ic_rl_mem_acquire(m, key, 3002.2, &w) == 0 && w == 0);
    CHECK(ic_rl_mem_acquire(m, key, 3002.2, &w) == 0 && w > 0.7); /* the tenth of the window waits */
    ic_rl_mem_free(m);

    /* through a client: one entry per paced workspace */
    ok_json();
    mock_server_reset(S);
    intercom_client *c = client_for(mock_server_url(S), 1, NULL);
    intercom_error err = INTERCOM_ERROR_INIT;
    for (int i = 0; i < 50; i++) {
        intercom_request_options ro = INTERCOM_REQUEST_OPTIONS_INIT;
        snprintf(tok, sizeof tok, "tok-many-%d", i);
        ro.bearer_token = tok;
        CHECK_CODE(get_me(c, &ro, &err), INTERCOM_OK);
    }
    CHECKF(ic_rl_mem_count(ic_client_rl_mem(c)) == 50, "%zu", ic_rl_mem_count(ic_client_rl_mem(c)));
    CHECK(mock_server_connection_count(S) == 1);
    intercom_client_free(c);
    intercom_error_clear(&err);
    char k2[INTERCOM_RATE_LIMIT_KEY_LEN + 1];
    CHECK_CODE(intercom_rate_limit_key("abc", k2, NULL), INTERCOM_OK);
    CHECK_STR(k2, "ba7816bf8f01cfea414140de5dae2223"); /* SHA-256("abc"), first 16 bytes */
    CHECK_CODE(intercom_rate_limit_key(NULL, k2, NULL), INTERCOM_E_INVALID_ARGUMENT);
}

/* ---------- the Redis-shared window, four processes ---------- */

#define WINDOW_N 20     /* requests per one-second window */
#define PER_WORKER 15   /* requests of each of the four workers */

static pthread_mutex_t win_lock = PTHREAD_MUTEX_INITIALIZER;
static long long win_second;
static int win_count, win_429;

/* The server's window: WINDOW_N requests per wall-clock second of one token; beyond them 429. */
static void window_handler(const mock_request *req, mock_response *resp, void *payload) {
    (void)req, (void)payload;
    static __thread char hdr[256];
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    pthread_mutex_lock(&win_lock);
    if (ts.tv_sec != win_second) win_second = ts.tv_sec, win_count = 0;
    int n = ++win_count, over = n > WINDOW_N;
    win_429 += over;
    pthread_mutex_unlock(&win_lock);
    snprintf(hdr, sizeof hdr,
             "Content-Type: application/json\r\nX-RateLimit-Limit: %d\r\nX-RateLimit-Remaining: %d\r\n"
             "X-RateLimit-Reset: %lld\r\n", WINDOW_N, over ? 0 : WINDOW_N - n, (long long)ts.tv_sec + 1);
    resp->status = over ? 429 : 200;
    resp->headers = hdr;
    resp->body = over ? "{\"type\":\"error.list\",\"errors\":[{\"code\":\"rate_limit_exceeded\"}]}"
                      : "{\"type\":\"admin\",\"id\":\"1\"}";
}

/* A worker process: PER_WORKER requests of one shared token, paced, through Redis when a port is given.
 * Exit status: the number of 429s it got. */
static int worker(const char *url, int redis_port, double start) {
    intercom_rate_limit_store *store = NULL;
#ifdef INTERCOM_HAVE_HIREDIS
    redisContext *redis = NULL;
    intercom_hiredis_store hs;
    if (redis_port > 0) {
        redis = redisConnect("127.0.0.1", redis_port);
        intercom_error e = INTERCOM_ERROR_INIT;
        if (!redis || redis->err || intercom_hiredis_store_init(&hs, redis, "test:rl:", &e)) return 100;
        store = &hs.store;
    }
#else
    (void)redis_port;
#endif
    intercom_client_options o = INTERCOM_CLIENT_OPTIONS_INIT;
    o.bearer_token = "tok-worker-default";
    o.base_url = url;
    o.max_retries = 0;
    o.pace_rate_limit = redis_port >= 0; /* -1: no pacing at all; 0: each process paces itself */
    o.rate_limit_store = store;
    intercom_client *c = NULL;
    if (intercom_client_new(&c, &o, NULL)) return 101;
    intercom_request_options ro = INTERCOM_REQUEST_OPTIONS_INIT;
    ro.bearer_token = "tok-shared-workspace";
    int n429 = 0;
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    double left = start - ((double)now.tv_sec + (double)now.tv_nsec / 1e9);
    if (left > 0) usleep((useconds_t)(left * 1e6)); /* the four start together (slow under valgrind) */
    for (int i = 0; i < PER_WORKER; i++) {
        intercom_error err = INTERCOM_ERROR_INIT;
        intercom_code rc = get_me(c, &ro, &err);
        n429 += rc != INTERCOM_OK && err.status == 429;
        intercom_error_clear(&err);
    }
    intercom_client_free(c);
#ifdef INTERCOM_HAVE_HIREDIS
    if (redis) intercom_hiredis_store_destroy(&hs), redisFree(redis);
#endif
    return n429;
}

/* Four workers at once (fresh processes: fork and exec of this binary). Returns the server's 429s. */
static int run_workers(int redis_port) {
    mock_server_reset(S);
    pthread_mutex_lock(&win_lock);
    win_429 = 0;
    pthread_mutex_unlock(&win_lock);
    mock_server_set_handler(S, window_handler, NULL);
    pid_t pids[4];
    char port[16], start[32];
    snprintf(port, sizeof port, "%d", redis_port);
    const char *tf = getenv("IC_TEST_TIME_FACTOR");
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    /* a whole second later than the workers need to start, so the server's window of that second holds
     * nothing of the previous run (the first requests of a workspace go before any window is known) */
    snprintf(start, sizeof start, "%.3f", (double)now.tv_sec + 1 + ceil(0.5 * (tf && atoi(tf) > 0 ? atoi(tf) : 1)) + 0.05);
    for (int i = 0; i < 4; i++) {
        if ((pids[i] = fork()) == 0) {
            execl(self_exe, "test_tenants", "--worker", mock_server_url(S), port, start, (char *)NULL);
            _exit(127);
        }
    }
    int worker_429 = 0;
    for (int i = 0; i < 4; i++) {
        int st = 0;
        waitpid(pids[i], &st, 0);
        CHECKF(WIFEXITED(st) && WEXITSTATUS(st) <= PER_WORKER, "worker %d: status %d", i, st);
        if (WIFEXITED(st) && WEXITSTATUS(st) <= PER_WORKER) worker_429 += WEXITSTATUS(st);
    }
    mock_server_set_handler(S, NULL, NULL);
    pthread_mutex_lock(&win_lock);
    int n = win_429;
    pthread_mutex_unlock(&win_lock);
    CHECKF(n == worker_429, "server answered %d 429s, the workers saw %d", n, worker_429);
    CHECK(mock_server_request_count(S) == 4 * PER_WORKER);
    return n;
}

static int free_port(void) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    int port = -1;
    if (fd >= 0 && !bind(fd, (struct sockaddr *)&a, sizeof a) && !getsockname(fd, (struct sockaddr *)&a, &len))
        port = ntohs(a.sin_port);
    if (fd >= 0) close(fd);
    return port;
}

static void test_redis_shared_window(void) {
#ifndef INTERCOM_HAVE_HIREDIS
    printf("skipped: built without hiredis (libhiredis-dev)\n");
#else
    if (access("/usr/bin/redis-server", X_OK)) {
        printf("skipped: no /usr/bin/redis-server (Debian redis-server)\n");
        return;
    }
    int port = free_port();
    CHECK(port > 0);
    char ports[16];
    snprintf(ports, sizeof ports, "%d", port);
    pid_t rs = fork();
    if (rs == 0) {
        int devnull = open("/dev/null", O_WRONLY);
        if (devnull >= 0) dup2(devnull, 1), dup2(devnull, 2);
        execl("/usr/bin/redis-server", "redis-server", "--port", ports, "--bind", "127.0.0.1", "--save", "",
              "--appendonly", "no", "--loglevel", "warning", (char *)NULL);
        _exit(127);
    }
    redisContext *r = NULL;
    for (int i = 0; i < 100; i++) { /* up to 5 s for the server to listen */
        if ((r = redisConnect("127.0.0.1", port)) && !r->err) break;
        if (r) redisFree(r), r = NULL;
        usleep(50000);
    }
    CHECKF(r != NULL, "redis-server did not start on port %d", port);
    if (r) redisFree(r);

    /* without a shared store the server answers 429s: without pacing, and (fewer) when each process paces
     * only itself (measured, not judged: racing processes may or may not overrun the window) */
    int unpaced = run_workers(-1);
    CHECKF(unpaced > 0, "without the shared store, no 429 (%d)", unpaced);
    int unshared = run_workers(0);
    /* with the Redis store: the four share the window, no request is answered 429 */
    double t0 = mono();
    int shared = run_workers(port);
    CHECKF(shared == 0, "with the Redis store, %d requests were answered 429", shared);
    printf("4 processes x %d requests, window %d/s: 429s unpaced %d, each process pacing itself %d, "
           "sharing the Redis store %d (%.1f s)\n", PER_WORKER, WINDOW_N, unpaced, unshared, shared, mono() - t0);
    kill(rs, SIGTERM);
    waitpid(rs, NULL, 0);
#endif
}

int main(int argc, char **argv) {
    if (argc == 5 && !strcmp(argv[1], "--worker")) return worker(argv[2], atoi(argv[3]), atof(argv[4]));
    if (!realpath(argv[0], self_exe)) snprintf(self_exe, sizeof self_exe, "/proc/self/exe");
    S = mock_server_start();
    S2 = mock_server_start();
    if (!S || !S2) return fprintf(stderr, "cannot start the mock servers\n"), 1;
    static const ic_test tests[] = {
        {"tokens_one_connection", test_tokens_one_connection},
        {"tokens_async", test_tokens_async},
        {"regions", test_regions},
        {"environment_and_errors", test_environment_and_errors},
        {"old_versions", test_old_versions},
        {"pacing_per_workspace", test_pacing_per_workspace},
        {"store_bounded", test_store_bounded},
        {"redis_shared_window", test_redis_shared_window},
        {NULL, NULL},
    };
    int rc = ic_test_run(tests, argc, argv);
    mock_server_stop(S);
    mock_server_stop(S2);
    return rc;
}
