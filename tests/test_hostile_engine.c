/* SPDX-License-Identifier: MIT */
/* A hostile or broken server, and a caller's bad numbers and configuration, against the engine
 * (issue 8: items 3, 4, 6, 7, 8, 19, 20, 21, 22). Everything runs against the scripted local
 * server (tests/support/mock_server.c); the CURLcode table is checked directly.
 *
 * Run all: ./test_hostile_engine     One group: ./test_hostile_engine read_timeout     List: --list */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <intercom/intercom.h>

#include "mock_server.h"
#include "runtime/internal.h" /* ic_code_from_curl, ic_find_operation, ic_call */
#include "testutil.h"

static mock_server *S;
static double TF = 1.0;

static double now_s(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + t.tv_nsec / 1e9;
}

static void fresh(void) {
    mock_server_reset(S);
    mock_server_set_handler(S, NULL, NULL);
    mock_response d = MOCK_RESPONSE_INIT;
    d.body = "{\"type\":\"admin\",\"id\":\"1\"}";
    mock_server_set_default(S, &d);
}

static intercom_client_options opts(void) {
    intercom_client_options o = INTERCOM_CLIENT_OPTIONS_INIT;
    o.bearer_token = "tok-SECRET";
    o.base_url = mock_server_url(S);
    o.retry_initial_delay = 0.001;
    o.retry_max_delay = 0.005;
    o.max_retries = 0;
    o.timeout = 10;
    return o;
}

static intercom_client *client_with(const intercom_client_options *o) {
    intercom_client *c = NULL;
    intercom_error err = INTERCOM_ERROR_INIT;
    CHECK_CODE(intercom_client_new(&c, o, &err), INTERCOM_OK);
    intercom_error_clear(&err);
    return c;
}

static int contains(const char *s, const char *w) { return s && w && strstr(s, w) != NULL; }

/* GET /me through the typed path (the operation by its stable name). */
static intercom_code get_me(intercom_client *c, const intercom_request_options *ro, intercom_error *err) {
    void *me = NULL;
    intercom_code rc = ic_call(c, ic_find_operation("me.retrieve"), NULL, ro, &me, err);
    intercom_model_free(me);
    return rc;
}

/* ---------- item 6: the CURLcode table ---------- */

static void test_curl_table(void) {
    static const struct {
        int cc;
        intercom_code want;
    } t[] = {
        {CURLE_OK, INTERCOM_OK},
        {CURLE_OPERATION_TIMEDOUT, INTERCOM_E_TIMEOUT},
        {CURLE_UNSUPPORTED_PROTOCOL, INTERCOM_E_CONNECTION}, /* HTTP/0.9 reply: the server's doing */
        {CURLE_WEIRD_SERVER_REPLY, INTERCOM_E_CONNECTION},   /* status 000 */
        {CURLE_COULDNT_CONNECT, INTERCOM_E_CONNECTION},
        {CURLE_COULDNT_RESOLVE_HOST, INTERCOM_E_CONNECTION},
        {CURLE_COULDNT_RESOLVE_PROXY, INTERCOM_E_CONNECTION},
        {CURLE_GOT_NOTHING, INTERCOM_E_CONNECTION},
        {CURLE_PARTIAL_FILE, INTERCOM_E_CONNECTION},
        {CURLE_RECV_ERROR, INTERCOM_E_CONNECTION},
        {CURLE_SEND_ERROR, INTERCOM_E_CONNECTION},
        {CURLE_HTTP2_STREAM, INTERCOM_E_CONNECTION},
        {CURLE_PEER_FAILED_VERIFICATION, INTERCOM_E_CONNECTION},
        {CURLE_SSL_CONNECT_ERROR, INTERCOM_E_CONNECTION},
        {CURLE_BAD_CONTENT_ENCODING, INTERCOM_E_CONNECTION},
        {CURLE_OUT_OF_MEMORY, INTERCOM_E_NOMEM},
        {CURLE_FILESIZE_EXCEEDED, INTERCOM_E_RESPONSE_TOO_LARGE},
        {CURLE_ABORTED_BY_CALLBACK, INTERCOM_E_CANCELLED},
        {CURLE_INTERFACE_FAILED, INTERCOM_E_INVALID_ARGUMENT}, /* local_address */
        {CURLE_SSL_CACERT_BADFILE, INTERCOM_E_INVALID_ARGUMENT}, /* ca_bundle */
        {CURLE_URL_MALFORMAT, INTERCOM_E_INVALID_ARGUMENT},
    };
    for (size_t i = 0; i < sizeof t / sizeof *t; i++)
        CHECKF(ic_code_from_curl(t[i].cc) == t[i].want, "CURLcode %d -> %d, want %d", t[i].cc,
               (int)ic_code_from_curl(t[i].cc), (int)t[i].want);
    /* every result maps to a real class, and only CURLE_OK to success */
    for (int cc = 0; cc < CURL_LAST + 5; cc++) {
        intercom_code c = ic_code_from_curl(cc);
        CHECKF((cc == 0) == (c == INTERCOM_OK), "CURLcode %d -> %d", cc, (int)c);
        CHECKF(strcmp(intercom_strerror(c), "unknown error"), "CURLcode %d -> %d", cc, (int)c);
    }
}

/* ---------- item 6: results from the wire ---------- */

static void raw_reply(const char *raw) {
    fresh();
    mock_response r = MOCK_RESPONSE_INIT;
    r.raw = raw;
    mock_server_set_default(S, &r);
}

