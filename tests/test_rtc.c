/* SPDX-License-Identifier: MIT */
/* Runtime cleanups of session 4, each with the check that failed before its change (internal headers:
 * linked statically; yajl_parse and json_loadb are wrapped to count how often a text is parsed):
 *   astrndup_overflow    ic_astrndup refuses an overflow-sized length before allocating (multipart.c's
 *                        copy of a file's bytes is ic_astrndup now)
 *   rate_limit_same      intercom_rate_limit_parse (one pass over the caller's block) gives what the
 *                        engine's header path gives (ic_response_set_header_block, then retry.c), on
 *                        generated blocks and on fuzz/corpus_headers
 *   rate_limit_no_copy   ... and allocates nothing for a typical Intercom header block (it copied the
 *                        block's lines, then split them into a response of their own)
 *   extra_body_exact     a typed body with extra_body, received by the scripted server: an integer beyond
 *                        64 bits and 0.1 arrive as encoded (the body was parsed back with json_loadb: the
 *                        big integer failed the call, 0.1 became 0.10000000000000001); extra_body replaces
 *                        a field of the same name
 *   webhook_decode_once  intercom_notification_parse parses the body's text once (the item is decoded from
 *                        Jansson's value, not written out and parsed again), with the same typed item as
 *                        the old path for every fixture and a hostile item
 *   oom_paths            each changed path under failing allocations: an error or the result, no leak */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <curl/curl.h>
#include <dirent.h>
#include <float.h>
#include <jansson.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mock_server.h"
#include "runtime/internal.h"
#include "runtime/webhook_internal.h"
#include "testutil.h"

#ifndef FIXTURES_DIR
#error FIXTURES_DIR must be defined
#endif
#ifndef CORPUS_DIR
#error CORPUS_DIR must be defined
#endif

/* ---------- counting: allocations (the process default) and text parses (link-time wraps) ---------- */

static atomic_size_t n_allocs;
static atomic_long budget = -1; /* >= 0: the allocations left before they fail (test_oom_paths) */
static int spend(void) {
    atomic_fetch_add(&n_allocs, 1);
    return atomic_load(&budget) < 0 || atomic_fetch_sub(&budget, 1) > 0;
}
static void *count_malloc(size_t n, void *p) { (void)p; return spend() ? malloc(n) : NULL; }
static void *count_realloc(void *q, size_t n, void *p) { (void)p; return spend() ? realloc(q, n) : NULL; }
static void count_free(void *q, void *p) { (void)p; free(q); }
static const intercom_allocator counting = {count_malloc, count_realloc, count_free, NULL};

static atomic_size_t n_yajl_parse, n_json_loadb;
yajl_status __real_yajl_parse(yajl_handle h, const unsigned char *p, size_t n);
yajl_status __wrap_yajl_parse(yajl_handle h, const unsigned char *p, size_t n);
yajl_status __wrap_yajl_parse(yajl_handle h, const unsigned char *p, size_t n) {
    atomic_fetch_add(&n_yajl_parse, 1);
    return __real_yajl_parse(h, p, n);
}
json_t *__real_json_loadb(const char *p, size_t n, size_t flags, json_error_t *e);
json_t *__wrap_json_loadb(const char *p, size_t n, size_t flags, json_error_t *e);
json_t *__wrap_json_loadb(const char *p, size_t n, size_t flags, json_error_t *e) {
    atomic_fetch_add(&n_json_loadb, 1);
    return __real_json_loadb(p, n, flags, e);
}

/* ---------- 1. ic_astrndup ---------- */

static atomic_size_t n_refusing;
static void *refusing_malloc(size_t n, void *p) { (void)n; (void)p; atomic_fetch_add(&n_refusing, 1); return NULL; }

