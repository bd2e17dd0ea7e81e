/* SPDX-License-Identifier: MIT */
/**
 * @file webhook.h
 * @brief Intercom webhooks: signature verification and typed notifications.
 *
 * Intercom POSTs each webhook notification with an `X-Hub-Signature: sha1=<40 hex>`
 * header: the HMAC-SHA1 of the raw request body keyed with the app's client secret.
 * Verify it over the bytes exactly as received, before parsing:
 *
 *     if (intercom_webhook_verify(secret, body, len, sig_header, &err) != INTERCOM_OK) -> answer 401
 *     intercom_notification *n = NULL;
 *     intercom_notification_parse(body, len, &n, &err);
 *     ... n->topic, n->item_type, n->item (typed model) or n->item_json ...
 *     intercom_notification_free(n);
 *
 * Nothing here does network I/O; all functions are thread-safe.
 */
#ifndef INTERCOM_WEBHOOK_H
#define INTERCOM_WEBHOOK_H

#include "common.h"
#include "error.h"
#include "model.h"

#ifdef __cplusplus
extern "C" {
#endif

struct json_t;

/**
 * Check Intercom's webhook signature in constant time.
 *
 * The header must be `sha1=` followed by exactly 40 hexadecimal digits (lower or
 * upper case are both accepted: hex is case-insensitive; Intercom sends lower case),
 * optionally surrounded by spaces or tabs. The HMAC-SHA1 of @p body (@p body_len
 * bytes, NULs included) keyed with @p secret is compared with CRYPTO_memcmp.
 *
 * @param secret           the app's client secret (NUL-terminated, non-empty); borrowed
 * @param body             the raw request body as received; may be NULL when body_len is 0
 * @param body_len         bytes of @p body
 * @param signature_header the value of the `X-Hub-Signature` header, or NULL when absent
 * @param err              optional; filled on failure
 * @return INTERCOM_OK when the signature matches;
 *         INTERCOM_E_SIGNATURE when the header is missing (NULL or empty), malformed
 *         (not `sha1=` + 40 hex digits) or does not match (wrong secret, altered body);
 *         INTERCOM_E_INVALID_ARGUMENT when @p secret is NULL or empty, or @p body is NULL with body_len > 0;
 *         INTERCOM_E_INTERNAL when libcrypto fails.
 */
INTERCOM_EXTERN intercom_code intercom_webhook_verify(const char *secret, const void *body, size_t body_len,
                                                      const char *signature_header, intercom_error *err);

/**
 * One webhook notification (the `notification_event` envelope), decoded.
 *
 * Every string and JSON value is borrowed from the notification and lives until
 * intercom_notification_free(). Envelope members that were absent are NULL (strings,
 * JSON) or have their `has_` member ABSENT (integers).
 */
typedef struct intercom_notification {
    const char *type;                 /**< "notification_event" */
    const char *id;                   /**< the notification's id, e.g. "notif_..." (use it to drop duplicates) */
    const char *topic;                /**< e.g. "conversation.user.created" */
    const char *app_id;               /**< the workspace the event happened in */
    const char *delivery_status;      /**< e.g. "pending" */
    const char *self;                 /**< URL of the notification, or NULL */
    int64_t created_at;               /**< epoch seconds */
    int64_t delivery_attempts;        /**< how many times Intercom tried to deliver it */
    int64_t delivered_at;             /**< epoch seconds (0 until delivered) */
    int64_t first_sent_at;            /**< epoch seconds */
    intercom_field_state_t has_created_at;        /**< state of @c created_at */
    intercom_field_state_t has_delivery_attempts; /**< state of @c delivery_attempts */
    intercom_field_state_t has_delivered_at;      /**< state of @c delivered_at */
    intercom_field_state_t has_first_sent_at;     /**< state of @c first_sent_at */
    struct json_t *links;             /**< the `links` object, or NULL; refcounting: borrowed */
    const char *data_type;            /**< `data.type`, e.g. "notification_event_data" */
    const char *item_type;            /**< `data.item.type`, e.g. "conversation", "contact", "ticket"; NULL if none */
    const intercom_type *item_model;  /**< the generated model type `item` was decoded into, or NULL */
    void *item;                       /**< `data.item` decoded into a value of item_model (e.g. an
                                           `intercom_conversation *`), or NULL when no generated model
                                           covers the item's type (the item is then only in item_json).
                                           Owned by the notification; intercom_model_raw_json(item) gives
                                           the item's JSON too. */
    struct json_t *item_json;         /**< `data.item` as JSON, always set when present (NULL otherwise);
                                           refcounting: borrowed */
    struct json_t *json;              /**< the whole body as JSON; refcounting: borrowed */
    int topic_known;                  /**< 1 when @c topic is in the library's topic table
                                           (intercom_webhook_topic_item()), 0 for a topic it does not know */
} intercom_notification;

/**
 * Decode a webhook body into a notification.
 *
 * The envelope fields are read from the JSON object; `data.item` is decoded into the
 * generated model chosen by the item's own `type` (`conversation`, `contact` (also
 * `user` and `lead`), `ticket`, `company`, `admin`, `visitor`, `event`, `tag`, `team`,
 * `segment`, `note`, `conversation_part`, `ticket_part`, `call`, `activity_log`,
 * `subscription_type`, `job`, `news_item`, ... see README), else, when the item has no
 * `type`, by the topic's documented object. Decoding is tolerant: a field of the wrong
 * JSON type is flagged INTERCOM_FIELD_INVALID, not an error. An unknown topic or item type
 * still parses, with `item == NULL` and the item in `item_json`.
 *
 * Verify the signature first (intercom_webhook_verify()): this function trusts its input
 * only as far as JSON goes.
 *
 * @param body the raw body; @p len bytes (need not be NUL-terminated); borrowed
 * @param len  length of @p body in bytes
 * @param out  receives the notification; owned by the caller, free it with intercom_notification_free()
 * @param err  optional; filled on failure
 * @return INTERCOM_OK;
 *         INTERCOM_E_DECODE when the body is not a JSON object (or repeats a key), `type` is present but not
 *         "notification_event", `topic` is missing or not a string, or `data`/`data.item`
 *         is present but not an object (the message says which);
 *         INTERCOM_E_INVALID_ARGUMENT when @p out is NULL or @p body is NULL with len > 0;
 *         INTERCOM_E_NOMEM.
 */
INTERCOM_EXTERN intercom_code intercom_notification_parse(const void *body, size_t len, intercom_notification **out,
                                                          intercom_error *err);

/**
 * Free a notification, its item and its JSON.
 * @param notification from intercom_notification_parse(); owned, freed here; NULL is a no-op
 */
INTERCOM_EXTERN void intercom_notification_free(intercom_notification *notification);

/**
 * The object a webhook topic carries, from the library's table of Intercom's documented
 * topics (API 2.16's webhook models page).
 *
 * @param topic       e.g. "ticket.created"
 * @param object_type receives the item's `type` the topic documents (e.g. "ticket"), static
 * @param model       optional; receives the generated model type such items decode into, or NULL
 *                    when no generated model covers it
 * @param err         optional; filled on failure
 * @return INTERCOM_OK; INTERCOM_E_INVALID_ARGUMENT when @p topic or @p object_type is NULL, or the
 *         topic is not in the table (*object_type is then NULL).
 */
INTERCOM_EXTERN intercom_code intercom_webhook_topic_item(const char *topic, const char **object_type,
                                                          const intercom_type **model, intercom_error *err);

/**
 * The generated model type for an item `type` as sent in webhooks and API responses
 * ("conversation", "contact", "user", "lead", "ticket", ...), found by its schema name in
 * the library's type table.
 * @param item_type the item's `type` string, e.g. "conversation"; borrowed
 * @param model receives the type (static, never freed), or NULL when no generated model covers @p item_type
 * @param err   optional; filled on failure
 * @return INTERCOM_OK (also when none covers it: check *model); INTERCOM_E_INVALID_ARGUMENT for NULL arguments.
 */
INTERCOM_EXTERN intercom_code intercom_webhook_item_model(const char *item_type, const intercom_type **model,
                                                          intercom_error *err);

#ifdef __cplusplus
}
#endif
#endif