static void test_protocol_errors(void) {
    intercom_client_options o = opts();
    intercom_client *c = client_with(&o);
    intercom_error err = INTERCOM_ERROR_INIT;
    /* HTTP/0.9: a body without a status line */
    raw_reply("hello, this is not HTTP\n");
    CHECK_CODE(get_me(c, NULL, &err), INTERCOM_E_CONNECTION);
    CHECKF(err.message && *err.message, "%s", err.message ? err.message : "(null)");
    CHECK(mock_server_request_count(S) == 1); /* it was sent */
    /* status 000 */
    raw_reply("HTTP/1.1 000 Weird\r\nContent-Length: 2\r\n\r\n{}");
    CHECK_CODE(get_me(c, NULL, &err), INTERCOM_E_CONNECTION);
    /* a protocol error is a connection error: retried like one (retry.c) */
    intercom_request_options ro = INTERCOM_REQUEST_OPTIONS_INIT;
    ro.max_retries = 2;
    raw_reply("HTTP/1.1 000 Weird\r\nContent-Length: 2\r\n\r\n{}");
    CHECK_CODE(get_me(c, &ro, &err), INTERCOM_E_CONNECTION);
    CHECKF(err.attempts == 3 && mock_server_request_count(S) == 3, "%d attempts", err.attempts);
    /* a response header over libcurl's 100 KB limit: too large, not "out of memory" */
    fresh();
    size_t big = 120 * 1024;
    char *hdr = malloc(big + 32);
    memcpy(hdr, "X-Big: ", 7);
    memset(hdr + 7, 'a', big);
    memcpy(hdr + 7 + big, "\r\n", 3);
    mock_response r = MOCK_RESPONSE_INIT;
    r.headers = hdr;
    r.body = "{}";
    mock_server_set_default(S, &r);
    CHECK_CODE(get_me(c, NULL, &err), INTERCOM_E_RESPONSE_TOO_LARGE);
    CHECKF(contains(err.message, "header"), "%s", err.message);
    free(hdr);
    intercom_error_clear(&err);
    intercom_client_free(c);
}

static void test_long_path(void) {
    fresh();
    intercom_client_options o = opts();
    intercom_client *c = client_with(&o);
    intercom_error err = INTERCOM_ERROR_INIT;
    size_t n = 1024 * 1024;
    char *id = malloc(n + 1);
    memset(id, 'x', n);
    id[n] = '\0';
    /* a typed call with a 1 MB path parameter: refused before sending, with the limit */
    const ic_operation *op = ic_find_operation("contacts.notes.list");
    CHECK(op != NULL);
    char *js = NULL;
    CHECK(asprintf(&js, "{\"contact_id\":\"%s\"}", id) > 0);
    void *params = NULL;
    CHECK_CODE(intercom_from_json(op->params, js, strlen(js), 1, &params, &err), INTERCOM_OK);
    void *out = NULL;
    CHECK_CODE(ic_call(c, op, params, NULL, &out, &err), INTERCOM_E_INVALID_ARGUMENT);
    CHECKF(contains(err.message, "65536") && contains(err.message, "bytes"), "%s", err.message);
    intercom_free(op->params, params);
    free(js);
    /* the generic call too */
    char *path = NULL;
    CHECK(asprintf(&path, "/contacts/%s", id) > 0);
    intercom_response *resp = NULL;
    CHECK_CODE(intercom_request(c, "GET", path, NULL, NULL, NULL, &resp, &err), INTERCOM_E_INVALID_ARGUMENT);
    CHECK(resp == NULL);
    CHECK(mock_server_request_count(S) == 0); /* nothing sent */
    free(path);
    free(id);
    intercom_error_clear(&err);
    intercom_client_free(c);
}

static void test_bad_proxy_and_interface(void) {
    intercom_client *c = NULL;
    intercom_error err = INTERCOM_ERROR_INIT;
    intercom_client_options o = opts();
    const char *bad_proxies[] = {"htp://proxy:3128", "http://proxy:99999", "http://pro xy:3128", "http://[::1:3128",
                                 "http://proxy:3128/some/path"};
    for (size_t i = 0; i < sizeof bad_proxies / sizeof *bad_proxies; i++) {
        o.proxy = bad_proxies[i];
        CHECKF(intercom_client_new(&c, &o, &err) == INTERCOM_E_INVALID_ARGUMENT, "%s", bad_proxies[i]);
        CHECKF(contains(err.message, "proxy"), "%s", err.message);
        intercom_client_free(c);
        c = NULL;
    }
    /* credentials of a proxy never appear in a message */
    o.proxy = "bogus://user:hunter2@proxy:3128";
    CHECK_CODE(intercom_client_new(&c, &o, &err), INTERCOM_E_INVALID_ARGUMENT);
    CHECKF(!contains(err.message, "hunter2") && contains(err.message, "proxy"), "%s", err.message);
    /* good ones are accepted */
    const char *good[] = {"http://proxy.example:3128", "socks5h://u:p@127.0.0.1:1080", "proxy.example:8080", ""};
    for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
        o.proxy = good[i];
        CHECKF(intercom_client_new(&c, &o, &err) == INTERCOM_OK, "%s: %s", good[i], err.message);
        intercom_client_free(c);
        c = NULL;
    }
    o.proxy = NULL;
    o.local_address = "no-such-interface0";
    CHECK_CODE(intercom_client_new(&c, &o, &err), INTERCOM_E_INVALID_ARGUMENT);
    CHECKF(contains(err.message, "local_address"), "%s", err.message);
    o.local_address = "lo";
    CHECK_CODE(intercom_client_new(&c, &o, &err), INTERCOM_OK);
    intercom_client_free(c);
    c = NULL;
    o.local_address = "127.0.0.1";
    c = client_with(&o);
    fresh();
    CHECK_CODE(get_me(c, NULL, &err), INTERCOM_OK); /* sends from it */
    intercom_client_free(c);
    c = NULL;
    o.local_address = NULL;
    o.ca_bundle = "/nonexistent/ca.pem";
    CHECK_CODE(intercom_client_new(&c, &o, &err), INTERCOM_E_INVALID_ARGUMENT);
    CHECKF(contains(err.message, "ca_bundle"), "%s", err.message);
    intercom_error_clear(&err);
}

