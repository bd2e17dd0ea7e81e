/* SPDX-License-Identifier: MIT */
/* Webhooks: X-Hub-Signature verification (HMAC-SHA1, libcrypto) and notification parsing. */

#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "client.h"
#include "webhook_internal.h"

static int hexval(int c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

intercom_code intercom_webhook_verify(const char *secret, const void *body, size_t body_len,
                                      const char *signature_header, intercom_error *err) {
    if (!secret || !*secret) return ic_fail(err, INTERCOM_E_INVALID_ARGUMENT, "webhook verify: the client secret is empty");
    if (!body && body_len) return ic_fail(err, INTERCOM_E_INVALID_ARGUMENT, "webhook verify: body is NULL");
    if (!signature_header || !*signature_header)
        return ic_fail(err, INTERCOM_E_SIGNATURE, "webhook signature missing (no X-Hub-Signature header)");
    const char *s = signature_header;
    while (*s == ' ' || *s == '\t') s++;
    if (strncmp(s, "sha1=", 5))
        return ic_fail(err, INTERCOM_E_SIGNATURE, "webhook signature malformed: expected \"sha1=<40 hex digits>\"");
    s += 5;
    unsigned char want[20];
    for (int i = 0; i < 20; i++) {
        int hi = hexval((unsigned char)s[2 * i]), lo = hi < 0 ? -1 : hexval((unsigned char)s[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return ic_fail(err, INTERCOM_E_SIGNATURE, "webhook signature malformed: expected \"sha1=<40 hex digits>\"");
        want[i] = (unsigned char)(hi << 4 | lo);
    }
    for (s += 40; *s == ' ' || *s == '\t'; s++) {}
    if (*s) return ic_fail(err, INTERCOM_E_SIGNATURE, "webhook signature malformed: expected \"sha1=<40 hex digits>\"");
    unsigned char got[EVP_MAX_MD_SIZE];
    unsigned int got_len = 0;
    static const unsigned char empty[1];
    if (!HMAC(EVP_sha1(), secret, (int)strlen(secret), body_len ? body : empty, body_len, got, &got_len) ||
        got_len != 20)
        return ic_fail(err, INTERCOM_E_INTERNAL, "webhook verify: HMAC-SHA1 failed in libcrypto");
    int diff = CRYPTO_memcmp(got, want, 20);
    OPENSSL_cleanse(got, sizeof got);
    if (diff) return ic_fail(err, INTERCOM_E_SIGNATURE, "webhook signature does not match the body");
    return INTERCOM_OK;
}

/* ---------- notifications ---------- */

static const char *str_member(json_t *o, const char *key) { return json_string_value(json_object_get(o, key)); }

static void int_member(json_t *o, const char *key, int64_t *v, intercom_field_state_t *state) {
    json_t *j = json_object_get(o, key);
    if (!j) *state = INTERCOM_FIELD_ABSENT;
    else if (json_is_null(j)) *state = INTERCOM_FIELD_NULL;
    else if (json_is_integer(j)) *v = (int64_t)json_integer_value(j), *state = INTERCOM_FIELD_PRESENT;
    else *state = INTERCOM_FIELD_INVALID;
}

intercom_code intercom_webhook_item_model(const char *item_type, const intercom_type **model, intercom_error *err) {
    if (model) *model = NULL;
    if (!item_type || !model) return ic_fail(err, INTERCOM_E_INVALID_ARGUMENT, "item_type and model are required");
    *model = ic_webhook_model_for(item_type);
    return INTERCOM_OK;
}

intercom_code intercom_webhook_topic_item(const char *topic, const char **object_type, const intercom_type **model,
                                          intercom_error *err) {
    if (object_type) *object_type = NULL;
    if (model) *model = NULL;
    if (!topic || !object_type) return ic_fail(err, INTERCOM_E_INVALID_ARGUMENT, "topic and object_type are required");
    const ic_webhook_topic *t = ic_webhook_topic_find(topic);
    if (!t) return ic_fail(err, INTERCOM_E_INVALID_ARGUMENT, "unknown webhook topic \"%s\"", topic);
    *object_type = t->object_type;
    if (model) *model = ic_webhook_model_for(t->object_type);
    return INTERCOM_OK;
}

void intercom_notification_free(intercom_notification *n) {
    if (!n) return;
    if (n->item) intercom_free(n->item_model, n->item);
    json_decref(n->json);
    ic_free(NULL, n);
}

/* The decoder's events from a json_t (an ic_event_driver of ic_decode_with): data.item is decoded from
 * the value Jansson already parsed, once, rather than written out and parsed again. Numbers are given
 * as Jansson writes them, so the decoder sees the text it read from json_dumps() before. */
static int walk_json(const yajl_callbacks *cb, void *ctx, const json_t *v) {
    char num[48];
    switch (json_typeof(v)) {
    case JSON_OBJECT: {
        const char *k;
        size_t kl;
        json_t *x;
        if (!cb->yajl_start_map(ctx)) return 1;
        json_object_keylen_foreach((json_t *)v, k, kl, x) {
            if (!cb->yajl_map_key(ctx, (const unsigned char *)k, kl)) return 1;
            int r = walk_json(cb, ctx, x);
            if (r) return r;
        }
        return cb->yajl_end_map(ctx) ? 0 : 1;
    }
    case JSON_ARRAY: {
        size_t i;
        json_t *x;
        if (!cb->yajl_start_array(ctx)) return 1;
        json_array_foreach(v, i, x) {
            int r = walk_json(cb, ctx, x);
            if (r) return r;
        }
        return cb->yajl_end_array(ctx) ? 0 : 1;
    }
    case JSON_STRING:
        return cb->yajl_string(ctx, (const unsigned char *)json_string_value(v), json_string_length(v)) ? 0 : 1;
    case JSON_INTEGER:
    case JSON_REAL: { /* the text json_dumps() writes (no allocation for a scalar) */
        size_t n = json_dumpb(v, num, sizeof num, JSON_ENCODE_ANY);
        return n && n <= sizeof num && cb->yajl_number(ctx, num, n) ? 0 : 1;
    }
    case JSON_TRUE: return cb->yajl_boolean(ctx, 1) ? 0 : 1;
    case JSON_FALSE: return cb->yajl_boolean(ctx, 0) ? 0 : 1;
    default: return cb->yajl_null(ctx) ? 0 : 1;
    }
}

static int drive_json(const void *yajl_cb, void *ctx, const char *p, size_t n, const void *item, const char **why) {
    (void)p;
    (void)n;
    (void)why;
    return walk_json(yajl_cb, ctx, item);
}

/* data.item decoded into @p mt (tolerant) from its json_t. The decoded memory is bounded against the
 * notification's length (the bound of every decode: intercom_client_options' decoded_memory_factor
 * default); no text is kept: the model's raw JSON is the item's json_t itself (intercom_model_raw_json
 * gives item_json, not a copy parsed again). */
static intercom_code decode_item(const intercom_type *mt, json_t *item, size_t len, void **out, intercom_error *err) {
    intercom_code rc = ic_decode_with(NULL, mt, 0, NULL, len, drive_json, item, out, err);
    if (rc) return rc;
    ic_doc *doc = ic_value_doc(mt, *out);
    if (doc) doc->raw_json = json_incref(item);
    return INTERCOM_OK;
}

intercom_code intercom_notification_parse(const void *body, size_t len, intercom_notification **out,
                                          intercom_error *err) {
    if (out) *out = NULL;
    if (!out) return ic_fail(err, INTERCOM_E_INVALID_ARGUMENT, "notification parse: out is NULL");
    if (!body && len) return ic_fail(err, INTERCOM_E_INVALID_ARGUMENT, "notification parse: body is NULL");
    json_error_t je;
    json_t *root = json_loadb(len ? body : "", len, JSON_REJECT_DUPLICATES, &je);
    if (!root)
        return ic_fail(err, INTERCOM_E_DECODE, "notification is not JSON: %s (at byte %d)", je.text, je.position);
    intercom_code rc = INTERCOM_OK;
    intercom_notification *n = NULL;
    if (!json_is_object(root)) {
        rc = ic_fail(err, INTERCOM_E_DECODE, "notification is not a JSON object");
        goto fail;
    }
    const char *type = str_member(root, "type");
    if (json_object_get(root, "type") && (!type || strcmp(type, "notification_event"))) {
        rc = ic_fail(err, INTERCOM_E_DECODE, "not a webhook notification: type is not \"notification_event\"");
        goto fail;
    }
    if (!str_member(root, "topic")) {
        rc = ic_fail(err, INTERCOM_E_DECODE, "notification without a string \"topic\"");
        goto fail;
    }
    json_t *data = json_object_get(root, "data");
    if (data && !json_is_object(data) && !json_is_null(data)) {
        rc = ic_fail(err, INTERCOM_E_DECODE, "notification \"data\" is not an object");
        goto fail;
    }
    json_t *item = json_is_object(data) ? json_object_get(data, "item") : NULL;
    if (item && !json_is_object(item) && !json_is_null(item)) {
        rc = ic_fail(err, INTERCOM_E_DECODE, "notification \"data.item\" is not an object");
        goto fail;
    }
    if (!(n = ic_calloc(NULL, 1, sizeof *n))) {
        rc = ic_fail(err, INTERCOM_E_NOMEM, "out of memory");
        goto fail;
    }
    n->json = root;
    n->type = type;
    n->id = str_member(root, "id");
    n->topic = str_member(root, "topic");
    n->app_id = str_member(root, "app_id");
    n->delivery_status = str_member(root, "delivery_status");
    n->self = str_member(root, "self");
    int_member(root, "created_at", &n->created_at, &n->has_created_at);
    int_member(root, "delivery_attempts", &n->delivery_attempts, &n->has_delivery_attempts);
    int_member(root, "delivered_at", &n->delivered_at, &n->has_delivered_at);
    int_member(root, "first_sent_at", &n->first_sent_at, &n->has_first_sent_at);
    n->links = json_object_get(root, "links");
    if (json_is_null(n->links)) n->links = NULL;
    n->data_type = json_is_object(data) ? str_member(data, "type") : NULL;
    const ic_webhook_topic *t = ic_webhook_topic_find(n->topic);
    n->topic_known = t != NULL;
    if (json_is_object(item)) {
        n->item_json = item;
        n->item_type = str_member(item, "type");
        const intercom_type *mt = ic_webhook_model_for(n->item_type ? n->item_type : t ? t->object_type : NULL);
        if (mt) {
            if ((rc = decode_item(mt, item, len, &n->item, err))) goto fail;
            n->item_model = mt;
        }
    }
    *out = n;
    return INTERCOM_OK;
fail:
    if (n) intercom_notification_free(n);
    else json_decref(root);
    return rc;
}
