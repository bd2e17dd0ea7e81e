/* SPDX-License-Identifier: MIT */
/* Webhooks: signature verification (known answers computed with Python's hmac module) and
 * notification parsing of the fixtures in tests/fixtures/webhooks (payloads in the shape
 * Intercom documents), one per item type plus an unknown topic. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <intercom/intercom.h>

#include "runtime/webhook_internal.h"
#include "testutil.h"

#ifndef FIXTURES_DIR
#error FIXTURES_DIR must be defined
#endif

static const char SECRET[] = "client-secret-1";
static const char PING[] = "{\"type\":\"notification_event\",\"topic\":\"ping\"}";
/* python3 -c "import hmac,hashlib; print(hmac.new(b'client-secret-1', BODY, hashlib.sha1).hexdigest())" */
static const char PING_SIG[] = "sha1=cedc8ed709697bb99a58c92a166f7d14453f863d";
static const char NUL_SIG[] = "sha1=d9793481062911597bd3f7505bd376639c233565";   /* body "a\0b\0c" (5 bytes) */
static const char EMPTY_SIG[] = "sha1=918c1610c97e8d21f1ac342630e08e33f07de790"; /* empty body */

static intercom_code verify(const char *secret, const void *body, size_t len, const char *sig) {
    intercom_error err = INTERCOM_ERROR_INIT;
    intercom_code rc = intercom_webhook_verify(secret, body, len, sig, &err);
    CHECKF(rc == err.code, "err.code %d", err.code);
    if (rc) CHECKF(err.message && *err.message, "a message");
    intercom_error_clear(&err);
    return rc;
}

static void test_verify_valid(void) {
    CHECK_CODE(verify(SECRET, PING, strlen(PING), PING_SIG), INTERCOM_OK);
    CHECK_CODE(verify(SECRET, "", 0, EMPTY_SIG), INTERCOM_OK);
    CHECK_CODE(verify(SECRET, NULL, 0, EMPTY_SIG), INTERCOM_OK);
    CHECK_CODE(verify(SECRET, PING, strlen(PING), "  sha1=cedc8ed709697bb99a58c92a166f7d14453f863d\t"), INTERCOM_OK);
}

static void test_verify_uppercase_hex(void) {
    /* documented decision: hex digits are case-insensitive */
    CHECK_CODE(verify(SECRET, PING, strlen(PING), "sha1=CEDC8ED709697BB99A58C92A166F7D14453F863D"), INTERCOM_OK);
    CHECK_CODE(verify(SECRET, PING, strlen(PING), "sha1=CedC8ed709697bb99a58c92a166f7d14453f863D"), INTERCOM_OK);
    /* ... but the scheme name is not */
    CHECK_CODE(verify(SECRET, PING, strlen(PING), "SHA1=cedc8ed709697bb99a58c92a166f7d14453f863d"), INTERCOM_E_SIGNATURE);
}

static void test_verify_wrong_secret(void) {
    CHECK_CODE(verify("client-secret-2", PING, strlen(PING), PING_SIG), INTERCOM_E_SIGNATURE);
    CHECK_CODE(verify("client-secret-", PING, strlen(PING), PING_SIG), INTERCOM_E_SIGNATURE);
}

static void test_verify_tampered_body(void) {
    char body[sizeof PING];
    memcpy(body, PING, sizeof PING);
    body[strlen(body) - 3] = 'o'; /* "pong"-ish */
    CHECK_CODE(verify(SECRET, body, strlen(body), PING_SIG), INTERCOM_E_SIGNATURE);
    CHECK_CODE(verify(SECRET, PING, strlen(PING) - 1, PING_SIG), INTERCOM_E_SIGNATURE); /* truncated */
    char longer[sizeof PING + 1];
    memcpy(longer, PING, sizeof PING - 1);
    longer[sizeof PING - 1] = ' '; /* one trailing byte more */
    CHECK_CODE(verify(SECRET, longer, sizeof PING, PING_SIG), INTERCOM_E_SIGNATURE);
    /* every single-bit flip of the signature fails */
    int all = 1;
    for (size_t i = 5; i < strlen(PING_SIG); i++) {
        char sig[sizeof PING_SIG];
        memcpy(sig, PING_SIG, sizeof sig);
        sig[i] = sig[i] == '0' ? '1' : '0';
        all &= verify(SECRET, PING, strlen(PING), sig) == INTERCOM_E_SIGNATURE;
    }
    CHECK(all);
}