/* Running out of file descriptors is named as such. */
static void test_out_of_fds(void) {
    fresh();
    intercom_client_options o = opts();
    intercom_client *c = client_with(&o);
    intercom_error err = INTERCOM_ERROR_INIT;
    CHECK_CODE(get_me(c, NULL, &err), INTERCOM_OK); /* the engine exists; its connection is pooled */
    intercom_request_options ro = INTERCOM_REQUEST_OPTIONS_INIT;
    intercom_kv extra[] = {{"Connection-Test", "1"}, {NULL, NULL}};
    ro.extra_headers = extra;
    struct rlimit old;
    getrlimit(RLIMIT_NOFILE, &old);
    struct rlimit low = old;
    low.rlim_cur = 256 < old.rlim_cur ? 256 : old.rlim_cur;
    setrlimit(RLIMIT_NOFILE, &low);
    int fds[1024], n = 0;
    while (n < 1024 && (fds[n] = open("/dev/null", O_RDONLY)) >= 0) n++;
    CHECK(n < 1024 && errno == EMFILE);
    /* a new connection is needed: the server closes the pooled one */
    mock_response r = MOCK_RESPONSE_INIT;
    r.body = "{}";
    mock_server_set_default(S, &r);
    intercom_client *c2 = NULL;
    intercom_code rc = intercom_client_new(&c2, &o, &err); /* no fd needed to create a client */
    CHECK_CODE(rc, INTERCOM_OK);
    rc = c2 ? get_me(c2, &ro, &err) : INTERCOM_E_INTERNAL;
    while (n > 0) close(fds[--n]);
    setrlimit(RLIMIT_NOFILE, &old);
    CHECK(rc != INTERCOM_OK && rc != INTERCOM_E_INVALID_ARGUMENT);
    CHECKF(contains(err.message, "file descriptors"), "%d %s", rc, err.message);
    intercom_client_free(c2);
    intercom_error_clear(&err);
    intercom_client_free(c);
}

/* ---------- item 4: numbers from the caller ---------- */

static void test_timeout_values(void) {
    fresh();
    const double bad[] = {INFINITY, NAN, -1.0, 1e16, 1e300, -INFINITY};
    const char *names[] = {"timeout", "connect_timeout", "read_timeout", "write_timeout"};
    intercom_error err = INTERCOM_ERROR_INIT;
    for (size_t k = 0; k < 4; k++) {
        for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
            intercom_client_options o = opts();
            double *f = k == 0 ? &o.timeout : k == 1 ? &o.connect_timeout : k == 2 ? &o.read_timeout : &o.write_timeout;
            *f = bad[i];
            intercom_client *c = NULL;
            CHECKF(intercom_client_new(&c, &o, &err) == INTERCOM_E_INVALID_ARGUMENT, "%s = %g", names[k], bad[i]);
            CHECKF(contains(err.message, names[k]), "%s", err.message);
            CHECK(c == NULL);
        }
    }
    /* per request: negative finite means "the client's"; the rest is refused before sending */
    intercom_client_options o = opts();
    intercom_client *c = client_with(&o);
    const double bad_ro[] = {INFINITY, NAN, 1e16, 1e300, -INFINITY};
    for (size_t k = 0; k < 4; k++) {
        for (size_t i = 0; i < sizeof bad_ro / sizeof *bad_ro; i++) {
            intercom_request_options ro = INTERCOM_REQUEST_OPTIONS_INIT;
            double *f = k == 0 ? &ro.timeout : k == 1 ? &ro.connect_timeout : k == 2 ? &ro.read_timeout : &ro.write_timeout;
            *f = bad_ro[i];
            CHECKF(get_me(c, &ro, &err) == INTERCOM_E_INVALID_ARGUMENT, "%s = %g", names[k], bad_ro[i]);
            CHECKF(contains(err.message, names[k]) && contains(err.message, "intercom_request_options"), "%s",
                   err.message);
        }
    }
    CHECK(mock_server_request_count(S) == 0);
    intercom_request_options ro = INTERCOM_REQUEST_OPTIONS_INIT;
    ro.timeout = -1;
    ro.read_timeout = 5;
    ro.write_timeout = 0.25;
    CHECK_CODE(get_me(c, &ro, &err), INTERCOM_OK);
    intercom_error_clear(&err);
    intercom_client_free(c);
}

