/* SPDX-License-Identifier: MIT */
/* The descriptor runtime on hand-made types (independent of the generated API):
 * enums with unknown values, oneOf variants by discriminator and by shape, params
 * presence rules, requests built from params (path, query arrays, headers, body,
 * required fields), round trips, and hostile JSON. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <jansson.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mock_server.h"
#include "runtime/internal.h"
#include "testutil.h"

/* ---------- hand-made types ---------- */

typedef enum { COLOR_UNKNOWN = 0, COLOR_RED = 1, COLOR_GREEN = 2 } color;
static const char *const color_values[] = {"red", "green"};
static const intercom_type color_type = {"color", IC_T_ENUM, sizeof(int), 0, NULL, NULL, 2, color_values, NULL, 0, 0, NULL, 0, 0, NULL, NULL};

typedef struct item {
    intercom_model base;
    const char *type;
    const char *name;
    int64_t size;
    color color;
    const char *color_str;
    const char **tags;
    size_t tags_count;
    struct item **children;
    size_t children_count;
    json_t *meta;
    double score;
    bool ok;
    int variant;
    uint8_t has_type, has_name, has_size, has_color, has_tags, has_children, has_meta, has_score, has_ok;
} item;

extern const intercom_type item_type;
#define F(n, k, fl, off, aux, st, t) {n, k, fl, IC_IN_BODY, offsetof(item, off), aux, offsetof(item, st), t, NULL}
static const ic_field item_fields[] = {
    F("type", IC_K_STRING, 0, type, 0, has_type, NULL),
    F("name", IC_K_STRING, IC_F_NULLABLE, name, 0, has_name, NULL),
    F("size", IC_K_INT, 0, size, 0, has_size, NULL),
    F("color", IC_K_ENUM, 0, color, offsetof(item, color_str), has_color, &color_type),
    F("tags", IC_K_STRING, IC_F_ARRAY, tags, offsetof(item, tags_count), has_tags, NULL),
    F("children", IC_K_OBJECT, IC_F_ARRAY, children, offsetof(item, children_count), has_children, &item_type),
    F("meta", IC_K_JSON, 0, meta, 0, has_meta, NULL),
    F("score", IC_K_NUMBER, 0, score, 0, has_score, NULL),
    F("ok", IC_K_BOOL, 0, ok, 0, has_ok, NULL),
};
static const uint16_t item_by_name[] = {5, 3, 6, 1, 8, 7, 2, 4, 0};
static const uint16_t shape_a[] = {2}; /* size */
static const uint16_t shape_b[] = {1}; /* name */
static const ic_variant item_variants[] = {{"box|crate", 1, shape_a}, {"bag", 1, shape_b}};
const intercom_type item_type = {"item", IC_T_OBJECT, sizeof(item), 9, item_fields, item_by_name, 0, NULL,
                                 "type", offsetof(item, variant), 2, item_variants, 0, 0, NULL, NULL};
/* the same struct, told apart by shape instead */
static const intercom_type item_shape_type = {"item_shape", IC_T_OBJECT, sizeof(item), 9, item_fields, item_by_name, 0,
                                              NULL, NULL, offsetof(item, variant), 2, item_variants, 0, 0, NULL, NULL};

/* a top-level JSON array of items */
typedef struct item_array {
    intercom_model base;
    struct item **items;
    size_t items_count;
    uint8_t has_items;
} item_array;
static const ic_field item_array_fields[] = {{"", IC_K_OBJECT, IC_F_ARRAY, IC_IN_BODY, offsetof(item_array, items),
                                              offsetof(item_array, items_count), offsetof(item_array, has_items), &item_type, NULL}};
static const uint16_t item_array_by_name[] = {0};
static const intercom_type item_array_type = {"item_array", IC_T_OBJECT, sizeof(item_array), 1, item_array_fields,
                                              item_array_by_name, 0, NULL, NULL, 0, 0, NULL, 0, 0, NULL, NULL};