static void test_astrndup_overflow(void) {
    static const intercom_allocator refusing = {refusing_malloc, count_realloc, count_free, NULL};
    /* SIZE_MAX + 1 wraps to 0: without the guard a 1-byte block was asked for, then SIZE_MAX bytes copied */
    CHECK(ic_astrndup(&refusing, "x", SIZE_MAX) == NULL);
    CHECKF(atomic_load(&n_refusing) == 0, "%zu allocations asked for", atomic_load(&n_refusing));
    CHECK(ic_astrndup(&refusing, "x", SIZE_MAX - 1) == NULL); /* asked for, refused: no wrap */
    size_t asked = atomic_load(&n_refusing);
    CHECK(asked == 1);
    char *d = ic_astrndup(NULL, "a\0b", 3); /* bytes, NULs included */
    CHECK(d && !memcmp(d, "a\0b", 4));
    ic_free(NULL, d);
    CHECK(ic_astrndup(NULL, NULL, 3) == NULL);
}

/* ---------- 2. intercom_rate_limit_parse ---------- */

/* What the engine reports for @p blk: its header path (lines holding a NUL dropped first, as the
 * public function documents), the wait from retry.c as intercom_rate_limit_parse asks for it. */
static void engine_view(const char *blk, size_t len, int status, intercom_rate_limit *rl, double *wait) {
    char *clean = malloc(len + 1);
    size_t cl = 0;
    for (size_t i = 0; i < len;) {
        const char *nl = memchr(blk + i, '\n', len - i);
        size_t n = nl ? (size_t)(nl - (blk + i)) + 1 : len - i;
        if (!memchr(blk + i, '\0', n)) memcpy(clean + cl, blk + i, n), cl += n;
        i += n;
    }
    intercom_response *r = ic_response_new(NULL);
    CHECK(r && ic_response_set_header_block(r, clean, cl) == 0);
    *rl = r->rate_limit;
    ic_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.retry_after_max = DBL_MAX;
    ic_attempt_outcome o = {status ? intercom_code_from_status(status) : INTERCOM_E_CONNECTION, status, r, 1, 1, 0};
    const char *why = NULL;
    double d = ic_retry_delay(&cfg, &o, &why);
    *wait = d > 0 && why && strcmp(why, "backoff") ? d : -1.0;
    intercom_response_free(r);
    free(clean);
}

static int same_view(const char *blk, size_t len, int status) {
    intercom_rate_limit want, got;
    double want_wait, got_wait = 0;
    engine_view(blk, len, status, &want, &want_wait);
    CHECK_CODE(intercom_rate_limit_parse(len ? blk : NULL, len, status, &got, &got_wait, NULL), INTERCOM_OK);
    int same = got.limit == want.limit && got.remaining == want.remaining && got.reset == want.reset &&
               (got_wait == want_wait || (got_wait > 0 && want_wait > 0 && got_wait - want_wait < 2 &&
                                          want_wait - got_wait < 2)); /* an HTTP date: a second may pass */
    CHECKF(same, "status %d, block \"%.*s\": limit %lld/%lld remaining %lld/%lld reset %lld/%lld wait %g/%g", status,
           (int)len, blk, (long long)got.limit, (long long)want.limit, (long long)got.remaining,
           (long long)want.remaining, (long long)got.reset, (long long)want.reset, got_wait, want_wait);
    return same;
}

static uint64_t rng = 0x2545F4914F6CDD1Dull;
static unsigned pick(unsigned n) {
    rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
    return (unsigned)(rng % n);
}

