/* SPDX-License-Identifier: MIT */
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
    char *name;  /**< header name, case as received; owned by the response */
    char *value; /**< header value, surrounding whitespace removed; owned by the response */
} intercom_header;

/**
 * A complete HTTP response. Owned by whoever received it; release with
 * intercom_response_free(). All members are read-only for the caller.
 */
typedef struct intercom_response {
    int status;                    /**< HTTP status code */
    intercom_header *headers;      /**< in order received, repeated headers kept */
    size_t headers_count;          /**< entries in `headers` */
    char *body;                    /**< NUL-terminated (the NUL is not counted); empty string when no body
                                        or when the body was streamed to a callback */
    size_t body_len;               /**< bytes in `body` (a body may contain NUL bytes) */
    intercom_rate_limit rate_limit;/**< parsed X-RateLimit-* headers */
    const char *request_id;        /**< value of X-Request-Id, borrowed from headers, or NULL */
    int attempts;                  /**< attempts made (1 + retries) */
    int http_version;              /**< 10, 11, 20 or 30 (HTTP/1.0, 1.1, 2, 3); 0 if unknown */
    double elapsed;                /**< seconds from submit to completion, retries included */
} intercom_response;

/**
 * The first value of a response header.
 * @param resp a response (NULL gives NULL)
 * @param name header name, compared case-insensitively
 * @return the value, or NULL when absent; borrowed: valid until @p resp is freed
 */
INTERCOM_EXTERN const char *intercom_response_header(const intercom_response *resp, const char *name);

/**
 * One value of a header that may be repeated (`Set-Cookie`, `Link`).
 * @param resp a response (NULL gives NULL)
 * @param name header name, compared case-insensitively
 * @param n    0-based index among the headers called @p name, in the order received
 * @return the value, or NULL when there are fewer than n + 1; borrowed: valid until @p resp is freed
 */
INTERCOM_EXTERN const char *intercom_response_header_nth(const intercom_response *resp, const char *name, size_t n);

/**
 * Decode the body as the typed call would (the seed's `response.parse()`).
 * @param resp   the response (for example from intercom_request_options.raw_response); not changed
 * @param type   the model's descriptor, e.g. `&intercom_admin_with_app_descriptor`
 * @param strict non-zero: any field whose JSON type does not fit is INTERCOM_E_DECODE; 0: such a
 *               field is left zeroed and flagged INTERCOM_FIELD_INVALID
 * @param out    receives a new model, owned by the caller, allocated with the response's
 *               allocator (see alloc.h): free with intercom_model_free() or its typed free; NULL on
 *               failure. @p resp must be a response libintercom made.
 * @param err    optional; filled on failure
 * @return INTERCOM_OK; INTERCOM_E_INVALID_ARGUMENT when @p resp, @p type or @p out is NULL;
 *         INTERCOM_E_DECODE when the body is not JSON of that shape (message names the JSON path);
 *         INTERCOM_E_NOMEM; INTERCOM_E_RESPONSE_TOO_LARGE when, decoded, it would hold more than 16 bytes
 *         per body byte + 256 KiB
 */
INTERCOM_EXTERN intercom_code intercom_response_parse(const intercom_response *resp, const intercom_type *type,
                                                      int strict, void **out, intercom_error *err);

/**
 * The body parsed into a Jansson tree (built on each call).
 * @param resp the response; not changed
 * @param err  optional; on failure its code is INTERCOM_E_INVALID_ARGUMENT (@p resp is NULL) or
 *             INTERCOM_E_DECODE (the body is not JSON; message gives Jansson's reason and byte offset)
 * @return a new reference owned by the caller (release with json_decref()), or NULL on failure
 */
INTERCOM_EXTERN struct json_t *intercom_response_json(const intercom_response *resp, intercom_error *err);

/**
 * Release a response and everything it holds (headers, body).
 * @param resp a response the caller owns; NULL is a no-op
 */
INTERCOM_EXTERN void intercom_response_free(intercom_response *resp);

#ifdef __cplusplus
}
#endif
#endif