typedef struct params {
    const char *id;       /* path */
    int64_t per_page;     /* query */
    const char **ids;     /* query array, exploded */
    size_t ids_count;
    const char **tags;    /* query array, comma-separated */
    size_t tags_count;
    const char *trace;    /* header */
    const char *email;    /* body, required */
    int64_t age;          /* body */
    bool vip;             /* body, nullable */
    struct item *thing;   /* body */
    uint8_t has_id, has_per_page, has_ids, has_tags, has_trace, has_email, has_age, has_vip, has_thing;
} params;
#define P(n, k, fl, in, off, aux, st, t) {n, k, fl, in, offsetof(params, off), aux, offsetof(params, st), t, NULL}
static const ic_field params_fields[] = {
    P("id", IC_K_STRING, IC_F_REQUIRED, IC_IN_PATH, id, 0, has_id, NULL),
    P("per_page", IC_K_INT, 0, IC_IN_QUERY, per_page, 0, has_per_page, NULL),
    P("ids", IC_K_STRING, IC_F_ARRAY | IC_F_EXPLODE, IC_IN_QUERY, ids, offsetof(params, ids_count), has_ids, NULL),
    P("tags", IC_K_STRING, IC_F_ARRAY, IC_IN_QUERY, tags, offsetof(params, tags_count), has_tags, NULL),
    P("X-Trace", IC_K_STRING, 0, IC_IN_HEADER, trace, 0, has_trace, NULL),
    P("email", IC_K_STRING, IC_F_REQUIRED, IC_IN_BODY, email, 0, has_email, NULL),
    P("age", IC_K_INT, 0, IC_IN_BODY, age, 0, has_age, NULL),
    P("vip", IC_K_BOOL, IC_F_NULLABLE, IC_IN_BODY, vip, 0, has_vip, NULL),
    P("thing", IC_K_OBJECT, 0, IC_IN_BODY, thing, 0, has_thing, &item_type),
};
static const uint16_t params_by_name[] = {4, 6, 5, 0, 2, 1, 3, 8, 7};
static const intercom_type params_type = {"things_update_params", IC_T_PARAMS, sizeof(params), 9, params_fields,
                                          params_by_name, 0, NULL, NULL, 0, 0, NULL, 0, 0, NULL, NULL};
static const ic_operation op_update = {"things.update", "PUT", "/things/{id}", NULL, &params_type, &item_type,
                                       NULL, IC_OP_HAS_BODY, "Update a thing", IC_PAGE_NONE, NULL, 0};

/* ---------- tests ---------- */

static char *enc(const intercom_type *t, const void *v) {
    char *s = NULL;
    intercom_error err = INTERCOM_ERROR_INIT;
    CHECK_CODE(intercom_to_json_as(t, v, 0, &s, NULL, &err), INTERCOM_OK);
    intercom_error_clear(&err);
    return s;
}