static void test_rate_limit_same(void) {
    static const char *const names[] = {"X-RateLimit-Limit", "x-ratelimit-remaining", "X-RATELIMIT-RESET",
                                        "x-should-retry", "Retry-After-Ms", "retry-after", "Content-Type",
                                        "X-RateLimit-Limits", "Retry-After-", "X-RateLimit-", "X-Request-Id",
                                        "Retry_After", "", "X-RateLimit-Remaining\0x"};
    static const char *const values[] = {"5", "0", "", "-1", "99999999999999999999", "9223372036854775807",
                                         "9223372036854775808", "1e3", "abc", "true", "false", "TRUE", "250",
                                         "2.5", "nan", "inf", "1764489660", "0x10", "+7", "3 4",
                                         "Wed, 21 Oct 2037 07:28:00 GMT", "a\0b"};
    static const char *const pads[] = {"", " ", "\t", "  \t", "\r"};
    static const char *const ends[] = {"\r\n", "\n", "", "\r\r\n", " \n"};
    static const int statuses[] = {429, 503, 500, 408, 409, 200, 404, 502, 400, 0};
    int failures = 0;
    char blk[4096];
    for (int round = 0; round < 20000 && failures < 5; round++) {
        size_t len = 0;
        unsigned lines = pick(9);
        if (pick(4) == 0) len += (size_t)sprintf(blk, "HTTP/1.1 %d X\r\n", statuses[pick(10)]);
        for (unsigned i = 0; i < lines; i++) {
            unsigned kind = pick(20);
            const char *nm = names[pick(sizeof names / sizeof *names)];
            size_t nl = strlen(nm) + (nm[0] && !strcmp(nm, "X-RateLimit-Remaining") && kind == 0 ? 2 : 0);
            const char *v = values[pick(sizeof values / sizeof *values)];
            size_t vl = strlen(v) + (!strcmp(v, "a") ? 2 : 0);
            if (kind == 1) { /* no colon */
                len += (size_t)sprintf(blk + len, "%s %s", nm, v);
            } else {
                const char *p1 = pads[pick(5)], *p2 = pads[pick(5)], *p3 = pads[pick(5)];
                memcpy(blk + len, p1, strlen(p1)), len += strlen(p1);
                memcpy(blk + len, nm, nl), len += nl;
                memcpy(blk + len, p2, strlen(p2)), len += strlen(p2);
                blk[len++] = ':';
                memcpy(blk + len, p3, strlen(p3)), len += strlen(p3);
                memcpy(blk + len, v, vl), len += vl;
                if (kind == 2) memcpy(blk + len, " \t", 2), len += 2;
            }
            const char *e = i + 1 == lines ? ends[pick(5)] : ends[pick(2)];
            memcpy(blk + len, e, strlen(e)), len += strlen(e);
        }
        if (pick(3) == 0) memcpy(blk + len, "\r\n", 2), len += 2;
        failures += !same_view(blk, len, statuses[pick(10)]);
    }
    /* the fuzzer's corpus (fuzz/corpus_headers: byte 0 picks the status, the block starts at byte 2) */
    DIR *dir = opendir(CORPUS_DIR);
    CHECK(dir != NULL);
    int files = 0;
    for (struct dirent *de; dir && (de = readdir(dir));) {
        if (de->d_name[0] == '.') continue;
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", CORPUS_DIR, de->d_name);
        FILE *f = fopen(path, "rb");
        if (!f) continue;
        size_t n = fread(blk, 1, sizeof blk, f);
        fclose(f);
        files++;
        for (size_t s = 0; n >= 2 && s < sizeof statuses / sizeof *statuses; s++) same_view(blk + 2, n - 2, statuses[s]);
    }
    if (dir) closedir(dir);
    CHECK(files >= 5);
}

static void test_rate_limit_no_copy(void) {
    /* bench/intercom_headers.h's block, as libcurl hands it over */
    static const char H[] = "HTTP/1.1 429 Too Many Requests\r\n"
                            "Content-Type: application/json; charset=utf-8\r\n"
                            "Date: Mon, 30 Nov 2026 08:00:00 GMT\r\n"
                            "Connection: keep-alive\r\n"
                            "Server: nginx\r\n"
                            "Vary: Accept-Encoding, Origin\r\n"
                            "X-RateLimit-Limit: 10000\r\n"
                            "X-RateLimit-Remaining: 0\r\n"
                            "X-RateLimit-Reset: 1764489660\r\n"
                            "X-Request-Id: 0005lt8rn9qeunpn5ri0\r\n"
                            "Intercom-Version: 2.16\r\n"
                            "Retry-After: 7\r\n"
                            "Content-Length: 2\r\n\r\n";
    intercom_rate_limit rl;
    double wait = 0;
    size_t before = atomic_load(&n_allocs);
    CHECK_CODE(intercom_rate_limit_parse(H, sizeof H - 1, 429, &rl, &wait, NULL), INTERCOM_OK);
    CHECK_CODE(intercom_rate_limit_parse(H, sizeof H - 1, 200, &rl, NULL, NULL), INTERCOM_OK);
    CHECKF(atomic_load(&n_allocs) == before, "%zu allocations", atomic_load(&n_allocs) - before);
    CHECK(rl.limit == 10000 && rl.remaining == 0 && rl.reset == 1764489660 && wait == 7.0);
    /* a long value is still read whole (one allocation for it) */
    char big[600];
    int n = snprintf(big, sizeof big, "Retry-After: %0500d\r\n", 9);
    CHECK_CODE(intercom_rate_limit_parse(big, (size_t)n, 503, &rl, &wait, NULL), INTERCOM_OK);
    CHECK(wait == 9.0);
}

