/* SPDX-License-Identifier: MIT */
/**
 * @file hiredis.h
 * @brief A Redis store of rate-limit windows, shared by processes and machines (header-only).
 *
 * Every function here is `static inline`, so libintercom itself never links hiredis: include this
 * header in the program and link it with hiredis (`pkg-config --cflags --libs hiredis`; Debian
 * `libhiredis-dev`).
 *
 * Workers of one platform that talk to the same workspaces share each workspace's window through one
 * Redis server: each acquire and release is one atomic update of the key `<prefix><workspace key>` (a
 * hash; the workspace key is the SHA-256 of the token, never the token) by one server-side Lua script
 * (EVALSHA, loaded at init; EVAL again if the server lost it). The rules are those of the in-process
 * store (src/runtime/ratelimit.c): a request is counted against the window the responses announced;
 * when the window is used up, every worker holds that workspace's requests until X-RateLimit-Reset;
 * when a window has passed, one request at a time probes the next. Keys expire 120 s after their last
 * use. When Redis cannot be reached, requests go unpaced (the server's 429 stays the authority).
 *
 * One store serves one client or several, from any number of threads (a mutex guards the connection;
 * each acquire and release is one round trip to Redis on the thread doing the request).
 *
 * Usage:
 * @code
 *   redisContext *redis = redisConnect("127.0.0.1", 6379);
 *   intercom_hiredis_store store;
 *   if (intercom_hiredis_store_init(&store, redis, "myapp:rl:", &err) != INTERCOM_OK) ...;
 *   intercom_client_options o = INTERCOM_CLIENT_OPTIONS_INIT;
 *   o.rate_limit_store = &store.store;      // pacing on, windows shared through Redis
 *   intercom_client_new(&client, &o, &err);
 *   ...
 *   intercom_client_free(client);
 *   intercom_hiredis_store_destroy(&store);  // then redisFree(redis)
 * @endcode
 */
#ifndef INTERCOM_ADAPTERS_HIREDIS_H
#define INTERCOM_ADAPTERS_HIREDIS_H

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hiredis/hiredis.h>

#include "../client.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The store: pass `&s.store` as intercom_client_options.rate_limit_store. Fill with intercom_hiredis_store_init(). */
typedef struct intercom_hiredis_store {
    intercom_rate_limit_store store; /**< the vtable handed to the client (self points at this struct) */
    redisContext *redis;             /**< borrowed: the caller connects and frees it */
    pthread_mutex_t lock;            /**< one command at a time on the connection */
    char prefix[64];                 /**< key prefix */
    char sha[41];                    /**< SHA-1 of the script (SCRIPT LOAD) */
} intercom_hiredis_store;

/** The Lua script: KEYS[1] the window's key; ARGV op ("a" acquire, "r" release), now (epoch seconds),
 *  and for a release the announced reset and remaining (-1: none). Returns the wait in seconds, as text. */
#define INTERCOM_HIREDIS_SCRIPT                                                                        \
    "local k=KEYS[1] local now=tonumber(ARGV[2])\n"                                                   \
    "local h=redis.call('HMGET',k,'r','m','f','s','p')\n"                                            \
    "local reset=tonumber(h[1]) or 0 local rem=tonumber(h[2]) or 0 local fl=tonumber(h[3]) or 0\n"  \
    "local seen=tonumber(h[4]) or 0 local probe=tonumber(h[5]) or 0 local wait=0\n"                  \
    "if ARGV[1]=='a' then\n"                                                                           \
    "  if reset>now then if rem>0 then rem=rem-1 fl=fl+1 else wait=reset-now end\n"                 \
    "  elseif seen==0 then fl=fl+1\n"                                                                  \
    "  elseif probe<=now then probe=now+5 fl=fl+1\n"                                                   \
    "  else wait=0.01 end\n"                                                                           \
    "else\n"                                                                                           \
    "  if fl>0 then fl=fl-1 end probe=0\n"                                                             \
    "  local nr=tonumber(ARGV[3]) or 0 local nm=tonumber(ARGV[4]) or -1\n"                           \
    "  if nr>0 and nm>=0 then local left=nm-fl if left<0 then left=0 end seen=1\n"                   \
    "    if nr>reset then reset=nr rem=left elseif nr==reset and left<rem then rem=left end end\n"    \
    "end\n"                                                                                            \
    "redis.call('HSET',k,'r',reset,'m',rem,'f',fl,'s',seen,'p',probe) redis.call('EXPIRE',k,120)\n" \
    "return tostring(wait)\n"

/** @cond INTERCOM_PRIVATE (the adapter's helpers and store hooks: not part of the API) */
static inline intercom_code intercom_hiredis__fail(intercom_error *err, intercom_code code, const char *msg) {
    if (err) {
        size_t n = strlen(msg) + 1;
        intercom_error_clear(err);
        err->code = code;
        err->message = (char *)malloc(n);
        if (err->message) memcpy(err->message, msg, n);
    }
    return code;
}

