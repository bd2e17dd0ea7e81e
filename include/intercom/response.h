/**
 * @file response.h
 * @brief Raw HTTP responses: status, headers, body (the seed's `with_raw_response`).
 */
#ifndef INTERCOM_RESPONSE_H
#define INTERCOM_RESPONSE_H

#include "error.h"
#include "model.h"

#ifdef __cplusplus
extern "C" {
#endif

/** One response header as received (name case preserved). */
typedef struct intercom_header {
    char *name;
    char *value;
} intercom_header;

/**
 * A complete HTTP response. Owned by whoever received it; release with
 * intercom_response_free(). All members are read-only for the caller.
 */
typedef struct intercom_response {
    int status;                    /**< HTTP status code */
    intercom_header *headers;      /**< in order received, repeated headers kept */
    size_t headers_count;
    char *body;                    /**< NUL-terminated (the NUL is not counted); empty string when no body
                                        or when the body was streamed to a callback */
    size_t body_len;
    intercom_rate_limit rate_limit;/**< parsed X-RateLimit-* headers */
    const char *request_id;        /**< value of X-Request-Id, borrowed from headers, or NULL */
    int attempts;                  /**< attempts made (1 + retries) */
    int http_version;              /**< 10, 11, 20 or 30 (HTTP/1.0, 1.1, 2, 3); 0 if unknown */
    double elapsed;                /**< seconds from submit to completion, retries included */
} intercom_response;

/**
 * First value of header @p name (case-insensitive), or NULL.
 * Borrowed: valid until the response is freed.
 */
INTERCOM_EXTERN const char *intercom_response_header(const intercom_response *resp, const char *name);

/**
 * The @p n th (0-based) value of a header that may be repeated, or NULL when
 * there are fewer. Borrowed.
 */
INTERCOM_EXTERN const char *intercom_response_header_nth(const intercom_response *resp, const char *name, size_t n);

/**
 * Decode the body as the typed call would (the seed's `response.parse()`).
 * @param type   the model's descriptor, e.g. `&intercom_admin_with_app_descriptor`
 * @param strict non-zero: any field whose JSON type does not fit is INTERCOM_E_DECODE
 * @param out    receives a new model, allocated with the response's allocator (see alloc.h); free with
 *               intercom_model_free() or its typed free. @p resp must be a response libintercom made.
 * @return INTERCOM_OK, INTERCOM_E_DECODE, INTERCOM_E_NOMEM, INTERCOM_E_INVALID_ARGUMENT,
 *         INTERCOM_E_RESPONSE_TOO_LARGE (decoded, it would hold more than 16 bytes per body byte + 256 KiB)
 */
INTERCOM_EXTERN intercom_code intercom_response_parse(const intercom_response *resp, const intercom_type *type,
                                                      int strict, void **out, intercom_error *err);

/**
 * The body parsed into a Jansson tree (built on each call).
 * refcounting: new (release with json_decref()). NULL on invalid JSON (err filled).
 */
INTERCOM_EXTERN struct json_t *intercom_response_json(const intercom_response *resp, intercom_error *err);

/** Release a response. NULL is a no-op. */
INTERCOM_EXTERN void intercom_response_free(intercom_response *resp);

#ifdef __cplusplus
}
#endif
#endif