/* ---------- 3. extra_body merged without a parse of the encoded body ---------- */

typedef struct thing {
    intercom_model base;
    int64_t size;
    json_t *meta;
    uint8_t has_size, has_meta;
} thing;
extern const intercom_type thing_type;
static const ic_field thing_fields[] = {
    {"size", IC_K_INT, 0, IC_IN_BODY, offsetof(thing, size), 0, offsetof(thing, has_size), NULL, NULL},
    {"meta", IC_K_JSON, 0, IC_IN_BODY, offsetof(thing, meta), 0, offsetof(thing, has_meta), NULL, NULL},
};
static const uint16_t thing_by_name[] = {1, 0};
const intercom_type thing_type = {"thing", IC_T_OBJECT, sizeof(thing), 2, thing_fields, thing_by_name, 0, NULL,
                                  NULL, 0, 0, NULL, 0, 0, NULL, NULL};

typedef struct upd_params {
    const char *id;
    const char *email;
    double score;
    struct thing *thing;
    uint8_t has_id, has_email, has_score, has_thing;
} upd_params;
#define P(n, k, in, off, t) {n, k, 0, in, offsetof(upd_params, off), 0, offsetof(upd_params, has_##off), t, NULL}
static const ic_field upd_fields[] = {
    P("email", IC_K_STRING, IC_IN_BODY, email, NULL),
    P("id", IC_K_STRING, IC_IN_PATH, id, NULL),
    P("score", IC_K_NUMBER, IC_IN_BODY, score, NULL),
    P("thing", IC_K_OBJECT, IC_IN_BODY, thing, &thing_type),
};
#undef P
static const uint16_t upd_by_name[] = {0, 1, 2, 3};
static const intercom_type upd_params_type = {"things_update_params", IC_T_PARAMS, sizeof(upd_params), 4, upd_fields,
                                              upd_by_name, 0, NULL, NULL, 0, 0, NULL, 0, 0, NULL, NULL};
static const ic_operation op_upd = {"things.update", "PUT", "/things/{id}", NULL, &upd_params_type, &thing_type,
                                    NULL, IC_OP_HAS_BODY, "Update a thing", IC_PAGE_NONE, NULL, 0};

static mock_server *S;

static char *sent_body(intercom_client *c, const upd_params *p, const json_t *extra, intercom_code want) {
    intercom_request_options ro = INTERCOM_REQUEST_OPTIONS_INIT;
    ro.extra_body = extra;
    intercom_error err = INTERCOM_ERROR_INIT;
    thing *out = NULL;
    mock_server_reset(S);
    CHECK_CODE(ic_call(c, &op_upd, p, &ro, (void **)&out, &err), want);
    if (want != INTERCOM_OK) CHECK(err.message && strstr(err.message, "extra_body"));
    intercom_model_free(out);
    intercom_error_clear(&err);
    mock_request q = {0};
    if (mock_server_request(S, 0, &q)) return NULL;
    char *body = strdup(q.body ? q.body : "");
    mock_request_clear(&q);
    return body;
}

static intercom_client *new_client(void) { return ic_test_client(mock_server_url(S)); }

