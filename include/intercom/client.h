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

/** Receives one log line (no trailing newline). Called on the thread doing the request. */
typedef void (*intercom_log_fn)(intercom_log_level level, const char *line, void *payload);

/**
 * Called with the libcurl easy handle (`CURL *`) after libintercom configured it and
 * before each attempt, for any libcurl option not covered here. Return 0 to go on;
 * any other value fails the request with INTERCOM_E_INVALID_ARGUMENT.
 */
typedef int (*intercom_curl_hook_fn)(void *curl_easy, void *payload);

/** Current version of ::intercom_client_options. Version 1 (without rate_limit_store) is still accepted. */
#define INTERCOM_CLIENT_OPTIONS_VERSION 2

/**
 * Client options. Start from ::INTERCOM_CLIENT_OPTIONS_INIT. Strings are copied
 * by intercom_client_new(); nothing is kept from the struct.
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
    void *log_payload;
    intercom_curl_hook_fn curl_hook;
    void *curl_hook_payload;
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

#define INTERCOM_CLIENT_OPTIONS_INIT                                                                        \
    {INTERCOM_CLIENT_OPTIONS_VERSION, NULL, NULL, NULL, NULL, 2, 60.0, 5.0, 0.0, 0.0, 0.5, 8.0, 60.0, NULL, \
     NULL, NULL, 0, NULL, (size_t)64 * 1024 * 1024, 0, -1, NULL, NULL, NULL, NULL, NULL, 0, 0, 0, NULL, NULL}

/** Fill @p opts with the defaults (same as ::INTERCOM_CLIENT_OPTIONS_INIT). */
INTERCOM_EXTERN void intercom_client_options_init(intercom_client_options *opts);

/**
 * Receives the body of a 2xx response in chunks as it arrives, instead of it
 * being buffered and decoded. Return 0 to continue, non-zero to stop the
 * transfer (the call then fails with INTERCOM_E_CANCELLED). Once a chunk was
 * delivered, the request is no longer retried.
 */
typedef int (*intercom_body_fn)(const char *chunk, size_t len, void *payload);

/** Current version of ::intercom_request_options. Version 1 (without bearer_token, environment and
 *  base_url) is still accepted: only the members it had are read. */
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
    double timeout;              /**< < 0: client's; see intercom_client_options */
    double connect_timeout;
    double read_timeout;
    double write_timeout;
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
    void *on_body_payload;
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

#define INTERCOM_REQUEST_OPTIONS_INIT                                                                         \
    {INTERCOM_REQUEST_OPTIONS_VERSION, -1, -1.0, -1.0, -1.0, -1.0, NULL, NULL, NULL, NULL, -1, NULL, 0, NULL, \
     NULL, NULL, NULL, NULL, NULL}

/** Fill @p ro with the defaults (same as ::INTERCOM_REQUEST_OPTIONS_INIT). */
INTERCOM_EXTERN void intercom_request_options_init(intercom_request_options *ro);

/** A synchronous, thread-safe client. Opaque. */
typedef struct intercom_client intercom_client;

/**
 * Create a client.
 * @param out  receives the client; free with intercom_client_free()
 * @param opts NULL for defaults
 * @return INTERCOM_OK; INTERCOM_E_INVALID_ARGUMENT (an allocator without malloc, realloc or free; no token: names INTERCOM_TEST_1_BEARER_TOKEN; unknown
 *         environment, or one together with a base URL; a base URL that is not http(s)://host[:port][/path];
 *         a timeout out of range; a malformed proxy, an unusable local_address or ca_bundle; a header with
 *         CR/LF or a framing header; an options version other than 1 or 2; a rate_limit_store without
 *         version 1, acquire and release; ...); INTERCOM_E_NOMEM; INTERCOM_E_INTERNAL (libcurl init failed,
 *         or libcrypto's SHA-256 of the token for pacing)
 */
INTERCOM_EXTERN intercom_code intercom_client_new(intercom_client **out, const intercom_client_options *opts,
                                                  intercom_error *err);

/** Close all connections and release the client. No call may be running. NULL is a no-op. */
INTERCOM_EXTERN void intercom_client_free(intercom_client *client);

/** The base URL requests go to, without a trailing slash. Borrowed. */
INTERCOM_EXTERN const char *intercom_client_base_url(const intercom_client *client);

/**
 * Send any request (the seed's `client.get/post(...)`), for endpoints the typed
 * API does not cover, with every client option (retries, timeouts, headers).
 * @param method "GET", "POST", "PUT", "PATCH", "DELETE"
 * @param path   e.g. "/me"; appended to the base URL as given (encode it yourself)
 * @param query  {NULL,NULL}-terminated, values are percent-encoded; may be NULL
 * @param body   JSON body (refcounting: borrowed), or NULL for none
 * @param out    receives the 2xx response; free with intercom_response_free(). On a
 *               non-2xx status the call fails and the response is in err->response.
 *               May be NULL when ro->on_body streams the body (then nothing is returned here).
 * @return INTERCOM_OK; INTERCOM_E_INVALID_ARGUMENT (client NULL; out NULL without on_body; a
 *         request URL over 65536 bytes; bad options, found before sending: e.g. an empty bearer_token or
 *         one with CR/LF, an unknown environment, environment together with base_url); or the failure of the
 *         exchange (connection, timeout, HTTP status codes, ...), with everything received in err.
 */
INTERCOM_EXTERN intercom_code intercom_request(intercom_client *client, const char *method, const char *path,
                                               const intercom_kv *query, const struct json_t *body,
                                               const intercom_request_options *ro, intercom_response **out,
                                               intercom_error *err);

#ifdef __cplusplus
}
#endif
#endif
