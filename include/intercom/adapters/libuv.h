/* SPDX-License-Identifier: MIT */
/**
 * @file libuv.h
 * @brief Drive an ::intercom_async_client from a libuv loop (header-only).
 *
 * Every function here is `static inline`, so libintercom itself never links
 * libuv: include this header in the program that owns the loop and link that
 * program with libuv (`pkg-config --cflags --libs libuv`).
 *
 * How it works: the adapter implements ::intercom_loop_hooks. Each socket
 * libcurl asks to watch gets a `uv_poll_t` (allocated on first use and kept in
 * the hook's per-socket slot); one `uv_timer_t` serves the client's timer (libcurl
 * timeouts and retry back-off). Readiness is reported with
 * intercom_async_socket_action(), the timer with intercom_async_timeout(); a poll
 * error is reported as readable+writable, so libcurl looks at the socket and sees
 * the failure. When no request is in flight the adapter keeps no active handle,
 * so `uv_run(loop, UV_RUN_DEFAULT)` returns once the last callback has run
 * (unless the program has handles of its own).
 *
 * Note: on glibc, `uv.h` needs POSIX declarations (`pthread_rwlock_t`), so a
 * strict `-std=c11` build must define e.g. `_POSIX_C_SOURCE 200809L` or
 * `_GNU_SOURCE` before its first include (`-std=gnu11` needs nothing).
 *
 * Usage (single thread: the loop's):
 * @code
 *   uv_loop_t loop;
 *   uv_loop_init(&loop);
 *   intercom_async_client *client;
 *   intercom_async_client_new(&client, &opts, &err);
 *   intercom_libuv_ctx *ctx;
 *   if (intercom_libuv_attach(client, &loop, &ctx, &err) != INTERCOM_OK) ...;
 *   intercom_async_request(client, "GET", "/me", NULL, NULL, NULL, on_done, NULL);
 *   uv_run(&loop, UV_RUN_DEFAULT);           // returns when every callback has run
 *
 *   // shutdown, in this order:
 *   intercom_async_client_free(client);      // 1. cancels what is in flight (callbacks run
 *                                            //    with INTERCOM_E_CANCELLED); libcurl closes its
 *                                            //    sockets and the adapter closes their handles
 *   intercom_libuv_free(ctx);                // 2. closes the timer and any handle left
 *   uv_run(&loop, UV_RUN_DEFAULT);           // 3. let the close callbacks release the memory
 *   uv_loop_close(&loop);                    //    returns 0: no handle is left behind
 * @endcode
 *
 * The order matters: the client calls the adapter's hooks until
 * intercom_async_client_free() returns (it stops watching its sockets while it
 * tears down), so the context must outlive the client; and the memory of libuv
 * handles may only be released from their close callbacks, hence step 3 (steps
 * 1-2 may also run inside a callback of a running loop, e.g. a signal or timer
 * handler of the program, in which case the running loop does step 3; never from
 * inside an intercom callback, which must not free the client).
 */
#ifndef INTERCOM_ADAPTERS_LIBUV_H
#define INTERCOM_ADAPTERS_LIBUV_H

#include <stdlib.h>
#include <string.h>

#include <uv.h>

#include "../async.h"