static void test_enums_variants(void) {
    const char *js = "{\"type\":\"crate\",\"size\":3,\"color\":\"green\",\"children\":[{\"type\":\"bag\",\"name\":\"b\","
                     "\"color\":\"ultraviolet\"},{\"type\":\"sphere\"},null],\"tags\":[\"a\",null,\"c\"],"
                     "\"meta\":{\"k\":[1,2.5,\"x\",null,true]},\"score\":0.1,\"ok\":false,\"extra\":{\"deep\":[[]]}}";
    item *it = NULL;
    intercom_error err = INTERCOM_ERROR_INIT;
    CHECK_CODE(intercom_from_json(&item_type, js, strlen(js), 1, (void **)&it, &err), INTERCOM_OK);
    if (!it) return;
    CHECK(it->variant == 1); /* "crate" is one of variant 1's tags */
    CHECK(it->color == COLOR_GREEN && !strcmp(it->color_str, "green"));
    CHECK(it->children_count == 3 && it->children[2] == NULL);
    item *bag = it->children[0], *sphere = it->children[1];
    CHECK(bag->variant == 2 && bag->color == COLOR_UNKNOWN && !strcmp(bag->color_str, "ultraviolet"));
    CHECK(sphere->variant == 0); /* unknown discriminator value */
    CHECK(it->tags_count == 3 && it->tags[1] == NULL && !strcmp(it->tags[2], "c"));
    CHECK(it->has_ok == INTERCOM_FIELD_PRESENT && it->ok == false && it->has_name == INTERCOM_FIELD_ABSENT);
    CHECK(intercom_field_state(it, "ok") == INTERCOM_FIELD_PRESENT);
    /* round trip: everything known comes back, the unknown enum value as received */
    char *out = enc(&item_type, it);
    json_t *a = json_loads(out, 0, NULL), *b = json_loads(js, 0, NULL);
    json_object_del(b, "extra");
    CHECK(a && b && json_equal(a, b));
    if (a && b && !json_equal(a, b)) fprintf(stderr, "got %s\n", out);
    json_decref(a);
    json_decref(b);
    free(out);
    intercom_model_free(it);

    /* by shape: variant 1 needs "size", variant 2 needs "name" */
    const char *shapes[] = {"{\"size\":1}", "{\"name\":null}", "{\"name\":\"x\",\"size\":2}", "{}"};
    const int want[] = {1, 2, 1, 0};
    for (int i = 0; i < 4; i++) {
        CHECK_CODE(intercom_from_json(&item_shape_type, shapes[i], strlen(shapes[i]), 0, (void **)&it, &err), INTERCOM_OK);
        CHECKF(it && it->variant == want[i], "%s: variant %d", shapes[i], it ? it->variant : -1);
        intercom_model_free(it);
    }
    /* enum given a number: invalid, tolerant / strict */
    const char *bad = "{\"color\":7,\"size\":\"9\"}";
    CHECK_CODE(intercom_from_json(&item_type, bad, strlen(bad), 0, (void **)&it, &err), INTERCOM_OK);
    CHECK(it && it->has_color == INTERCOM_FIELD_INVALID && it->color == 0 && it->color_str == NULL);
    CHECK(it && it->has_size == INTERCOM_FIELD_INVALID);
    intercom_model_free(it);
    CHECK_CODE(intercom_from_json(&item_type, bad, strlen(bad), 1, (void **)&it, &err), INTERCOM_E_DECODE);
    CHECK(err.message && strstr(err.message, "color"));
    intercom_error_clear(&err);
}

static void test_root_array(void) {
    const char *js = "[{\"size\":1},{\"type\":\"bag\",\"name\":\"b\"}]";
    item_array *a = NULL;
    intercom_error err = INTERCOM_ERROR_INIT;
    CHECK_CODE(intercom_from_json(&item_array_type, js, strlen(js), 1, (void **)&a, &err), INTERCOM_OK);
    CHECK(a && a->items_count == 2 && a->items[0]->size == 1 && a->items[1]->variant == 2);
    char *s = enc(&item_array_type, a);
    CHECK_STR(s, js);
    free(s);
    intercom_model_free(a);
    CHECK_CODE(intercom_from_json(&item_array_type, "{}", 2, 0, (void **)&a, &err), INTERCOM_E_DECODE);
    CHECK_CODE(intercom_from_json(&item_array_type, "[1] [2]", 7, 0, (void **)&a, &err), INTERCOM_E_DECODE);
    CHECK_CODE(intercom_from_json(&item_array_type, "[]", 2, 0, (void **)&a, &err), INTERCOM_OK);
    CHECK(a && a->items_count == 0 && a->has_items == INTERCOM_FIELD_PRESENT);
    intercom_model_free(a);
    intercom_error_clear(&err);
}

