/* SPDX-License-Identifier: MIT */
/* Decoding and encoding on the generated types themselves: null vs missing, unknown enum
 * values, unknown and known union variants, values of the wrong type kept as received,
 * and exclude-unset round trips. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <intercom/intercom.h>

#include "testutil.h"

static void *decode(const intercom_type *t, const char *js, int strict, intercom_code want) {
    void *v = NULL;
    intercom_error err = INTERCOM_ERROR_INIT;
    intercom_code rc = intercom_from_json(t, js, strlen(js), strict, &v, &err);
    CHECKF(rc == want, "%s: got %d (%s)", intercom_type_name(t), rc, err.message ? err.message : "");
    intercom_error_clear(&err);
    return v;
}

/* to_json(decode(js)) == js, as JSON values */
static void round_trip(const intercom_type *t, const char *js) {
    void *v = decode(t, js, 0, INTERCOM_OK);
    if (!v) return;
    char *out = NULL;
    CHECK_CODE(intercom_to_json(v, 0, &out, NULL, NULL), INTERCOM_OK);
    json_t *a = json_loads(js, 0, NULL), *b = out ? json_loads(out, 0, NULL) : NULL;
    CHECKF(a && b && json_equal(a, b), "%s:\n  in  %s\n  out %s", intercom_type_name(t), js, out ? out : "(null)");
    json_decref(a);
    json_decref(b);
    intercom_free_string(out);
    intercom_model_free(v);
}

static void test_null_vs_missing(void) {
    const char *js = "{\"type\":\"contact\",\"id\":\"c1\",\"name\":null,\"owner_id\":\"7\",\"custom_attributes\":"
                     "{\"plan\":\"pro\",\"n\":1},\"tags\":null,\"android_last_seen_at\":null,\"created_at\":1717415380}";
    intercom_contact *c = decode(&intercom_contact_descriptor, js, 1, INTERCOM_OK);
    if (!c) return;
    CHECK(c->has_name == INTERCOM_FIELD_NULL && c->name == NULL);
    CHECK(c->has_email == INTERCOM_FIELD_ABSENT && c->email == NULL);
    CHECK(c->has_tags == INTERCOM_FIELD_NULL && c->tags == NULL);
    CHECK(c->has_created_at == INTERCOM_FIELD_PRESENT && c->created_at == 1717415380);
    CHECK(intercom_field_state(c, "android_last_seen_at") == INTERCOM_FIELD_NULL);
    CHECK(json_integer_value(json_object_get(c->custom_attributes, "n")) == 1);
    intercom_model_free(c);
    round_trip(&intercom_contact_descriptor, js);
}

static void test_enums_and_variants(void) {
    /* a listed value, an unknown one */
    const char *js = "{\"type\":\"conversation_attribute\",\"id\":3,\"name\":\"Tier\",\"data_type\":\"list\","
                     "\"options\":[{\"id\":\"o1\",\"label\":\"Gold\"}]}";
    intercom_conversation_attribute *a = decode(&intercom_conversation_attribute_descriptor, js, 1, INTERCOM_OK);
    if (a) {
        CHECK(a->variant == INTERCOM_CONVERSATION_ATTRIBUTE_VARIANT_LIST);
        CHECK(a->data_type != 0 && !strcmp(a->data_type_str, "list"));
        CHECK(a->options_count == 1);
    }
    intercom_model_free(a);
    round_trip(&intercom_conversation_attribute_descriptor, js);
    const char *future = "{\"type\":\"conversation_attribute\",\"id\":4,\"data_type\":\"hologram\",\"name\":\"X\"}";
    a = decode(&intercom_conversation_attribute_descriptor, future, 1, INTERCOM_OK); /* unknown values are not errors */
    if (a) {
        CHECK(a->variant == INTERCOM_CONVERSATION_ATTRIBUTE_VARIANT_UNLISTED);
        CHECK(a->data_type == 0 && !strcmp(a->data_type_str, "hologram"));
    }
    intercom_model_free(a);
    round_trip(&intercom_conversation_attribute_descriptor, future);
}

static void test_wrong_types_kept(void) {
    /* the description's own examples do this: ids as numbers, a string where an object is declared */
    const char *js = "{\"type\":\"contact\",\"id\":123,\"owner_id\":{\"weird\":true},\"created_at\":\"2024-01-01\","
                     "\"name\":\"ok\"}";
    intercom_contact *c = decode(&intercom_contact_descriptor, js, 0, INTERCOM_OK);
    if (c) {
        CHECK(c->has_id == INTERCOM_FIELD_INVALID && c->id == NULL);
        CHECK(c->has_created_at == INTERCOM_FIELD_INVALID && c->created_at == 0);
        CHECK(!strcmp(c->name, "ok"));
        const json_t *id = intercom_invalid_value(c, c, "id");
        CHECK(json_integer_value(id) == 123);
        CHECK(json_is_true(json_object_get(intercom_invalid_value(c, c, "owner_id"), "weird")));
        CHECK(intercom_invalid_value(c, c, "name") == NULL);
    }
    intercom_model_free(c);
    round_trip(&intercom_contact_descriptor, js); /* written back as they came */
    intercom_contact *strict = decode(&intercom_contact_descriptor, js, 1, INTERCOM_E_DECODE);
    CHECK(strict == NULL);
}

static void test_params_json(void) {
    /* what the CLI does with --data: params from JSON, and back */
    const char *js = "{\"conversation_id\":\"123\",\"message_type\":\"comment\",\"type\":\"admin\",\"admin_id\":\"9\","
                     "\"body\":\"hi\",\"attachment_urls\":[\"https://a.example/x.png\"]}";
    intercom_conversations_reply_create_params *p = decode(&intercom_conversations_reply_create_params_descriptor, js, 1, INTERCOM_OK);
    if (p) {
        CHECK(p->message_type == INTERCOM_REPLY_MESSAGE_TYPE_COMMENT);
        CHECK(p->attachment_urls_count == 1 && !strcmp(p->body, "hi"));
        char *out = NULL;
        CHECK_CODE(intercom_to_json_as(&intercom_conversations_reply_create_params_descriptor, p, 0, &out, NULL, NULL),
                   INTERCOM_OK);
        json_t *a = json_loads(js, 0, NULL), *b = json_loads(out, 0, NULL);
        CHECK(json_equal(a, b));
        json_decref(a);
        json_decref(b);
        intercom_free_string(out);
    }
    intercom_free(&intercom_conversations_reply_create_params_descriptor, p);
}

static const ic_test tests[] = {
    {"null_vs_missing", test_null_vs_missing},
    {"enums_and_variants", test_enums_and_variants},
    {"wrong_types_kept", test_wrong_types_kept},
    {"params_json", test_params_json},
    {NULL, NULL},
};

int main(int argc, char **argv) { return ic_test_run(tests, argc, argv); }