#ifdef __cplusplus
extern "C" {
#endif

/** One watched socket. Private to the adapter. */
typedef struct intercom_libuv_socket {
    uv_poll_t poll;                        /**< first member: the handle is the allocation */
    struct intercom_libuv_ctx *ctx;        /**< the adapter it belongs to */
    struct intercom_libuv_socket *prev;    /**< list of live sockets */
    struct intercom_libuv_socket *next;    /**< list of live sockets */
    int fd;                                /**< the socket */
    int events;                            /**< UV_READABLE|UV_WRITABLE libcurl asked for */
} intercom_libuv_socket;

/**
 * The adapter's state for one client on one loop, returned by
 * intercom_libuv_attach(). Owned by the caller, released with
 * intercom_libuv_free(); the fields are private.
 */
typedef struct intercom_libuv_ctx {
    uv_timer_t timer;                      /**< first member: freed from its close callback */
    uv_loop_t *loop;                       /**< the loop (borrowed) */
    intercom_async_client *client;         /**< the client (borrowed) */
    intercom_libuv_socket *sockets;        /**< live (not closing) poll handles */
    size_t nsockets;                       /**< entries in sockets */
} intercom_libuv_ctx;

/** @cond INTERCOM_PRIVATE (the adapter's hooks: not part of the API) */
static inline intercom_code intercom_libuv__fail(intercom_error *err, intercom_code code, const char *msg) {
    if (err) {
        size_t n = strlen(msg) + 1;
        intercom_error_clear(err);
        err->code = code;
        err->message = (char *)malloc(n);
        if (err->message) memcpy(err->message, msg, n);
    }
    return code;
}

static inline void intercom_libuv__free_handle(uv_handle_t *h) { free(h->data); }

/* Stop watching a socket and close its handle (freed by the close callback). */
static inline void intercom_libuv__close_socket(intercom_libuv_socket *s) {
    intercom_libuv_ctx *ctx = s->ctx;
    if (s->prev) s->prev->next = s->next;
    else ctx->sockets = s->next;
    if (s->next) s->next->prev = s->prev;
    ctx->nsockets--;
    uv_poll_stop(&s->poll);
    uv_close((uv_handle_t *)&s->poll, intercom_libuv__free_handle);
}

static inline void intercom_libuv__poll_cb(uv_poll_t *h, int status, int events) {
    intercom_libuv_socket *s = (intercom_libuv_socket *)h->data;
    int ev = 0;
    if (status < 0) ev = INTERCOM_POLL_IN | INTERCOM_POLL_OUT; /* libcurl finds the error itself */
    else {
        if (events & (UV_READABLE | UV_DISCONNECT)) ev |= INTERCOM_POLL_IN;
        if (events & UV_WRITABLE) ev |= INTERCOM_POLL_OUT;
    }
    intercom_async_socket_action(s->ctx->client, s->fd, ev);
    /* `s` is still allocated here even if libcurl let the socket go meanwhile: a closed
     * handle is only freed from the loop's close phase. libuv stops a handle that
     * reported an error; if libcurl still wants the socket, watch it again. */
    if (status < 0 && !uv_is_closing((uv_handle_t *)h) && !uv_is_active((uv_handle_t *)h))
        uv_poll_start(h, s->events, intercom_libuv__poll_cb);
}

static inline void intercom_libuv__watch(int fd, int events, void **socket_data, void *payload) {
    intercom_libuv_ctx *ctx = (intercom_libuv_ctx *)payload;
    intercom_libuv_socket *s = (intercom_libuv_socket *)*socket_data;
    if (!events) {
        if (s) intercom_libuv__close_socket(s);
        *socket_data = NULL;
        return;
    }
    if (!s) {
        /* Out of memory or a refused fd leaves the socket unwatched: its request then ends
         * with the client's timeout (libcurl asks again when it wants other events). */
        s = (intercom_libuv_socket *)calloc(1, sizeof *s);
        if (!s) return;
        if (uv_poll_init_socket(ctx->loop, &s->poll, (uv_os_sock_t)fd) != 0) {
            free(s);
            return;
        }
        s->poll.data = s;
        s->ctx = ctx;
        s->fd = fd;
        s->next = ctx->sockets;
        if (ctx->sockets) ctx->sockets->prev = s;
        ctx->sockets = s;
        ctx->nsockets++;
        *socket_data = s;
    }
    s->events = ((events & INTERCOM_POLL_IN) ? UV_READABLE : 0) | ((events & INTERCOM_POLL_OUT) ? UV_WRITABLE : 0);
    uv_poll_start(&s->poll, s->events, intercom_libuv__poll_cb);
}

static inline void intercom_libuv__timer_cb(uv_timer_t *t) {
    intercom_libuv_ctx *ctx = (intercom_libuv_ctx *)t->data;
    intercom_async_timeout(ctx->client);
}

static inline void intercom_libuv__timer(long timeout_ms, void *payload) {
    intercom_libuv_ctx *ctx = (intercom_libuv_ctx *)payload;
    if (timeout_ms < 0) uv_timer_stop(&ctx->timer);
    else uv_timer_start(&ctx->timer, intercom_libuv__timer_cb, (uint64_t)timeout_ms, 0);
}

/** @endcond */

/**
 * Hand @p client to @p loop: from now on the client is driven only by that loop
 * (do not use intercom_async_run() / intercom_async_run_until_idle() on it).
 *
 * Call it once per client, after intercom_async_client_new() and before the first
 * request. Everything (submitting, cancelling, freeing, running the loop) then
 * happens on the loop's thread.
 *
 * @param client the async client; must have no request in flight
 * @param loop   an initialised libuv loop; it must outlive the context
 * @param out    receives the adapter context: owned by the caller, released with
 *               intercom_libuv_free() after intercom_async_client_free(); NULL on failure
 * @param err    filled on failure (may be NULL)
 * @return INTERCOM_OK; INTERCOM_E_INVALID_ARGUMENT (a NULL argument, or requests already
 *         submitted); INTERCOM_E_NOMEM; INTERCOM_E_INTERNAL (libuv refused the timer)
 */
static inline intercom_code intercom_libuv_attach(intercom_async_client *client, uv_loop_t *loop,
                                                  intercom_libuv_ctx **out, intercom_error *err) {
    intercom_libuv_ctx *ctx;
    intercom_loop_hooks hooks;
    intercom_code rc;
    if (out) *out = NULL;
    if (!client || !loop || !out)
        return intercom_libuv__fail(err, INTERCOM_E_INVALID_ARGUMENT, "intercom_libuv_attach: NULL argument");
    if (intercom_async_pending(client))
        return intercom_libuv__fail(err, INTERCOM_E_INVALID_ARGUMENT,
                                    "intercom_libuv_attach: attach the loop before the first request");
    ctx = (intercom_libuv_ctx *)calloc(1, sizeof *ctx);
    if (!ctx) return intercom_libuv__fail(err, INTERCOM_E_NOMEM, "out of memory");
    if (uv_timer_init(loop, &ctx->timer) != 0) {
        free(ctx); /* a handle whose init failed is not registered with the loop */
        return intercom_libuv__fail(err, INTERCOM_E_INTERNAL, "intercom_libuv_attach: uv_timer_init failed");
    }
    ctx->timer.data = ctx;
    ctx->loop = loop;
    ctx->client = client;
    hooks.version = INTERCOM_LOOP_HOOKS_VERSION;
    hooks.watch = intercom_libuv__watch;
    hooks.timer = intercom_libuv__timer;
    hooks.payload = ctx;
    rc = intercom_async_client_set_loop(client, &hooks, err);
    if (rc != INTERCOM_OK) {
        /* the timer is registered now: its memory goes with its close callback */
        uv_close((uv_handle_t *)&ctx->timer, intercom_libuv__free_handle);
        return rc;
    }
    *out = ctx;
    return INTERCOM_OK;
}

/**
 * Release the adapter context. Call it after intercom_async_client_free() of its
 * client (never before: the client calls the hooks until it is freed), on the
 * loop's thread, before uv_loop_close(). It closes the timer and any poll handle
 * still open; the memory is released by the close callbacks, so run the loop
 * afterwards (`uv_run(loop, UV_RUN_DEFAULT)`, or simply keep it running) before
 * uv_loop_close().
 * @param ctx the context from intercom_libuv_attach(); NULL is a no-op
 */
static inline void intercom_libuv_free(intercom_libuv_ctx *ctx) {
    if (!ctx) return;
    while (ctx->sockets) intercom_libuv__close_socket(ctx->sockets); /* none unless libcurl kept one */
    uv_timer_stop(&ctx->timer);
    uv_close((uv_handle_t *)&ctx->timer, intercom_libuv__free_handle);
}

#ifdef __cplusplus
}
#endif
#endif
