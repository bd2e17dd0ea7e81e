/* SPDX-License-Identifier: MIT */
/* The public reflection API (include/intercom/reflection.h) and the registry behind it: the
 * operations and types the generated code hands to the runtime, lookups by name, field walks, and
 * a call by descriptor against tests/support/mock_server. Built twice (tests/layers.cmake): with the
 * shared library, and with the static archive while calling no generated function, where the
 * registry is filled only because the archive's users link the generated operations in
 * (-Wl,--undefined=ic_all_operations). Public headers only. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <intercom/intercom.h>

#include "mock_server.h"
#include "testutil.h"

static mock_server *S;

static void test_operations_listed_in_order(void) {
    size_t n = intercom_operations_count();
    CHECKF(n >= 200, "%zu operations", n); /* 231 in the 2.16 description */
    for (size_t i = 0; i < n; i++) {
        const intercom_operation *op = intercom_operations_at(i);
        CHECKF(op && op->name && op->method && op->path && op->path[0] == '/', "operation %zu", i);
        if (!op) return;
        if (i) CHECKF(strcmp(intercom_operations_at(i - 1)->name, op->name) < 0, "%s after %s", op->name,
                      intercom_operations_at(i - 1)->name);
        if (op->page_kind != INTERCOM_PAGE_NONE) CHECKF(op->page_items != NULL, "%s: paginated, no items", op->name);
        if (op->params) CHECKF(op->params->kind == INTERCOM_TYPE_PARAMS, "%s: params kind", op->name);
    }
    CHECK(intercom_operations_at(n) == NULL);
    CHECK(intercom_operations_at((size_t)-1) == NULL);
}

static void test_operation_find(void) {
    const intercom_operation *op = NULL;
    intercom_error err = INTERCOM_ERROR_INIT;
    CHECK_CODE(intercom_operation_find("me.retrieve", &op, &err), INTERCOM_OK);
    CHECK(op && !strcmp(op->method, "GET") && !strcmp(op->path, "/me") && op->params == NULL);
    CHECK(op && op->response && !strcmp(intercom_type_name(op->response), "admin_with_app"));
    CHECK_CODE(intercom_operation_find("contacts.list", &op, &err), INTERCOM_OK);
    CHECK(op && op->page_kind == INTERCOM_PAGE_CURSOR && op->per_page_max > 0 && !strcmp(op->page_items, "data"));
    /* INTERCOM_OP_REDIRECT: from the description's 302-with-Location answer, on that operation only */
    size_t redirects = 0;
    for (size_t i = 0; i < intercom_operations_count(); i++) {
        const intercom_operation *o = intercom_operations_at(i);
        if (o->flags & INTERCOM_OP_REDIRECT) {
            redirects++;
            CHECK(!strcmp(o->name, "calls.recording.retrieve") && o->response == NULL);
        }
    }
    CHECK(redirects == 1);
    CHECK_CODE(intercom_operation_find("preview:calls.recording.retrieve", &op, &err), INTERCOM_OK);
    CHECK(op && (op->flags & INTERCOM_OP_REDIRECT));
    CHECK_CODE(intercom_operation_find("no.such.thing", &op, &err), INTERCOM_E_INVALID_ARGUMENT);
    CHECK(op == NULL && err.message && strstr(err.message, "no.such.thing"));
    CHECK_CODE(intercom_operation_find("nosuch:contacts.list", &op, &err), INTERCOM_E_INVALID_ARGUMENT);
    /* the Preview namespace (registered by its generated code): its own descriptor, not the stable one */
    const intercom_operation *stable = op;
    CHECK_CODE(intercom_operation_find("contacts.list", &stable, &err), INTERCOM_OK);
    CHECK_CODE(intercom_operation_find("preview:contacts.list", &op, &err), INTERCOM_OK);
    CHECK(op && op != stable && op->api_version && !strcmp(op->api_version, "Preview"));
    CHECK_CODE(intercom_operation_find("preview:no.such.thing", &op, &err), INTERCOM_E_INVALID_ARGUMENT);
    CHECK_CODE(intercom_operation_find(NULL, &op, &err), INTERCOM_E_INVALID_ARGUMENT);
    CHECK_CODE(intercom_operation_find("me.retrieve", NULL, &err), INTERCOM_E_INVALID_ARGUMENT);
    intercom_error_clear(&err);
}