static void test_build_request_models(void) {
    /* a model built by hand: pointers are sent when set, scalars when has_ says so */
    item child = {{&item_type, NULL}, .type = "bag"};
    item *kids[] = {&child, NULL};
    const char *tags[] = {"x", "y"};
    item it = {{&item_type, NULL}, .name = "n", .size = 0, .has_size = INTERCOM_FIELD_PRESENT, .color = COLOR_RED,
               .tags = tags, .tags_count = 2, .children = kids, .children_count = 2, .score = 2.5, .ok = true};
    char *s = enc(&item_type, &it);
    CHECK_STR(s, "{\"name\":\"n\",\"size\":0,\"color\":\"red\",\"tags\":[\"x\",\"y\"],\"children\":[{\"type\":\"bag\"},null]}");
    free(s);
    it.has_name = INTERCOM_FIELD_NULL; /* explicit null */
    it.has_ok = INTERCOM_FIELD_PRESENT;
    it.color = COLOR_UNKNOWN;
    it.color_str = "teal"; /* a value the description does not list yet */
    it.children = NULL;
    it.children_count = 0;
    it.tags = NULL;
    it.has_tags = INTERCOM_FIELD_PRESENT; /* an explicitly empty array */
    it.tags_count = 0;
    s = enc(&item_type, &it);
    CHECK_STR(s, "{\"name\":null,\"size\":0,\"color\":\"teal\",\"tags\":[],\"ok\":true}");
    free(s);
    intercom_error err = INTERCOM_ERROR_INIT;
    CHECK_CODE(intercom_to_json(&(item){.type = NULL}, 0, &s, NULL, &err), INTERCOM_E_INVALID_ARGUMENT);
    CHECK(strstr(err.message, "_INIT") != NULL);
    intercom_error_clear(&err);
}

static mock_server *S;

static void test_params_request(void) {
    intercom_client_options o = INTERCOM_CLIENT_OPTIONS_INIT;
    o.bearer_token = "t";
    o.base_url = mock_server_url(S);
    o.max_retries = 0;
    intercom_client *c = NULL;
    CHECK(intercom_client_new(&c, &o, NULL) == INTERCOM_OK);
    mock_response r = MOCK_RESPONSE_INIT;
    r.body = "{\"type\":\"box\",\"size\":4}";
    mock_server_set_default(S, &r);

    item thing = {{&item_type, NULL}, .type = "bag", .name = "inner"};
    const char *ids[] = {"a b", "c&d"};
    const char *tags[] = {"a,b", "c"};
    params p = {.id = "x/1", .per_page = 50, .has_per_page = 1, .ids = ids, .ids_count = 2, .tags = tags, .tags_count = 2,
                .trace = "t-1",
                .email = "a@b.c", .age = 0, .has_age = 1, .has_vip = INTERCOM_FIELD_NULL, .thing = &thing};
    item *out = NULL;
    intercom_error err = INTERCOM_ERROR_INIT;
    mock_server_reset(S);
    CHECK_CODE(ic_call(c, &op_update, &p, NULL, (void **)&out, &err), INTERCOM_OK);
    CHECK(out && out->variant == 1 && out->size == 4);
    intercom_model_free(out);
    mock_request q = {0};
    CHECK(mock_server_request(S, 0, &q) == 0);
    CHECK_STR(q.method, "PUT");
    CHECK_STR(q.target, "/things/x%2F1?per_page=50&ids=a%20b&ids=c%26d&tags=a%2Cb,c");
    CHECK_STR(mock_request_header(&q, "X-Trace"), "t-1");
    CHECK_STR(mock_request_header(&q, "Content-Type"), "application/json");
    CHECK_STR(q.body, "{\"email\":\"a@b.c\",\"age\":0,\"vip\":null,\"thing\":{\"type\":\"bag\",\"name\":\"inner\"}}");
    mock_request_clear(&q);

    /* required body field missing: refused before any traffic, naming it */
    mock_server_reset(S);
    p.email = NULL;
    CHECK_CODE(ic_call(c, &op_update, &p, NULL, (void **)&out, &err), INTERCOM_E_INVALID_ARGUMENT);
    CHECK(err.message && strstr(err.message, "\"email\""));
    p.email = "a@b.c";
    p.id = NULL;
    CHECK_CODE(ic_call(c, &op_update, &p, NULL, (void **)&out, &err), INTERCOM_E_INVALID_ARGUMENT);
    CHECK(err.message && strstr(err.message, "\"id\""));
    CHECK(mock_server_request_count(S) == 0);

    /* params from JSON (what the CLI and the conformance test do), freed with intercom_free */
    const char *pj = "{\"id\":\"7\",\"per_page\":5,\"ids\":[\"q\"],\"email\":\"e@x.io\",\"vip\":true,\"thing\":{\"size\":1}}";
    params *pp = NULL;
    CHECK_CODE(intercom_from_json(&params_type, pj, strlen(pj), 1, (void **)&pp, &err), INTERCOM_OK);
    CHECK(pp && pp->has_per_page == 1 && pp->per_page == 5 && pp->ids_count == 1 && pp->vip && pp->thing->size == 1);
    char *s = enc(&params_type, pp);
    CHECK_STR(s, pj);
    free(s);
    mock_server_reset(S);
    CHECK_CODE(ic_call(c, &op_update, pp, NULL, (void **)&out, &err), INTERCOM_OK);
    intercom_model_free(out);
    CHECK(mock_server_request(S, 0, &q) == 0);
    CHECK_STR(q.target, "/things/7?per_page=5&ids=q");
    CHECK_STR(q.body, "{\"email\":\"e@x.io\",\"vip\":true,\"thing\":{\"size\":1}}");
    mock_request_clear(&q);
    intercom_free(&params_type, pp);
    /* extra_body merges into a typed body */
    json_t *extra = json_pack("{s:s}", "beta", "on");
    intercom_request_options ro = INTERCOM_REQUEST_OPTIONS_INIT;
    ro.extra_body = extra;
    p.id = "1";
    mock_server_reset(S);
    CHECK_CODE(ic_call(c, &op_update, &p, &ro, (void **)&out, &err), INTERCOM_OK);
    intercom_model_free(out);
    CHECK(mock_server_request(S, 0, &q) == 0);
    json_t *sent = json_loads(q.body, 0, NULL);
    CHECK(sent && !strcmp(json_string_value(json_object_get(sent, "beta")), "on") &&
          !strcmp(json_string_value(json_object_get(sent, "email")), "a@b.c"));
    json_decref(sent);
    json_decref(extra);
    mock_request_clear(&q);
    intercom_error_clear(&err);
    intercom_client_free(c);
}

