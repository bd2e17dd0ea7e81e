/* SPDX-License-Identifier: MIT */
/**
 * @file model.h
 * @brief What every typed model has in common: presence/null bits, raw JSON,
 *        serialisation and one free.
 *
 * Every generated model struct starts with an ::intercom_model member named
 * `base`, and each field is followed by its `uint8_t has_<field>` (an
 * ::intercom_field_state_t; set both with INTERCOM_SET(), init.h). Through them any model can be freed, serialised,
 * or asked which fields the JSON held (the seed's `model_fields_set`):
 *
 * @code
 * if (me->email_verified == false) {
 *     switch (intercom_field_state(me, "email_verified")) {
 *     case INTERCOM_FIELD_ABSENT:  puts("no \"email_verified\" key"); break;
 *     case INTERCOM_FIELD_NULL:    puts("\"email_verified\": null"); break;
 *     case INTERCOM_FIELD_INVALID: puts("present with a type that does not fit"); break;
 *     default:                     puts("really false");
 *     }
 * }
 * @endcode
 */
#ifndef INTERCOM_MODEL_H
#define INTERCOM_MODEL_H

#include <stdbool.h>
#include "common.h"
#include "error.h"

#ifdef __cplusplus
extern "C" {
#endif

struct json_t;

/** Opaque descriptor of a model type (one per schema, generated). */
typedef struct intercom_type intercom_type;

/** Per-field state recorded by the decoder. */
typedef enum intercom_field_state_t {
    INTERCOM_FIELD_ABSENT = 0,  /**< the key was not in the JSON */
    INTERCOM_FIELD_PRESENT = 1, /**< present with a value of the declared type */
    INTERCOM_FIELD_NULL = 2,    /**< present as JSON null */
    INTERCOM_FIELD_INVALID = 3  /**< present with a value that does not fit (wrong JSON type, an integer out of
                                     range, a string that is not UTF-8 or holds \\u0000, a free-form value
                                     Jansson cannot hold); member left zeroed, the value kept: see
                                     intercom_invalid_value() */
} intercom_field_state_t;

struct intercom_doc;

/**
 * Header of every model struct. Models you build yourself (request bodies)
 * start from the type's `_INIT` macro, which sets `type`; `doc` stays NULL.
 */
typedef struct intercom_model {
    const intercom_type *type;  /**< the model's descriptor */
    struct intercom_doc *doc;   /**< the document the model was decoded into (top-level and nested models
                                     alike; NULL for models you build). Only the top-level model's free
                                     frees it. */
} intercom_model;

/**
 * What the decoder saw for one field (the seed's `model_fields_set`).
 * @param model     any generated model or params struct (starts with ::intercom_model); NULL gives ABSENT
 * @param json_name the field's JSON name, e.g. "email_verified"
 * @return the field's state; INTERCOM_FIELD_ABSENT for a name the type does not have
 */
INTERCOM_EXTERN intercom_field_state_t intercom_field_state(const void *model, const char *json_name);

/**
 * A type's name as in the OpenAPI description.
 * @param type a descriptor, e.g. `&intercom_admin_with_app_type` or `model->base.type`
 * @return e.g. "admin_with_app"; static storage; NULL when @p type is NULL
 */
INTERCOM_EXTERN const char *intercom_type_name(const intercom_type *type);

/**
 * The raw JSON of the whole response a top-level model was decoded from, with
 * every undocumented field. Built on first use and cached in the model.
 * Bodies Jansson's parser refuses but the decoder took are built another way: integers beyond
 * 64 bits and reals beyond a double's range come as the nearest real (`json_real`), NUL (U+0000) in
 * keys and strings is kept (use json_object_getn() / json_string_length()), nesting up to 8192
 * levels (deeper: NULL).
 * @param model a top-level decoded model
 * @return borrowed (valid until the model is freed; do not json_decref()); NULL for nested models,
 *         models built without a body, NULL @p model, or when memory runs out
 */
INTERCOM_EXTERN struct json_t *intercom_model_raw_json(const void *model);

/**
 * The value, as received, of a field of @p model whose JSON type did not fit its
 * declaration (state INTERCOM_FIELD_INVALID; e.g. `"id": 123` where a string is
 * declared). Works at every level: @p model may be the top-level model, a nested model or a
 * pager item (a decoded model knows its document either way).
 * A string that is not UTF-8 comes as a json string holding the bytes as received (made with
 * json_stringn_nocheck()); one holding \\u0000 as a json string of its full length; a number
 * beyond int64 or a double's range as the nearest real (its text is kept for writing back).
 * intercom_to_json() writes such values back as they came, at every level.
 * @param root      the top-level model @p model belongs to (or @p model itself)
 * @param model     the (possibly nested) model holding the field
 * @param json_name the field's JSON name
 * @return borrowed (valid until @p root is freed); NULL when the field is not INTERCOM_FIELD_INVALID
 */
INTERCOM_EXTERN const struct json_t *intercom_invalid_value(const void *root, const void *model, const char *json_name);

/** Serialisation flags for intercom_to_json(). */
enum intercom_json_flags {
    INTERCOM_JSON_COMPACT = 0,   /**< one line, no spaces */
    INTERCOM_JSON_PRETTY = 1     /**< indent two spaces */
};

/**
 * Serialise any model to JSON with "exclude unset" semantics: exactly the
 * fields that were present come back, explicit nulls as null; invalid fields of a
 * decoded model (top-level, nested or pager item) are written back as they came
 * (numbers with their text as received). Free-form values are written as they are,
 * at any depth the decoder accepts. Numbers take the shortest text that reads back
 * the same (0 as `0`, 0.1 as `0.1`).
 * @param model   any generated model (starts with ::intercom_model; its `base.type` must be set)
 * @param flags   INTERCOM_JSON_COMPACT or INTERCOM_JSON_PRETTY
 * @param out     receives a NUL-terminated UTF-8 string owned by the caller: free with
 *                intercom_free_string(); NULL on failure
 * @param out_len if not NULL, receives the string's length in bytes (without the NUL)
 * @param err     optional; filled on failure
 * @return INTERCOM_OK; INTERCOM_E_INVALID_ARGUMENT when @p model or @p out is NULL, the model has no
 *         type (not started from its _INIT macro), holds a string that is not UTF-8 (named in the
 *         message) or a free-form value nested deeper than 4096 levels; INTERCOM_E_NOMEM
 */
INTERCOM_EXTERN intercom_code intercom_to_json(const void *model, int flags, char **out, size_t *out_len,
                                               intercom_error *err);

/**
 * Serialise any value of a generated type (a model or an operation's params
 * struct) to JSON. Models and params follow the same presence rules: a field
 * whose `has_` member is PRESENT (or NULL: written as null) is written; so is a
 * pointer member (string, object, array, free-form) that is not NULL, and an enum
 * that is not _UNKNOWN or has its `_str` set.
 * @param type    the value's descriptor (a model or params type, not an enum)
 * @param value   the struct to serialise
 * @param flags   INTERCOM_JSON_COMPACT or INTERCOM_JSON_PRETTY
 * @param out     receives a NUL-terminated UTF-8 string owned by the caller: free with
 *                intercom_free_string(); NULL on failure
 * @param out_len if not NULL, receives the string's length in bytes (without the NUL)
 * @param err     optional; filled on failure
 * @return INTERCOM_OK; INTERCOM_E_INVALID_ARGUMENT when @p type, @p value or @p out is NULL, @p type
 *         is an enum, or a string is not UTF-8; INTERCOM_E_NOMEM
 */
INTERCOM_EXTERN intercom_code intercom_to_json_as(const intercom_type *type, const void *value, int flags, char **out,
                                                  size_t *out_len, intercom_error *err);

/**
 * Decode JSON into a new value of any generated type: a model, or an operation's
 * params struct (keyed by the parameters' and body properties' JSON names; the CLI
 * and tests build params this way).
 * @param type   the descriptor of the value to build (a model or params type)
 * @param json   the JSON text (UTF-8; need not be NUL-terminated)
 * @param len    bytes of @p json
 * @param strict non-zero: a field whose JSON type does not fit is INTERCOM_E_DECODE; 0: it is left
 *               zeroed and flagged INTERCOM_FIELD_INVALID
 * @param out    receives the value, owned by the caller: free with intercom_free(type, value); NULL on
 *               failure
 * @param err    optional; filled on failure
 * @return INTERCOM_OK; INTERCOM_E_INVALID_ARGUMENT when @p type or @p out is NULL, @p json is NULL
 *         with @p len > 0, or @p type is an enum; INTERCOM_E_DECODE when the text is not JSON of that shape (message
 *         names the JSON path); INTERCOM_E_NOMEM;
 *         INTERCOM_E_RESPONSE_TOO_LARGE when the decoded value would hold more than 16 bytes per byte of
 *         @p json + 256 KiB
 */
INTERCOM_EXTERN intercom_code intercom_from_json(const intercom_type *type, const char *json, size_t len, int strict,
                                                 void **out, intercom_error *err);

/**
 * Free a value returned by intercom_from_json() (models and params alike) and all it owns.
 * @param type  the descriptor given to intercom_from_json()
 * @param value the value; NULL is a no-op
 */
INTERCOM_EXTERN void intercom_free(const intercom_type *type, void *value);

/**
 * Free a string returned by the library (intercom_to_json(), intercom_to_json_as()).
 * @param s the string; NULL is a no-op
 */
INTERCOM_EXTERN void intercom_free_string(char *s);

/**
 * Free a top-level model (a call's result, a page) and everything it owns, in one step (a whole
 * response lives in one arena). Nested models are freed with their parent, never alone.
 * @param model a top-level model the caller owns; NULL is a no-op
 */
INTERCOM_EXTERN void intercom_model_free(void *model);

#ifdef __cplusplus
}
#endif
#endif
