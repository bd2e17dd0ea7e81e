/* SPDX-License-Identifier: MIT */
/**
 * @file reflection.h
 * @brief Read-only descriptors of every operation, model type and field (as protobuf-c's are public).
 *
 * The generated code describes each operation (::intercom_operation), each model, enum and params
 * struct (::intercom_type) and each of their fields (::intercom_field) with constant tables; the
 * runtime encodes, decodes and sends requests from them alone. This header makes those tables
 * readable, so a program can list the operations, find one by name, walk a model's fields, and
 * call an operation it only knows at run time (the `intercom` CLI works this way):
 *
 * @code
 * const intercom_operation *op;
 * if (intercom_operation_find("contacts.list", &op, &err) == INTERCOM_OK)
 *     printf("%s %s: %s\n", op->method, op->path, op->summary ? op->summary : "");
 * for (size_t i = 0; i < intercom_operations_count(); i++)
 *     puts(intercom_operations_at(i)->name);
 * @endcode
 *
 * Everything here is static data owned by the library: never free or modify it. Pointers stay
 * valid for the life of the process. Members may be appended in later minor versions (never
 * reordered); read them, do not build these structs yourself.
 */
#ifndef INTERCOM_REFLECTION_H
#define INTERCOM_REFLECTION_H

#include <stddef.h>
#include <stdint.h>
#include "common.h"
#include "error.h"
#include "model.h"
#include "client.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The C representation of a field's value (intercom_field::kind). */
typedef enum intercom_kind {
    INTERCOM_KIND_STRING = 1, /**< `const char *` (UTF-8, NUL-terminated) */
    INTERCOM_KIND_INT = 2,    /**< `int64_t` */
    INTERCOM_KIND_NUMBER = 3, /**< `double` */
    INTERCOM_KIND_BOOL = 4,   /**< `bool` */
    INTERCOM_KIND_OBJECT = 5, /**< pointer to a nested model struct (intercom_field::type) */
    INTERCOM_KIND_JSON = 6,   /**< `json_t *`: a free-form value */
    INTERCOM_KIND_ENUM = 7,   /**< `int` (a generated C enum, 0 = unknown) plus the string as received at
                                   intercom_field::aux_offset; intercom_field::type is the enum type */
    INTERCOM_KIND_FILE = 8    /**< `const intercom_file *` (<intercom/file.h>): a file part of a
                                   multipart/form-data body (params of INTERCOM_OP_MULTIPART operations only) */
} intercom_kind;

/** Bits of intercom_field::flags. */
typedef enum intercom_field_flag {
    INTERCOM_FIELD_FLAG_ARRAY = 1,       /**< an array: element pointer at offset, `size_t` count at aux_offset */
    INTERCOM_FIELD_FLAG_REQUIRED = 2,    /**< the description requires it */
    INTERCOM_FIELD_FLAG_NULLABLE = 4,    /**< JSON null is a valid value */
    INTERCOM_FIELD_FLAG_DEPRECATED = 8,  /**< deprecated by the description */
    INTERCOM_FIELD_FLAG_EXPLODE = 16,    /**< a query array sent as repeated keys (else one comma-separated value) */
    INTERCOM_FIELD_FLAG_ALSO_QUERY = 32  /**< a path parameter also sent in the query string */
} intercom_field_flag;

/** Where a params field goes in the request (intercom_field::in); model fields are in the body. */
typedef enum intercom_field_in {
    INTERCOM_IN_BODY = 0,  /**< a property of the JSON request body (or of a model) */
    INTERCOM_IN_PATH = 1,  /**< substituted into intercom_operation::path */
    INTERCOM_IN_QUERY = 2, /**< a query-string parameter */
    INTERCOM_IN_HEADER = 3 /**< a request header */
} intercom_field_in;

/** What a type describes (intercom_type::kind). */
typedef enum intercom_type_kind {
    INTERCOM_TYPE_OBJECT = 0, /**< a model struct (a schema of the description) */
    INTERCOM_TYPE_ENUM = 1,   /**< a C enum: intercom_type::values */
    INTERCOM_TYPE_PARAMS = 2  /**< an operation's params struct (path, query, header and body fields) */
} intercom_type_kind;