static void test_hostile(void) {
    intercom_error err = INTERCOM_ERROR_INIT;
    item *it = NULL;
    /* huge array of objects */
    size_t n = 200000;
    char *big = malloc(n * 12 + 64);
    size_t len = (size_t)sprintf(big, "{\"children\":[");
    for (size_t i = 0; i < n; i++) len += (size_t)sprintf(big + len, "%s{\"size\":%d}", i ? "," : "", (int)(i % 100));
    len += (size_t)sprintf(big + len, "]}");
    CHECK_CODE(intercom_from_json(&item_type, big, len, 1, (void **)&it, &err), INTERCOM_OK);
    CHECK(it && it->children_count == n && it->children[n - 1]->size == (int64_t)((n - 1) % 100));
    intercom_model_free(it);
    free(big);
    /* deep nesting inside a free-form value is bounded, not a stack overflow */
    size_t depth = 100000;
    char *deep = malloc(depth * 2 + 32);
    len = (size_t)sprintf(deep, "{\"meta\":");
    memset(deep + len, '[', depth);
    memset(deep + len + depth, ']', depth);
    strcpy(deep + len + 2 * depth, "}");
    CHECK_CODE(intercom_from_json(&item_type, deep, strlen(deep), 0, (void **)&it, &err), INTERCOM_E_DECODE);
    CHECK(err.message && strstr(err.message, "deep"));
    free(deep);
    /* not UTF-8, truncated, trailing garbage, top-level array, empty */
    const char *bads[] = {"{\"name\":\"\xc3\x28\"}", "{\"name\":\"x", "{} {}", "[{}]", "", "nul", "{\"size\":1e999999}"};
    for (size_t i = 0; i < sizeof bads / sizeof *bads; i++) {
        intercom_code rc = intercom_from_json(&item_type, bads[i], strlen(bads[i]), 1, (void **)&it, &err);
        CHECKF(rc == INTERCOM_E_DECODE, "input %zu gave %d", i, rc);
        CHECK(it == NULL && err.message && *err.message);
    }
    /* a 64-bit integer survives exactly; out of range is invalid */
    const char *i64 = "{\"size\":-9223372036854775808}";
    CHECK_CODE(intercom_from_json(&item_type, i64, strlen(i64), 1, (void **)&it, &err), INTERCOM_OK);
    CHECK(it && it->size == INT64_MIN);
    intercom_model_free(it);
    i64 = "{\"size\":9223372036854775808}";
    CHECK_CODE(intercom_from_json(&item_type, i64, strlen(i64), 0, (void **)&it, &err), INTERCOM_OK);
    CHECK(it && it->has_size == INTERCOM_FIELD_INVALID);
    intercom_model_free(it);
    intercom_error_clear(&err);
}