/* A required body field that extra_body supplies is not refused as missing (a generated operation). */
static void test_extra_body_required(void) {
    intercom_client *c = new_client();
    mock_response r = MOCK_RESPONSE_INIT;
    r.body = "{\"type\":\"admin\",\"id\":\"7\"}";
    mock_server_set_default(S, &r);
    intercom_admins_set_away_params p = INTERCOM_ADMINS_SET_AWAY_PARAMS_INIT;
    p.admin_id = "7";
    INTERCOM_SET(&p, away_mode_enabled, true);
    intercom_admin *out = NULL;
    intercom_error err = INTERCOM_ERROR_INIT;
    mock_server_reset(S);
    CHECK_CODE(intercom_admins_set_away(c, &p, NULL, &out, &err), INTERCOM_E_INVALID_ARGUMENT);
    CHECK(err.message && strstr(err.message, "away_mode_reassign") && mock_server_request_count(S) == 0);
    intercom_request_options ro = INTERCOM_REQUEST_OPTIONS_INIT;
    json_t *extra = json_pack("{s:b}", "away_mode_reassign", 0);
    ro.extra_body = extra;
    CHECK_CODE(intercom_admins_set_away(c, &p, &ro, &out, &err), INTERCOM_OK);
    mock_request q = {0};
    CHECK(mock_server_request(S, 0, &q) == 0);
    CHECK_STR(q.body, "{\"away_mode_enabled\":true,\"away_mode_reassign\":false}");
    mock_request_clear(&q);
    intercom_admin_free(out);
    json_decref(extra);
    intercom_error_clear(&err);
    intercom_client_free(c);
}

/* Through a proxy's tunnel (CONNECT, as for every https:// URL through a proxy): the proxy's own answer
 * is not taken for the response (no decoder for it, nothing leaked), and the response is decoded. */
static int tunnel_hook(void *easy, void *payload) {
    (void)payload;
    return curl_easy_setopt(easy, CURLOPT_HTTPPROXYTUNNEL, 1L) != CURLE_OK;
}

static void test_proxy_tunnel(void) {
    intercom_client_options o = INTERCOM_CLIENT_OPTIONS_INIT;
    o.bearer_token = "t";
    o.base_url = "http://127.0.0.1:9"; /* reached through the tunnel only */
    o.proxy = mock_server_url(S);
    o.max_retries = 0;
    o.curl_hook = tunnel_hook;
    intercom_client *c = NULL;
    CHECK_CODE(intercom_client_new(&c, &o, NULL), INTERCOM_OK);
    mock_server_reset(S);
    mock_response r = MOCK_RESPONSE_INIT;
    r.status = 200; /* the proxy: tunnel established */
    mock_server_push(S, &r);
    r.body = "{\"type\":\"admin\",\"id\":\"7\",\"email\":\"a@b.c\"}";
    mock_server_push(S, &r);
    intercom_admin_with_app *me = NULL;
    intercom_error err = INTERCOM_ERROR_INIT;
    CHECK_CODE(c ? intercom_me_retrieve(c, NULL, &me, &err) : INTERCOM_E_INTERNAL, INTERCOM_OK);
    CHECK(me && me->email && !strcmp(me->email, "a@b.c"));
    mock_request q = {0};
    CHECK(mock_server_request_count(S) == 2 && !mock_server_request(S, 0, &q) && !strcmp(q.method, "CONNECT"));
    mock_request_clear(&q);
    intercom_admin_with_app_free(me);
    intercom_error_clear(&err);
    intercom_client_free(c);
}

