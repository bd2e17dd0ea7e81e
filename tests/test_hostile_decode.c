/* SPDX-License-Identifier: MIT */
/* Issue 8, the decoder/encoder half: what a hostile or odd response body does to the
 * decoder, and what the encoder writes back. Each test asserts the value that is right. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mock_server.h"
#include "runtime/internal.h"
#include "testutil.h"

static mock_server *S;

static const intercom_type *type_named(const char *name) {
    const intercom_type *t;
    if (intercom_type_find(name, &t, NULL) == INTERCOM_OK && t->kind == IC_T_OBJECT) return t;
    fprintf(stderr, "no type %s\n", name);
    abort();
}

static const ic_field *field_named(const intercom_type *t, const char *name) {
    const ic_field *f = ic_type_find_field(t, name, strlen(name));
    if (!f) abort();
    return f;
}

static void *member(const void *obj, const intercom_type *t, const char *name) {
    return (char *)obj + field_named(t, name)->offset;
}

static char *to_json(const void *m);

static intercom_code feed_all(ic_decoder *d, const char *body, size_t len, size_t chunk, unsigned factor, void **out,
                              intercom_error *err) {
    ic_decoder_set_memory_factor(d, factor);
    if (!chunk) chunk = len ? len : 1;
    for (size_t off = 0; off < len; off += chunk)
        if (ic_decoder_feed(d, body + off, len - off < chunk ? len - off : chunk)) break;
    return ic_decoder_finish(d, out, err);
}

/* A decoder as the engine hands one to its next response: it decoded a clean document of another type
 * first and was recycled (ic_decoder_recycle, ic_decoder_reuse). */
static ic_decoder *recycled_decoder(const intercom_type *t, int strict) {
    const intercom_type *admin = type_named("admin");
    const char *doc = "{\"type\":\"admin\",\"id\":\"1\",\"team_ids\":[1,2],\"avatar\":{\"image_url\":\"x\"}} \n";
    ic_decoder *d = ic_decoder_new(NULL, admin, 1, 0);
    void *m = NULL;
    intercom_error err = INTERCOM_ERROR_INIT;
    CHECK(d && !ic_decoder_feed(d, doc, strlen(doc)) && ic_decoder_finish(d, &m, &err) == INTERCOM_OK);
    intercom_free(admin, m);
    intercom_error_clear(&err);
    d = ic_decoder_recycle(d);
    CHECK(d != NULL);
    if (d && ic_decoder_reuse(d, t, strict, 0)) {
        ic_decoder_free(d);
        d = NULL;
    }
    return d;
}

/* Decode @p body fed in @p chunk-byte pieces (0: one piece). Every input is decoded a second time by a
 * recycled decoder, which must give the same code, message and value. */
static intercom_code decode_chunked(const intercom_type *t, int strict, const char *body, size_t len, size_t chunk,
                                    unsigned factor, void **out, intercom_error *err, ic_decoder_stats *stats) {
    *out = NULL;
    ic_decoder *d = ic_decoder_new(NULL, t, strict, 0);
    if (!d) return INTERCOM_E_NOMEM;
    intercom_code rc = feed_all(d, body, len, chunk, factor, out, err);
    if (stats) *stats = ic_decoder_get_stats(d);
    ic_decoder_free(d);

    ic_decoder *r = recycled_decoder(t, strict);
    if (r) {
        void *again = NULL;
        intercom_error e2 = INTERCOM_ERROR_INIT;
        intercom_code rc2 = feed_all(r, body, len, chunk, factor, &again, &e2);
        CHECKF(rc2 == rc, "recycled decoder: %d, fresh: %d", rc2, rc);
        CHECKF(!rc || (err->message && e2.message && !strcmp(err->message, e2.message)), "recycled decoder said %s",
               e2.message ? e2.message : "(none)");
        if (!rc && !rc2 && t->kind == IC_T_OBJECT) {
            char *a = to_json(*out), *b = to_json(again);
            CHECKF(a && b && !strcmp(a, b), "recycled decoder decoded %s", b ? b : "(nothing)");
            free(a);
            free(b);
        }
        if (again) intercom_free(t, again);
        intercom_error_clear(&e2);
        ic_decoder_free(r);
    }
    return rc;
}

static char *to_json(const void *m) {
    char *s = NULL;
    intercom_error err = INTERCOM_ERROR_INIT;
    if (intercom_to_json(m, 0, &s, NULL, &err) != INTERCOM_OK) {
        fprintf(stderr, "to_json: %s\n", err.message ? err.message : "?");
        s = NULL;
    }
    intercom_error_clear(&err);
    return s;
}

/* ---------- item 1: linear whatever the chunking ---------- */

static char *long_string_body(size_t slen, size_t *len) {
    const char *pre = "{\"type\":\"admin\",\"id\":\"1\",\"name\":\"", *post = "\",\"email\":\"a@b.c\"}";
    *len = strlen(pre) + slen + strlen(post);
    char *b = malloc(*len + 1);
    memcpy(b, pre, strlen(pre));
    for (size_t k = 0; k < slen; k++) b[strlen(pre) + k] = (char)('a' + k % 26);
    memcpy(b + strlen(pre) + slen, post, strlen(post) + 1);
    return b;
}

/* The work the decoder does for a string fed in 16 KiB chunks: bytes handed to yajl, bytes
 * held aside, bytes yajl re-reads (the old decoder re-read the held prefix on every chunk:
 * about 33 MB for a 1 MB string). Linear means each is at most about the body's size, and
 * 4x the body costs 4x the work (the old decoder re-read the held token on every chunk). */
