/* SPDX-License-Identifier: MIT */
/**
 * @file error.h
 * @brief Result codes, the error record every call can fill, and rate-limit data.
 *
 * Every function returns an ::intercom_code and, when given a non-NULL
 * `intercom_error *`, fills it on failure. An error record is caller storage:
 * initialise it with ::INTERCOM_ERROR_INIT and release what it holds with
 * intercom_error_clear() (it may be reused after clearing; a call that fills a
 * record that still holds a previous error clears it first).
 *
 * The codes mirror the seed SDK's exception hierarchy:
 *
 *     APIError                      any code != INTERCOM_OK
 *       APIConnectionError          intercom_code_is_connection(): CONNECTION, TIMEOUT
 *         APITimeoutError           INTERCOM_E_TIMEOUT
 *       APIStatusError              intercom_code_is_status(): the HTTP codes below
 *         BadRequestError           400 INTERCOM_E_BAD_REQUEST
 *         AuthenticationError       401 INTERCOM_E_AUTHENTICATION
 *         PermissionDeniedError     403 INTERCOM_E_PERMISSION_DENIED
 *         NotFoundError             404 INTERCOM_E_NOT_FOUND
 *         UnprocessableEntityError  422 INTERCOM_E_UNPROCESSABLE_ENTITY
 *         RateLimitError            429 INTERCOM_E_RATE_LIMIT
 *         InternalServerError       >=500 INTERCOM_E_INTERNAL_SERVER
 *         (any other non-2xx)       INTERCOM_E_STATUS
 *
 * The numeric values are stable and equal the `intercom` CLI's exit statuses.
 */
#ifndef INTERCOM_ERROR_H
#define INTERCOM_ERROR_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Result of every libintercom call. */
typedef enum intercom_code {
    INTERCOM_OK = 0,                     /**< success */
    INTERCOM_E_CONNECTION = 3,           /**< could not connect, connection dropped, TLS failure */
    INTERCOM_E_TIMEOUT = 4,              /**< a timeout expired (a connection-class error) */
    INTERCOM_E_BAD_REQUEST = 10,         /**< HTTP 400 */
    INTERCOM_E_AUTHENTICATION = 11,      /**< HTTP 401 */
    INTERCOM_E_PERMISSION_DENIED = 12,   /**< HTTP 403 */
    INTERCOM_E_NOT_FOUND = 13,           /**< HTTP 404 */
    INTERCOM_E_UNPROCESSABLE_ENTITY = 14,/**< HTTP 422 */
    INTERCOM_E_RATE_LIMIT = 15,          /**< HTTP 429 */
    INTERCOM_E_INTERNAL_SERVER = 16,     /**< HTTP >= 500 */
    INTERCOM_E_STATUS = 17,              /**< any other non-2xx status (3xx, 405, 408, 409, 410, ...) */
    INTERCOM_E_DECODE = 18,              /**< the body is not the JSON the operation returns */
    INTERCOM_E_SIGNATURE = 19,           /**< a webhook signature is missing, malformed or wrong (webhook.h) */
    INTERCOM_E_INVALID_ARGUMENT = 20,    /**< bad options or params; nothing was sent */
    INTERCOM_E_NOMEM = 21,               /**< out of memory */
    INTERCOM_E_RESPONSE_TOO_LARGE = 22,  /**< body exceeded max_response_size, or its decoded form the decoded_memory_factor bound */
    INTERCOM_E_CANCELLED = 23,           /**< cancelled, client torn down, or a stream callback stopped it */
    INTERCOM_E_INTERNAL = 24             /**< libcurl or another dependency failed unexpectedly */
} intercom_code;

/** One entry of Intercom's `errors` list (`{"code":..,"message":..,"field":..}`). Owned by the error. */
typedef struct intercom_error_item {
    char *code;     /**< e.g. "unauthorized"; may be NULL */
    char *message;  /**< may be NULL */
    char *field;    /**< may be NULL */
} intercom_error_item;

/**
 * Intercom's rate-limit headers of a response (`X-RateLimit-Limit`,
 * `X-RateLimit-Remaining`, `X-RateLimit-Reset`). Each value is -1 when the
 * header was absent or not an integer.
 */
typedef struct intercom_rate_limit {
    int64_t limit;      /**< requests allowed per window */
    int64_t remaining;  /**< requests left in the window */
    int64_t reset;      /**< epoch seconds when the window resets */
} intercom_rate_limit;

struct intercom_response;

/**
 * What went wrong. Caller storage; strings and the response are owned by the
 * record and released by intercom_error_clear().
 */
