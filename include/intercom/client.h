/* SPDX-License-Identifier: MIT */
/**
 * @file client.h
 * @brief The client, its options, and per-request options.
 *
 * Thread safety: an ::intercom_client may be used by any number of threads at
 * once for synchronous calls (each concurrently calling thread gets its own
 * request engine, i.e. libcurl multi handle and connection cache, from a pool
 * inside the client; DNS and TLS sessions are shared). Creating and freeing a
 * client are not concurrent with its use. An ::intercom_async_client is driven
 * by one thread at a time (its loop thread): see async.h.
 */
#ifndef INTERCOM_CLIENT_H
#define INTERCOM_CLIENT_H

#include "common.h"
#include "error.h"
#include "response.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Log levels. `INTERCOM_LOG=info|debug` selects one when no level is set in the options. */
typedef enum intercom_log_level {
    INTERCOM_LOG_OFF = 0,
    INTERCOM_LOG_INFO = 1,   /**< one line per attempt: method, URL, status, duration, retries */
    INTERCOM_LOG_DEBUG = 2   /**< adds request/response headers and bodies (Authorization redacted) */
} intercom_log_level;

/**
 * Receives one log line. Called on the thread doing the request (any thread for a shared sync client).
 * @param level   INTERCOM_LOG_INFO or INTERCOM_LOG_DEBUG
 * @param line    the line, without a trailing newline, secrets redacted; borrowed for the call
 * @param payload intercom_client_options.log_payload
 */
typedef void (*intercom_log_fn)(intercom_log_level level, const char *line, void *payload);

/**
 * Called with the libcurl easy handle after libintercom configured it and before each attempt,
 * for any libcurl option not covered here.
 * @param curl_easy the `CURL *` of the attempt; borrowed (do not clean it up or keep it)
 * @param payload   intercom_client_options.curl_hook_payload
 * @return 0 to go on; any other value fails the request with INTERCOM_E_INVALID_ARGUMENT
 */
typedef int (*intercom_curl_hook_fn)(void *curl_easy, void *payload);

/**
 * The version of ::intercom_client_options this header declares (libgit2-style).
 *
 * Version 1 is the struct of libintercom 0.1.0. New fields are only ever appended at the end, each
 * addition bumps this number, and the library keeps the size of every earlier version: a program
 * built against an older header passes its older, smaller struct with its older version number and
 * the fields it does not have take their defaults. A version above the library's is refused with
 * INTERCOM_E_INVALID_ARGUMENT (the program was built against a newer header than the library).
 */
#define INTERCOM_CLIENT_OPTIONS_VERSION 1

/**
 * Client options. Start from ::INTERCOM_CLIENT_OPTIONS_INIT or intercom_client_options_init().
 * Strings are copied by intercom_client_new(); nothing is kept from the struct.
 */
typedef struct intercom_client_options {
    unsigned version;            /**< INTERCOM_CLIENT_OPTIONS_VERSION */
    const char *bearer_token;    /**< NULL: $INTERCOM_TEST_1_BEARER_TOKEN */
    const char *environment;     /**< "production" (NULL), "environment_1", "environment_2"; aliases "us", "eu", "au" */
    const char *base_url;        /**< NULL: $INTERCOM_BASE_URL, else the environment's host */
    const char *api_version;     /**< Intercom-Version header; NULL: INTERCOM_DEFAULT_API_VERSION ("2.16") */
    int max_retries;             /**< retries after the first attempt; default 2 */
    double timeout;              /**< total seconds per attempt; default 60; 0 = none */
    double connect_timeout;      /**< seconds to connect; default 5 (as the seed); 0 = bounded by timeout only */
    double read_timeout;         /**< seconds without receiving a byte (libcurl low-speed, whole seconds,
                                      rounded up); 0 = none */
    double write_timeout;        /**< seconds without sending a byte (same mechanism as read_timeout; when both
                                      are set the smaller applies to the whole transfer); 0 = none */
    double retry_initial_delay;  /**< backoff base in seconds; default 0.5 */
    double retry_max_delay;      /**< backoff cap in seconds; default 8 */
    double retry_after_max;      /**< longest server-requested wait honoured (Retry-After etc.); default 60 */
    const char *proxy;           /**< e.g. "http://proxy:3128", "socks5h://..."; NULL: libcurl's env defaults */
    const char *local_address;   /**< interface name or local IP to send from (CURLOPT_INTERFACE) */
    const char *ca_bundle;       /**< PEM file of CAs to trust; NULL: the system's */
    int insecure_skip_tls_verify;/**< 1 switches TLS peer and host verification off. Default 0. */
    const intercom_kv *default_headers; /**< extra headers on every request, {NULL,NULL}-terminated */
    size_t max_response_size;    /**< bytes; default 64 MiB; larger bodies fail with INTERCOM_E_RESPONSE_TOO_LARGE */
    int strict;                  /**< 1: a field of the wrong JSON type fails decoding (INTERCOM_E_DECODE) */
    int log_level;               /**< -1 (default): from $INTERCOM_LOG; else an intercom_log_level */
    intercom_log_fn log_fn;      /**< NULL: stderr */
    void *log_payload;           /**< passed to log_fn */
    intercom_curl_hook_fn curl_hook; /**< NULL: none */
    void *curl_hook_payload;     /**< passed to curl_hook */
    const char *user_agent;      /**< NULL: "libintercom/<version> libcurl/<version>" */
    int disable_compression;     /**< 1: do not send Accept-Encoding (default: gzip/deflate/br/zstd accepted and
                                      decoded transparently) */
    int pace_rate_limit;         /**< 1: client-side rate limiting: after a response says `X-RateLimit-Remaining: 0`,
                                      hold this client's next requests until `X-RateLimit-Reset` (at most
                                      retry_after_max) instead of spending them on 429s. Default 0. */
} intercom_client_options;