/* read_timeout: the longest wait for the next bytes, with sub-second precision. */
static void test_read_timeout(void) {
    intercom_error err = INTERCOM_ERROR_INIT;
    /* a byte every 2 s under read_timeout 3: succeeds (libcurl's low-speed limit failed it at 3 s) */
    fresh();
    mock_response r = MOCK_RESPONSE_INIT;
    r.body = "{}";
    r.drip_ms = 2000;
    mock_server_set_default(S, &r);
    intercom_client_options o = opts();
    o.read_timeout = 3;
    intercom_client *c = client_with(&o);
    double t0 = now_s();
    CHECK_CODE(get_me(c, NULL, &err), INTERCOM_OK);
    double dt = now_s() - t0;
    CHECKF(dt > 3.5 && dt < 6 * TF, "%.2f s", dt);
    printf("    a byte every 2 s, read_timeout 3: OK after %.2f s\n", dt);
    intercom_client_free(c);

    /* 1.5 s gaps against read_timeout 0.5: fails after 0.5 s, not a whole second */
    r.drip_ms = 1500;
    mock_server_set_default(S, &r);
    o.read_timeout = 0.5;
    c = client_with(&o);
    t0 = now_s();
    CHECK_CODE(get_me(c, NULL, &err), INTERCOM_E_TIMEOUT);
    dt = now_s() - t0;
    CHECKF(dt >= 0.45 && dt < 0.9 * TF, "%.3f s", dt);
    printf("    1.5 s gaps, read_timeout 0.5: INTERCOM_E_TIMEOUT after %.3f s\n", dt);
    CHECKF(contains(err.message, "read_timeout"), "%s", err.message);
    CHECK(err.response && err.response->status == 200); /* the headers had arrived */
    /* per request, and the first byte of the body counts too (headers then silence) */
    mock_response slow = MOCK_RESPONSE_INIT;
    slow.body = "{}";
    slow.delay_body_ms = 1500;
    mock_server_set_default(S, &slow);
    intercom_request_options ro = INTERCOM_REQUEST_OPTIONS_INIT;
    ro.read_timeout = 0.3;
    t0 = now_s();
    CHECK_CODE(get_me(c, &ro, &err), INTERCOM_E_TIMEOUT);
    dt = now_s() - t0;
    CHECKF(dt >= 0.25 && dt < 0.8 * TF, "%.3f s", dt);
    printf("    headers then 1.5 s of silence, read_timeout 0.3 per request: timeout after %.3f s\n", dt);
    intercom_client_free(c);
    intercom_error_clear(&err);
}

typedef struct done_rec {
    int calls;
    intercom_code code;
    double t;
    char *message;
} done_rec;

static void on_done(intercom_code code, void *result, const intercom_error *err, void *payload) {
    done_rec *d = payload;
    d->calls++;
    d->code = code;
    d->t = now_s();
    free(d->message);
    d->message = err && err->message ? strdup(err->message) : NULL;
    intercom_response_free(result);
}

static void test_read_timeout_async(void) {
    fresh();
    mock_response r = MOCK_RESPONSE_INIT;
    r.body = "{}";
    r.drip_ms = 1500;
    mock_server_set_default(S, &r);
    intercom_client_options o = opts();
    o.read_timeout = 0.4;
    intercom_async_client *ac = NULL;
    CHECK_CODE(intercom_async_client_new(&ac, &o, NULL), INTERCOM_OK);
    done_rec d = {0};
    double t0 = now_s();
    CHECK_CODE(intercom_async_request(ac, "GET", "/me", NULL, NULL, NULL, on_done, &d), INTERCOM_OK);
    intercom_async_run_until_idle(ac);
    CHECK(d.calls == 1);
    CHECK_CODE(d.code, INTERCOM_E_TIMEOUT);
    CHECKF(d.t - t0 >= 0.35 && d.t - t0 < 0.8 * TF, "%.3f s", d.t - t0);
    free(d.message);
    intercom_async_client_free(ac);
}

/* write_timeout: a peer that accepts the connection but never reads; the body stalls once the
 * socket buffers are full, and the attempt fails write_timeout after the last byte went out. */
static void test_write_timeout(void) {
    int ls = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t al = sizeof a;
    CHECK(ls >= 0 && !bind(ls, (struct sockaddr *)&a, sizeof a) && !listen(ls, 4) &&
          !getsockname(ls, (struct sockaddr *)&a, &al));
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d", ntohs(a.sin_port));
    intercom_client_options o = opts();
    o.base_url = url;
    o.write_timeout = 0.5;
    o.timeout = 30;
    intercom_client *c = client_with(&o);
    size_t n = 16u << 20; /* more than loopback socket buffers hold (about 10 MB) */
    char *big = malloc(n + 1);
    memset(big, 'x', n);
    big[n] = '\0';
    json_t *body = json_pack("{s:s}", "note", big);
    free(big);
    intercom_error err = INTERCOM_ERROR_INIT;
    intercom_response *resp = NULL;
    double t0 = now_s();
    CHECK_CODE(intercom_request(c, "POST", "/notes", NULL, body, NULL, &resp, &err), INTERCOM_E_TIMEOUT);
    double dt = now_s() - t0;
    CHECKF(contains(err.message, "write_timeout"), "%s", err.message);
    CHECKF(dt < 5 * TF, "%.2f s", dt);
    printf("    write_timeout 0.5 s: failed after %.2f s (body serialisation included)\n", dt);
    json_decref(body);
    intercom_error_clear(&err);
    intercom_client_free(c);
    close(ls);
}

/* ---------- item 7: failures after the headers carry them ---------- */

