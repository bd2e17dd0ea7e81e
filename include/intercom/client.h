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
#include "alloc.h"
#include "ratelimit.h"

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
 * Version 1 is the struct of libintercom 0.1.0; version 2 adds decoded_memory_factor and allocator,
 * version 3 rate_limit_store. New fields are only ever appended at the end, each
 * addition bumps this number, and the library keeps the size of every earlier version: a program
 * built against an older header passes its older, smaller struct with its older version number and
 * the fields it does not have take their defaults. A version above the library's is refused with
 * INTERCOM_E_INVALID_ARGUMENT (the program was built against a newer header than the library).
 */
#define INTERCOM_CLIENT_OPTIONS_VERSION 3

/**
 * Client options. Start from ::INTERCOM_CLIENT_OPTIONS_INIT or intercom_client_options_init().
 * Strings are copied by intercom_client_new(); nothing is kept from the struct.
 */
typedef struct intercom_client_options {
    unsigned version;            /**< INTERCOM_CLIENT_OPTIONS_VERSION */
    const char *bearer_token;    /**< NULL: $INTERCOM_TEST_1_BEARER_TOKEN */
    const char *environment;     /**< "production" (NULL), "environment_1", "environment_2"; aliases "us", "eu", "au".
                                      Any other value is an error; so is setting it together with base_url or
                                      $INTERCOM_BASE_URL (ambiguous, as the seed). */
    const char *base_url;        /**< NULL: $INTERCOM_BASE_URL, else the environment's host. http:// or https://, a
                                      host, optionally a port and a path prefix; no query, fragment, whitespace or
                                      credentials (user:password@ is refused, and never printed) */
    const char *api_version;     /**< Intercom-Version header; NULL: INTERCOM_DEFAULT_API_VERSION ("2.16") */
    int max_retries;             /**< retries after the first attempt; default 2 */
    /* Every number of seconds below must be finite and from 0 to 1e7 (about 115 days): anything else (inf,
     * nan, negative, 1e16) fails intercom_client_new() with INTERCOM_E_INVALID_ARGUMENT naming the option. */
    double timeout;              /**< total seconds per attempt; default 60; 0 = none */
    double connect_timeout;      /**< seconds to connect; default 5 (as the seed); 0 = bounded by timeout only */
    double read_timeout;         /**< longest wait in seconds for the next bytes of the response, from sending the
                                      request on (sub-second precision; each byte received starts the wait again);
                                      exceeded: INTERCOM_E_TIMEOUT naming read_timeout. 0 = none (default) */
    double write_timeout;        /**< longest wait in seconds to send the next bytes of the request body; as
                                      read_timeout. 0 = none (default) */
    double retry_initial_delay;  /**< backoff base in seconds; default 0.5 */
    double retry_max_delay;      /**< backoff cap in seconds; default 8 */
    double retry_after_max;      /**< longest server-requested wait honoured (Retry-After etc.); default 60 */
    const char *proxy;           /**< [scheme://][user:password@]host[:port], scheme http, https, socks4, socks4a,
                                      socks5 or socks5h; "" for none; NULL: libcurl's env defaults. A malformed one
                                      fails intercom_client_new() (INTERCOM_E_INVALID_ARGUMENT; its credentials are
                                      never printed) */
    const char *local_address;   /**< an IP address or an interface of this machine to send from ("if!NAME",
                                      "host!NAME" as CURLOPT_INTERFACE); anything else fails intercom_client_new() */
    const char *ca_bundle;       /**< PEM file of CAs to trust (must be readable at creation); NULL: the system's */
    int insecure_skip_tls_verify;/**< 1 switches TLS peer and host verification off. Default 0. */
    const intercom_kv *default_headers; /**< extra headers on every request, {NULL,NULL}-terminated. Framing headers
                                      (Content-Length, Transfer-Encoding, Host, Connection, Expect, Upgrade, TE,
                                      Keep-Alive, Trailer, Proxy-Connection) are refused: libcurl writes them */
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
    int pace_rate_limit;         /**< 1: client-side rate limiting per workspace (bearer token): after a response
                                      says `X-RateLimit-Remaining: 0`, hold that workspace's next requests until
                                      `X-RateLimit-Reset` (at most retry_after_max) instead of spending them on
                                      429s; other workspaces' requests are not held (ratelimit.h). Default 0. */
    unsigned decoded_memory_factor; /**< bound on the memory a decoded 2xx response may hold (its typed structs,
                                      strings, arrays and free-form values; the raw body is not counted): this
                                      many bytes per byte of the body, plus 256 KiB. Checked while decoding; a
                                      response beyond it fails with INTERCOM_E_RESPONSE_TOO_LARGE, its message
                                      naming the limit in bytes. 0 (default): 16. A realistic page takes
                                      about 2; a body of empty objects `[{},{},...]` of a large type takes
                                      over 100. Also applies to intercom_response_parse() and
                                      intercom_from_json() with the default 16. */
    const intercom_allocator *allocator; /**< where everything made for this client comes from (alloc.h);
                                              borrowed: must outlive the client and every object made with it.
                                              NULL (default): the process default (malloc/realloc/free unless
                                              intercom_global_allocator_set() was called) */
    const intercom_rate_limit_store *rate_limit_store; /**< (version 2) where the per-workspace windows are
                                              kept (ratelimit.h); copied at creation, its self borrowed: must
                                              outlive the client. Setting it turns pacing on. NULL (default):
                                              the client's own in-process store, used when pace_rate_limit is 1 */
} intercom_client_options;