/** The defaults of ::intercom_client_options, current version (a C initialiser, also valid C++). */
#define INTERCOM_CLIENT_OPTIONS_INIT                                                                        \
    {INTERCOM_CLIENT_OPTIONS_VERSION, NULL, NULL, NULL, NULL, 2, 60.0, 5.0, 0.0, 0.0, 0.5, 8.0, 60.0, NULL, \
     NULL, NULL, 0, NULL, (size_t)64 * 1024 * 1024, 0, -1, NULL, NULL, NULL, NULL, NULL, 0, 0}

/**
 * Fill @p opts with the defaults of options version @p version (the values of
 * ::INTERCOM_CLIENT_OPTIONS_INIT), for callers that cannot use the macro (C++ before 20, bindings).
 *
 * Only the bytes of that version's struct are written, so a program built against an older
 * header passes its own (smaller) struct with its own version number.
 * @param opts    the struct to fill; caller-owned
 * @param version pass ::INTERCOM_CLIENT_OPTIONS_VERSION
 * @return INTERCOM_OK; INTERCOM_E_INVALID_ARGUMENT when @p opts is NULL or @p version is 0 or newer
 *         than this library's ::INTERCOM_CLIENT_OPTIONS_VERSION (nothing is written then)
 */
INTERCOM_EXTERN intercom_code intercom_client_options_init(intercom_client_options *opts, unsigned int version);

/**
 * Receives the body of a 2xx response in chunks as it arrives, instead of it
 * being buffered and decoded. Once a chunk was delivered, the request is no longer retried.
 * @param chunk   the next bytes (not NUL-terminated); borrowed for the call
 * @param len     bytes in @p chunk
 * @param payload intercom_request_options.on_body_payload
 * @return 0 to continue; non-zero stops the transfer and the call fails with INTERCOM_E_CANCELLED
 */
typedef int (*intercom_body_fn)(const char *chunk, size_t len, void *payload);

/**
 * The version of ::intercom_request_options this header declares; same rules as
 * ::INTERCOM_CLIENT_OPTIONS_VERSION (version 1: libintercom 0.1.0; fields only appended; older
 * versions accepted, newer ones refused).
 */
#define INTERCOM_REQUEST_OPTIONS_VERSION 1

/**
 * Per-request options (the seed's `with_options(...)`). Start from
 * ::INTERCOM_REQUEST_OPTIONS_INIT; negative numbers mean "the client's value".
 * Everything is borrowed for the duration of the call (for async calls: copied
 * at submission).
 */
typedef struct intercom_request_options {
    unsigned version;            /**< INTERCOM_REQUEST_OPTIONS_VERSION */
    int max_retries;             /**< -1: client's */
    double timeout;              /**< seconds; < 0: client's; see intercom_client_options */
    double connect_timeout;      /**< seconds; < 0: client's */
    double read_timeout;         /**< seconds; < 0: client's */
    double write_timeout;        /**< seconds; < 0: client's */
    const intercom_kv *extra_headers; /**< added (or replacing same-named defaults), {NULL,NULL}-terminated */
    const intercom_kv *extra_query;   /**< appended to the query string, {NULL,NULL}-terminated */
    const struct json_t *extra_body;  /**< a JSON object whose members are merged into the request body;
                                           refcounting: borrowed */
    const char *api_version;     /**< Intercom-Version for this request; NULL: client's */
    int strict;                  /**< -1: client's; 0 tolerant; 1 strict decoding */
    intercom_response **raw_response; /**< if not NULL, receives the raw 2xx response as well as the typed result
                                           (the seed's with_raw_response); free with intercom_response_free() */
    int skip_decode;             /**< 1: do not decode; only *raw_response is filled (parse it later with
                                      intercom_response_parse()) */
    intercom_body_fn on_body;    /**< streaming: a 2xx body goes here in chunks, nothing is decoded */
    void *on_body_payload;       /**< passed to on_body */
    uint64_t *async_id;          /**< async calls: receives an id for intercom_async_cancel() */
} intercom_request_options;

