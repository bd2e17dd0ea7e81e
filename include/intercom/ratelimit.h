/* SPDX-License-Identifier: MIT */
/**
 * @file ratelimit.h
 * @brief Client-side rate-limit pacing per workspace, and the pluggable store of the windows.
 *
 * Intercom limits requests per app and per workspace, and tells the window in the
 * `X-RateLimit-Limit`, `X-RateLimit-Remaining` and `X-RateLimit-Reset` headers of each response.
 * With pacing on (intercom_client_options.pace_rate_limit, or a store given in
 * intercom_client_options.rate_limit_store) a client asks the store before each attempt whether the
 * workspace of the request (the hash of its bearer token, see intercom_rate_limit_key()) may send now,
 * and tells it the window of each response: one workspace's used-up window never holds back another's.
 *
 * The default store lives in the client (in-process, bounded: see ::INTERCOM_RATE_LIMIT_MAX_KEYS).
 * Processes and machines sharing workspaces share their windows through a store of their own, e.g. the
 * Redis store of adapters/hiredis.h.
 */
#ifndef INTERCOM_RATELIMIT_H
#define INTERCOM_RATELIMIT_H

#include "common.h"
#include "error.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Entries the in-process store keeps at most (the least recently used one is dropped beyond it). */
#define INTERCOM_RATE_LIMIT_MAX_KEYS 100000
/** Length of a workspace key, without its NUL: 32 lowercase hex digits. */
#define INTERCOM_RATE_LIMIT_KEY_LEN 32

/** Current version of ::intercom_rate_limit_store. */
#define INTERCOM_RATE_LIMIT_STORE_VERSION 1

/**
 * A store of rate-limit windows, one per workspace key. Both functions may be called from any thread
 * doing a request of the client (several at once for a sync client used by several threads), so they
 * must be thread-safe. They must not call back into the client.
 *
 * The protocol: before each attempt the client calls acquire(); when it says go, one request is counted
 * against the key's window and, once the attempt has ended, release() is called exactly once with the
 * window the response announced (or NULL when there was no response). A store that cannot answer (its
 * server is down) should say go: pacing is an optimisation, the server's 429 stays the authority.
 */
typedef struct intercom_rate_limit_store {
    unsigned version; /**< INTERCOM_RATE_LIMIT_STORE_VERSION */
    /**
     * May a request of workspace @p key be sent now?
     * @param self    the store's state (the member below)
     * @param key     NUL-terminated, ::INTERCOM_RATE_LIMIT_KEY_LEN hex digits
     * @param now     wall-clock time in seconds since the epoch (X-RateLimit-Reset's clock)
     * @param wait_s  receives 0 (go: the request is counted) or the number of seconds (> 0) after which
     *                to ask again (the client waits at most retry_after_max in total, then sends anyway)
     * @return 0; any other value is treated as "go" (without a later release)
     */
    int (*acquire)(void *self, const char *key, double now, double *wait_s);
    /**
     * A request acquired for @p key ended.
     * @param self the store's state
     * @param key  as given to acquire
     * @param rl  the window its response announced (members -1 when a header was missing), or NULL when
     *            no response arrived (connection error, timeout, cancelled)
     * @param now as for acquire
     */
    void (*release)(void *self, const char *key, const intercom_rate_limit *rl, double now);
    void *self; /**< passed to both functions; owned by the caller */
} intercom_rate_limit_store;

/**
 * The workspace key of a bearer token: the first 128 bits of its SHA-256, in lowercase hex. The token
 * itself is never kept by a store.
 * @param token the bearer token (not NULL)
 * @param out   at least ::INTERCOM_RATE_LIMIT_KEY_LEN + 1 bytes: receives the hex digits and a NUL
 * @param err   optional
 * @return INTERCOM_OK; INTERCOM_E_INVALID_ARGUMENT when token or out is NULL; INTERCOM_E_INTERNAL when
 *         libcrypto fails
 */