/* One run of the script; NULL when Redis could not answer. The caller frees the reply. */
static inline redisReply *intercom_hiredis__run(intercom_hiredis_store *s, const char *key, const char *op,
                                                double now, double a3, double a4) {
    char k[160], nb[32], b3[32], b4[32];
    snprintf(k, sizeof k, "%s%s", s->prefix, key);
    snprintf(nb, sizeof nb, "%.3f", now);
    snprintf(b3, sizeof b3, "%.0f", a3);
    snprintf(b4, sizeof b4, "%.0f", a4);
    pthread_mutex_lock(&s->lock);
    redisReply *r = (redisReply *)redisCommand(s->redis, "EVALSHA %s 1 %s %s %s %s %s", s->sha, k, op, nb, b3, b4);
    if (r && r->type == REDIS_REPLY_ERROR && !strncmp(r->str, "NOSCRIPT", 8)) { /* the server lost it */
        freeReplyObject(r);
        r = (redisReply *)redisCommand(s->redis, "EVAL %s 1 %s %s %s %s %s", INTERCOM_HIREDIS_SCRIPT, k, op, nb, b3, b4);
    }
    pthread_mutex_unlock(&s->lock);
    if (r && r->type != REDIS_REPLY_STRING) {
        freeReplyObject(r);
        r = NULL;
    }
    return r;
}

static inline int intercom_hiredis__acquire(void *self, const char *key, double now, double *wait_s) {
    redisReply *r = intercom_hiredis__run((intercom_hiredis_store *)self, key, "a", now, 0, -1);
    *wait_s = 0;
    if (!r) return -1; /* Redis unreachable: go, unpaced */
    *wait_s = strtod(r->str, NULL);
    freeReplyObject(r);
    return 0;
}

static inline void intercom_hiredis__release(void *self, const char *key, const intercom_rate_limit *rl, double now) {
    redisReply *r = intercom_hiredis__run((intercom_hiredis_store *)self, key, "r", now,
                                          rl ? (double)rl->reset : 0, rl ? (double)rl->remaining : -1);
    if (r) freeReplyObject(r);
}

/** @endcond */

/**
 * Set up a store on a connected Redis context and load the script (SCRIPT LOAD).
 * @param s      the store to fill (caller-owned, must outlive every client using it)
 * @param redis  a connected context (borrowed; not used by anything else while the store lives, or
 *               only under the same discipline: the store sends blocking commands on it)
 * @param prefix prefix of the Redis keys (at most 63 bytes), e.g. "myapp:rl:"; NULL: "intercom:rl:"
 * @param err    filled on failure (may be NULL)
 * @return INTERCOM_OK; INTERCOM_E_INVALID_ARGUMENT (s or redis NULL, a prefix too long);
 *         INTERCOM_E_CONNECTION (the context has an error, or SCRIPT LOAD failed)
 */
static inline intercom_code intercom_hiredis_store_init(intercom_hiredis_store *s, redisContext *redis,
                                                        const char *prefix, intercom_error *err) {
    if (!s || !redis) return intercom_hiredis__fail(err, INTERCOM_E_INVALID_ARGUMENT, "intercom_hiredis_store_init: NULL argument");
    if (!prefix) prefix = "intercom:rl:";
    if (strlen(prefix) >= sizeof s->prefix)
        return intercom_hiredis__fail(err, INTERCOM_E_INVALID_ARGUMENT, "intercom_hiredis_store_init: prefix over 63 bytes");
    if (redis->err) return intercom_hiredis__fail(err, INTERCOM_E_CONNECTION, "intercom_hiredis_store_init: Redis connection failed");
    redisReply *r = (redisReply *)redisCommand(redis, "SCRIPT LOAD %s", INTERCOM_HIREDIS_SCRIPT);
    if (!r || r->type != REDIS_REPLY_STRING || r->len != 40) {
        if (r) freeReplyObject(r);
        return intercom_hiredis__fail(err, INTERCOM_E_CONNECTION, "intercom_hiredis_store_init: SCRIPT LOAD failed");
    }
    memset(s, 0, sizeof *s);
    memcpy(s->sha, r->str, 40);
    freeReplyObject(r);
    snprintf(s->prefix, sizeof s->prefix, "%s", prefix);
    s->redis = redis;
    pthread_mutex_init(&s->lock, NULL);
    s->store.version = INTERCOM_RATE_LIMIT_STORE_VERSION;
    s->store.acquire = intercom_hiredis__acquire;
    s->store.release = intercom_hiredis__release;
    s->store.self = s;
    return INTERCOM_OK;
}

/**
 * Release what intercom_hiredis_store_init() made (not the Redis context). No client may still use it.
 * @param s the store; NULL or a store never set up is a no-op
 */
static inline void intercom_hiredis_store_destroy(intercom_hiredis_store *s) {
    if (s && s->redis) pthread_mutex_destroy(&s->lock), s->redis = NULL;
}

#ifdef __cplusplus
}
#endif
#endif