/** Bits of intercom_operation::flags. */
typedef enum intercom_operation_flag {
    INTERCOM_OP_HAS_BODY = 1,      /**< the operation takes a JSON request body */
    INTERCOM_OP_BODY_REQUIRED = 2, /**< ... and the description requires it */
    INTERCOM_OP_DEPRECATED = 4,    /**< deprecated by the description */
    INTERCOM_OP_RAW = 8,           /**< the 2xx body is not JSON: kept raw, not decoded */
    INTERCOM_OP_MULTIPART = 16,    /**< the request body is multipart/form-data: each body field set is one part
                                        (a scalar as its text, an INTERCOM_KIND_FILE field as a file part) */
    INTERCOM_OP_REDIRECT = 32      /**< the description documents a redirect (3xx with a Location header), not a
                                        2xx body, as the success answer (GET /calls/{call_id}/recording): the call
                                        returns INTERCOM_E_STATUS with the response, whose Location is the result */
} intercom_operation_flag;

/** How an operation paginates (intercom_operation::page_kind; see pagination.h). */
typedef enum intercom_page_kind {
    INTERCOM_PAGE_NONE = 0,   /**< not paginated */
    INTERCOM_PAGE_CURSOR = 1, /**< `starting_after` cursor from `pages.next` */
    INTERCOM_PAGE_NUMBER = 2, /**< `page` numbers */
    INTERCOM_PAGE_SEARCH = 3, /**< search body with `pagination.starting_after` */
    INTERCOM_PAGE_SCROLL = 4, /**< `scroll_param` */
    INTERCOM_PAGE_URL = 5     /**< `pages.next` is the next page's full URL (followed on the configured host only) */
} intercom_page_kind;

/** One field of a model or params struct. Offsets are in bytes from the start of the struct. */
typedef struct intercom_field {
    const char *name;          /**< JSON key (or parameter name); a path parameter whose name a body property of
                                    the operation also has is `<name>_path` (its placeholder stays `{<name>}`) */
    uint8_t kind;              /**< an ::intercom_kind */
    uint8_t flags;             /**< ::intercom_field_flag bits */
    uint8_t in;                /**< an ::intercom_field_in (models: INTERCOM_IN_BODY) */
    uint32_t offset;           /**< of the value, or of the element pointer for arrays */
    uint32_t aux_offset;       /**< arrays: of the `size_t` count; INTERCOM_KIND_ENUM: of the string; else 0 */
    uint32_t state_offset;     /**< of the `uint8_t has_<field>` (an ::intercom_field_state_t) */
    const intercom_type *type; /**< INTERCOM_KIND_OBJECT: the nested type; INTERCOM_KIND_ENUM: the enum type;
                                    else NULL */
    const char *fixed;         /**< the one value the description allows (a string field), else NULL */
} intercom_field;

/** A variant of a oneOf/anyOf type (intercom_type::variants). */
typedef struct intercom_variant {
    const char *tag;          /**< discriminator value(s), '|'-separated, or NULL */
    uint16_t n_required;      /**< number of entries of required */
    const uint16_t *required; /**< indices into intercom_type::fields of the variant's required properties */
} intercom_variant;

/** A model, enum or params type. */
struct intercom_type {
    const char *name;                 /**< schema name, e.g. "admin_with_app" */
    uint8_t kind;                     /**< an ::intercom_type_kind */
    uint32_t size;                    /**< sizeof the struct (objects, params); 0 for enums */
    uint32_t n_fields;                /**< number of entries of fields */
    const intercom_field *fields;     /**< in declaration order */
    const uint16_t *by_name;          /**< field indices sorted by JSON name (strcmp order) */
    uint32_t n_values;                /**< enums: number of entries of values */
    const char *const *values;        /**< enums: C value i+1 is values[i]; 0 is the unknown-value sentinel */
    const char *discriminator;        /**< oneOf/anyOf objects: the discriminating property, or NULL */
    uint32_t variant_offset;          /**< oneOf/anyOf objects: of the `int` variant member (1-based; 0 unknown) */
    uint32_t n_variants;              /**< number of entries of variants */
    const intercom_variant *variants; /**< oneOf/anyOf objects, else NULL */
    /** Field lookup by JSON name (generated; 0/NULL in hand-written tables, which use by_name): an
     *  open-addressing table, at most half full, probed linearly from a hash of the key seeded with
     *  hash_seed, masked with hash_mask; a slot holds (name length << 16) | (field index + 1), 0 when
     *  empty; the hash_mask + 1 slots are followed by n_fields entries, each field's name length in
     *  bytes (declaration order). Internal to the decoder: read-only data, its hash function is not
     *  part of the API. */
    uint32_t hash_seed;
    uint32_t hash_mask;               /**< slots - 1 (a power of two minus one) */
    const uint32_t *hash_slots;       /**< the slots, then the name lengths; or NULL */
    /** Params types (INTERCOM_TYPE_PARAMS): one line of documentation per field, from the description
     *  (field_docs[i] describes fields[i]; "" when the description has none), at most 160 bytes of
     *  ASCII; NULL in other types and in tables built by hand. Read-only data, never freed. */
    const char *const *field_docs;
};