INTERCOM_EXTERN intercom_code intercom_rate_limit_key(const char *token, char *out, intercom_error *err);

/**
 * @brief Read Intercom's rate-limit headers, and the wait a response asks for before a retry, from raw
 *        response headers (as the client does with every response).
 *
 * For responses received some other way (through a proxy of your own, a recorded fixture, another HTTP
 * library): the same parser the client uses, so the values are exactly those a call would report in
 * intercom_response.rate_limit and intercom_error.rate_limit.
 * @param headers the header block: lines "Name: value" separated by "\n" or "\r\n" (names compared
 *        case-insensitively; a status line, a blank line, a line without ':' or one holding a NUL byte is
 *        skipped); need not be NUL-terminated; NULL only when @p len is 0.
 * @param len the block's length in bytes.
 * @param status the response's HTTP status (0: no response, as after a connection error); used for the
 *        wait only.
 * @param[out] rl receives `X-RateLimit-Limit`, `X-RateLimit-Remaining` and `X-RateLimit-Reset` (epoch
 *        seconds); each -1 when the header is absent or not a plain non-negative decimal integer (the
 *        first of repeated headers counts). Set to all -1 on failure.
 * @param[out] wait_s optional; receives the seconds (> 0, finite, not capped) the server asks to wait
 *        before retrying: `retry-after-ms`, else `Retry-After` (seconds or an HTTP date), else on a 429
 *        `X-RateLimit-Reset` minus now; -1 when it asks for no wait, the status is not one the client
 *        retries (see intercom_client_options: 408, 409, 429, >= 500, no response), or `x-should-retry:
 *        false` says not to retry.
 * @param[out] err optional; filled on failure.
 * @return INTERCOM_OK; INTERCOM_E_INVALID_ARGUMENT when @p rl is NULL, @p headers is NULL with a non-zero
 *         @p len, or @p status is outside 0-999; INTERCOM_E_NOMEM.
 */
INTERCOM_EXTERN intercom_code intercom_rate_limit_parse(const char *headers, size_t len, int status,
                                                        intercom_rate_limit *rl, double *wait_s, intercom_error *err);

/** What a client's in-process store of windows holds (intercom_client_rate_limit_stats()). */
typedef struct intercom_rate_limit_stats {
    size_t entries; /**< workspaces tracked now (at most ::INTERCOM_RATE_LIMIT_MAX_KEYS; idle ones expire) */
    size_t bytes;   /**< bytes the store holds for them: its entries and its hash table (allocator overhead
                         and the store's fixed header not counted) */
} intercom_rate_limit_stats;

struct intercom_client;
struct intercom_async_client;

/**
 * @brief The size of a sync client's in-process store of rate-limit windows.
 * @param client the client (intercom_client_new()).
 * @param[out] out receives the figures; both 0 when the client does not pace or paces through a store of
 *        the caller's (intercom_client_options.rate_limit_store: ask that store).
 * @param[out] err optional; filled on failure.
 * @return INTERCOM_OK; INTERCOM_E_INVALID_ARGUMENT when @p client or @p out is NULL.
 */
INTERCOM_EXTERN intercom_code intercom_client_rate_limit_stats(const struct intercom_client *client,
                                                               intercom_rate_limit_stats *out, intercom_error *err);

/**
 * @brief intercom_client_rate_limit_stats() for an async client.
 * @param client the async client (intercom_async_client_new()).
 * @param[out] out as for intercom_client_rate_limit_stats().
 * @param[out] err optional; filled on failure.
 * @return INTERCOM_OK; INTERCOM_E_INVALID_ARGUMENT when @p client or @p out is NULL.
 */
INTERCOM_EXTERN intercom_code intercom_async_client_rate_limit_stats(const struct intercom_async_client *client,
                                                                     intercom_rate_limit_stats *out,
                                                                     intercom_error *err);

#ifdef __cplusplus
}
#endif
#endif