static void test_headers_on_failure(void) {
    static const char *H = "X-Request-Id: req-77\r\nX-RateLimit-Limit: 1000\r\nX-RateLimit-Remaining: 998\r\n"
                           "X-RateLimit-Reset: 1700000000\r\n";
    intercom_client_options o = opts();
    intercom_client *c = client_with(&o);
    intercom_error err = INTERCOM_ERROR_INIT;
    for (int kind = 0; kind < 3; kind++) {
        fresh();
        mock_response r = MOCK_RESPONSE_INIT;
        r.headers = H;
        if (kind == 0) { /* a 2xx that is not JSON */
            r.body = "{\"type\":\"admin\",";
        } else if (kind == 1) { /* a 2xx cut off */
            r.body = "{\"type\":\"admin\",\"id\":\"1\",\"name\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"}";
            r.close_after_body_bytes = 10;
        } else { /* the 404 they are compared with */
            r.status = 404;
            r.body = "{\"type\":\"error.list\",\"errors\":[{\"code\":\"not_found\",\"message\":\"nope\"}]}";
        }
        mock_server_set_default(S, &r);
        intercom_code rc = get_me(c, NULL, &err);
        CHECKF(rc == (kind == 0 ? INTERCOM_E_DECODE : kind == 1 ? INTERCOM_E_CONNECTION : INTERCOM_E_NOT_FOUND),
               "kind %d: %d", kind, rc);
        CHECKF(err.request_id && !strcmp(err.request_id, "req-77"), "kind %d: %s", kind,
               err.request_id ? err.request_id : "(null)");
        CHECKF(err.rate_limit.limit == 1000 && err.rate_limit.remaining == 998 && err.rate_limit.reset == 1700000000,
               "kind %d: %lld", kind, (long long)err.rate_limit.remaining);
        CHECKF(err.response && intercom_response_header(err.response, "X-Request-Id") &&
                   err.response->status == (kind == 2 ? 404 : 200),
               "kind %d", kind);
    }
    intercom_error_clear(&err);
    intercom_client_free(c);
}

/* ---------- item 8: cancelling one about to start, from another's callback ---------- */

typedef struct cancel_ctx {
    intercom_async_client *ac;
    uint64_t victim;
    intercom_code cancel_rc;
    done_rec d;
} cancel_ctx;

static void on_first(intercom_code code, void *result, const intercom_error *err, void *payload) {
    cancel_ctx *x = payload;
    on_done(code, result, err, &x->d);
    x->cancel_rc = intercom_async_cancel(x->ac, x->victim);
}

static void test_cancel_from_callback(void) {
    fresh();
    intercom_client_options o = opts();
    intercom_async_client *ac = NULL;
    CHECK_CODE(intercom_async_client_new(&ac, &o, NULL), INTERCOM_OK);
    for (int order = 0; order < 2; order++) {
        mock_server_reset(S);
        cancel_ctx x = {ac, 0, -1, {0}};
        done_rec victim = {0};
        intercom_request_options bad = INTERCOM_REQUEST_OPTIONS_INIT;
        bad.timeout = NAN; /* fails before sending: its callback runs from the loop, first */
        intercom_request_options vro = INTERCOM_REQUEST_OPTIONS_INIT;
        vro.async_id = &x.victim;
        if (order == 0) {
            CHECK_CODE(intercom_async_request(ac, "GET", "/me", NULL, NULL, &bad, on_first, &x), INTERCOM_OK);
            CHECK_CODE(intercom_async_request(ac, "GET", "/me", NULL, NULL, &vro, on_done, &victim), INTERCOM_OK);
        } else {
            CHECK_CODE(intercom_async_request(ac, "GET", "/me", NULL, NULL, &vro, on_done, &victim), INTERCOM_OK);
            CHECK_CODE(intercom_async_request(ac, "GET", "/me", NULL, NULL, &bad, on_first, &x), INTERCOM_OK);
        }
        intercom_async_run_until_idle(ac);
        CHECK(x.d.calls == 1);
        CHECK_CODE(x.d.code, INTERCOM_E_INVALID_ARGUMENT);
        CHECK(victim.calls == 1);
        if (x.cancel_rc == INTERCOM_OK) { /* cancelled before or after its first attempt started */
            CHECK_CODE(victim.code, INTERCOM_E_CANCELLED);
        } else {
            CHECKF(0, "order %d: cancel returned %d; the victim ended %d", order, x.cancel_rc, victim.code);
        }
        free(x.d.message);
        free(victim.message);
    }
    intercom_async_client_free(ac);
}

/* From inside a libcurl callback (on_body of another request), an in-flight request is
 * cancelled too: completed with INTERCOM_E_CANCELLED right after the callback returns. */
typedef struct body_cancel {
    intercom_async_client *ac;
    uint64_t victim;
    int chunks;
    intercom_code cancel_rc;
} body_cancel;

static int cancel_in_body(const char *chunk, size_t len, void *payload) {
    (void)chunk, (void)len;
    body_cancel *b = payload;
    if (b->chunks++ == 0) b->cancel_rc = intercom_async_cancel(b->ac, b->victim);
    return 0;
}

static void victim_handler(const mock_request *q, mock_response *r, void *payload) {
    (void)payload;
    r->body = "{\"type\":\"admin\",\"id\":\"1\"}";
    if (strstr(q->target, "/slow")) r->drip_ms = 200; /* the victim: in flight for seconds */
    else r->delay_body_ms = 300;                        /* the streamer: its body comes while the victim runs */
}

static void test_cancel_from_body(void) {
    fresh();
    mock_server_set_handler(S, victim_handler, NULL);
    intercom_client_options o = opts();
    intercom_async_client *ac = NULL;
    CHECK_CODE(intercom_async_client_new(&ac, &o, NULL), INTERCOM_OK);
    body_cancel b = {ac, 0, 0, -1};
    done_rec victim = {0}, streamer = {0};
    intercom_request_options vro = INTERCOM_REQUEST_OPTIONS_INIT;
    vro.async_id = &b.victim;
    CHECK_CODE(intercom_async_request(ac, "GET", "/slow", NULL, NULL, &vro, on_done, &victim), INTERCOM_OK);
    intercom_request_options sro = INTERCOM_REQUEST_OPTIONS_INIT;
    sro.on_body = cancel_in_body;
    sro.on_body_payload = &b;
    CHECK_CODE(intercom_async_request(ac, "GET", "/stream", NULL, NULL, &sro, on_done, &streamer), INTERCOM_OK);
    double t0 = now_s();
    intercom_async_run_until_idle(ac);
    CHECK_CODE(b.cancel_rc, INTERCOM_OK);
    CHECK(victim.calls == 1 && streamer.calls == 1);
    CHECK_CODE(victim.code, INTERCOM_E_CANCELLED);
    CHECK_CODE(streamer.code, INTERCOM_OK);
    CHECKF(now_s() - t0 < 2.0 * TF, "%.2f s", now_s() - t0); /* not the victim's ~5 s */
    free(victim.message);
    free(streamer.message);
    intercom_async_client_free(ac);
    mock_server_set_handler(S, NULL, NULL);
}