/** One operation of the API. */
typedef struct intercom_operation {
    const char *name;              /**< e.g. "me.retrieve", "contacts.notes.list" */
    const char *method;            /**< "GET", "POST", "PUT", "DELETE", ... */
    const char *path;              /**< template, e.g. "/admins/{admin_id}" */
    const char *api_version;       /**< Intercom-Version the operation always sends, or NULL (the client's) */
    const intercom_type *params;   /**< its params struct (INTERCOM_TYPE_PARAMS), or NULL: takes none */
    const intercom_type *response; /**< the type of the 2xx JSON body, or NULL: untyped */
    const char *accept;            /**< Accept header, or NULL: application/json */
    uint32_t flags;                /**< ::intercom_operation_flag bits */
    const char *summary;           /**< one line from the description, or NULL */
    uint8_t page_kind;             /**< an ::intercom_page_kind */
    const char *page_items;        /**< paginated: JSON name of the response's array of items, else NULL */
    uint16_t per_page_max;         /**< largest per_page the endpoint takes; 0 unknown */
} intercom_operation;

/**
 * @brief Number of operations of the stable API (the version of INTERCOM_DEFAULT_API_VERSION).
 *
 * Operations of another namespace (such as a preview API) are not counted: find them by name.
 * @return the count; intercom_operations_at() takes 0 to count - 1.
 */
INTERCOM_EXTERN size_t intercom_operations_count(void);

/**
 * @brief The stable API's operation at @p index, in name order (strcmp).
 * @param index 0 to intercom_operations_count() - 1.
 * @return the descriptor (static, never free it), or NULL when @p index is out of range.
 */
INTERCOM_EXTERN const intercom_operation *intercom_operations_at(size_t index);

/**
 * @brief Number of operations of one namespace: the stable API's (@p ns NULL or "") or another
 *        one's, such as the Preview API's (@p ns "preview", registered when the program is linked
 *        with libintercom: see <intercom/preview.h>).
 * @param ns the namespace's name (the part before the ':' of "<namespace>:<name>"), or NULL/"" for
 *        the stable API (then the same as intercom_operations_count()).
 * @return the count; intercom_namespace_operations_at() takes 0 to count - 1. 0 when no namespace
 *         has that name.
 */
INTERCOM_EXTERN size_t intercom_namespace_operations_count(const char *ns);

/**
 * @brief The operation at @p index of namespace @p ns, in name order (strcmp).
 *
 * Its intercom_operation::name is the name within the namespace ("contacts.list"); find it by name
 * with intercom_operation_find() as "<ns>:<name>" ("preview:contacts.list"), call it with
 * intercom_operation_call() like any other.
 * @param ns the namespace's name, or NULL/"" for the stable API (then the same as intercom_operations_at()).
 * @param index 0 to intercom_namespace_operations_count(@p ns) - 1.
 * @return the descriptor (static, never free it), or NULL when @p index is out of range or no
 *         namespace has that name.
 */
INTERCOM_EXTERN const intercom_operation *intercom_namespace_operations_at(const char *ns, size_t index);

/**
 * @brief Number of model types of the stable API (objects: not enums, not params structs).
 * @return the count; intercom_types_at() takes 0 to count - 1.
 */
INTERCOM_EXTERN size_t intercom_types_count(void);

/**
 * @brief The stable API's model type at @p index (the generator's order; find one by name with
 *        intercom_type_find()).
 * @param index 0 to intercom_types_count() - 1.
 * @return the descriptor (static, never free it), or NULL when @p index is out of range.
 */
