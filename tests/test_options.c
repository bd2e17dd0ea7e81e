/* SPDX-License-Identifier: MIT */
/* Versioned options structs (issue 7 item 8): intercom_*_options_init(opts, version), a struct of an
 * older version accepted with the later fields defaulted, unknown versions refused, and the size-table
 * mechanism itself on a made-up struct with two versions.
 *
 * The version-1 structs below are the public structs exactly as libintercom 0.1.0 (5dbf568)
 * declared them. They are allocated with malloc at exactly their own size, so that a library reading
 * or writing past an older caller's struct (once fields are appended) is caught by ASan and valgrind. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <intercom/intercom.h>

#include "mock_server.h"
#include "runtime/options.h"
#include "testutil.h"

static mock_server *S;

typedef struct client_options_v1 {
    unsigned version;
    const char *bearer_token, *environment, *base_url, *api_version;
    int max_retries;
    double timeout, connect_timeout, read_timeout, write_timeout, retry_initial_delay, retry_max_delay,
        retry_after_max;
    const char *proxy, *local_address, *ca_bundle;
    int insecure_skip_tls_verify;
    const intercom_kv *default_headers;
    size_t max_response_size;
    int strict, log_level;
    intercom_log_fn log_fn;
    void *log_payload;
    intercom_curl_hook_fn curl_hook;
    void *curl_hook_payload;
    const char *user_agent;
    int disable_compression, pace_rate_limit;
} client_options_v1;

typedef struct request_options_v1 {
    unsigned version;
    int max_retries;
    double timeout, connect_timeout, read_timeout, write_timeout;
    const intercom_kv *extra_headers, *extra_query;
    const struct json_t *extra_body;
    const char *api_version;
    int strict;
    intercom_response **raw_response;
    int skip_decode;
    intercom_body_fn on_body;
    void *on_body_payload;
    uint64_t *async_id;
} request_options_v1;

/* the current structs only ever grow at the end: version 1 is a prefix of them */
_Static_assert(sizeof(client_options_v1) <= sizeof(intercom_client_options), "client options shrank");
_Static_assert(offsetof(client_options_v1, pace_rate_limit) == offsetof(intercom_client_options, pace_rate_limit),
               "a client options field moved: fields may only be appended");
_Static_assert(offsetof(client_options_v1, user_agent) == offsetof(intercom_client_options, user_agent),
               "a client options field moved");
_Static_assert(sizeof(request_options_v1) <= sizeof(intercom_request_options), "request options shrank");
_Static_assert(offsetof(request_options_v1, async_id) == offsetof(intercom_request_options, async_id),
               "a request options field moved: fields may only be appended");

static void *exact(size_t n) {
    void *p = malloc(n);
    if (!p) abort();
    memset(p, 0xab, n);
    return p;
}

static void test_init_current(void) {
    intercom_client_options o, m = INTERCOM_CLIENT_OPTIONS_INIT;
    memset(&o, 0xab, sizeof o);
    CHECK_CODE(intercom_client_options_init(&o, INTERCOM_CLIENT_OPTIONS_VERSION), INTERCOM_OK);
    CHECK(o.version == INTERCOM_CLIENT_OPTIONS_VERSION);
    CHECK(o.max_retries == m.max_retries && o.max_retries == 2);
    CHECK(o.timeout == 60.0 && o.connect_timeout == 5.0 && o.retry_after_max == 60.0);
    CHECK(o.max_response_size == (size_t)64 * 1024 * 1024 && o.log_level == -1);
    CHECK(o.bearer_token == NULL && o.user_agent == NULL && o.pace_rate_limit == 0);

    intercom_request_options r;
    memset(&r, 0xab, sizeof r);
    CHECK_CODE(intercom_request_options_init(&r, INTERCOM_REQUEST_OPTIONS_VERSION), INTERCOM_OK);
    CHECK(r.version == INTERCOM_REQUEST_OPTIONS_VERSION && r.max_retries == -1 && r.timeout == -1.0);
    CHECK(r.strict == -1 && r.extra_headers == NULL && r.async_id == NULL && r.skip_decode == 0);
}