static void test_verify_missing_and_malformed(void) {
    intercom_error err = INTERCOM_ERROR_INIT;
    CHECK_CODE(intercom_webhook_verify(SECRET, PING, strlen(PING), NULL, &err), INTERCOM_E_SIGNATURE);
    CHECKF(err.message && strstr(err.message, "missing"), "%s", err.message);
    CHECK_CODE(intercom_webhook_verify(SECRET, PING, strlen(PING), "", &err), INTERCOM_E_SIGNATURE);
    CHECK_CODE(intercom_webhook_verify(SECRET, PING, strlen(PING), "cedc8ed709697bb99a58c92a166f7d14453f863d", &err),
               INTERCOM_E_SIGNATURE);
    CHECKF(err.message && strstr(err.message, "malformed"), "%s", err.message);
    const char *bad[] = {
        "sha1=",                                           /* no digits */
        "sha1=cedc8ed709697bb99a58c92a166f7d14453f863",    /* 39 digits */
        "sha1=cedc8ed709697bb99a58c92a166f7d14453f863d0",  /* 41 digits */
        "sha1=cedc8ed709697bb99a58c92a166f7d14453f863g",   /* not hex */
        "sha1=cedc8ed709697bb99a58c92a166f7d14453f86 3d",  /* space inside */
        "sha256=cedc8ed709697bb99a58c92a166f7d14453f863d", /* another scheme */
        "sha1:cedc8ed709697bb99a58c92a166f7d14453f863d",
        "sha1=cedc8ed709697bb99a58c92a166f7d14453f863d,sha1=cedc8ed709697bb99a58c92a166f7d14453f863d",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        CHECKF(intercom_webhook_verify(SECRET, PING, strlen(PING), bad[i], &err) == INTERCOM_E_SIGNATURE, "%s", bad[i]);
    CHECK_CODE(intercom_webhook_verify(NULL, PING, strlen(PING), PING_SIG, &err), INTERCOM_E_INVALID_ARGUMENT);
    CHECK_CODE(intercom_webhook_verify("", PING, strlen(PING), PING_SIG, &err), INTERCOM_E_INVALID_ARGUMENT);
    CHECK_CODE(intercom_webhook_verify(SECRET, NULL, 3, PING_SIG, &err), INTERCOM_E_INVALID_ARGUMENT);
    CHECK_CODE(intercom_webhook_verify(SECRET, PING, strlen(PING), NULL, NULL), INTERCOM_E_SIGNATURE); /* err optional */
    intercom_error_clear(&err);
    CHECK_STR(intercom_strerror(INTERCOM_E_SIGNATURE), "webhook signature mismatch");
    CHECK(!intercom_code_is_status(INTERCOM_E_SIGNATURE) && !intercom_code_is_api_error(INTERCOM_E_SIGNATURE));
}

static void test_verify_body_with_nuls(void) {
    static const char body[] = {'a', 0, 'b', 0, 'c'};
    CHECK_CODE(verify(SECRET, body, sizeof body, NUL_SIG), INTERCOM_OK);
    CHECK_CODE(verify(SECRET, body, 1, NUL_SIG), INTERCOM_E_SIGNATURE); /* what strlen() would see */
}

/* ---------- parsing ---------- */

static char *slurp(const char *name, size_t *len) {
    char path[512];
    snprintf(path, sizeof path, "%s/%s", FIXTURES_DIR, name);
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc((size_t)n + 1);
    if (b && fread(b, 1, (size_t)n, f) != (size_t)n) free(b), b = NULL;
    fclose(f);
    if (b) b[n] = '\0', *len = (size_t)n;
    return b;
}

static intercom_notification *parse_fixture(const char *name) {
    size_t len = 0;
    char *body = slurp(name, &len);
    CHECKF(body != NULL, "fixture %s", name);
    if (!body) return NULL;
    intercom_notification *n = NULL;
    intercom_error err = INTERCOM_ERROR_INIT;
    intercom_code rc = intercom_notification_parse(body, len, &n, &err);
    CHECKF(rc == INTERCOM_OK, "%s: %s", name, err.message);
    intercom_error_clear(&err);
    free(body);
    return n;
}

/* The typed item serialised back (descriptor-driven), as JSON. */
static json_t *typed_json(const intercom_notification *n) {
    char *s = NULL;
    intercom_error err = INTERCOM_ERROR_INIT;
    if (!n->item || intercom_to_json(n->item, 0, &s, NULL, &err)) return NULL;
    json_t *j = json_loads(s, 0, NULL);
    intercom_free_string(s);
    return j;
}

static void check_typed(const char *fixture, const char *topic, const char *item_type, const char *model,
                        const char *str_key, const char *str_val, const char *int_key, long long int_val, int known) {
    intercom_notification *n = parse_fixture(fixture);
    if (!n) return;
    CHECK_STR(n->type, "notification_event");
    CHECK_STR(n->topic, topic);
    CHECK_STR(n->app_id, "x1y2z3ab");
    CHECK_STR(n->data_type, "notification_event_data");
    CHECK_STR(n->delivery_status, "pending");
    CHECK(n->has_delivery_attempts == INTERCOM_FIELD_PRESENT && n->delivery_attempts == 1);
    CHECK(n->has_created_at == INTERCOM_FIELD_PRESENT && n->created_at == 1717415379);
    CHECK(n->has_first_sent_at == INTERCOM_FIELD_PRESENT && n->first_sent_at == 1717415380);
    CHECK(n->has_delivered_at == INTERCOM_FIELD_PRESENT && n->delivered_at == 0);
    CHECK(n->self == NULL && json_is_object(n->links));
    CHECKF(n->topic_known == known, "%s known %d", topic, n->topic_known);
    CHECK_STR(n->item_type, item_type);
    CHECKF(n->item_model && !strcmp(intercom_type_name(n->item_model), model), "%s: model %s", fixture,
           n->item_model ? intercom_type_name(n->item_model) : "(none)");
    CHECK(n->item != NULL && json_is_object(n->item_json));
    if (n->item) {
        CHECK(intercom_field_state(n->item, str_key) == INTERCOM_FIELD_PRESENT);
        CHECK(intercom_field_state(n->item, int_key) == INTERCOM_FIELD_PRESENT);
        CHECK(intercom_field_state(n->item, "no_such_field") == INTERCOM_FIELD_ABSENT);
        json_t *t = typed_json(n);
        CHECK_STR(json_string_value(json_object_get(t, str_key)), str_val);
        CHECKF(json_integer_value(json_object_get(t, int_key)) == int_val, "%s.%s", fixture, int_key);
        json_decref(t);
        json_t *raw = intercom_model_raw_json(n->item); /* the item's own JSON, undocumented fields too */
        CHECK(json_equal(raw, n->item_json));
    }
    intercom_notification_free(n);
}

static void test_parse_conversation(void) {
    check_typed("conversation.user.created.json", "conversation.user.created", "conversation", "conversation", "id",
                "147", "created_at", 1717415370, 1);
    intercom_notification *n = parse_fixture("conversation.user.created.json");
    if (!n) return;
    CHECK_STR(n->id, "notif_0a1b2c3d-conversation");
    CHECK(intercom_field_state(n->item, "title") == INTERCOM_FIELD_NULL);
    CHECK(intercom_field_state(n->item, "open") == INTERCOM_FIELD_PRESENT);
    /* an undocumented member of the item stays reachable */
    CHECK(json_is_true(json_object_get(json_object_get(n->item_json, "undocumented_field"), "kept")));
    CHECK(json_is_true(json_object_get(json_object_get(intercom_model_raw_json(n->item), "undocumented_field"), "kept")));
    intercom_notification_free(n);
}

static void test_parse_contacts(void) {
    check_typed("contact.user.created.json", "contact.user.created", "contact", "contact", "email", "joe@example.com",
                "signed_up_at", 1717415000, 1);
    check_typed("contact.lead.created.json", "contact.lead.created", "contact", "contact", "role", "lead",
                "created_at", 1717415100, 1);
    /* the legacy "user" item type decodes as a contact; the 1.x topic is not in the 2.16 table */
    check_typed("user.created.json", "user.created", "user", "contact", "email", "old@example.com", "created_at",
                1400000000, 0);
}

static void test_parse_ticket(void) {
    check_typed("ticket.created.json", "ticket.created", "ticket", "ticket", "ticket_id", "1390", "created_at",
                1717415300, 1);
    intercom_notification *n = parse_fixture("ticket.created.json");
    if (!n) return;
    /* "admin_assignee_id":"0" where the description says integer: flagged, kept as received */
    CHECK(intercom_field_state(n->item, "admin_assignee_id") == INTERCOM_FIELD_INVALID);
    CHECK_STR(json_string_value(intercom_invalid_value(n->item, n->item, "admin_assignee_id")), "0");
    intercom_notification_free(n);
}

static void test_parse_company(void) {
    check_typed("company.created.json", "company.created", "company", "company", "company_id", "acme-1", "user_count",
                3, 1);
}

static void test_parse_admin(void) {
    intercom_notification *n = parse_fixture("admin.away_mode_updated.json");
    if (!n) return;
    CHECK_STR(n->topic, "admin.away_mode_updated");
    CHECK(n->topic_known == 1);
    CHECK_STR(n->item_type, "admin");
    CHECKF(n->item_model && !strcmp(intercom_type_name(n->item_model), "admin"), "admin model");
    json_t *t = typed_json(n);
    CHECK_STR(json_string_value(json_object_get(t, "id")), "991267");
    CHECK(json_is_true(json_object_get(t, "away_mode_enabled")));
    CHECK(json_integer_value(json_array_get(json_object_get(t, "team_ids"), 0)) == 814865);
    json_decref(t);
    intercom_notification_free(n);
}

static void test_parse_visitor_event(void) {
    check_typed("visitor.signed_up.json", "visitor.signed_up", "visitor", "visitor", "user_id",
                "3ecf64d0-9ed1-4e9f-88e1-da7d6e6782f3", "session_count", 2, 1);
    check_typed("event.created.json", "event.created", "event", "data_event", "event_name", "invited-friend",
                "created_at", 1717415600, 1);
}

static void test_parse_untyped_items(void) {
    /* a known topic whose item has no generated model: parsed, item as JSON */
    intercom_notification *n = parse_fixture("contact.user.tag.created.json");
    if (n) {
        CHECK(n->topic_known == 1);
        CHECK_STR(n->item_type, "contact_tag");
        CHECK(n->item == NULL && n->item_model == NULL);
        CHECK_STR(json_string_value(json_object_get(json_object_get(n->item_json, "tag"), "name")), "VIP");
        intercom_notification_free(n);
    }
    n = parse_fixture("ping.json");
    if (n) {
        CHECK_STR(n->topic, "ping");
        CHECK(n->topic_known == 1 && n->id == NULL && n->item == NULL);
        CHECK_STR(json_string_value(json_object_get(n->item_json, "message")), "something something interzen");
        intercom_notification_free(n);
    }
    n = parse_fixture("unknown-topic.json");
    if (n) {
        CHECK_STR(n->topic, "widget.spun.up");
        CHECK(n->topic_known == 0 && n->item == NULL && n->item_model == NULL);
        CHECK_STR(n->item_type, "widget");
        CHECK(json_real_value(json_object_get(n->item_json, "spin")) == 3.5);
        CHECK_STR(n->id, "notif_unknown");
        intercom_notification_free(n);
    }
}

static void test_parse_item_without_type_uses_topic(void) {
    const char body[] = "{\"type\":\"notification_event\",\"topic\":\"company.updated\","
                        "\"data\":{\"item\":{\"id\":\"c-9\",\"name\":\"NoType Inc\"}}}";
    intercom_notification *n = NULL;
    CHECK_CODE(intercom_notification_parse(body, strlen(body), &n, NULL), INTERCOM_OK);
    if (!n) return;
    CHECK(n->item_type == NULL);
    CHECKF(n->item_model && !strcmp(intercom_type_name(n->item_model), "company"), "by topic");
    CHECK(n->has_created_at == INTERCOM_FIELD_ABSENT && n->app_id == NULL && n->links == NULL);
    intercom_notification_free(n);
}

static void test_parse_errors(void) {
    struct {
        const char *body;
        intercom_code want;
        const char *msg;
    } cases[] = {
        {"", INTERCOM_E_DECODE, "not JSON"},
        {"{\"type\":\"notification_event\",\"topic\":", INTERCOM_E_DECODE, "not JSON"},
        {"[1,2]", INTERCOM_E_DECODE, "not a JSON object"},
        {"\"notification_event\"", INTERCOM_E_DECODE, "not JSON"}, /* jansson refuses a top-level string without ENCODE_ANY */
        {"{\"type\":\"conversation\",\"topic\":\"x\"}", INTERCOM_E_DECODE, "notification_event"},
        {"{\"type\":5,\"topic\":\"x\"}", INTERCOM_E_DECODE, "notification_event"},
        {"{\"type\":\"notification_event\"}", INTERCOM_E_DECODE, "topic"},
        {"{\"type\":\"notification_event\",\"topic\":7}", INTERCOM_E_DECODE, "topic"},
        {"{\"topic\":\"ping\",\"data\":[]}", INTERCOM_E_DECODE, "data"},
        {"{\"topic\":\"ping\",\"data\":{\"item\":\"x\"}}", INTERCOM_E_DECODE, "data.item"},
        {"{\"topic\":\"ping\",\"topic\":\"pong\"}", INTERCOM_E_DECODE, "duplicate"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        intercom_notification *n = (intercom_notification *)1;
        intercom_error err = INTERCOM_ERROR_INIT;
        intercom_code rc = intercom_notification_parse(cases[i].body, strlen(cases[i].body), &n, &err);
        CHECKF(rc == cases[i].want, "case %zu: %d", i, rc);
        CHECKF(n == NULL, "case %zu: out reset", i);
        CHECKF(err.message && strstr(err.message, cases[i].msg), "case %zu: %s", i, err.message);
        intercom_error_clear(&err);
    }
    /* a NUL inside the body */
    static const char nul[] = "{\"topic\":\"ping\"}\0{}";
    intercom_notification *n = NULL;
    CHECK_CODE(intercom_notification_parse(nul, sizeof nul - 1, &n, NULL), INTERCOM_E_DECODE);
    CHECK_CODE(intercom_notification_parse(NULL, 3, &n, NULL), INTERCOM_E_INVALID_ARGUMENT);
    CHECK_CODE(intercom_notification_parse("{}", 2, NULL, NULL), INTERCOM_E_INVALID_ARGUMENT);
    intercom_notification_free(NULL);
    /* not NUL-terminated: only len bytes are read */
    char buf[64];
    memset(buf, 'x', sizeof buf);
    memcpy(buf, "{\"topic\":\"ping\"}", 16);
    CHECK_CODE(intercom_notification_parse(buf, 16, &n, NULL), INTERCOM_OK);
    intercom_notification_free(n);
}

static void test_topic_table(void) {
    int sorted = 1, found = 1;
    for (size_t i = 0; i < ic_webhook_topics_count; i++) {
        if (i && strcmp(ic_webhook_topics[i - 1].topic, ic_webhook_topics[i].topic) >= 0) sorted = 0;
        const char *obj = NULL;
        if (intercom_webhook_topic_item(ic_webhook_topics[i].topic, &obj, NULL, NULL) || !obj ||
            strcmp(obj, ic_webhook_topics[i].object_type))
            found = 0, fprintf(stderr, "topic %s not found\n", ic_webhook_topics[i].topic);
    }
    CHECK(sorted && found);
    CHECKF(ic_webhook_topics_count >= 70, "%zu topics", ic_webhook_topics_count);
    const char *obj = NULL;
    const intercom_type *t = NULL;
    CHECK_CODE(intercom_webhook_topic_item("ticket.state.updated", &obj, &t, NULL), INTERCOM_OK);
    CHECK_STR(obj, "ticket");
    CHECK(t && !strcmp(intercom_type_name(t), "ticket"));
    CHECK_CODE(intercom_webhook_topic_item("contact.user.tag.created", &obj, &t, NULL), INTERCOM_OK);
    CHECK_STR(obj, "contact_tag");
    CHECK(t == NULL);
    intercom_error err = INTERCOM_ERROR_INIT;
    CHECK_CODE(intercom_webhook_topic_item("no.such.topic", &obj, &t, &err), INTERCOM_E_INVALID_ARGUMENT);
    CHECK(obj == NULL && t == NULL && err.message && strstr(err.message, "no.such.topic"));
    intercom_error_clear(&err);
    /* every object type the table names either resolves to a generated model or is a known JSON-only type */
    const char *json_only[] = {"contact_tag", "content_stat", "ping", NULL};
    for (size_t i = 0; i < ic_webhook_topics_count; i++) {
        const char *o = ic_webhook_topics[i].object_type;
        int ok = ic_type_by_name(ic_webhook_schema_for(o)) != NULL;
        for (const char **j = json_only; *j && !ok; j++) ok = !strcmp(*j, o);
        CHECKF(ok, "%s -> %s has no model", ic_webhook_topics[i].topic, o);
    }
    const char *items[] = {"conversation", "contact", "user", "lead", "ticket", "company", "admin", "visitor", "event",
                           "tag", "team", "segment", "note", "conversation_part", "call", "activity_log",
                           "subscription_type", "news_item", NULL};
    for (const char **it = items; *it; it++) {
        t = NULL;
        CHECK_CODE(intercom_webhook_item_model(*it, &t, NULL), INTERCOM_OK);
        CHECKF(t != NULL, "item type %s has no model", *it);
    }
    CHECK_CODE(intercom_webhook_item_model("widget", &t, NULL), INTERCOM_OK);
    CHECK(t == NULL);
    /* rows checked against Intercom's Webhook Topics reference (webhook_topics.c): the object of each */
    static const struct {
        const char *topic, *object, *model; /* model NULL: the item stays JSON */
    } ref[] = {
        {"contact.subscribed", "subscription", "subscription_type"},
        {"contact.unsubscribed", "subscription", "subscription_type"},
        {"granular.subscribe", "subscription", "subscription_type"},
        {"granular.unsubscribe", "subscription", "subscription_type"},
        {"contact.unarchive", "contact", "contact"},
        {"conversation_part.redacted", "conversation_part", "conversation_part"},
        {"conversation_part.tag.created", "conversation_part", "conversation_part"},
        {"job.completed", "job", "jobs"},
        {"ticket.closed", "ticket", "ticket"},
        {"article.published", "article", "article"},
        {"call.recording_available", "call", "call"},
        {"call.transcription_available", "call", "call"},
        {"content_stat.email", "content_stat", NULL},
        {"content_stat.series.webhook", "content_stat", NULL},
        {"content_stat.tour", "content_stat", NULL},
    };
    for (size_t i = 0; i < sizeof ref / sizeof *ref; i++) {
        obj = NULL, t = NULL;
        CHECKF(intercom_webhook_topic_item(ref[i].topic, &obj, &t, NULL) == INTERCOM_OK, "%s", ref[i].topic);
        CHECKF(obj && !strcmp(obj, ref[i].object), "%s: %s", ref[i].topic, obj ? obj : "(none)");
        CHECKF(ref[i].model ? t && !strcmp(intercom_type_name(t), ref[i].model) : t == NULL, "%s: model %s",
               ref[i].topic, t ? intercom_type_name(t) : "(none)");
    }
    CHECK_CODE(intercom_webhook_topic_item("contact.unarchived", &obj, &t, NULL), INTERCOM_E_INVALID_ARGUMENT);
    CHECK_CODE(intercom_webhook_item_model("job", &t, NULL), INTERCOM_OK);
    CHECK(t && !strcmp(intercom_type_name(t), "jobs"));
    CHECKF(ic_webhook_topics_count >= 92, "%zu topics", ic_webhook_topics_count);
}

int main(int argc, char **argv) {
    static const ic_test tests[] = {
        {"verify_valid", test_verify_valid},
        {"verify_uppercase_hex", test_verify_uppercase_hex},
        {"verify_wrong_secret", test_verify_wrong_secret},
        {"verify_tampered_body", test_verify_tampered_body},
        {"verify_missing_and_malformed", test_verify_missing_and_malformed},
        {"verify_body_with_nuls", test_verify_body_with_nuls},
        {"parse_conversation", test_parse_conversation},
        {"parse_contacts", test_parse_contacts},
        {"parse_ticket", test_parse_ticket},
        {"parse_company", test_parse_company},
        {"parse_admin", test_parse_admin},
        {"parse_visitor_event", test_parse_visitor_event},
        {"parse_untyped_items", test_parse_untyped_items},
        {"parse_item_without_type", test_parse_item_without_type_uses_topic},
        {"parse_errors", test_parse_errors},
        {"topic_table", test_topic_table},
        {NULL, NULL},
    };
    return ic_test_run(tests, argc, argv);
}