/** The defaults of ::intercom_client_options, current version (a C initialiser, also valid C++). */
#define INTERCOM_CLIENT_OPTIONS_INIT                                                                        \
    {INTERCOM_CLIENT_OPTIONS_VERSION, NULL, NULL, NULL, NULL, 2, 60.0, 5.0, 0.0, 0.0, 0.5, 8.0, 60.0, NULL, \
     NULL, NULL, 0, NULL, (size_t)64 * 1024 * 1024, 0, -1, NULL, NULL, NULL, NULL, NULL, 0, 0, 0, NULL, NULL}

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
 * ::INTERCOM_CLIENT_OPTIONS_VERSION (version 1: libintercom 0.1.0; version 2 adds bearer_token, environment and base_url; fields only appended; older
 * versions accepted, newer ones refused).
 */
#define INTERCOM_REQUEST_OPTIONS_VERSION 2

/**
 * Per-request options (the seed's `with_options(...)`). Start from
 * ::INTERCOM_REQUEST_OPTIONS_INIT; negative finite numbers mean "the client's value". A timeout
 * that is NaN, infinite or above 1e7 seconds fails the call with INTERCOM_E_INVALID_ARGUMENT naming it,
 * before anything is sent.
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
    const intercom_kv *extra_headers; /**< added (or replacing same-named defaults), {NULL,NULL}-terminated; framing
                                           headers (see default_headers) fail with INTERCOM_E_INVALID_ARGUMENT */
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
    /* version 2: one client for many workspaces */
    const char *bearer_token;    /**< this request's token (a workspace's); NULL: the client's. Never logged; an
                                      empty one, or one with CR/LF, fails with INTERCOM_E_INVALID_ARGUMENT. Pacing
                                      (pace_rate_limit) keys the window by it (intercom_rate_limit_key()) */
    const char *environment;     /**< this request's region, as intercom_client_options.environment ("us", "eu",
                                      "au", ...); NULL: the client's base URL. Not together with base_url */
    const char *base_url;        /**< this request's base URL, checked as intercom_client_options.base_url;
                                      NULL: the client's. Connections are pooled per host by the client */
} intercom_request_options;