/* ---------- item 19: every error shape gives its text ---------- */

static void test_error_shapes(void) {
    static const struct {
        int status;
        const char *ctype, *body, *want;
    } t[] = {
        {400, NULL, "{\"status\":400,\"error\":\"There was a problem in the JSON you submitted: unexpected token\"}",
         "There was a problem in the JSON you submitted"},
        {404, NULL, "{\"type\":\"error.list\",\"request_id\":\"r1\",\"errors\":[{\"code\":\"not_found\",\"message\":\"Contact Not Found\"}]}",
         "not_found: Contact Not Found"},
        {401, NULL, "{\"type\":\"error.list\",\"errors\":[{\"code\":\"unauthorized\"}]}", "unauthorized"},
        {422, NULL, "{\"message\":\"Validation failed\"}", "Validation failed"},
        {400, NULL, "{\"error\":{\"type\":\"invalid\",\"message\":\"nested message\"}}", "nested message"},
        {401, NULL, "{\"error\":\"invalid_token\",\"error_description\":\"The access token expired\"}", "invalid_token"},
        {400, NULL, "{\"errors\":[\"first problem\",\"second\"]}", "first problem"},
        {500, "Content-Type: text/plain\r\n", "\n  Service temporarily unavailable\nretry later", "Service temporarily unavailable"},
        {502, "Content-Type: text/html\r\n",
         "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body><center><h1>502 Bad Gateway</h1></center>"
         "<hr><center>nginx</center></body></html>",
         "502 Bad Gateway"},
        {503, "Content-Type: text/html\r\n", "<html><body><h1>Down   for\nmaintenance</h1></body></html>",
         "Down for maintenance"},
        {500, NULL, "\"just a JSON string\"", "just a JSON string"},
    };
    intercom_client_options o = opts();
    intercom_client *c = client_with(&o);
    intercom_error err = INTERCOM_ERROR_INIT;
    for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
        fresh();
        mock_response r = MOCK_RESPONSE_INIT;
        r.status = t[i].status;
        r.headers = t[i].ctype ? t[i].ctype : "x-should-retry: false\r\n";
        r.body = t[i].body;
        mock_server_set_default(S, &r);
        intercom_response *resp = NULL;
        intercom_request_options ro = INTERCOM_REQUEST_OPTIONS_INIT;
        ro.max_retries = 0;
        CHECK(intercom_request(c, "GET", "/x", NULL, NULL, &ro, &resp, &err) != INTERCOM_OK);
        CHECKF(contains(err.message, t[i].want), "#%zu: \"%s\", want \"%s\"", i, err.message, t[i].want);
        intercom_response_free(resp);
    }
    intercom_error_clear(&err);
    intercom_client_free(c);
}

/* ---------- item 20: configuration ---------- */

typedef struct log_rec {
    char buf[8192];
    size_t len;
} log_rec;

static void on_log(intercom_log_level lvl, const char *line, void *payload) {
    (void)lvl;
    log_rec *l = payload;
    int n = snprintf(l->buf + l->len, sizeof l->buf - l->len, "%s\n", line);
    if (n > 0 && l->len + (size_t)n < sizeof l->buf) l->len += (size_t)n;
}