static void test_init_refuses(void) {
    intercom_client_options o;
    unsigned char canary[sizeof o];
    memset(&o, 0xab, sizeof o);
    memcpy(canary, &o, sizeof o);
    CHECK_CODE(intercom_client_options_init(&o, 0), INTERCOM_E_INVALID_ARGUMENT);
    CHECK_CODE(intercom_client_options_init(&o, INTERCOM_CLIENT_OPTIONS_VERSION + 1), INTERCOM_E_INVALID_ARGUMENT);
    CHECK(!memcmp(&o, canary, sizeof o)); /* nothing written */
    CHECK_CODE(intercom_client_options_init(NULL, INTERCOM_CLIENT_OPTIONS_VERSION), INTERCOM_E_INVALID_ARGUMENT);
    intercom_request_options r;
    CHECK_CODE(intercom_request_options_init(&r, 0), INTERCOM_E_INVALID_ARGUMENT);
    CHECK_CODE(intercom_request_options_init(&r, 1000), INTERCOM_E_INVALID_ARGUMENT);
    CHECK_CODE(intercom_request_options_init(NULL, 1), INTERCOM_E_INVALID_ARGUMENT);
}

/* an older caller: its own struct, its own version; init writes only that many bytes */
static void test_init_v1(void) {
    client_options_v1 *o = exact(sizeof *o);
    CHECK_CODE(intercom_client_options_init((intercom_client_options *)(void *)o, 1), INTERCOM_OK);
    CHECK(o->version == 1 && o->max_retries == 2 && o->timeout == 60.0 && o->log_level == -1);
    CHECK(o->bearer_token == NULL && o->pace_rate_limit == 0);
    free(o);
    request_options_v1 *r = exact(sizeof *r);
    CHECK_CODE(intercom_request_options_init((intercom_request_options *)(void *)r, 1), INTERCOM_OK);
    CHECK(r->version == 1 && r->max_retries == -1 && r->async_id == NULL);
    free(r);
}

static const char *header_of_first_request(const char *name, char *buf, size_t n) {
    mock_request rq;
    buf[0] = '\0';
    if (mock_server_request(S, 0, &rq) == 0) {
        const char *v = mock_request_header(&rq, name);
        if (v) snprintf(buf, n, "%s", v);
        mock_request_clear(&rq);
    }
    return buf;
}

/* a version-1 client options struct (and a version-1 request options struct) drive real requests */
static void test_client_v1(void) {
    mock_response ok = MOCK_RESPONSE_INIT;
    ok.body = "{\"type\":\"admin\",\"id\":\"1\"}";
    ok.headers = "Content-Type: application/json\r\n";
    mock_server_set_default(S, &ok);
    mock_server_reset(S);

    static const intercom_kv hdr[] = {{"X-From-V1", "client"}, {NULL, NULL}};
    client_options_v1 *o = exact(sizeof *o);
    CHECK_CODE(intercom_client_options_init((intercom_client_options *)(void *)o, 1), INTERCOM_OK);
    o->bearer_token = "tok";
    o->base_url = mock_server_url(S);
    o->default_headers = hdr;
    o->user_agent = "v1-agent/1";
    o->max_retries = 0;
    intercom_client *c = NULL;
    intercom_error err = INTERCOM_ERROR_INIT;
    CHECK_CODE(intercom_client_new(&c, (const intercom_client_options *)(const void *)o, &err), INTERCOM_OK);
    free(o); /* nothing is kept from the struct */
    if (!c) {
        intercom_error_clear(&err);
        return;
    }
    static const intercom_kv rh[] = {{"X-Req-V1", "yes"}, {NULL, NULL}};
    request_options_v1 *r = exact(sizeof *r);
    CHECK_CODE(intercom_request_options_init((intercom_request_options *)(void *)r, 1), INTERCOM_OK);
    r->extra_headers = rh;
    intercom_response *resp = NULL;
    CHECK_CODE(intercom_request(c, "GET", "/me", NULL, NULL, (const intercom_request_options *)(const void *)r,
                                &resp, &err),
               INTERCOM_OK);
    intercom_response_free(resp);
    char b[128];
    CHECK_STR(header_of_first_request("X-From-V1", b, sizeof b), "client");
    CHECK_STR(header_of_first_request("User-Agent", b, sizeof b), "v1-agent/1");
    CHECK_STR(header_of_first_request("X-Req-V1", b, sizeof b), "yes");

    /* the same through the typed API and the pager entry (async_id, raw_response of version 1) */
    intercom_admin_with_app *me = NULL;
    CHECK_CODE(intercom_me_retrieve(c, (const intercom_request_options *)(const void *)r, &me, &err), INTERCOM_OK);
    intercom_model_free(me);

    /* a request options version this library does not know: refused, nothing sent */
    size_t before = mock_server_request_count(S);
    r->version = INTERCOM_REQUEST_OPTIONS_VERSION + 1;
    CHECK_CODE(intercom_request(c, "GET", "/me", NULL, NULL, (const intercom_request_options *)(const void *)r,
                                &resp, &err),
               INTERCOM_E_INVALID_ARGUMENT);
    char want[64];
    snprintf(want, sizeof want, "intercom_request_options.version is %u", INTERCOM_REQUEST_OPTIONS_VERSION + 1);
    CHECK(err.message && strstr(err.message, want));
    intercom_error_clear(&err);
    r->version = 0;
    CHECK_CODE(intercom_me_retrieve(c, (const intercom_request_options *)(const void *)r, &me, &err),
               INTERCOM_E_INVALID_ARGUMENT);
    CHECK(me == NULL);
    intercom_error_clear(&err);
    CHECK(mock_server_request_count(S) == before);
    free(r);
    intercom_client_free(c);
}

