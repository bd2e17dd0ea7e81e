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

#ifdef __cplusplus
}
#endif
#endif