static void test_extra_body_exact(void) {
    intercom_client *c = new_client();
    mock_response r = MOCK_RESPONSE_INIT;
    r.body = "{\"size\":4}";
    mock_server_set_default(S, &r);

    /* a thing decoded from JSON keeps the text of what a json_t or an int64_t cannot hold, and the
     * encoder writes that text back */
    static const char TJ[] = "{\"size\":123456789012345678901234,\"meta\":{\"n\":-98765432109876543210987,\"f\":0.1}}";
    thing *t = NULL;
    intercom_error err = INTERCOM_ERROR_INIT;
    CHECK_CODE(intercom_from_json(&thing_type, TJ, sizeof TJ - 1, 0, (void **)&t, &err), INTERCOM_OK);
    upd_params p = {.id = "1", .email = "a@b.c", .score = 0.1, .has_score = 1, .thing = t};
    static const char TYPED[] = "{\"email\":\"a@b.c\",\"score\":0.1,\"thing\":{\"size\":123456789012345678901234,"
                                "\"meta\":{\"n\":-98765432109876543210987,\"f\":0.1}}";
    char *body = sent_body(c, &p, NULL, INTERCOM_OK);
    char want[512];
    snprintf(want, sizeof want, "%s}", TYPED);
    CHECK_STR(body, want);
    free(body);

    json_t *extra = json_pack("{s:s,s:I}", "beta", "on", "big", (json_int_t)INT64_MIN);
    body = sent_body(c, &p, extra, INTERCOM_OK);
    snprintf(want, sizeof want, "%s,\"beta\":\"on\",\"big\":-9223372036854775808}", TYPED);
    CHECK_STR(body, want);
    free(body);
    /* extra_body replaces a body field of the same name (its value, once) */
    json_object_set_new(extra, "email", json_string("x@y.z"));
    body = sent_body(c, &p, extra, INTERCOM_OK);
    CHECK_STR(body, "{\"score\":0.1,\"thing\":{\"size\":123456789012345678901234,\"meta\":{\"n\":-98765432109876543210987,"
                    "\"f\":0.1}},\"beta\":\"on\",\"big\":-9223372036854775808,\"email\":\"x@y.z\"}");
    free(body);
    CHECK(p.has_email == 0 && !strcmp(p.email, "a@b.c")); /* the caller's params are not touched */
    json_decref(extra);
    /* an empty typed body, an empty extra_body; a non-object extra_body is refused, nothing sent */
    upd_params none = {.id = "1"};
    extra = json_pack("{s:b}", "only", 1);
    body = sent_body(c, &none, extra, INTERCOM_OK);
    CHECK_STR(body, "{\"only\":true}");
    free(body);
    json_decref(extra);
    extra = json_object();
    body = sent_body(c, &p, extra, INTERCOM_OK);
    CHECK(body && !strncmp(body, TYPED, sizeof TYPED - 1) && !strcmp(body + sizeof TYPED - 1, "}"));
    free(body);
    json_decref(extra);
    extra = json_array();
    CHECK(sent_body(c, &p, extra, INTERCOM_E_INVALID_ARGUMENT) == NULL);
    json_decref(extra);

    intercom_model_free(t);
    intercom_error_clear(&err);
    intercom_client_free(c);
}

/* ---------- 4. webhook notifications: the item decoded once ---------- */

/* The old path: the item written out by Jansson and decoded from that text. */
static char *old_item_json(const intercom_notification *n) {
    char *text = json_dumps(n->item_json, JSON_COMPACT | JSON_ENCODE_ANY), *s = NULL;
    void *m = NULL;
    intercom_error err = INTERCOM_ERROR_INIT;
    if (text && !ic_decode_buffer(NULL, n->item_model, 0, text, strlen(text), &m, &err))
        intercom_to_json(m, 0, &s, NULL, &err);
    intercom_model_free(m);
    free(text);
    intercom_error_clear(&err);
    return s;
}

