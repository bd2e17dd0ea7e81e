/* SPDX-License-Identifier: MIT */
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
 *   once, on the loop thread: on success or failure as the loop runs, and with
 *   INTERCOM_E_CANCELLED inside intercom_async_cancel() and
 *   intercom_async_client_free() (before they return);
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

/**
 * Create an async client with its own libcurl multi handle.
 * @param out  receives the client, owned by the caller: free with intercom_async_client_free(); NULL
 *             on failure
 * @param opts the same options as intercom_client_new() (copied; an older version is accepted), or
 *             NULL for the defaults
 * @param err  optional; filled on failure
 * @return INTERCOM_OK; INTERCOM_E_INVALID_ARGUMENT for what intercom_client_new() refuses (no token,
 *         unknown environment or options version, a header with CR/LF, a negative timeout, ...);
 *         INTERCOM_E_NOMEM; INTERCOM_E_INTERNAL when libcurl cannot be initialised
 */
INTERCOM_EXTERN intercom_code intercom_async_client_new(intercom_async_client **out,
                                                        const intercom_client_options *opts, intercom_error *err);

/**
 * Cancel everything in flight (each callback runs with INTERCOM_E_CANCELLED, before this returns),
 * close the connections and release the client. Not from inside one of its callbacks.
 * @param client the client; NULL is a no-op
 */
INTERCOM_EXTERN void intercom_async_client_free(intercom_async_client *client);

/**
 * Run the client's own loop once: wait up to @p timeout_ms for network activity
 * or a due retry, then process it and run completed callbacks.
 * @param client     the client (NULL gives 0)
 * @param timeout_ms the longest wait, in milliseconds; 0 (or negative) does not wait
 * @return the number of requests still in flight
 */
INTERCOM_EXTERN size_t intercom_async_run(intercom_async_client *client, long timeout_ms);

/**
 * Run the own loop until no request is in flight (every callback has run).
 * @param client the client; NULL is a no-op
 */
INTERCOM_EXTERN void intercom_async_run_until_idle(intercom_async_client *client);

/**
 * Requests submitted whose callback has not run yet.
 * @param client the client (NULL gives 0)
 * @return the count
 */
INTERCOM_EXTERN size_t intercom_async_pending(const intercom_async_client *client);

/**
 * Cancel one request: its callback runs with INTERCOM_E_CANCELLED before this
 * returns (so do not call it from inside that request's own callback). Any request
 * not yet completed can be cancelled, from anywhere on the loop thread (also from
 * another request's callback, while it waits to start, between retries, or in flight).
 * @param client the client
 * @param id     the id received through intercom_request_options.async_id at submission
 * @return INTERCOM_OK; INTERCOM_E_INVALID_ARGUMENT when @p client is NULL or the id is not in flight
 *         (unknown, or its callback already ran)
 */
INTERCOM_EXTERN intercom_code intercom_async_cancel(intercom_async_client *client, uint64_t id);

/** Events for ::intercom_loop_hooks.watch and intercom_async_socket_action(). */
enum intercom_poll_events {
    INTERCOM_POLL_IN = 1,  /**< the socket is (to be watched for being) readable */
    INTERCOM_POLL_OUT = 2  /**< the socket is (to be watched for being) writable */
};

/** The version of ::intercom_loop_hooks this header declares. */
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
    void *payload; /**< passed as loop_payload to watch and timer */
} intercom_loop_hooks;

/**
 * Hand the client to the caller's event loop.
 * @param client the client, before its first submission
 * @param hooks  the loop's callbacks (copied)
 * @param err    optional; filled on failure
 * @return INTERCOM_OK; INTERCOM_E_INVALID_ARGUMENT when @p client or @p hooks is NULL, the version is
 *         not ::INTERCOM_LOOP_HOOKS_VERSION, watch or timer is NULL, or a request was already submitted
 */
INTERCOM_EXTERN intercom_code intercom_async_client_set_loop(intercom_async_client *client,
                                                             const intercom_loop_hooks *hooks, intercom_error *err);

/**
 * Tell the client that a watched socket is ready. Runs completed callbacks.
 * @param client the client; NULL is a no-op
 * @param fd     the socket given to ::intercom_loop_hooks.watch
 * @param events what it is ready for: INTERCOM_POLL_IN | INTERCOM_POLL_OUT
 */
INTERCOM_EXTERN void intercom_async_socket_action(intercom_async_client *client, int fd, int events);

/**
 * Tell the client its timer (armed through ::intercom_loop_hooks.timer) fired. Runs completed
 * callbacks and starts due retries.
 * @param client the client; NULL is a no-op
 */
INTERCOM_EXTERN void intercom_async_timeout(intercom_async_client *client);

/**
 * Asynchronous intercom_request(): any method and path, with every client option.
 * @param client  the async client
 * @param method  "GET", "POST", "PUT", "PATCH", "DELETE" or "HEAD" (case-insensitive)
 * @param path    e.g. "/me"; appended to the base URL as given (encode it yourself)
 * @param query   {NULL,NULL}-terminated, values are percent-encoded (copied); may be NULL
 * @param body    JSON body (serialised at submission; borrowed), or NULL for none
 * @param ro      request options (copied at submission; an older version is accepted), or NULL
 * @param cb      called exactly once from the loop; its `result` is the 2xx `intercom_response *`,
 *                owned by the callback (free with intercom_response_free()); on failure the code is
 *                any code intercom_request() returns, the non-2xx response in err->response
 * @param payload passed to @p cb
 * @return INTERCOM_OK (then @p cb runs once, also when the arguments are refused: that error is
 *         delivered through @p cb); INTERCOM_E_INVALID_ARGUMENT when @p client or @p cb is NULL (no
 *         callback then); INTERCOM_E_NOMEM when it cannot even be queued (no callback then)
 */
INTERCOM_EXTERN intercom_code intercom_async_request(intercom_async_client *client, const char *method,
                                                     const char *path, const intercom_kv *query,
                                                     const struct json_t *body, const intercom_request_options *ro,
                                                     intercom_callback cb, void *payload);

#ifdef __cplusplus
}
#endif
#endif