/* After the root value closes, only whitespace may follow: whether the bytes arrive at once or split
 * anywhere, a token after it (complete or cut off at the end) fails the decode, and trailing
 * whitespace does not. (The decoder skips yajl_complete_parse when the root closed and the bytes do
 * not end inside a token; this checks that nothing slips through that way.) */
static void test_trailing(void) {
    intercom_error err = INTERCOM_ERROR_INIT;
    const char *bads[] = {"{\"size\":1} tru", "{\"size\":1} 1", "{\"size\":1} \"x", "{\"size\":1} \"x\"",
                          "{\"size\":1} x", "{\"size\":1}\"", "{\"size\":1} -", "{\"size\":1} {}",
                          "{\"size\":1} true", "{\"size\":1} null "};
    const char *goods[] = {"{\"size\":1}", "{\"size\":1}  \n\t\r ", "  {\"size\":1}\n"};
    for (int good = 0; good < 2; good++) {
        const char **set = good ? goods : bads;
        size_t n = good ? sizeof goods / sizeof *goods : sizeof bads / sizeof *bads;
        for (size_t i = 0; i < n; i++) {
            size_t len = strlen(set[i]);
            for (size_t cut = 0; cut <= len; cut++) { /* cut == len: one piece */
                intercom_decoder *d = NULL;
                item *it = NULL;
                CHECK_CODE(intercom_decoder_new(&d, &item_type, 1, 0, NULL, &err), INTERCOM_OK);
                intercom_code rc = intercom_decoder_feed(d, set[i], cut, &err);
                if (rc == INTERCOM_OK && cut < len) rc = intercom_decoder_feed(d, set[i] + cut, len - cut, &err);
                if (rc == INTERCOM_OK) rc = intercom_decoder_finish(d, (void **)&it, &err);
                CHECKF(good ? rc == INTERCOM_OK && it && it->size == 1 : rc == INTERCOM_E_DECODE,
                       "\"%s\" cut at %zu gave %d", set[i], cut, rc);
                intercom_model_free(it);
                intercom_decoder_free(d);
            }
            item *it = NULL;
            intercom_code rc = intercom_from_json(&item_type, set[i], len, 1, (void **)&it, &err);
            CHECKF(good ? rc == INTERCOM_OK : rc == INTERCOM_E_DECODE, "\"%s\" whole gave %d", set[i], rc);
            intercom_model_free(it);
        }
    }
    /* yajl's messages end in a newline; the error's message is one line */
    item *it = NULL;
    CHECK_CODE(intercom_from_json(&item_type, "{\"size\":", 8, 1, (void **)&it, &err), INTERCOM_E_DECODE);
    CHECK_STR(err.message, "invalid JSON: parse error: premature EOF");
    CHECK_CODE(intercom_from_json(&item_type, "{\"size\" 1}", 10, 1, (void **)&it, &err), INTERCOM_E_DECODE);
    CHECKF(err.message && !strchr(err.message, '\n'), "%s", err.message);
    intercom_error_clear(&err);
}

static const ic_test tests[] = {
    {"trailing", test_trailing},
    {"enums_variants", test_enums_variants},
    {"build_request_models", test_build_request_models},
    {"root_array", test_root_array},
    {"params_request", test_params_request},
    {"hostile", test_hostile},
    {NULL, NULL},
};

int main(int argc, char **argv) {
    S = mock_server_start();
    int rc = ic_test_run(tests, argc, argv);
    mock_server_stop(S);
    return rc;
}