/** The defaults of ::intercom_request_options, current version (a C initialiser, also valid C++). */
#define INTERCOM_REQUEST_OPTIONS_INIT                                                                         \
    {INTERCOM_REQUEST_OPTIONS_VERSION, -1, -1.0, -1.0, -1.0, -1.0, NULL, NULL, NULL, NULL, -1, NULL, 0, NULL, \
     NULL, NULL, NULL, NULL, NULL}

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
 * @param opts the options (copied: nothing is kept from the struct but the allocator pointer; an
 *             older version is accepted, its missing fields taking their defaults), or NULL for the
 *             defaults
 * @param err  optional; filled on failure
 * @return INTERCOM_OK; INTERCOM_E_INVALID_ARGUMENT when @p out is NULL, there is no token (the
 *         message names INTERCOM_TEST_1_BEARER_TOKEN), the environment is unknown or given together
 *         with a base URL, the base URL is not http(s)://host[:port][/path], the options version is 0
 *         or newer than the library's, an allocator lacks malloc, realloc or free, the token,
 *         api_version, user_agent or a default header contains CR/LF or is a framing header,
 *         max_retries is outside 0..100, a timeout or delay is not a number of seconds from 0 to 1e7,
 *         the proxy, local_address or ca_bundle is unusable, or a rate_limit_store lacks version 1, acquire
 *         or release; INTERCOM_E_NOMEM; INTERCOM_E_INTERNAL when libcurl cannot be initialised or
 *         libcrypto's SHA-256 of the token (for pacing) fails
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
 *               err->response. May be NULL when ro->on_body streams the body.
 * @param err    optional; filled on failure (HTTP status, Intercom's errors[], request id, rate limit)
 * @return INTERCOM_OK; INTERCOM_E_INVALID_ARGUMENT (nothing sent) when @p client or @p path is NULL,
 *         @p out is NULL without on_body, the method is not one of those, @p ro has an unknown
 *         version, a header has CR/LF or is a framing header, ro->bearer_token is empty, over 1000 bytes or has
 *         CR/LF, ro->environment is unknown or set together with ro->base_url, the request URL exceeds 65536 bytes or
 *         the body cannot be serialised; INTERCOM_E_CONNECTION, INTERCOM_E_TIMEOUT after the
 *         retries; the HTTP status codes of error.h (400 ... INTERCOM_E_STATUS) for a non-2xx answer;
 *         INTERCOM_E_RESPONSE_TOO_LARGE past max_response_size; INTERCOM_E_CANCELLED when on_body
 *         stopped it; INTERCOM_E_NOMEM; INTERCOM_E_INTERNAL when libcurl fails unexpectedly
 */
INTERCOM_EXTERN intercom_code intercom_request(intercom_client *client, const char *method, const char *path,
                                               const intercom_kv *query, const struct json_t *body,
                                               const intercom_request_options *ro, intercom_response **out,
                                               intercom_error *err);

/**
 * A request as the client would send it, built without sending (a dry run): for logging, signing,
 * testing, or showing a user what a command would do. Everything it points to belongs to it; free it
 * with intercom_prepared_request_free(). Holds no secret: the Authorization header's value is
 * "[redacted]".
 */
typedef struct intercom_prepared_request {
    const char *method;    /**< "GET", "POST", "PUT", "PATCH", "DELETE" or "HEAD" (static) */
    char *url;             /**< the full URL: base URL, encoded path and query */
    intercom_kv *headers;  /**< the headers libintercom sets, in the order sent, {NULL,NULL}-terminated
                                (libcurl adds Host, Content-Length and Accept-Encoding of its own) */
    size_t headers_count;  /**< entries in `headers` before the terminator */
    char *body;            /**< the JSON body, NUL-terminated (the NUL is not counted), or NULL: none */
    size_t body_len;       /**< bytes in `body` */
} intercom_prepared_request;

/**
 * Build the request intercom_request() would send with these arguments, without sending it.
 * The same checks as intercom_request() run (nothing is sent, no connection is made).
 * @param client the client (its base URL, token, API version, default headers); borrowed
 * @param method as for intercom_request()
 * @param path   as for intercom_request()
 * @param query  as for intercom_request(); may be NULL
 * @param body   as for intercom_request(); may be NULL
 * @param ro     request options (borrowed; an older version is accepted), or NULL; bearer_token,
 *               base_url or environment, api_version, extra_headers, extra_query and extra_body shape
 *               the request; the others (retries, timeouts, callbacks) do not
 * @param out    receives the request, owned by the caller: free with intercom_prepared_request_free();
 *               NULL on failure
 * @param err    optional; filled on failure
 * @return INTERCOM_OK; INTERCOM_E_INVALID_ARGUMENT when @p client or @p out is NULL, or for every
 *         argument intercom_request() refuses (see there); INTERCOM_E_NOMEM
 */
INTERCOM_EXTERN intercom_code intercom_request_prepare(const intercom_client *client, const char *method,
                                                       const char *path, const intercom_kv *query,
                                                       const struct json_t *body, const intercom_request_options *ro,
                                                       intercom_prepared_request **out, intercom_error *err);

/**
 * Free a prepared request (intercom_request_prepare(), intercom_operation_prepare()).
 * @param req the request; owned, freed here; NULL is a no-op
 */
INTERCOM_EXTERN void intercom_prepared_request_free(intercom_prepared_request *req);

#ifdef __cplusplus
}
#endif
#endif