typedef struct intercom_error {
    intercom_code code;            /**< same as the call's return value */
    int status;                    /**< HTTP status of the last attempt, 0 if no response */
    char *message;                 /**< one-line description, never NULL after a failure (except with
                                        INTERCOM_E_NOMEM when even the message could not be allocated) */
    char *request_id;              /**< Intercom's request id (body `request_id` or `X-Request-Id`), or NULL */
    intercom_error_item *errors;   /**< Intercom's `errors[]`, parsed from a JSON error body */
    size_t errors_count;           /**< entries in `errors` (0 when the body had none) */
    struct intercom_response *response; /**< status, headers and body of the failing response, or NULL */
    intercom_rate_limit rate_limit;     /**< from the failing response's headers */
    int attempts;                  /**< how many attempts were made (1 + retries) */
    /** The allocator of what the record holds (alloc.h); NULL: the process default. Set by the
        calls that fill the record (a client's calls: the client's allocator); read by
        intercom_error_clear(). Leave it to the library. */
    const struct intercom_allocator *allocator;
} intercom_error;

/** Initialiser for caller-storage error records. */
#define INTERCOM_ERROR_INIT {INTERCOM_OK, 0, NULL, NULL, NULL, 0, NULL, {-1, -1, -1}, 0, NULL}

/**
 * Release everything an error record holds (message, request id, errors, response) and reset it
 * to ::INTERCOM_ERROR_INIT, ready for reuse.
 * @param err a caller-storage record filled by a failed call, or a cleared one; NULL is a no-op
 */
INTERCOM_EXTERN void intercom_error_clear(intercom_error *err);

/**
 * A human-readable name of a code.
 * @param code any value, also one outside ::intercom_code
 * @return e.g. "rate limit (HTTP 429)"; "unknown error" for an unknown value; static storage,
 *         never NULL, never freed
 */
INTERCOM_EXTERN const char *intercom_strerror(intercom_code code);

/**
 * The connection class (the seed's APIConnectionError).
 * @param code a code returned by any call
 * @return non-zero for INTERCOM_E_CONNECTION and INTERCOM_E_TIMEOUT, else 0
 */
INTERCOM_EXTERN int intercom_code_is_connection(intercom_code code);

/**
 * The HTTP status class (the seed's APIStatusError).
 * @param code a code returned by any call
 * @return non-zero for INTERCOM_E_BAD_REQUEST through INTERCOM_E_STATUS (a non-2xx response), else 0
 */
INTERCOM_EXTERN int intercom_code_is_status(intercom_code code);

/**
 * Any API error (the seed's APIError).
 * @param code a code returned by any call
 * @return non-zero for the connection class or the status class, else 0
 */
INTERCOM_EXTERN int intercom_code_is_api_error(intercom_code code);

/**
 * The code an HTTP status maps to, as calls report it.
 * @param status an HTTP status code, e.g. 404
 * @return INTERCOM_OK for 2xx; the INTERCOM_E_ code of the table above for a non-2xx status
 *         (INTERCOM_E_STATUS for one without its own code)
 */
INTERCOM_EXTERN intercom_code intercom_code_from_status(int status);

/**
 * @brief Fill an error record from an HTTP error response's status and body, as a failing call does.
 *
 * Reads Intercom's JSON error list (`{"type":"error.list","request_id":..,"errors":[{"code","message",
 * "field"}]}`), other JSON shapes (`{"message":..}`, `{"error":..}`, a JSON string), an HTML page from a
 * proxy (its title or heading) and plain text (its first line). The message starts with "HTTP <status>"
 * and quotes at most 500 bytes of the body. Useful to turn a response received some other way (a
 * streamed or raw response, a test fixture) into the same record a call fills.
 * @param status the HTTP status, 300 to 999.
 * @param body the response body (any bytes; need not be NUL-terminated); NULL only when @p len is 0.
 * @param len its length in bytes.
 * @param[out] err the record to fill (required; what it held before is cleared first): code (as
 *        intercom_code_from_status()), status, message, request_id, errors[]; owned by the record,
 *        release with intercom_error_clear(). err->response stays NULL.
 * @return intercom_code_from_status(@p status) (the error the record now describes: never INTERCOM_OK);
 *         INTERCOM_E_INVALID_ARGUMENT when @p err is NULL (nothing filled), @p status is outside 300-999,
 *         or @p body is NULL with a non-zero @p len; INTERCOM_E_NOMEM when the record could not be
 *         filled (err->code is then INTERCOM_E_NOMEM, err->status still @p status).
 */
INTERCOM_EXTERN intercom_code intercom_error_from_body(int status, const void *body, size_t len, intercom_error *err);

#ifdef __cplusplus
}
#endif
#endif