static void check_once(const char *body, size_t len, const char *what) {
    intercom_notification *n = NULL;
    intercom_error err = INTERCOM_ERROR_INIT;
    size_t y0 = atomic_load(&n_yajl_parse), j0 = atomic_load(&n_json_loadb);
    CHECK_CODE(intercom_notification_parse(body, len, &n, &err), INTERCOM_OK);
    size_t yajl = atomic_load(&n_yajl_parse) - y0, jansson = atomic_load(&n_json_loadb) - j0;
    CHECKF(yajl + jansson == 1, "%s: the text was parsed %zu times (json_loadb %zu, yajl_parse %zu)", what,
           yajl + jansson, jansson, yajl);
    if (!n || !n->item) {
        intercom_notification_free(n);
        intercom_error_clear(&err);
        return;
    }
    char *now = NULL, *old = old_item_json(n);
    CHECK_CODE(intercom_to_json(n->item, 0, &now, NULL, &err), INTERCOM_OK);
    CHECKF(now && old && !strcmp(now, old), "%s: typed item\n now %s\n old %s", what, now ? now : "(null)",
           old ? old : "(null)");
    CHECK(json_equal(intercom_model_raw_json(n->item), n->item_json));
    intercom_free_string(now);
    intercom_free_string(old);
    intercom_notification_free(n);
    intercom_error_clear(&err);
}

static void test_webhook_decode_once(void) {
    DIR *dir = opendir(FIXTURES_DIR);
    CHECK(dir != NULL);
    int items = 0;
    for (struct dirent *de; dir && (de = readdir(dir));) {
        if (!strstr(de->d_name, ".json")) continue;
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", FIXTURES_DIR, de->d_name);
        FILE *f = fopen(path, "rb");
        if (!f) continue;
        static char buf[1 << 16];
        size_t n = fread(buf, 1, sizeof buf, f);
        fclose(f);
        check_once(buf, n, de->d_name);
        items++;
    }
    if (dir) closedir(dir);
    CHECK(items >= 10);
    /* values of the wrong JSON type (kept as invalid, written back), reals, escapes, nesting, nulls */
    static const char H[] =
        "{\"type\":\"notification_event\",\"topic\":\"conversation.user.created\",\"data\":{\"item\":{"
        "\"type\":\"conversation\",\"id\":7,\"created_at\":1.5,\"updated_at\":3.0,\"waiting_since\":1e20,"
        "\"title\":{\"a\":[1,2.25,-0.0,null,true,\"\\u00e9\\n\\\"\"]},\"open\":\"yes\",\"state\":\"snoozed-ish\","
        "\"read\":null,\"priority\":\"priority\",\"source\":{\"type\":\"conversation\",\"id\":\"s\",\"body\":"
        "\"<p>\\u2028</p>\",\"author\":{\"type\":\"user\",\"id\":\"u\",\"name\":null,\"email\":12}},"
        "\"tags\":{\"type\":\"tag.list\",\"tags\":[{\"type\":\"tag\",\"id\":\"1\",\"name\":\"VIP\"},7,[]]},"
        "\"custom_attributes\":{\"x\":0.30000000000000004,\"y\":-9223372036854775808,\"z\":{}},"
        "\"statistics\":[],\"undocumented\":{\"deep\":[[[[{\"k\":1e-7}]]]]}}}}";
    check_once(H, sizeof H - 1, "hostile item");
    /* the memory bound of a decode holds for the item too (relative to the notification's length) */
    static const char HEAD[] = "{\"type\":\"notification_event\",\"topic\":\"conversation.user.created\",\"data\":"
                               "{\"item\":{\"type\":\"conversation\",\"conversation_parts\":{\"conversation_parts\":[";
    size_t parts = 200000, len = 0;
    char *big = malloc(sizeof HEAD + 3 * parts + 16);
    memcpy(big, HEAD, sizeof HEAD - 1), len += sizeof HEAD - 1;
    for (size_t i = 0; i < parts; i++) memcpy(big + len, i ? ",{}" : "{}", i ? 3 : 2), len += i ? 3 : 2;
    memcpy(big + len, "]}}}}", 5), len += 5;
    intercom_notification *n = NULL;
    intercom_error err = INTERCOM_ERROR_INIT;
    CHECK_CODE(intercom_notification_parse(big, len, &n, &err), INTERCOM_E_RESPONSE_TOO_LARGE);
    CHECK(n == NULL && err.message && strstr(err.message, "decoded_memory_factor"));
    free(big);
    intercom_error_clear(&err);
}

