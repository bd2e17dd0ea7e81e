/* SPDX-License-Identifier: MIT */
/**
 * @file oauth.h
 * @brief OAuth for public Intercom apps: the authorization URL and the code-for-token exchange.
 *
 * Flow: send the user to intercom_oauth_authorize_url() (with an unguessable `state`);
 * Intercom redirects back to your redirect URL with `code` and `state`; check `state`,
 * then trade the code with intercom_oauth_exchange() for the workspace's access token.
 */
#ifndef INTERCOM_OAUTH_H
#define INTERCOM_OAUTH_H

#include "common.h"
#include "error.h"
#include "client.h"
#include "async.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Build `https://app.intercom.com/oauth?client_id=...&state=...[&redirect_uri=...]`, each
 * value percent-encoded (RFC 3986 unreserved characters kept).
 *
 * @param client_id    the app's client id (non-empty)
 * @param state        your anti-CSRF value, echoed back on the redirect (non-empty)
 * @param redirect_uri one of the app's registered redirect URLs, or NULL for the first (default) one
 * @param url          receives the URL (malloc'd); free with intercom_free_string()
 * @param err          optional; filled on failure
 * @return INTERCOM_OK; INTERCOM_E_INVALID_ARGUMENT for NULL or empty client_id or state, or NULL url; INTERCOM_E_NOMEM.
 */
INTERCOM_EXTERN intercom_code intercom_oauth_authorize_url(const char *client_id, const char *state,
                                                           const char *redirect_uri, char **url, intercom_error *err);

/** The result of a code exchange. Free with intercom_oauth_token_free(). */
typedef struct intercom_oauth_token {
    char *access_token; /**< the workspace's access token (a secret: pass it as the bearer token, never log it) */
    char *token_type;   /**< "Bearer" as Intercom sends it, or NULL when the response had none */
} intercom_oauth_token;

/**
 * Exchange an authorization code for an access token: `POST /auth/eagle/token` with a
 * JSON body `{"code","client_id","client_secret"}` on the client's API host (its
 * environment's or base URL), through the client's engine: its retries, timeouts and
 * error mapping apply. The request carries no `Authorization` header (the client secret
 * authenticates it). Logging: the request and response bodies (client secret, token)
 * are shown as `[redacted]` at debug level; nothing else carries them.
 *
 * @param client        any client (its bearer token is not sent); borrowed
 * @param code          the `code` Intercom passed to your redirect URL (non-empty)
 * @param client_id     the app's client id (non-empty)
 * @param client_secret the app's client secret (non-empty); borrowed, not kept
 * @param token         receives the token; owned by the caller, free with intercom_oauth_token_free()
 * @param err           optional; filled on failure (err->response owned by err)
 * @return INTERCOM_OK; INTERCOM_E_INVALID_ARGUMENT (NULL or empty arguments, nothing sent);
 *         INTERCOM_E_DECODE when a 2xx body is not JSON with a string `access_token` (or `token`);
 *         any code of a request (connection, timeout, the HTTP status classes: an invalid or
 *         used code is typically INTERCOM_E_BAD_REQUEST or INTERCOM_E_AUTHENTICATION, with the
 *         response in err->response); INTERCOM_E_NOMEM.
 */
INTERCOM_EXTERN intercom_code intercom_oauth_exchange(intercom_client *client, const char *code, const char *client_id,
                                                      const char *client_secret, intercom_oauth_token **token,
                                                      intercom_error *err);

/**
 * The asynchronous intercom_oauth_exchange(): the same request (`POST /auth/eagle/token`, no
 * `Authorization` header, bodies redacted in the debug log) through the async client's engine and loop,
 * with its retries and timeouts.
 *
 * @param client        the async client (its bearer token is not sent); borrowed
 * @param code          as for intercom_oauth_exchange() (non-empty; copied at submission)
 * @param client_id     as for intercom_oauth_exchange() (non-empty; copied at submission)
 * @param client_secret as for intercom_oauth_exchange() (non-empty; copied at submission, not kept after)
 * @param cb            called exactly once from the loop (intercom_async_run() or the caller's loop) when
 *                      this returns INTERCOM_OK: with INTERCOM_OK and the `intercom_oauth_token *` as its
 *                      result (owned by the callback: free with intercom_oauth_token_free()), or with a
 *                      NULL result and any code intercom_oauth_exchange() returns (the error borrowed for
 *                      the callback; a non-2xx response in err->response): INTERCOM_E_INVALID_ARGUMENT for
 *                      a NULL, empty or non-UTF-8 code, client_id or client_secret (nothing sent), the
 *                      HTTP status codes, INTERCOM_E_DECODE for a 2xx without a token, connection errors,
 *                      INTERCOM_E_CANCELLED when the client is freed first, INTERCOM_E_NOMEM
 * @param payload       passed to @p cb
 * @return INTERCOM_OK (then @p cb runs once); INTERCOM_E_INVALID_ARGUMENT when @p client or @p cb is NULL
 *         (no callback); INTERCOM_E_NOMEM when it cannot even be queued (no callback)
 */
INTERCOM_EXTERN intercom_code intercom_oauth_exchange_async(intercom_async_client *client, const char *code,
                                                            const char *client_id, const char *client_secret,
                                                            intercom_callback cb, void *payload);

/**
 * Free a token (its memory is overwritten first).
 * @param token the token from intercom_oauth_exchange() or intercom_oauth_exchange_async(); owned, freed here;
 *              NULL is a no-op
 */
INTERCOM_EXTERN void intercom_oauth_token_free(intercom_oauth_token *token);

#ifdef __cplusplus
}
#endif
#endif
