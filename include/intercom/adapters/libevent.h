/* SPDX-License-Identifier: MIT */
/**
 * @file libevent.h
 * @brief Drive an ::intercom_async_client from a libevent 2 event base (header-only).
 *
 * Every function here is `static inline`, so libintercom itself never links
 * libevent: include this header in the program that owns the event base and link
 * that program with libevent (`pkg-config --cflags --libs libevent`; only
 * libevent_core is used).
 *
 * How it works: the adapter implements ::intercom_loop_hooks. Each socket
 * libcurl asks to watch gets a persistent `struct event` (created on first use
 * with event_new() and kept in the hook's per-socket slot, re-assigned when the
 * wanted events change, freed with event_free() when libcurl lets the socket go);
 * one evtimer serves the client's timer (libcurl timeouts and retry back-off).
 * Readiness is reported with intercom_async_socket_action() (libevent reports a
 * socket error or hang-up as readable+writable, so libcurl sees the failure), the
 * timer with intercom_async_timeout(). When no request is in flight the adapter
 * keeps no event pending, so event_base_dispatch() returns once the last callback
 * has run (unless the program has events of its own).
 *
 * Usage (single thread: the base's):
 * @code
 *   struct event_base *base = event_base_new();
 *   intercom_async_client *client;
 *   intercom_async_client_new(&client, &opts, &err);
 *   intercom_libevent_ctx *ctx;
 *   if (intercom_libevent_attach(client, base, &ctx, &err) != INTERCOM_OK) ...;
 *   intercom_async_request(client, "GET", "/me", NULL, NULL, NULL, on_done, NULL);
 *   event_base_dispatch(base);               // returns when every callback has run
 *
 *   // shutdown, in this order:
 *   intercom_async_client_free(client);      // 1. cancels what is in flight (callbacks run
 *                                            //    with INTERCOM_E_CANCELLED); libcurl closes its
 *                                            //    sockets and the adapter frees their events
 *   intercom_libevent_free(ctx);             // 2. frees the timer, any event left, the context
 *   event_base_free(base);                   // 3. the base last
 * @endcode
 *
 * The order matters: the client calls the adapter's hooks until
 * intercom_async_client_free() returns (it stops watching its sockets while it
 * tears down), so the context must outlive the client, and the events must be
 * freed before their base. Unlike libuv, libevent frees events synchronously: no
 * extra loop run is needed. Steps 1-2 may run inside a callback of the running
 * base (e.g. a signal event of the program), never inside an intercom callback
 * (which must not free the client).
 */
#ifndef INTERCOM_ADAPTERS_LIBEVENT_H
#define INTERCOM_ADAPTERS_LIBEVENT_H

#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "../async.h"