/* ---------- out of memory on the changed paths: an error or the result, nothing leaked ---------- */

static void test_oom_paths(void) {
    intercom_error err = INTERCOM_ERROR_INIT;
    /* the rate limit: a value too long for the stack buffer, its copy refused */
    char big[600];
    int n = snprintf(big, sizeof big, "X-RateLimit-Limit: 5\r\nRetry-After: %0500d\r\n", 9);
    intercom_rate_limit rl;
    double wait = 0;
    atomic_store(&budget, 0);
    CHECK_CODE(intercom_rate_limit_parse(big, (size_t)n, 503, &rl, &wait, &err), INTERCOM_E_NOMEM);
    atomic_store(&budget, -1);
    CHECK(rl.limit == -1 && rl.remaining == -1 && rl.reset == -1 && wait == -1.0);
    /* extra_body merged into a typed body (the dry-run builder: no traffic) */
    intercom_client *c = new_client();
    upd_params p = {.id = "1", .email = "a@b.c", .score = 0.5, .has_score = 1};
    json_t *extra = json_pack("{s:s,s:i}", "email", "x@y.z", "n", 1);
    intercom_request_options ro = INTERCOM_REQUEST_OPTIONS_INIT;
    ro.extra_body = extra;
    intercom_code rc = INTERCOM_E_NOMEM;
    for (long k = 0; k < 1000 && rc == INTERCOM_E_NOMEM; k++) {
        intercom_prepared_request *pr = NULL;
        atomic_store(&budget, k);
        rc = intercom_operation_prepare(c, (const intercom_operation *)&op_upd, &p, &ro, &pr, &err);
        atomic_store(&budget, -1);
        if (rc == INTERCOM_OK) CHECK_STR(pr->body, "{\"score\":0.5,\"email\":\"x@y.z\",\"n\":1}");
        intercom_prepared_request_free(pr);
    }
    CHECK_CODE(rc, INTERCOM_OK);
    json_decref(extra);
    intercom_client_free(c);
    /* a notification whose item is decoded */
    static const char NB[] = "{\"type\":\"notification_event\",\"topic\":\"contact.user.created\",\"data\":{\"item\":"
                             "{\"type\":\"contact\",\"id\":\"1\",\"email\":\"a@b.c\",\"custom_attributes\":{\"x\":[1,2.5]}}}}";
    rc = INTERCOM_E_NOMEM;
    int failures = 0;
    for (long k = 0; k < 10000 && rc != INTERCOM_OK; k++) {
        intercom_notification *nt = NULL;
        atomic_store(&budget, k);
        rc = intercom_notification_parse(NB, sizeof NB - 1, &nt, &err);
        atomic_store(&budget, -1);
        failures += rc != INTERCOM_OK;
        if (rc == INTERCOM_OK) CHECK(nt && nt->item && intercom_field_state(nt->item, "email") == INTERCOM_FIELD_PRESENT);
        intercom_notification_free(nt);
    }
    CHECK_CODE(rc, INTERCOM_OK);
    CHECK(failures > 3);
    intercom_error_clear(&err);
}

static const ic_test tests[] = {
    {"astrndup_overflow", test_astrndup_overflow},
    {"rate_limit_same", test_rate_limit_same},
    {"rate_limit_no_copy", test_rate_limit_no_copy},
    {"extra_body_exact", test_extra_body_exact},
    {"extra_body_required", test_extra_body_required},
    {"proxy_tunnel", test_proxy_tunnel},
    {"webhook_decode_once", test_webhook_decode_once},
    {"oom_paths", test_oom_paths},
    {NULL, NULL},
};

int main(int argc, char **argv) {
    intercom_error err = INTERCOM_ERROR_INIT;
    if (intercom_global_allocator_set(&counting, &err)) { /* before any client: every default allocation counted */
        fprintf(stderr, "intercom_global_allocator_set: %s\n", err.message);
        return 1;
    }
    S = mock_server_start();
    int rc = ic_test_run(tests, argc, argv);
    mock_server_stop(S);
    return rc;
}