static void test_long_string_chunked_linear(void) {
    const intercom_type *t = type_named("admin_with_app");
    size_t work[2];
    for (int i = 0; i < 2; i++) {
        size_t slen = (size_t)(i ? 4 : 1) << 20, len;
        char *body = long_string_body(slen, &len);
        void *m = NULL;
        intercom_error err = INTERCOM_ERROR_INIT;
        ic_decoder_stats st = {0};
        CHECK_CODE(decode_chunked(t, 0, body, len, 16384, IC_DECODE_DEFAULT_FACTOR, &m, &err, &st), INTERCOM_OK);
        const char *name = m ? *(const char **)member(m, t, "name") : NULL;
        CHECKF(name && strlen(name) == slen && !memcmp(name, body + 33, slen), "name of %zu bytes", slen);
        CHECKF(st.to_yajl == len, "yajl got %zu bytes of %zu", st.to_yajl, len);
        /* yajl re-reads the held token once, plus at most one chunk's tail */
        CHECKF(st.held <= len && st.relexed <= len + 2 * 16384, "held %zu, re-read %zu of %zu", st.held, st.relexed, len);
        work[i] = st.to_yajl + st.held + st.relexed;
        intercom_free(t, m);
        intercom_error_clear(&err);
        free(body);
    }
    CHECKF(work[1] <= work[0] * 9 / 2, "work for 4 MB %zu vs 1 MB %zu", work[1], work[0]);
}

static double thread_cpu(void) {
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The same, measured independently of the decoder's own counters: CPU time (this thread's,
 * best of 3) for an 8 MB string against a 1 MB one, both in 16 KiB chunks. Linear: about 8x;
 * the quadratic decoder: about 64x (0.03 s vs 2.8 s). Fails above 24x. */
static void test_long_string_cpu_ratio(void) {
    const intercom_type *t = type_named("admin_with_app");
    double best[2] = {1e9, 1e9};
    for (int i = 0; i < 2; i++) {
        size_t len;
        char *body = long_string_body((size_t)(i ? 8 : 1) << 20, &len);
        for (int r = 0; r < 3; r++) {
            void *m = NULL;
            double t0 = thread_cpu();
            intercom_code rc = decode_chunked(t, 0, body, len, 16384, IC_DECODE_DEFAULT_FACTOR, &m, NULL, NULL);
            double el = thread_cpu() - t0;
            CHECK_CODE(rc, INTERCOM_OK);
            if (el < best[i]) best[i] = el;
            intercom_free(t, m);
        }
        free(body);
    }
    CHECKF(best[1] <= 24 * best[0] + 0.05, "8 MB: %.3f s, 1 MB: %.3f s CPU", best[1], best[0]);
}

/* Whatever the split points, the decoded value is the same: strings with escapes (\" \\ \u)
 * and numbers and literals cut anywhere. */
static void test_any_split_same_value(void) {
    const intercom_type *t = type_named("contact");
    const char *body = "{\"type\":\"contact\",\"id\":\"a\\\"b\\\\\",\"name\":\"x\\u00e9\\\\\\\"y\",\"created_at\":1717415380,"
                       "\"has_hard_bounced\":true,\"marked_email_as_spam\":false,\"phone\":null,"
                       "\"custom_attributes\":{\"n\":-12.5e-3,\"s\":\"\\\\\",\"t\":[true,null,1e2,\"\\\"\"]}}";
    size_t len = strlen(body);
    void *ref = NULL;
    intercom_error err = INTERCOM_ERROR_INIT;
    CHECK_CODE(decode_chunked(t, 1, body, len, 0, IC_DECODE_DEFAULT_FACTOR, &ref, &err, NULL), INTERCOM_OK);
    char *want = ref ? to_json(ref) : NULL;
    CHECK(want != NULL);
    int bad = 0;
    for (size_t chunk = 1; chunk <= len && want; chunk++) {
        void *m = NULL;
        if (decode_chunked(t, 1, body, len, chunk, IC_DECODE_DEFAULT_FACTOR, &m, &err, NULL) != INTERCOM_OK) {
            bad++;
            continue;
        }
        char *got = to_json(m);
        if (!got || strcmp(got, want)) bad++;
        free(got);
        intercom_free(t, m);
    }
    for (size_t a = 0; a <= len && want; a++) { /* two pieces, split at every offset */
        ic_decoder *d = ic_decoder_new(NULL, t, 1, 0);
        void *m = NULL;
        if (ic_decoder_feed(d, body, a) || ic_decoder_feed(d, body + a, len - a) ||
            ic_decoder_finish(d, &m, &err) != INTERCOM_OK) {
            bad++;
        } else {
            char *got = to_json(m);
            if (!got || strcmp(got, want)) bad++;
            free(got);
            intercom_free(t, m);
        }
        ic_decoder_free(d);
    }
    CHECKF(bad == 0, "%d splits decoded differently", bad);
    free(want);
    intercom_free(t, ref);
    intercom_error_clear(&err);
}

/* ---------- item 2: decoded memory is bounded ---------- */

static char *empty_objects_list(size_t target, size_t *len) {
    ic_buf b = {0};
    ic_buf_append(&b, "{\"type\":\"list\",\"data\":[{}", 25);
    while (b.len < target) ic_buf_append(&b, ",{}", 3);
    ic_buf_append(&b, "]}", 2);
    *len = b.len;
    return b.data;
}