INTERCOM_EXTERN const intercom_type *intercom_types_at(size_t index);

/**
 * @brief Find an operation by name.
 * @param name e.g. "contacts.list"; "<namespace>:<name>" for another namespace than the stable API's.
 * @param[out] out receives the descriptor (static, never free it); NULL on failure.
 * @param[out] err optional; filled on failure.
 * @return INTERCOM_OK; INTERCOM_E_INVALID_ARGUMENT when @p name or @p out is NULL or no operation has
 *         that name (the message names it).
 */
INTERCOM_EXTERN intercom_code intercom_operation_find(const char *name, const intercom_operation **out,
                                                      intercom_error *err);

/**
 * @brief Find a model, enum or params type by its schema name (intercom_type::name).
 * @param schema e.g. "contact", "admin_with_app".
 * @param[out] out receives the descriptor (static, never free it); NULL on failure.
 * @param[out] err optional; filled on failure.
 * @return INTERCOM_OK; INTERCOM_E_INVALID_ARGUMENT when @p schema or @p out is NULL or no type has that
 *         name. When several kinds share a name, the object type is found first.
 */
INTERCOM_EXTERN intercom_code intercom_type_find(const char *schema, const intercom_type **out, intercom_error *err);

/**
 * @brief The field of @p type whose JSON name is the @p len bytes at @p name (binary search).
 * @param type any type (NULL: none).
 * @param name the JSON key or parameter name, not necessarily NUL-terminated.
 * @param len its length in bytes.
 * @return the field descriptor (static), or NULL when @p type has no such field.
 */
INTERCOM_EXTERN const intercom_field *intercom_type_field(const intercom_type *type, const char *name, size_t len);

/**
 * @brief Call an operation known at run time, as its generated function does.
 * @param client the client.
 * @param op the operation (from intercom_operation_find() or intercom_operations_at()).
 * @param params a struct of type op->params (start it from the params `_INIT` macro, or zeroed memory of
 *        op->params->size bytes), or NULL when the operation takes none or every field is optional.
 * @param ro per-request options, or NULL.
 * @param[out] out receives the decoded 2xx body, a model of type op->response that the caller frees with
 *        intercom_model_free(); NULL when the operation has no typed response. Required when op->response
 *        is set, unless @p ro sets skip_decode or on_body.
 * @param[out] err optional; filled on failure.
 * @return INTERCOM_OK; INTERCOM_E_INVALID_ARGUMENT when @p client or @p op is NULL, @p out is NULL where
 *         required, or for the params
 *         (nothing sent); otherwise every code the generated function returns (connection, HTTP status,
 *         decode, INTERCOM_E_NOMEM, ...).
 */
INTERCOM_EXTERN intercom_code intercom_operation_call(intercom_client *client, const intercom_operation *op,
                                                      const void *params, const intercom_request_options *ro,
                                                      void **out, intercom_error *err);

/**
 * @brief Build the request intercom_operation_call() would send, without sending it (a dry run).
 * @param client the client (its base URL, token, API version, default headers); borrowed.
 * @param op the operation (from intercom_operation_find() or intercom_operations_at()).
 * @param params as for intercom_operation_call(): a struct of type op->params, or NULL.
 * @param ro per-request options (borrowed; an older version is accepted), or NULL; bearer_token,
 *        base_url or environment, api_version, extra_headers, extra_query and extra_body shape the request.
 * @param[out] out receives the method, URL (path parameters filled in, query encoded), headers
 *        (Authorization redacted) and JSON body; owned by the caller, free with
 *        intercom_prepared_request_free(). NULL on failure.
 * @param[out] err optional; filled on failure.
 * @return INTERCOM_OK; INTERCOM_E_INVALID_ARGUMENT when @p client, @p op or @p out is NULL, or for the
 *         params and options as intercom_operation_call() refuses them (a required parameter missing, a
 *         scalar set without its has_ flag, per_page over the endpoint's maximum, a URL over 65536
 *         bytes, a bad header or token, extra_body on an operation without a body); INTERCOM_E_NOMEM.
 */
INTERCOM_EXTERN intercom_code intercom_operation_prepare(const intercom_client *client, const intercom_operation *op,
                                                         const void *params, const intercom_request_options *ro,
                                                         intercom_prepared_request **out, intercom_error *err);

#ifdef __cplusplus
}
#endif

#endif