static void test_client_refuses(void) {
    intercom_client_options o = INTERCOM_CLIENT_OPTIONS_INIT;
    o.bearer_token = "tok";
    o.base_url = mock_server_url(S);
    intercom_client *c = NULL;
    intercom_error err = INTERCOM_ERROR_INIT;
    o.version = INTERCOM_CLIENT_OPTIONS_VERSION + 1;
    CHECK_CODE(intercom_client_new(&c, &o, &err), INTERCOM_E_INVALID_ARGUMENT);
    CHECK(c == NULL);
    CHECK(err.message && strstr(err.message, "intercom_client_options.version") && strstr(err.message, "accepts"));
    intercom_error_clear(&err);
    o.version = 0;
    intercom_async_client *ac = NULL;
    CHECK_CODE(intercom_async_client_new(&ac, &o, &err), INTERCOM_E_INVALID_ARGUMENT);
    CHECK(ac == NULL);
    intercom_error_clear(&err);
}

typedef struct done {
    int calls;
    intercom_code code;
} done;
static void on_done(intercom_code code, void *result, const intercom_error *err, void *payload) {
    (void)err;
    done *d = payload;
    d->calls++;
    d->code = code;
    if (result) intercom_response_free(result);
}

/* async: an old struct works, an unknown version fails through the callback, once */
static void test_async_v1(void) {
    mock_response ok = MOCK_RESPONSE_INIT;
    ok.body = "{}";
    mock_server_set_default(S, &ok);
    mock_server_reset(S);
    intercom_client_options o = INTERCOM_CLIENT_OPTIONS_INIT;
    o.bearer_token = "tok";
    o.base_url = mock_server_url(S);
    intercom_async_client *ac = NULL;
    CHECK_CODE(intercom_async_client_new(&ac, &o, NULL), INTERCOM_OK);
    if (!ac) return;
    static const intercom_kv rh[] = {{"X-Req-V1", "async"}, {NULL, NULL}};
    uint64_t id = 0;
    request_options_v1 *r = exact(sizeof *r);
    CHECK_CODE(intercom_request_options_init((intercom_request_options *)(void *)r, 1), INTERCOM_OK);
    r->extra_headers = rh;
    r->async_id = &id;
    done d1 = {0, INTERCOM_OK}, d2 = {0, INTERCOM_OK};
    CHECK_CODE(intercom_async_request(ac, "GET", "/me", NULL, NULL, (const intercom_request_options *)(void *)r,
                                      on_done, &d1),
               INTERCOM_OK);
    CHECK(id != 0);
    r->version = 77;
    CHECK_CODE(intercom_async_request(ac, "GET", "/me", NULL, NULL, (const intercom_request_options *)(void *)r,
                                      on_done, &d2),
               INTERCOM_OK);
    intercom_async_run_until_idle(ac);
    CHECK(d1.calls == 1 && d1.code == INTERCOM_OK);
    CHECK(d2.calls == 1 && d2.code == INTERCOM_E_INVALID_ARGUMENT);
    char b[64];
    CHECK_STR(header_of_first_request("X-Req-V1", b, sizeof b), "async");
    CHECK(mock_server_request_count(S) == 1);
    free(r);
    intercom_async_client_free(ac);
}

/* The mechanism on a made-up struct with two versions: what a third helper appending a field
 * to intercom_client_options gets (a new row in the size table). */