/** The defaults of ::intercom_request_options, current version (a C initialiser, also valid C++). */
#define INTERCOM_REQUEST_OPTIONS_INIT \
    {INTERCOM_REQUEST_OPTIONS_VERSION, -1, -1.0, -1.0, -1.0, -1.0, NULL, NULL, NULL, NULL, -1, NULL, 0, NULL, NULL, NULL}

/**
 * Fill @p ro with the defaults of request options version @p version (the values of
 * ::INTERCOM_REQUEST_OPTIONS_INIT); only that version's bytes are written.
 * @param ro      the struct to fill; caller-owned
 * @param version pass ::INTERCOM_REQUEST_OPTIONS_VERSION
 * @return INTERCOM_OK; INTERCOM_E_INVALID_ARGUMENT when @p ro is NULL or @p version is 0 or newer
 *         than this library's ::INTERCOM_REQUEST_OPTIONS_VERSION (nothing is written then)
 */
INTERCOM_EXTERN intercom_code intercom_request_options_init(intercom_request_options *ro, unsigned int version);

/** A synchronous, thread-safe client. Opaque. */
typedef struct intercom_client intercom_client;

/**
 * Create a client. Nothing is sent until the first request.
 * @param out  receives the client, owned by the caller: free with intercom_client_free(); NULL on
 *             failure
 * @param opts the options (copied: nothing is kept from the struct; an older version is accepted,
 *             its missing fields taking their defaults), or NULL for the defaults
 * @param err  optional; filled on failure
 * @return INTERCOM_OK; INTERCOM_E_INVALID_ARGUMENT when @p out is NULL, there is no token (the
 *         message names INTERCOM_TEST_1_BEARER_TOKEN), the environment is unknown, the base URL is
 *         not http(s), the options version is 0 or newer than the library's, the token, api_version,
 *         user_agent or a default header contains CR/LF, max_retries is outside 0..100 or a timeout
 *         or delay is negative; INTERCOM_E_NOMEM; INTERCOM_E_INTERNAL when libcurl cannot be
 *         initialised
 */
INTERCOM_EXTERN intercom_code intercom_client_new(intercom_client **out, const intercom_client_options *opts,
                                                  intercom_error *err);

/**
 * Close all connections and release the client. No call may be running.
 * @param client the client; NULL is a no-op
 */
INTERCOM_EXTERN void intercom_client_free(intercom_client *client);

/**
 * The base URL requests go to.
 * @param client the client
 * @return e.g. "https://api.intercom.io", without a trailing slash; borrowed: valid until the
 *         client is freed; NULL when @p client is NULL
 */
INTERCOM_EXTERN const char *intercom_client_base_url(const intercom_client *client);

/**
 * Send any request (the seed's `client.get/post(...)`), for endpoints the typed
 * API does not cover, with every client option (retries, timeouts, headers).
 * @param client the client
 * @param method "GET", "POST", "PUT", "PATCH", "DELETE" or "HEAD" (case-insensitive)
 * @param path   e.g. "/me"; appended to the base URL as given (encode it yourself)
 * @param query  {NULL,NULL}-terminated, values are percent-encoded; may be NULL
 * @param body   JSON body (refcounting: borrowed), or NULL for none
 * @param ro     request options (borrowed for the call; an older version is accepted), or NULL
 * @param out    receives the 2xx response, owned by the caller: free with intercom_response_free();
 *               NULL on failure. On a non-2xx status the call fails and the response is in
 *               err->response.
 * @param err    optional; filled on failure (HTTP status, Intercom's errors[], request id, rate limit)
 * @return INTERCOM_OK; INTERCOM_E_INVALID_ARGUMENT (nothing sent) when @p client, @p out or @p path is
 *         NULL, the method is not one of those, @p ro has an unknown version, a header has CR/LF or
 *         the body cannot be serialised; INTERCOM_E_CONNECTION, INTERCOM_E_TIMEOUT after the retries;
 *         the HTTP status codes of error.h (400 ... INTERCOM_E_STATUS) for a non-2xx answer;
 *         INTERCOM_E_RESPONSE_TOO_LARGE past max_response_size; INTERCOM_E_CANCELLED when on_body
 *         stopped it; INTERCOM_E_NOMEM; INTERCOM_E_INTERNAL when libcurl fails unexpectedly
 */
INTERCOM_EXTERN intercom_code intercom_request(intercom_client *client, const char *method, const char *path,
                                               const intercom_kv *query, const struct json_t *body,
                                               const intercom_request_options *ro, intercom_response **out,
                                               intercom_error *err);

#ifdef __cplusplus
}
#endif
#endif