static void test_configuration(void) {
    intercom_error err = INTERCOM_ERROR_INIT;
    intercom_client *c = NULL;
    intercom_client_options o = opts();
    /* INTERCOM_BASE_URL with an explicitly chosen environment: ambiguous, refused */
    o.base_url = NULL;
    setenv("INTERCOM_BASE_URL", mock_server_url(S), 1);
    o.environment = "eu";
    CHECK_CODE(intercom_client_new(&c, &o, &err), INTERCOM_E_INVALID_ARGUMENT);
    CHECKF(contains(err.message, "INTERCOM_BASE_URL") && contains(err.message, "environment"), "%s", err.message);
    o.environment = NULL; /* the variable alone is fine */
    CHECK_CODE(intercom_client_new(&c, &o, &err), INTERCOM_OK);
    CHECK_STR(intercom_client_base_url(c), mock_server_url(S));
    intercom_client_free(c);
    c = NULL;
    unsetenv("INTERCOM_BASE_URL");
    /* an unknown environment is always an error, also with a base_url */
    o.base_url = mock_server_url(S);
    o.environment = "mars";
    CHECK_CODE(intercom_client_new(&c, &o, &err), INTERCOM_E_INVALID_ARGUMENT);
    CHECKF(contains(err.message, "mars"), "%s", err.message);
    o.environment = "us"; /* base_url and an environment: ambiguous too */
    CHECK_CODE(intercom_client_new(&c, &o, &err), INTERCOM_E_INVALID_ARGUMENT);
    o.environment = NULL;
    /* base_url shapes */
    static const struct {
        const char *url, *want;
    } bad[] = {
        {"http://h.example/?q=1", "query"},   {"http://h.example#frag", "fragment"},
        {"http://", "host"},                  {"http:///v1", "host"},
        {"ftp://h.example", "http"},          {"http://h.example/v 1", "whitespace"},
        {"https://:443/v1", "host"},          {"http://h.example:99999", "valid URL"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        o.base_url = bad[i].url;
        CHECKF(intercom_client_new(&c, &o, &err) == INTERCOM_E_INVALID_ARGUMENT, "%s", bad[i].url);
        CHECKF(contains(err.message, bad[i].want), "%s: %s", bad[i].url, err.message);
        intercom_client_free(c);
        c = NULL;
    }
    /* credentials in the URL never appear in messages */
    char url[256];
    snprintf(url, sizeof url, "http://admin:pa55word@127.0.0.1:%d", mock_server_port(S));
    o.base_url = url;
    CHECK_CODE(intercom_client_new(&c, &o, &err), INTERCOM_E_INVALID_ARGUMENT);
    CHECKF(!contains(err.message, "pa55word") && contains(err.message, "credentials"), "%s", err.message);
    o.base_url = "ftp://u:pa55word@h";
    CHECK_CODE(intercom_client_new(&c, &o, &err), INTERCOM_E_INVALID_ARGUMENT);
    CHECKF(!contains(err.message, "pa55word"), "%s", err.message);
    /* a valid one with a path prefix: requests go under it; the info log holds no secret */
    fresh();
    snprintf(url, sizeof url, "http://127.0.0.1:%d/prefix/", mock_server_port(S));
    o.base_url = url;
    log_rec lg = {{0}, 0};
    o.log_level = INTERCOM_LOG_DEBUG;
    o.log_fn = on_log;
    o.log_payload = &lg;
    c = client_with(&o);
    CHECK_CODE(get_me(c, NULL, &err), INTERCOM_OK);
    mock_request q = {0};
    CHECK(mock_server_request(S, 0, &q) == 0);
    CHECK_STR(q.target, "/prefix/me");
    mock_request_clear(&q);
    CHECKF(!contains(lg.buf, "tok-SECRET"), "%s", lg.buf);
    intercom_client_free(c);
    intercom_error_clear(&err);
}

/* ---------- item 21: framing headers ---------- */

static void test_framing_headers(void) {
    fresh();
    intercom_client_options o = opts();
    intercom_client *c = client_with(&o);
    intercom_error err = INTERCOM_ERROR_INIT;
    const char *names[] = {"Content-Length", "transfer-encoding", "Host", "Connection", "Expect", "Upgrade", "TE"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        intercom_kv h[] = {{names[i], "5"}, {NULL, NULL}};
        intercom_request_options ro = INTERCOM_REQUEST_OPTIONS_INIT;
        ro.extra_headers = h;
        double t0 = now_s();
        CHECKF(get_me(c, &ro, &err) == INTERCOM_E_INVALID_ARGUMENT, "%s", names[i]);
        CHECKF(contains(err.message, names[i]), "%s", err.message);
        CHECK(now_s() - t0 < 1.0); /* no hang until the timeout */
        intercom_client *c2 = NULL;
        intercom_client_options o2 = opts();
        o2.default_headers = h;
        CHECKF(intercom_client_new(&c2, &o2, &err) == INTERCOM_E_INVALID_ARGUMENT, "%s", names[i]);
        CHECKF(contains(err.message, names[i]), "%s", err.message);
    }
    CHECK(mock_server_request_count(S) == 0);
    intercom_kv ok[] = {{"X-Trace", "1"}, {NULL, NULL}};
    intercom_request_options ro = INTERCOM_REQUEST_OPTIONS_INIT;
    ro.extra_headers = ok;
    CHECK_CODE(get_me(c, &ro, &err), INTERCOM_OK);
    intercom_error_clear(&err);
    intercom_client_free(c);
}

/* ---------- item 22: streaming without `out` ---------- */

static int sink(const char *chunk, size_t len, void *payload) {
    return ic_test_buf_add(payload, chunk, len);
}

static void test_stream_without_out(void) {
    fresh();
    intercom_client_options o = opts();
    intercom_client *c = client_with(&o);
    intercom_error err = INTERCOM_ERROR_INIT;
    ic_test_buf b = {0};
    intercom_request_options ro = INTERCOM_REQUEST_OPTIONS_INIT;
    ro.on_body = sink;
    ro.on_body_payload = &b;
    CHECK_CODE(intercom_request(c, "GET", "/me", NULL, NULL, &ro, NULL, &err), INTERCOM_OK);
    CHECK_STR(b.data, "{\"type\":\"admin\",\"id\":\"1\"}");
    CHECK_CODE(intercom_request(c, "GET", "/me", NULL, NULL, NULL, NULL, &err), INTERCOM_E_INVALID_ARGUMENT);
    free(b.data);
    intercom_error_clear(&err);
    intercom_client_free(c);
}

/* ---------- item 3: pagers end ---------- */

static int PAGER_MODE; /* 0 repeated cursor, 1 cursor cycle, 2 page 1 forever, 3 page INT64_MAX */

static void pager_handler(const mock_request *q, mock_response *r, void *payload) {
    (void)payload;
    static _Thread_local char buf[1024];
    const char *sa = strstr(q->target, "starting_after=");
    int cyc = sa && !strncmp(sa + 15, "B", 1);
    switch (PAGER_MODE) {
    case 0:
        snprintf(buf, sizeof buf, "{\"type\":\"list\",\"data\":[{\"type\":\"contact\",\"id\":\"c\"}],"
                                  "\"pages\":{\"type\":\"pages\",\"next\":{\"starting_after\":\"SAME\"}}}");
        break;
    case 1:
        snprintf(buf, sizeof buf, "{\"type\":\"list\",\"data\":[{\"type\":\"contact\",\"id\":\"c\"}],"
                                  "\"pages\":{\"type\":\"pages\",\"next\":{\"starting_after\":\"%s\"}}}", cyc ? "A" : "B");
        break;
    case 2:
        snprintf(buf, sizeof buf, "{\"type\":\"list\",\"data\":[{\"type\":\"article\",\"id\":\"a\"}],"
                                  "\"pages\":{\"type\":\"pages\",\"page\":1,\"per_page\":1}}");
        break;
    default:
        snprintf(buf, sizeof buf, "{\"type\":\"list\",\"data\":[{\"type\":\"article\",\"id\":\"a\"}],"
                                  "\"pages\":{\"type\":\"pages\",\"page\":9223372036854775807,\"per_page\":1}}");
    }
    r->body = buf;
}

typedef struct walk {
    int pages, ended;
    intercom_code code;
    char *message;
} walk;

static int on_page(intercom_code code, void *page, const intercom_error *err, void *payload) {
    walk *w = payload;
    if (code) {
        w->ended = 1, w->code = code;
        w->message = err && err->message ? strdup(err->message) : NULL;
        return 1;
    }
    if (!page) {
        w->ended = 1;
        return 1;
    }
    w->pages++;
    intercom_model_free(page);
    return w->pages > 50; /* a walk that does not end is stopped here (the test then fails) */
}

static void test_pagers_end(void) {
    intercom_client_options o = opts();
    intercom_client *c = client_with(&o);
    intercom_async_client *ac = NULL;
    CHECK_CODE(intercom_async_client_new(&ac, &o, NULL), INTERCOM_OK);
    intercom_error err = INTERCOM_ERROR_INIT;
    static const struct {
        const char *op;
        int pages;        /* pages delivered before the error */
        const char *want; /* in the message */
    } t[] = {{"contacts.list", 2, "repeats"}, {"contacts.list", 4, "repeats"}, {"articles.list", 2, "does not advance"},
             {"articles.list", 1, "cannot be advanced"}};
    for (int mode = 0; mode < 4; mode++) {
        PAGER_MODE = mode;
        fresh();
        mock_server_set_handler(S, pager_handler, NULL);
        /* sync pages */
        intercom_pager *pg = NULL;
        CHECK_CODE(intercom_pager_new(&pg, c, t[mode].op, NULL, NULL, &err), INTERCOM_OK);
        void *page = NULL;
        int pages = 0;
        intercom_code rc;
        while ((rc = intercom_pager_next_page(pg, &page, &err)) == INTERCOM_OK && page && pages < 50) {
            pages++;
            intercom_model_free(page);
        }
        CHECKF(rc == INTERCOM_E_DECODE && pages == t[mode].pages, "mode %d: rc %d after %d pages", mode, rc, pages);
        CHECKF(contains(err.message, t[mode].want), "mode %d: %s", mode, err.message);
        CHECK_CODE(intercom_pager_next_page(pg, &page, &err), INTERCOM_E_DECODE); /* stays ended */
        intercom_pager_free(pg);
        /* sync items */
        CHECK_CODE(intercom_pager_new(&pg, c, t[mode].op, NULL, NULL, &err), INTERCOM_OK);
        void *item;
        int items = 0;
        while (items < 50 && intercom_pager_next(pg, &item, &err)) items++;
        CHECKF(items == t[mode].pages && err.code == INTERCOM_E_DECODE, "mode %d: %d items, code %d", mode, items,
               err.code);
        intercom_pager_free(pg);
        /* async */
        walk w = {0};
        CHECK_CODE(intercom_async_pages(ac, t[mode].op, NULL, NULL, on_page, &w), INTERCOM_OK);
        intercom_async_run_until_idle(ac);
        CHECKF(w.ended && w.code == INTERCOM_E_DECODE && w.pages == t[mode].pages, "mode %d: %d pages, code %d", mode,
               w.pages, w.code);
        CHECKF(contains(w.message, t[mode].want), "mode %d: %s", mode, w.message);
        free(w.message);
        CHECKF(mock_server_request_count(S) == (size_t)(3 * t[mode].pages), "mode %d: %zu requests",
               mode, mock_server_request_count(S));
    }
    intercom_error_clear(&err);
    intercom_async_client_free(ac);
    intercom_client_free(c);
}

int main(int argc, char **argv) {
    const char *tf = getenv("IC_TEST_TIME_FACTOR");
    if (tf) TF = atof(tf) > 1 ? atof(tf) : 1;
    S = mock_server_start();
    if (!S) return 1;
    static const ic_test tests[] = {
        {"curl_table", test_curl_table},
        {"protocol_errors", test_protocol_errors},
        {"long_path", test_long_path},
        {"bad_proxy_and_interface", test_bad_proxy_and_interface},
        {"out_of_fds", test_out_of_fds},
        {"timeout_values", test_timeout_values},
        {"read_timeout_sync", test_read_timeout},
        {"read_timeout_async", test_read_timeout_async},
        {"write_timeout", test_write_timeout},
        {"headers_on_failure", test_headers_on_failure},
        {"cancel_from_callback", test_cancel_from_callback},
        {"cancel_from_body", test_cancel_from_body},
        {"error_shapes", test_error_shapes},
        {"configuration", test_configuration},
        {"framing_headers", test_framing_headers},
        {"stream_without_out", test_stream_without_out},
        {"pagers_end", test_pagers_end},
        {NULL, NULL},
    };
    int rc = ic_test_run(tests, argc, argv);
    mock_server_stop(S);
    return rc;
}