typedef struct demo_v2 {
    unsigned version;
    int a;
    const char *b;
    double c; /* added in version 2 */
    int d;    /* added in version 2 */
} demo_v2;
typedef struct demo_v1 {
    unsigned version;
    int a;
    const char *b;
} demo_v1;

static void test_mechanism(void) {
    static const demo_v2 defaults = {2, 1, "dflt", 2.5, 7};
    static const size_t sizes[] = {IC_SIZE_THROUGH(demo_v2, b), IC_SIZE_THROUGH(demo_v2, d)};
    const ic_options_layout l = {"demo_options", sizeof(demo_v2), &defaults, sizes, 2};

    demo_v1 *old = exact(sizeof *old);
    CHECK_CODE(ic_options_init(&l, old, 1), INTERCOM_OK);
    CHECK(old->version == 1 && old->a == 1 && !strcmp(old->b, "dflt"));
    old->a = 42;
    old->b = "mine";
    demo_v2 cur;
    memset(&cur, 0, sizeof cur);
    CHECK_CODE(ic_options_upgrade(&l, &cur, old, NULL), INTERCOM_OK);
    CHECK(cur.version == 2 && cur.a == 42 && !strcmp(cur.b, "mine"));
    CHECK(cur.c == 2.5 && cur.d == 7); /* beyond the caller's version: defaults */
    free(old);

    demo_v2 *now = exact(sizeof *now);
    CHECK_CODE(ic_options_init(&l, now, 2), INTERCOM_OK);
    now->c = 9.0;
    CHECK_CODE(ic_options_upgrade(&l, &cur, now, NULL), INTERCOM_OK);
    CHECK(cur.c == 9.0 && cur.d == 7 && cur.a == 1);
    now->version = 3;
    intercom_error err = INTERCOM_ERROR_INIT;
    CHECK_CODE(ic_options_upgrade(&l, &cur, now, &err), INTERCOM_E_INVALID_ARGUMENT);
    CHECK(err.message && strstr(err.message, "demo_options.version is 3; this libintercom accepts versions 1 to 2"));
    intercom_error_clear(&err);
    CHECK_CODE(ic_options_init(&l, now, 3), INTERCOM_E_INVALID_ARGUMENT);
    free(now);
}

/* the size table: version 1 is exactly the 0.1.0 struct, and the current version reaches the end
 * of the current struct (a field appended without a new version would be ignored for everyone) */
static void test_table(void) {
    const ic_options_layout *c = &ic_client_options_layout, *r = &ic_request_options_layout;
    CHECK(c->n_versions == INTERCOM_CLIENT_OPTIONS_VERSION && r->n_versions == INTERCOM_REQUEST_OPTIONS_VERSION);
    CHECK(c->sizes[0] == IC_SIZE_THROUGH(client_options_v1, pace_rate_limit));
    CHECK(r->sizes[0] == IC_SIZE_THROUGH(request_options_v1, async_id));
    CHECKF(sizeof(intercom_client_options) - c->sizes[c->n_versions - 1] < _Alignof(intercom_client_options),
           "client options: %zu bytes, current version covers %zu", sizeof(intercom_client_options),
           c->sizes[c->n_versions - 1]);
    CHECKF(sizeof(intercom_request_options) - r->sizes[r->n_versions - 1] < _Alignof(intercom_request_options),
           "request options: %zu bytes, current version covers %zu", sizeof(intercom_request_options),
           r->sizes[r->n_versions - 1]);
    for (unsigned v = 1; v < c->n_versions; v++) CHECK(c->sizes[v] > c->sizes[v - 1]);
    for (unsigned v = 1; v < r->n_versions; v++) CHECK(r->sizes[v] > r->sizes[v - 1]);
}

static const ic_test tests[] = {
    {"table", test_table},
    {"init_current", test_init_current},
    {"init_refuses", test_init_refuses},
    {"init_v1", test_init_v1},
    {"client_v1", test_client_v1},
    {"client_refuses", test_client_refuses},
    {"async_v1", test_async_v1},
    {"mechanism", test_mechanism},
    {NULL, NULL},
};

int main(int argc, char **argv) {
    S = mock_server_start();
    if (!S) {
        fprintf(stderr, "cannot start the mock server\n");
        return 1;
    }
    int rc = ic_test_run(tests, argc, argv);
    mock_server_stop(S);
    return rc;
}