static void test_memory_bound(void) {
    const intercom_type *t = type_named("contact_list");
    size_t len;
    char *body = empty_objects_list((size_t)8 << 20, &len);
    void *m = NULL;
    intercom_error err = INTERCOM_ERROR_INIT;
    ic_decoder_stats st = {0};
    /* 16 KiB chunks, the default factor: stops cleanly, the held memory within the bound */
    CHECK_CODE(decode_chunked(t, 0, body, len, 16384, IC_DECODE_DEFAULT_FACTOR, &m, &err, &st),
               INTERCOM_E_RESPONSE_TOO_LARGE);
    CHECK(m == NULL);
    CHECKF(err.message && strstr(err.message, "decoded_memory_factor") && strstr(err.message, "16 x"), "%s",
           err.message ? err.message : "(null)");
    CHECKF(st.mem <= 16 * len + IC_DECODE_MEM_SLACK, "held %zu bytes for a %zu-byte body", st.mem, len);
    intercom_error_clear(&err);
    /* one piece (intercom_from_json, intercom_response_parse): the default bound too */
    CHECK_CODE(ic_decode_buffer(NULL, t, 0, body, len, &m, &err), INTERCOM_E_RESPONSE_TOO_LARGE);
    intercom_error_clear(&err);
    /* a factor that fits every contact struct: decodes, every item there */
    CHECK_CODE(decode_chunked(t, 0, body, len, 16384, 400, &m, &err, &st), INTERCOM_OK);
    CHECK(m && *(size_t *)member(m, t, "data") != 0);
    if (m) CHECKF(*(size_t *)((char *)m + field_named(t, "data")->aux_offset) == (len - 24) / 3, "items");
    intercom_free(t, m);
    /* a factor below a contact struct per 3 bytes (~141): fails, also at 100 */
    CHECK_CODE(decode_chunked(t, 0, body, len, 16384, 100, &m, &err, &st), INTERCOM_E_RESPONSE_TOO_LARGE);
    CHECKF(st.mem <= 100 * len + IC_DECODE_MEM_SLACK, "held %zu bytes", st.mem);
    intercom_error_clear(&err);
    free(body);
}

/* The client option, end to end: GET /contacts answering 1 MB of {} fails with the default
 * bound, and decodes with decoded_memory_factor = 400. */
static void test_memory_bound_client_option(void) {
    size_t len;
    char *body = empty_objects_list((size_t)1 << 20, &len);
    mock_response r = MOCK_RESPONSE_INIT;
    r.headers = "Content-Type: application/json\r\n";
    r.body = body;
    r.body_len = len;
    mock_server_set_default(S, &r);
    const ic_operation *op = ic_find_operation("contacts.list");
    CHECK(op != NULL);
    for (int i = 0; op && i < 2; i++) {
        intercom_client_options o = INTERCOM_CLIENT_OPTIONS_INIT;
        o.bearer_token = "t";
        o.base_url = mock_server_url(S);
        o.max_retries = 0;
        o.decoded_memory_factor = i ? 400 : 0;
        intercom_client *c = NULL;
        intercom_error err = INTERCOM_ERROR_INIT;
        CHECK_CODE(intercom_client_new(&c, &o, &err), INTERCOM_OK);
        void *m = NULL;
        intercom_code rc = c ? ic_call(c, op, NULL, NULL, &m, &err) : INTERCOM_E_INTERNAL;
        if (!i) {
            CHECK_CODE(rc, INTERCOM_E_RESPONSE_TOO_LARGE);
            CHECKF(err.message && strstr(err.message, "decoded_memory_factor"), "%s", err.message ? err.message : "");
        } else {
            CHECK_CODE(rc, INTERCOM_OK);
            CHECK(m && *(size_t *)((char *)m + field_named(op->response, "data")->aux_offset) == (len - 24) / 3);
        }
        intercom_model_free(m);
        intercom_error_clear(&err);
        intercom_client_free(c);
    }
    mock_server_reset(S);
    r = (mock_response)MOCK_RESPONSE_INIT;
    mock_server_set_default(S, &r);
    free(body);
}

/* ---------- item 9: 0-based paths ---------- */

