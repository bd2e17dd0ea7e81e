/**
 * @file async.h
 * @brief The asynchronous client: the same requests as the sync client,
 *        completed through callbacks, on the same request engine.
 *
 * An ::intercom_async_client owns one libcurl multi handle. It is driven by one
 * thread at a time, either by its own loop (intercom_async_run(),
 * intercom_async_run_until_idle()) or by the caller's event loop through
 * ::intercom_loop_hooks (libcurl's multi_socket API underneath; header-only
 * adapters: <intercom/adapters/libuv.h>, <intercom/adapters/libevent.h>).
 *
 * Callback contract (hiredis/libcurl style):
 * - a submit function that returns INTERCOM_OK calls its callback exactly
 *   once, later, on the loop thread: on success, on failure, on
 *   intercom_async_cancel() and on intercom_async_client_free() (code
 *   INTERCOM_E_CANCELLED);
 * - a submit function that returns an error never calls its callback;
 * - callbacks are never called from inside the submitting function;
 * - the result passed to the callback belongs to the callback (free it with its
 *   typed free or intercom_model_free()); the error is valid only during the call;
 * - callbacks may submit new requests and cancel others, but must not free the client.
 */
#ifndef INTERCOM_ASYNC_H
#define INTERCOM_ASYNC_H

#include "client.h"

#ifdef __cplusplus
extern "C" {
#endif

/** An asynchronous client. Opaque. */
typedef struct intercom_async_client intercom_async_client;

/**
 * Completion of an async request.
 * @param code    INTERCOM_OK or the failure
 * @param result  the typed result (e.g. `intercom_admin_with_app *`), or the
 *                `intercom_response *` of intercom_async_request(); NULL on failure.
 *                Ownership passes to the callback.
 * @param err     details on failure; borrowed, valid only during the callback
 * @param payload the caller's pointer given at submission
 */
typedef void (*intercom_callback)(intercom_code code, void *result, const intercom_error *err, void *payload);

/** Create an async client; same options as intercom_client_new(). Free with intercom_async_client_free(). */
INTERCOM_EXTERN intercom_code intercom_async_client_new(intercom_async_client **out,
                                                        const intercom_client_options *opts, intercom_error *err);

/** Cancel everything in flight (each callback runs with INTERCOM_E_CANCELLED), close connections, free. */
INTERCOM_EXTERN void intercom_async_client_free(intercom_async_client *client);

/**
 * Run the client's own loop once: wait up to @p timeout_ms for network activity
 * or a due retry, then process it and run completed callbacks.
 * @return the number of requests still in flight
 */
INTERCOM_EXTERN size_t intercom_async_run(intercom_async_client *client, long timeout_ms);

/** Run the own loop until no request is in flight. */
INTERCOM_EXTERN void intercom_async_run_until_idle(intercom_async_client *client);

/** Requests submitted and not yet completed. */
INTERCOM_EXTERN size_t intercom_async_pending(const intercom_async_client *client);

/**
 * Cancel one request: its callback runs with INTERCOM_E_CANCELLED before this
 * returns (so do not call it from inside that request's own callback). Any request
 * not yet completed can be cancelled, from anywhere on the loop thread (also from
 * another request's callback, while it waits to start, between retries, or in flight).
 * @return INTERCOM_OK, or INTERCOM_E_INVALID_ARGUMENT when the id is not in flight
 *         (unknown, or already completed)
 */
INTERCOM_EXTERN intercom_code intercom_async_cancel(intercom_async_client *client, uint64_t id);

/** Events for ::intercom_loop_hooks.watch and intercom_async_socket_action(). */
enum { INTERCOM_POLL_IN = 1, INTERCOM_POLL_OUT = 2 };

#define INTERCOM_LOOP_HOOKS_VERSION 1

/**
 * The caller's event loop. Set with intercom_async_client_set_loop() before
 * the first submission; from then on the own-loop functions must not be used.
 */
typedef struct intercom_loop_hooks {
    unsigned version; /**< INTERCOM_LOOP_HOOKS_VERSION */
    /**
     * Watch @p fd for @p events (INTERCOM_POLL_IN|OUT); events == 0: stop watching
     * it. @p socket_data is a per-socket slot for the loop's own bookkeeping (NULL
     * the first time a socket is seen; what is stored there comes back on later calls).
     * When the fd is ready, call intercom_async_socket_action().
     */
    void (*watch)(int fd, int events, void **socket_data, void *loop_payload);
    /**
     * Arm a one-shot timer to fire in @p timeout_ms (0: as soon as possible), replacing
     * any earlier one; -1: disarm. When it fires, call intercom_async_timeout().
     */
    void (*timer)(long timeout_ms, void *loop_payload);
    void *payload;
} intercom_loop_hooks;

/** Hand the client to the caller's loop. The hooks struct is copied. */
INTERCOM_EXTERN intercom_code intercom_async_client_set_loop(intercom_async_client *client,
                                                             const intercom_loop_hooks *hooks, intercom_error *err);

/** Tell the client that @p fd is ready for @p events. Runs completed callbacks. */
INTERCOM_EXTERN void intercom_async_socket_action(intercom_async_client *client, int fd, int events);

/** Tell the client its timer fired. Runs completed callbacks and starts due retries. */
INTERCOM_EXTERN void intercom_async_timeout(intercom_async_client *client);

/**
 * Asynchronous intercom_request(); @p result of the callback is an
 * `intercom_response *` (free with intercom_response_free()).
 */
INTERCOM_EXTERN intercom_code intercom_async_request(intercom_async_client *client, const char *method,
                                                     const char *path, const intercom_kv *query,
                                                     const struct json_t *body, const intercom_request_options *ro,
                                                     intercom_callback cb, void *payload);

#ifdef __cplusplus
}
#endif
#endif