static void test_types_and_fields(void) {
    size_t n = intercom_types_count();
    CHECKF(n >= 300, "%zu types", n);
    for (size_t i = 0; i < n; i++) {
        const intercom_type *t = intercom_types_at(i);
        CHECKF(t && t->kind == INTERCOM_TYPE_OBJECT, "type %zu", i);
        const intercom_type *found = NULL;
        if (t) CHECKF(intercom_type_find(t->name, &found, NULL) == INTERCOM_OK && found == t, "%s by name", t->name);
    }
    CHECK(intercom_types_at(n) == NULL);

    const intercom_type *t = NULL;
    intercom_error err = INTERCOM_ERROR_INIT;
    CHECK_CODE(intercom_type_find("admin_with_app", &t, &err), INTERCOM_OK);
    if (!t) return;
    CHECK(t->kind == INTERCOM_TYPE_OBJECT && t->size > 0 && t->n_fields > 5);
    const intercom_field *f = intercom_type_field(t, "email", 5);
    CHECK(f && f->kind == INTERCOM_KIND_STRING && f->in == INTERCOM_IN_BODY && f->offset < t->size);
    f = intercom_type_field(t, "app", 3);
    CHECK(f && f->kind == INTERCOM_KIND_OBJECT && f->type && f->type->kind == INTERCOM_TYPE_OBJECT);
    CHECK(intercom_type_field(t, "emailx", 6) == NULL && intercom_type_field(NULL, "email", 5) == NULL);
    /* every field is reachable by name, and the by-name index names a field of the type */
    for (uint32_t i = 0; i < t->n_fields; i++) {
        const intercom_field *g = &t->fields[i];
        CHECKF(intercom_type_field(t, g->name, strlen(g->name)) == g, "%s", g->name);
        CHECK(t->by_name[i] < t->n_fields);
    }
    /* enum types are reached through their fields */
    int enums = 0;
    for (size_t i = 0; i < n && !enums; i++) {
        const intercom_type *u = intercom_types_at(i);
        for (uint32_t k = 0; k < u->n_fields; k++)
            if (u->fields[k].kind == INTERCOM_KIND_ENUM) {
                const intercom_type *e = u->fields[k].type;
                CHECKF(e && e->kind == INTERCOM_TYPE_ENUM && e->n_values > 0 && e->values[0], "%s.%s", u->name,
                       u->fields[k].name);
                enums++;
                break;
            }
    }
    CHECK(enums == 1);
    CHECK_CODE(intercom_type_find("no_such_schema", &t, &err), INTERCOM_E_INVALID_ARGUMENT);
    CHECK(t == NULL);
    intercom_error_clear(&err);
}

static void handler(const mock_request *q, mock_response *r, void *payload) {
    (void)payload;
    r->status = 200;
    r->body = !strcmp(q->target, "/me") ? "{\"type\":\"admin\",\"id\":\"7\",\"email\":\"ann@example.com\"}" : "{}";
}

static void test_call_by_descriptor(void) {
    intercom_client *c = ic_test_client(mock_server_url(S));
    const intercom_operation *op = NULL;
    CHECK_CODE(intercom_operation_find("me.retrieve", &op, NULL), INTERCOM_OK);
    void *me = NULL;
    intercom_error err = INTERCOM_ERROR_INIT;
    CHECK_CODE(intercom_operation_call(c, op, NULL, NULL, &me, &err), INTERCOM_OK);
    CHECK(me != NULL);
    if (me) {
        /* the result is a model of op->response: read its email through the field descriptor */
        const intercom_field *f = intercom_type_field(op->response, "email", 5);
        CHECK(f && intercom_field_state(me, "email") == INTERCOM_FIELD_PRESENT);
        if (f) CHECK_STR(*(const char *const *)((const char *)me + f->offset), "ann@example.com");
        intercom_model_free(me);
    }
    CHECK_CODE(intercom_operation_call(c, NULL, NULL, NULL, &me, &err), INTERCOM_E_INVALID_ARGUMENT);
    CHECK(me == NULL);
    CHECK_CODE(intercom_operation_call(NULL, op, NULL, NULL, &me, &err), INTERCOM_E_INVALID_ARGUMENT);
    CHECK_CODE(intercom_operation_call(c, op, NULL, NULL, NULL, &err), INTERCOM_E_INVALID_ARGUMENT);
    intercom_error_clear(&err);
    intercom_client_free(c);
}