static void test_strict_paths_zero_based(void) {
    const intercom_type *t = type_named("contact_list");
    const char *cases[][2] = {
        {"{\"type\":\"list\",\"data\":[{\"avatar\":5}]}", "data[0].avatar"},
        {"{\"type\":\"list\",\"data\":[{},{\"avatar\":5}]}", "data[1].avatar"},
        {"{\"type\":\"list\",\"data\":[{},{},{\"created_at\":\"x\"}]}", "data[2].created_at"},
        {"{\"type\":\"list\",\"data\":[{\"merge_history\":[{},{},7]}]}", "data[0].merge_history[2]"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        void *m = NULL;
        intercom_error err = INTERCOM_ERROR_INIT;
        CHECK_CODE(ic_decode_buffer(NULL, t, 1, cases[i][0], strlen(cases[i][0]), &m, &err), INTERCOM_E_DECODE);
        const char *at = err.message ? strstr(err.message, " at ") : NULL;
        CHECKF(at && !strcmp(at + 4, cases[i][1]), "%s: got \"%s\", want path %s", cases[i][0],
               err.message ? err.message : "(null)", cases[i][1]);
        intercom_free(t, m);
        intercom_error_clear(&err);
    }
}

/* ---------- item 13: invalid values at every level ---------- */

static void test_invalid_values_nested(void) {
    const intercom_type *t = type_named("contact_list");
    const char *body = "{\"type\":\"list\",\"data\":[{\"id\":\"a\"},{\"id\":\"b\",\"avatar\":7,\"created_at\":\"soon\"}]}";
    void *m = NULL;
    CHECK_CODE(ic_decode_buffer(NULL, t, 0, body, strlen(body), &m, NULL), INTERCOM_OK);
    if (!m) return;
    void **items = *(void ***)member(m, t, "data");
    void *second = items[1];
    const json_t *v = intercom_invalid_value(second, second, "avatar");
    CHECK(v && json_is_integer(v) && json_integer_value(v) == 7);
    v = intercom_invalid_value(m, second, "created_at");
    CHECK(v && json_is_string(v) && !strcmp(json_string_value(v), "soon"));
    char *js = to_json(second);
    CHECKF(js && strstr(js, "\"avatar\":7") && strstr(js, "\"created_at\":\"soon\""), "%s", js ? js : "(null)");
    free(js);
    CHECK(intercom_model_raw_json(second) == NULL); /* the raw body is the root's */
    intercom_model_free(second);                    /* nested: a no-op, freed with the root */
    CHECK(intercom_field_state(second, "avatar") == INTERCOM_FIELD_INVALID);
    intercom_model_free(m);
}

/* A pager item is a nested model of its page: its invalid values are reachable from it. */
static void test_invalid_values_pager_item(void) {
    mock_response r = MOCK_RESPONSE_INIT;
    r.headers = "Content-Type: application/json\r\n";
    r.body = "{\"type\":\"list\",\"data\":[{\"type\":\"contact\",\"id\":\"1\",\"avatar\":\"nope\"}],\"pages\":{\"type\":\"pages\"}}";
    mock_server_push(S, &r);
    intercom_client_options o = INTERCOM_CLIENT_OPTIONS_INIT;
    o.bearer_token = "t";
    o.base_url = mock_server_url(S);
    intercom_client *c = NULL;
    CHECK_CODE(intercom_client_new(&c, &o, NULL), INTERCOM_OK);
    intercom_pager *pg = NULL;
    CHECK_CODE(intercom_pager_new(&pg, c, "contacts.list", NULL, NULL, NULL), INTERCOM_OK);
    void *item = NULL;
    CHECK(pg && intercom_pager_next(pg, &item, NULL) == 1);
    const json_t *v = item ? intercom_invalid_value(item, item, "avatar") : NULL;
    CHECK(v && json_is_string(v) && !strcmp(json_string_value(v), "nope"));
    char *js = item ? to_json(item) : NULL;
    CHECKF(js && strstr(js, "\"avatar\":\"nope\""), "%s", js ? js : "(null)");
    free(js);
    intercom_pager_free(pg);
    intercom_client_free(c);
    mock_server_reset(S);
}


/* ---------- item 6 (first part): what Jansson refuses inside free-form values ---------- */

static void test_free_form_refused_values(void) {
    const intercom_type *t = type_named("contact");
    const char *bodies[][2] = {
        {"{\"id\":\"1\",\"custom_attributes\":{\"a\":1e999,\"b\":2}}", "1e999"},
        {"{\"id\":\"1\",\"custom_attributes\":{\"a\":[18446744073709551616]}}", "18446744073709551616"},
        {"{\"id\":\"1\",\"custom_attributes\":{\"a\":\"x\xed\xa0\x80y\"}}", "x\xed\xa0\x80y"},
        {"{\"id\":\"1\",\"custom_attributes\":{\"\xc0\xaf" "k\":1}}", "\xc0\xaf" "k"},
        {"{\"id\":\"1\",\"custom_attributes\":-1e400}", "-1e400"},
    };
    for (size_t i = 0; i < sizeof bodies / sizeof *bodies; i++) {
        const char *body = bodies[i][0];
        void *m = NULL;
        intercom_error err = INTERCOM_ERROR_INIT;
        /* tolerant: the contact decodes, the field is an invalid value kept as it came */
        CHECK_CODE(ic_decode_buffer(NULL, t, 0, body, strlen(body), &m, &err), INTERCOM_OK);
        CHECK(m && intercom_field_state(m, "custom_attributes") == INTERCOM_FIELD_INVALID);
        CHECK(m && *(json_t **)member(m, t, "custom_attributes") == NULL);
        CHECK(m && intercom_invalid_value(m, m, "custom_attributes") != NULL);
        CHECK(m && !strcmp(*(const char **)member(m, t, "id"), "1"));
        char *js = m ? to_json(m) : NULL;
        CHECKF(js && strstr(js, bodies[i][1]), "%s: wrote %s", body, js ? js : "(null)");
        free(js);
        intercom_free(t, m);
        intercom_error_clear(&err);
        /* strict: a decode error naming the field, never out-of-memory */
        CHECK_CODE(ic_decode_buffer(NULL, t, 1, body, strlen(body), &m, &err), INTERCOM_E_DECODE);
        CHECKF(err.message && strstr(err.message, "at custom_attributes"), "%s", err.message ? err.message : "(null)");
        intercom_error_clear(&err);
    }
}

/* ---------- item 10: UTF-8 in both directions ---------- */

static void test_decoder_flags_bad_utf8(void) {
    const intercom_type *t = type_named("contact");
    const char *body = "{\"name\":\"\xc0\xaf\",\"email\":\"a\xed\xa0\x80@b\",\"phone\":\"\xf4\x90\x80\x80\",\"os\":\"caf\xc3\xa9" "\"}";
    void *m = NULL;
    intercom_error err = INTERCOM_ERROR_INIT;
    CHECK_CODE(ic_decode_buffer(NULL, t, 0, body, strlen(body), &m, &err), INTERCOM_OK);
    if (!m) return;
    const char *bad[] = {"name", "email", "phone"};
    for (size_t i = 0; i < 3; i++) {
        CHECKF(intercom_field_state(m, bad[i]) == INTERCOM_FIELD_INVALID, "%s", bad[i]);
        CHECKF(*(const char **)member(m, t, bad[i]) == NULL, "%s handed out", bad[i]);
    }
    const json_t *v = intercom_invalid_value(m, m, "email");
    CHECK(v && json_string_length(v) == 6 && !memcmp(json_string_value(v), "a\xed\xa0\x80@b", 6));
    CHECK_STR(*(const char **)member(m, t, "os"), "caf\xc3\xa9" ""); /* valid UTF-8 stays a string */
    char *js = to_json(m);
    CHECKF(js && strstr(js, "\"name\":\"\xc0\xaf\""), "written back as received: %s", js ? js : "(null)");
    free(js);
    intercom_free(t, m);
    CHECK_CODE(ic_decode_buffer(NULL, t, 1, body, strlen(body), &m, &err), INTERCOM_E_DECODE);
    CHECKF(err.message && strstr(err.message, "not valid UTF-8 at name"), "%s", err.message ? err.message : "(null)");
    intercom_error_clear(&err);
}

static void test_encoder_refuses_bad_utf8(void) {
    const intercom_type *t = type_named("contact");
    void *m = calloc(1, t->size);
    ((intercom_model *)m)->type = t;
    *(const char **)member(m, t, "name") = "B\xf8" "bb";
    char *js = NULL;
    intercom_error err = INTERCOM_ERROR_INIT;
    CHECK_CODE(intercom_to_json(m, 0, &js, NULL, &err), INTERCOM_E_INVALID_ARGUMENT);
    CHECK(js == NULL);
    CHECKF(err.message && strstr(err.message, "\"name\""), "%s", err.message ? err.message : "(null)");
    intercom_error_clear(&err);
    *(const char **)member(m, t, "name") = "B\xc3\xb8" "bb";
    CHECK_CODE(intercom_to_json(m, 0, &js, NULL, &err), INTERCOM_OK);
    CHECK_STR(js, "{\"name\":\"B\xc3\xb8" "bb\"}");
    free(js);
    free(m);
    /* a request: refused before sending, naming the field; nothing reaches the server */
    const ic_operation *op = ic_find_operation("contacts.create");
    const ic_field *f = op && op->params ? ic_type_find_field(op->params, "name", 4) : NULL;
    CHECK(f && f->kind == IC_K_STRING);
    if (!f) return;
    void *params = calloc(1, op->params->size);
    *(const char **)((char *)params + f->offset) = "B\xf8" "bb";
    intercom_client_options o = INTERCOM_CLIENT_OPTIONS_INIT;
    o.bearer_token = "t";
    o.base_url = mock_server_url(S);
    intercom_client *c = NULL;
    CHECK_CODE(intercom_client_new(&c, &o, NULL), INTERCOM_OK);
    mock_server_reset(S);
    void *out = NULL;
    CHECK_CODE(ic_call(c, op, params, NULL, &out, &err), INTERCOM_E_INVALID_ARGUMENT);
    CHECKF(err.message && strstr(err.message, "\"name\""), "%s", err.message ? err.message : "(null)");
    CHECK(mock_server_request_count(S) == 0);
    intercom_model_free(out);
    intercom_error_clear(&err);
    intercom_client_free(c);
    free(params);
}

/* ---------- item 11: \u0000 ---------- */

static void test_nul_not_truncated(void) {
    const intercom_type *t = type_named("contact");
    const char *body = "{\"email\":\"victim@a.example\\u0000@evil.example\",\"type\\u0000x\":\"contact\","
                       "\"custom_attributes\":{\"k\\u0000x\":\"v\\u0000w\",\"k\":1}}";
    void *m = NULL;
    CHECK_CODE(ic_decode_buffer(NULL, t, 0, body, strlen(body), &m, NULL), INTERCOM_OK);
    if (!m) return;
    CHECK(intercom_field_state(m, "email") == INTERCOM_FIELD_INVALID);
    CHECK(*(const char **)member(m, t, "email") == NULL);
    const json_t *v = intercom_invalid_value(m, m, "email");
    CHECK(v && json_string_length(v) == 30 && !memcmp(json_string_value(v), "victim@a.example\0@evil.example", 30));
    CHECK(intercom_field_state(m, "type") == INTERCOM_FIELD_ABSENT); /* "type\u0000x" is not "type" */
    json_t *ca = *(json_t **)member(m, t, "custom_attributes");
    CHECK(ca && json_object_size(ca) == 2);
    json_t *kx = ca ? json_object_getn(ca, "k\0x", 3) : NULL;
    CHECK(kx && json_string_length(kx) == 3);
    char *js = to_json(m);
    CHECKF(js && strstr(js, "\"k\\u0000x\":\"v\\u0000w\"") && strstr(js, "\"email\":\"victim@a.example\\u0000@evil.example\""),
           "%s", js ? js : "(null)");
    free(js);
    json_t *raw = intercom_model_raw_json(m);
    CHECK(raw && json_object_getn(raw, "type\0x", 6) != NULL);
    intercom_free(t, m);
    CHECK_CODE(ic_decode_buffer(NULL, t, 1, body, strlen(body), &m, NULL), INTERCOM_E_DECODE);
}

/* ---------- item 12: round trips as received ---------- */

static void test_numbers_round_trip(void) {
    const intercom_type *t = type_named("contact");
    const char *body = "{\"created_at\":18446744073709551616,\"updated_at\":-99999999999999999999999,"
                       "\"custom_attributes\":{\"tiny\":1e-999,\"z\":0,\"r\":0.1,\"i\":-7}}";
    void *m = NULL;
    CHECK_CODE(ic_decode_buffer(NULL, t, 0, body, strlen(body), &m, NULL), INTERCOM_OK);
    char *js = m ? to_json(m) : NULL;
    CHECKF(js && strstr(js, "\"created_at\":18446744073709551616") && strstr(js, "\"updated_at\":-99999999999999999999999") &&
               strstr(js, "\"tiny\":1e-999") && strstr(js, "\"z\":0,") && strstr(js, "\"r\":0.1,"),
           "%s", js ? js : "(null)");
    free(js);
    json_t *raw = m ? intercom_model_raw_json(m) : NULL; /* Jansson's parser refuses 18446744073709551616 */
    CHECK(raw && json_is_real(json_object_get(raw, "created_at")) &&
          json_real_value(json_object_get(raw, "created_at")) == 18446744073709551616.0);
    intercom_free(t, m);
    /* a number (double) field received as 0 is written back as 0, 2.5 as 2.5, 1e300 as 1e+300 */
    int found = 0;
    for (size_t i = 0; intercom_types_at(i) && !found; i++) {
        const intercom_type *ty = intercom_types_at(i);
        if (ty->kind != IC_T_OBJECT || ic_type_is_array_wrapper(ty)) continue;
        for (uint32_t k = 0; k < ty->n_fields && !found; k++) {
            const ic_field *f = &ty->fields[k];
            if (f->kind != IC_K_NUMBER || (f->flags & IC_F_ARRAY)) continue;
            found = 1;
            const char *vals[][2] = {{"0", "0"}, {"2.5", "2.5"}, {"1e300", "1e+300"}, {"-0.1", "-0.1"}};
            for (size_t j = 0; j < 4; j++) {
                char in[256], want[256];
                snprintf(in, sizeof in, "{\"%s\":%s}", f->name, vals[j][0]);
                snprintf(want, sizeof want, "{\"%s\":%s}", f->name, vals[j][1]);
                void *x = NULL;
                CHECK_CODE(ic_decode_buffer(NULL, ty, 1, in, strlen(in), &x, NULL), INTERCOM_OK);
                char *out = x ? to_json(x) : NULL;
                CHECK_STR(out, want);
                free(out);
                intercom_free(ty, x);
            }
            /* beyond a double's range: an invalid value, written back as received */
            char in[256];
            snprintf(in, sizeof in, "{\"%s\":1e999}", f->name);
            void *x = NULL;
            CHECK_CODE(ic_decode_buffer(NULL, ty, 0, in, strlen(in), &x, NULL), INTERCOM_OK);
            CHECK(x && intercom_field_state(x, f->name) == INTERCOM_FIELD_INVALID);
            char *out = x ? to_json(x) : NULL;
            CHECK_STR(out, in);
            free(out);
            intercom_free(ty, x);
        }
    }
    CHECK(found);
}

static char *nested(const char *pre, size_t depth, const char *open, const char *mid, const char *close, const char *post) {
    ic_buf b = {0};
    ic_buf_append(&b, pre, strlen(pre));
    for (size_t i = 0; i < depth; i++) ic_buf_append(&b, open, strlen(open));
    ic_buf_append(&b, mid, strlen(mid));
    for (size_t i = 0; i < depth; i++) ic_buf_append(&b, close, strlen(close));
    ic_buf_append(&b, post, strlen(post));
    return b.data;
}

static void test_deep_values_round_trip(void) {
    const intercom_type *t = type_named("contact");
    /* 400 levels of custom_attributes (the decoder takes up to 512; yajl's writer stops at 128) */
    char *body = nested("{\"custom_attributes\":", 400, "{\"a\":", "[1,\"x\"]", "}", "}");
    void *m = NULL;
    CHECK_CODE(ic_decode_buffer(NULL, t, 1, body, strlen(body), &m, NULL), INTERCOM_OK);
    char *js = m ? to_json(m) : NULL;
    CHECKF(js && !strcmp(js, body), "%.80s", js ? js : "(null)");
    free(js);
    char *pretty = NULL;
    CHECK_CODE(m ? intercom_to_json(m, INTERCOM_JSON_PRETTY, &pretty, NULL, NULL) : INTERCOM_E_INTERNAL, INTERCOM_OK);
    json_t *a = pretty ? json_loads(pretty, 0, NULL) : NULL, *b = json_loads(body, 0, NULL);
    CHECK(a && b && json_equal(a, b));
    json_decref(a);
    json_decref(b);
    free(pretty);
    intercom_free(t, m);
    free(body);
    /* raw JSON of a body nested 5000 levels deep in an unknown key (the decoder skips it) */
    body = nested("{\"id\":\"1\",\"zz_unknown\":", 5000, "[", "0", "]", "}");
    CHECK_CODE(ic_decode_buffer(NULL, t, 0, body, strlen(body), &m, NULL), INTERCOM_OK);
    json_t *raw = m ? intercom_model_raw_json(m) : NULL;
    CHECK(raw && json_is_array(json_object_get(raw, "zz_unknown")));
    intercom_free(t, m);
    free(body);
}

/* Sending what the decoder accepted: params read from JSON (strict) with a 300-level
 * custom_attributes go out exactly (yajl's writer alone stops at 128 levels); a number beyond
 * 64 bits in params is kept as the value (nearest real), not dropped. */
static void test_deep_values_sent(void) {
    const ic_operation *op = ic_find_operation("contacts.create");
    CHECK(op && op->params);
    if (!op || !op->params) return;
    char *ca = nested("", 300, "{\"a\":", "[184467440737,\"k\\u0000\"]", "}", "");
    size_t n = strlen(ca) + 64;
    char *json = malloc(n);
    snprintf(json, n, "{\"email\":\"a@b.c\",\"custom_attributes\":%s}", ca);
    void *params = NULL;
    intercom_error err = INTERCOM_ERROR_INIT;
    CHECK_CODE(intercom_from_json(op->params, json, strlen(json), 1, &params, &err), INTERCOM_OK);
    mock_response r = MOCK_RESPONSE_INIT;
    r.headers = "Content-Type: application/json\r\n";
    r.body = "{\"type\":\"contact\",\"id\":\"1\"}";
    mock_server_reset(S);
    mock_server_push(S, &r);
    intercom_client_options o = INTERCOM_CLIENT_OPTIONS_INIT;
    o.bearer_token = "t";
    o.base_url = mock_server_url(S);
    intercom_client *c = NULL;
    CHECK_CODE(intercom_client_new(&c, &o, NULL), INTERCOM_OK);
    void *out = NULL;
    CHECK_CODE(params && c ? ic_call(c, op, params, NULL, &out, &err) : INTERCOM_E_INTERNAL, INTERCOM_OK);
    mock_request req = {0};
    CHECK(mock_server_request_count(S) == 1 && mock_server_request(S, 0, &req) == 0);
    CHECKF(req.body && strstr(req.body, ca) && strstr(req.body, "\"email\":\"a@b.c\""), "%.100s",
           req.body ? req.body : "(none)");
    mock_request_clear(&req);
    intercom_free(op->params, params);
    params = NULL;
    const char *big = "{\"email\":\"a@b.c\",\"custom_attributes\":{\"n\":18446744073709551616}}";
    CHECK_CODE(intercom_from_json(op->params, big, strlen(big), 0, &params, &err), INTERCOM_OK);
    const ic_field *caf = ic_type_find_field(op->params, "custom_attributes", 17);
    json_t *cav = params && caf ? *(json_t **)((char *)params + caf->offset) : NULL;
    CHECK(cav && json_real_value(json_object_get(cav, "n")) == 18446744073709551616.0);
    intercom_model_free(out);
    intercom_client_free(c);
    intercom_free(op->params, params);
    intercom_error_clear(&err);
    mock_server_reset(S);
    free(json);
    free(ca);
}

/* Writing back many invalid values: 100,000 items each with an invalid field, every one written
 * back and reachable (lookups are hashed; the old linear lookup per field took 5 x 10^9 steps
 * here: seconds, so this checks the values, not the time). */
/* One decoder, recycled from body to body as the engine does, learns the key order it sees (decode.c,
 * seen_order): every body is decoded as a fresh decoder decodes it whatever order the previous ones taught,
 * with keys in the declared order, reversed, shuffled, with undeclared keys (learned too, up to 16 bytes)
 * and with same-length keys that differ from what was learned at that place. */
static void test_key_order_learned(void) {
    static const char *const members[] = {
        "\"type\":\"contact\"", "\"id\":\"c1\"", "\"external_id\":\"e1\"", "\"role\":\"user\"",
        "\"email\":\"a@b.c\"", "\"name\":\"Ann\"", "\"owner_id\":\"7\"", "\"created_at\":1717415380",
        "\"has_hard_bounced\":false", "\"undeclared\":1", "\"undeclarex\":{\"a\":[1]}",
        "\"an_undeclared_key_of_40_bytes_and_more__\":2", "\"tags\":{\"type\":\"list\",\"data\":[{\"type\":\"tag\","
        "\"id\":\"9\"}],\"has_more\":false}", "\"custom_attributes\":{\"plan\":\"pro\"}", "\"nime\":\"same length as name\""};
    enum { N = sizeof members / sizeof *members, BODIES = 60 };
    const intercom_type *t = type_named("contact");
    unsigned seed = 12345;
    for (int strict = 0; strict < 2; strict++) {
        ic_decoder *d = ic_decoder_new(NULL, t, strict, 0);
        for (int b = 0; d && b < BODIES; b++) {
            int order[N], n = 0;
            for (int i = 0; i < N; i++) order[i] = i;
            if (b % 3 == 1)
                for (int i = 0; i < N / 2; i++) { /* reversed */
                    int x = order[i];
                    order[i] = order[N - 1 - i];
                    order[N - 1 - i] = x;
                }
            else if (b % 3 == 2)
                for (int i = N - 1; i > 0; i--) { /* shuffled */
                    seed = seed * 1103515245u + 12345u;
                    int j = (int)((seed >> 16) % (unsigned)(i + 1)), x = order[i];
                    order[i] = order[j];
                    order[j] = x;
                }
            char body[2048];
            size_t len = 0;
            body[len++] = '{';
            for (int i = 0; i < N; i++) {
                if (b % 5 == 4 && i % 4 == 0) continue; /* some bodies leave members out */
                len += (size_t)snprintf(body + len, sizeof body - len, "%s%s", n++ ? "," : "", members[order[i]]);
            }
            body[len++] = '}';
            void *want = NULL, *got = NULL;
            intercom_error e1 = INTERCOM_ERROR_INIT, e2 = INTERCOM_ERROR_INIT;
            ic_decoder *fresh = ic_decoder_new(NULL, t, strict, 0);
            intercom_code rc1 = fresh ? feed_all(fresh, body, len, 0, 0, &want, &e1) : INTERCOM_E_NOMEM;
            ic_decoder_free(fresh);
            intercom_code rc2 = feed_all(d, body, len, 0, 0, &got, &e2);
            CHECKF(rc1 == rc2, "body %d: learned %d, fresh %d", b, rc2, rc1);
            if (!rc1 && !rc2) {
                char *a = to_json(want), *c = to_json(got);
                CHECKF(a && c && !strcmp(a, c), "body %d (%.*s): learned order decoded %s, fresh %s", b, (int)len, body,
                       c ? c : "-", a ? a : "-");
                free(a);
                free(c);
            }
            if (want) intercom_free(t, want);
            if (got) intercom_free(t, got);
            intercom_error_clear(&e1);
            intercom_error_clear(&e2);
            if ((d = ic_decoder_recycle(d)) && ic_decoder_reuse(d, t, strict, 0)) {
                ic_decoder_free(d);
                d = NULL;
            }
            CHECKF(d != NULL, "body %d: the decoder was not recycled", b);
        }
        ic_decoder_free(d);
    }
}

static void test_many_invalid_values_linear(void) {
    const intercom_type *t = type_named("contact_list");
    ic_buf b = {0};
    ic_buf_append(&b, "{\"type\":\"list\",\"data\":[", 23);
    for (int i = 0; i < 100000; i++) ic_buf_printf(&b, "%s{\"created_at\":\"t%d\"}", i ? "," : "", i);
    ic_buf_append(&b, "]}", 2);
    void *m = NULL;
    CHECK_CODE(decode_chunked(t, 0, b.data, b.len, 16384, 0, &m, NULL, NULL), INTERCOM_OK);
    char *js = m ? to_json(m) : NULL;
    CHECKF(js && strstr(js, "{\"created_at\":\"t0\"}") && strstr(js, "{\"created_at\":\"t99999\"}"), "%.60s", js ? js : "");
    void **items = m ? *(void ***)member(m, t, "data") : NULL;
    const json_t *v = items ? intercom_invalid_value(m, items[54321], "created_at") : NULL;
    CHECK(v && !strcmp(json_string_value(v), "t54321"));
    free(js);
    intercom_free(t, m);
    ic_buf_free(&b);
}

/* ---------- a recycled decoder keeps at most 16 KiB of element scratch in all ---------- */

static size_t live_bytes; /* of sized_alloc: each block carries its size in front */
static void *sized_malloc(size_t n, void *u) {
    (void)u;
    size_t *p = malloc(n + 16);
    if (!p) return NULL;
    *p = n;
    live_bytes += n;
    return (char *)p + 16;
}
static void sized_free(void *q, void *u) {
    (void)u;
    if (!q) return;
    size_t *p = (size_t *)((char *)q - 16);
    live_bytes -= *p;
    free(p);
}
static void *sized_realloc(void *q, size_t n, void *u) {
    if (!q) return sized_malloc(n, u);
    size_t *p = (size_t *)((char *)q - 16), old = *p;
    size_t *r = realloc(p, n + 16);
    if (!r) return NULL;
    *r = n;
    live_bytes += n - old;
    return (char *)r + 16;
}

/* Three documents on one decoder, recycled after each: a small one, then element arrays of 16 KiB and
 * 8 KiB at two depths. The decoder may hold the first big array's buffer, not both (each document's
 * growth or need was within the limit, and 24 KiB stayed with the pooled request). */
static void test_recycle_scratch_bounded(void) {
    static const intercom_allocator sized = {sized_malloc, sized_realloc, sized_free, NULL};
    const intercom_type *admin = type_named("admin"), *teams = type_named("team_list");
    ic_buf big_admin = {0}, big_teams = {0};
    ic_buf_append(&big_admin, "{\"type\":\"admin\",\"id\":\"1\",\"team_ids\":[1", 38);
    ic_buf_append(&big_teams, "{\"type\":\"team.list\",\"teams\":[{\"type\":\"team\",\"admin_ids\":[1", 58);
    for (int i = 1; i < 2000; i++) ic_buf_append(&big_admin, ",1", 2);
    for (int i = 1; i < 1000; i++) ic_buf_append(&big_teams, ",1", 2);
    ic_buf_append(&big_admin, "]}", 2);
    ic_buf_append(&big_teams, "]}]}", 4);
    const struct {
        const intercom_type *t;
        const char *doc;
        size_t len;
    } docs[] = {{admin, "{\"type\":\"admin\",\"id\":\"1\",\"team_ids\":[1,2]}", 42},
                {admin, big_admin.data, big_admin.len},
                {teams, big_teams.data, big_teams.len}};
    ic_decoder *d = ic_decoder_new(&sized, admin, 0, 0);
    size_t base = 0;
    for (size_t i = 0; d && i < sizeof docs / sizeof *docs; i++) {
        if (i && ic_decoder_reuse(d, docs[i].t, 0, 0)) break;
        void *m = NULL;
        intercom_error err = INTERCOM_ERROR_INIT;
        CHECKF(feed_all(d, docs[i].doc, docs[i].len, 0, 0, &m, &err) == INTERCOM_OK, "document %zu: %s", i, err.message ? err.message : "");
        if (m) intercom_free(docs[i].t, m);
        intercom_error_clear(&err);
        d = ic_decoder_recycle(d);
        if (!i) base = live_bytes;
        CHECKF(!d || live_bytes <= base + 16384, "document %zu: the recycled decoder holds %zu bytes over %zu", i,
               live_bytes - base, base);
    }
    ic_decoder_free(d);
    CHECKF(live_bytes == 0, "%zu bytes left", live_bytes);
    ic_buf_free(&big_admin);
    ic_buf_free(&big_teams);
}

static const ic_test tests[] = {
    {"long_string_chunked_linear", test_long_string_chunked_linear},
    {"long_string_cpu_ratio", test_long_string_cpu_ratio},
    {"any_split_same_value", test_any_split_same_value},
    {"memory_bound", test_memory_bound},
    {"memory_bound_client_option", test_memory_bound_client_option},
    {"strict_paths_zero_based", test_strict_paths_zero_based},
    {"invalid_values_nested", test_invalid_values_nested},
    {"invalid_values_pager_item", test_invalid_values_pager_item},
    {"free_form_refused_values", test_free_form_refused_values},
    {"decoder_flags_bad_utf8", test_decoder_flags_bad_utf8},
    {"encoder_refuses_bad_utf8", test_encoder_refuses_bad_utf8},
    {"nul_not_truncated", test_nul_not_truncated},
    {"numbers_round_trip", test_numbers_round_trip},
    {"deep_values_round_trip", test_deep_values_round_trip},
    {"deep_values_sent", test_deep_values_sent},
    {"many_invalid_values_linear", test_many_invalid_values_linear},
    {"key_order_learned", test_key_order_learned},
    {"recycle_scratch_bounded", test_recycle_scratch_bounded},
    {NULL, NULL},
};

int main(int argc, char **argv) {
    S = mock_server_start();
    if (!S) return 1;
    int rc = ic_test_run(tests, argc, argv);
    mock_server_stop(S);
    return rc;
}