#ifdef __cplusplus
extern "C" {
#endif

/** One watched socket. Private to the adapter. */
typedef struct intercom_libevent_socket {
    struct event *ev;                      /**< the socket's event */
    struct intercom_libevent_ctx *ctx;     /**< the adapter it belongs to */
    struct intercom_libevent_socket *prev; /**< list of live sockets */
    struct intercom_libevent_socket *next; /**< list of live sockets */
    int fd;                                /**< the socket */
    short what;                            /**< EV_READ|EV_WRITE libcurl asked for */
} intercom_libevent_socket;

/**
 * The adapter's state for one client on one event base, returned by
 * intercom_libevent_attach(). Owned by the caller, released with
 * intercom_libevent_free(); the fields are private.
 */
typedef struct intercom_libevent_ctx {
    struct event_base *base;               /**< the event base (borrowed) */
    struct event *timer;                   /**< the client's timer */
    intercom_async_client *client;         /**< the client (borrowed) */
    intercom_libevent_socket *sockets;     /**< live socket events */
    size_t nsockets;                       /**< entries in sockets */
} intercom_libevent_ctx;

/** @cond INTERCOM_PRIVATE (the adapter's hooks: not part of the API) */
static inline intercom_code intercom_libevent__fail(intercom_error *err, intercom_code code, const char *msg) {
    if (err) {
        size_t n = strlen(msg) + 1;
        intercom_error_clear(err);
        err->code = code;
        err->message = (char *)malloc(n);
        if (err->message) memcpy(err->message, msg, n);
    }
    return code;
}

/* Stop watching a socket and free its event (libevent allows this from the event's own callback). */
static inline void intercom_libevent__close_socket(intercom_libevent_socket *s) {
    intercom_libevent_ctx *ctx = s->ctx;
    if (s->prev) s->prev->next = s->next;
    else ctx->sockets = s->next;
    if (s->next) s->next->prev = s->prev;
    ctx->nsockets--;
    event_free(s->ev);
    free(s);
}

static inline void intercom_libevent__event_cb(evutil_socket_t fd, short what, void *arg) {
    intercom_libevent_socket *s = (intercom_libevent_socket *)arg;
    int ev = ((what & EV_READ) ? INTERCOM_POLL_IN : 0) | ((what & EV_WRITE) ? INTERCOM_POLL_OUT : 0);
    /* `s` may be freed inside (libcurl letting the socket go): do not touch it afterwards */
    intercom_async_socket_action(s->ctx->client, (int)fd, ev);
}

static inline void intercom_libevent__watch(int fd, int events, void **socket_data, void *payload) {
    intercom_libevent_ctx *ctx = (intercom_libevent_ctx *)payload;
    intercom_libevent_socket *s = (intercom_libevent_socket *)*socket_data;
    short what = (short)(((events & INTERCOM_POLL_IN) ? EV_READ : 0) | ((events & INTERCOM_POLL_OUT) ? EV_WRITE : 0));
    if (!events) {
        if (s) intercom_libevent__close_socket(s);
        *socket_data = NULL;
        return;
    }
    if (!s) {
        /* Out of memory leaves the socket unwatched: its request then ends with the
         * client's timeout (libcurl asks again when it wants other events). */
        s = (intercom_libevent_socket *)calloc(1, sizeof *s);
        if (!s) return;
        s->ev = event_new(ctx->base, (evutil_socket_t)fd, (short)(what | EV_PERSIST), intercom_libevent__event_cb, s);
        if (!s->ev) {
            free(s);
            return;
        }
        s->ctx = ctx;
        s->fd = fd;
        s->what = what;
        s->next = ctx->sockets;
        if (ctx->sockets) ctx->sockets->prev = s;
        ctx->sockets = s;
        ctx->nsockets++;
        *socket_data = s;
    } else if (what != s->what) {
        /* event_assign() is allowed on an event_new() event that is not pending */
        event_del(s->ev);
        event_assign(s->ev, ctx->base, (evutil_socket_t)fd, (short)(what | EV_PERSIST), intercom_libevent__event_cb, s);
        s->what = what;
    }
    event_add(s->ev, NULL);
}

static inline void intercom_libevent__timer_cb(evutil_socket_t fd, short what, void *arg) {
    intercom_libevent_ctx *ctx = (intercom_libevent_ctx *)arg;
    (void)fd;
    (void)what;
    intercom_async_timeout(ctx->client);
}

static inline void intercom_libevent__timer(long timeout_ms, void *payload) {
    intercom_libevent_ctx *ctx = (intercom_libevent_ctx *)payload;
    if (timeout_ms < 0) {
        evtimer_del(ctx->timer);
    } else {
        struct timeval tv;
        tv.tv_sec = (long)(timeout_ms / 1000);
        tv.tv_usec = (long)(timeout_ms % 1000) * 1000;
        evtimer_add(ctx->timer, &tv); /* re-adding a pending timer reschedules it */
    }
}

/** @endcond */

/**
 * Hand @p client to @p base: from now on the client is driven only by that base
 * (do not use intercom_async_run() / intercom_async_run_until_idle() on it).
 *
 * Call it once per client, after intercom_async_client_new() and before the first
 * request. Everything (submitting, cancelling, freeing, dispatching) then happens
 * on the base's thread.
 *
 * @param client the async client; must have no request in flight
 * @param base   a libevent 2 event base; it must outlive the context
 * @param out    receives the adapter context: owned by the caller, released with
 *               intercom_libevent_free() after intercom_async_client_free() and
 *               before event_base_free(); NULL on failure
 * @param err    filled on failure (may be NULL)
 * @return INTERCOM_OK; INTERCOM_E_INVALID_ARGUMENT (a NULL argument, or requests already
 *         submitted); INTERCOM_E_NOMEM
 */
static inline intercom_code intercom_libevent_attach(intercom_async_client *client, struct event_base *base,
                                                     intercom_libevent_ctx **out, intercom_error *err) {
    intercom_libevent_ctx *ctx;
    intercom_loop_hooks hooks;
    intercom_code rc;
    if (out) *out = NULL;
    if (!client || !base || !out)
        return intercom_libevent__fail(err, INTERCOM_E_INVALID_ARGUMENT, "intercom_libevent_attach: NULL argument");
    if (intercom_async_pending(client))
        return intercom_libevent__fail(err, INTERCOM_E_INVALID_ARGUMENT,
                                       "intercom_libevent_attach: attach the event base before the first request");
    ctx = (intercom_libevent_ctx *)calloc(1, sizeof *ctx);
    if (!ctx) return intercom_libevent__fail(err, INTERCOM_E_NOMEM, "out of memory");
    ctx->timer = evtimer_new(base, intercom_libevent__timer_cb, ctx);
    if (!ctx->timer) {
        free(ctx);
        return intercom_libevent__fail(err, INTERCOM_E_NOMEM, "out of memory");
    }
    ctx->base = base;
    ctx->client = client;
    hooks.version = INTERCOM_LOOP_HOOKS_VERSION;
    hooks.watch = intercom_libevent__watch;
    hooks.timer = intercom_libevent__timer;
    hooks.payload = ctx;
    rc = intercom_async_client_set_loop(client, &hooks, err);
    if (rc != INTERCOM_OK) {
        event_free(ctx->timer);
        free(ctx);
        return rc;
    }
    *out = ctx;
    return INTERCOM_OK;
}

/**
 * Release the adapter context: the timer, any socket event still open (none
 * unless libcurl kept one) and the context itself. Call it after
 * intercom_async_client_free() of its client (never before: the client calls the
 * hooks until it is freed) and before event_base_free(), on the base's thread.
 * @param ctx the context from intercom_libevent_attach(); NULL is a no-op
 */
static inline void intercom_libevent_free(intercom_libevent_ctx *ctx) {
    if (!ctx) return;
    while (ctx->sockets) intercom_libevent__close_socket(ctx->sockets);
    event_free(ctx->timer);
    free(ctx);
}

#ifdef __cplusplus
}
#endif
#endif