/* The public streaming decoder (decoder.h): any chunking gives the same model; misuse is refused. */
static void test_decoder_streaming(void) {
    const intercom_type *t = NULL;
    CHECK_CODE(intercom_type_find("admin_with_app", &t, NULL), INTERCOM_OK);
    if (!t) return;
    const char *js = "{\"type\":\"admin\",\"id\":\"7\",\"email\":\"ann@example.com\",\"name\":\"Ann \\u00e9\","
                     "\"away_mode_enabled\":true,\"app\":{\"type\":\"app\",\"id_code\":\"xyz\"}}";
    size_t len = strlen(js);
    const intercom_field *email = intercom_type_field(t, "email", 5), *name = intercom_type_field(t, "name", 4);
    for (size_t chunk = 1; chunk <= len; chunk++) {
        intercom_decoder *d = NULL;
        intercom_error err = INTERCOM_ERROR_INIT;
        CHECK_CODE(intercom_decoder_new(&d, t, 1, chunk == 1 ? 0 : len, NULL, &err), INTERCOM_OK);
        if (!d) return;
        for (size_t off = 0; off < len; off += chunk)
            CHECK_CODE(intercom_decoder_feed(d, js + off, len - off < chunk ? len - off : chunk, &err), INTERCOM_OK);
        void *m = NULL;
        CHECK_CODE(intercom_decoder_finish(d, &m, &err), INTERCOM_OK);
        if (m && email && name) {
            CHECK_STR(*(const char *const *)((const char *)m + email->offset), "ann@example.com");
            CHECKF(!strcmp(*(const char *const *)((const char *)m + name->offset), "Ann \xc3\xa9"), "chunk %zu", chunk);
        }
        /* the value was taken: a second finish or more bytes are refused, not a second owner */
        void *again = NULL;
        CHECK_CODE(intercom_decoder_finish(d, &again, &err), INTERCOM_E_INVALID_ARGUMENT);
        CHECK(again == NULL);
        CHECK_CODE(intercom_decoder_feed(d, "{}", 2, &err), INTERCOM_E_INVALID_ARGUMENT);
        intercom_decoder_free(d);
        intercom_model_free(m);
        intercom_error_clear(&err);
    }
    /* not JSON: the feed or the finish fails with DECODE and a message, and stays failed */
    intercom_decoder *d = NULL;
    intercom_error err = INTERCOM_ERROR_INIT;
    CHECK_CODE(intercom_decoder_new(&d, t, 0, 0, NULL, &err), INTERCOM_OK);
    intercom_code rc = intercom_decoder_feed(d, "{\"id\": nope}", 13, &err);
    CHECK_CODE(rc, INTERCOM_E_DECODE);
    CHECK(err.message && strstr(err.message, "JSON"));
    CHECK_CODE(intercom_decoder_feed(d, "{}", 2, &err), INTERCOM_E_DECODE);
    void *m = NULL;
    CHECK_CODE(intercom_decoder_finish(d, &m, &err), INTERCOM_E_DECODE);
    CHECK(m == NULL);
    intercom_decoder_free(d);
    /* truncated input fails at the finish */
    CHECK_CODE(intercom_decoder_new(&d, t, 0, 0, NULL, &err), INTERCOM_OK);
    CHECK_CODE(intercom_decoder_feed(d, "{\"id\":\"7\"", 9, &err), INTERCOM_OK);
    CHECK_CODE(intercom_decoder_finish(d, &m, &err), INTERCOM_E_DECODE);
    intercom_decoder_free(d);
    /* the memory bound */
    CHECK_CODE(intercom_decoder_new(&d, t, 0, 0, NULL, &err), INTERCOM_OK);
    CHECK_CODE(intercom_decoder_set_memory_factor(d, 1), INTERCOM_OK);
    char big[600000];
    size_t n = (size_t)snprintf(big, sizeof big, "{\"team_ids\":["); /* 2 bytes of text, 8 of int64_t each */
    while (n + 16 < sizeof big) n += (size_t)snprintf(big + n, sizeof big - n, "1,");
    big[n - 1] = ']', big[n++] = '}';
    rc = intercom_decoder_feed(d, big, n, &err);
    if (rc == INTERCOM_OK) rc = intercom_decoder_finish(d, &m, &err);
    CHECK_CODE(rc, INTERCOM_E_RESPONSE_TOO_LARGE);
    intercom_decoder_free(d);
    /* arguments */
    CHECK_CODE(intercom_decoder_new(NULL, t, 0, 0, NULL, &err), INTERCOM_E_INVALID_ARGUMENT);
    CHECK_CODE(intercom_decoder_new(&d, NULL, 0, 0, NULL, &err), INTERCOM_E_INVALID_ARGUMENT);
    CHECK(d == NULL);
    CHECK_CODE(intercom_decoder_feed(NULL, "{}", 2, &err), INTERCOM_E_INVALID_ARGUMENT);
    CHECK_CODE(intercom_decoder_set_memory_factor(NULL, 1), INTERCOM_E_INVALID_ARGUMENT);
    intercom_decoder_free(NULL);
    intercom_error_clear(&err);
}

int main(int argc, char **argv) {
    static const ic_test tests[] = {
        {"operations_listed_in_order", test_operations_listed_in_order},
        {"operation_find", test_operation_find},
        {"types_and_fields", test_types_and_fields},
        {"call_by_descriptor", test_call_by_descriptor},
        {"decoder_streaming", test_decoder_streaming},
        {NULL, NULL},
    };
    S = mock_server_start();
    if (!S) return 1;
    mock_server_set_handler(S, handler, NULL);
    int rc = ic_test_run(tests, argc, argv);
    mock_server_stop(S);
    return rc;
}
