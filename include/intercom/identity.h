/* SPDX-License-Identifier: MIT */
/**
 * @file identity.h
 * @brief Identity verification for the Intercom Messenger: user hashes and signed JWTs.
 *
 * Both are computed on your server with the Messenger's identity verification secret
 * (never ship it to a browser or app) and passed to the Messenger with the user's
 * identity. Nothing here does network I/O; all functions are thread-safe.
 */
#ifndef INTERCOM_IDENTITY_H
#define INTERCOM_IDENTITY_H

#include "common.h"
#include "error.h"

#ifdef __cplusplus
extern "C" {
#endif

struct json_t;

/**
 * The Messenger `user_hash`: HMAC-SHA256 of @p user_id_or_email keyed with @p secret,
 * as 64 lowercase hex digits.
 *
 * @param secret           the identity verification secret (NUL-terminated, non-empty); borrowed
 * @param user_id_or_email the `user_id` you send to the Messenger, or the email when you identify by email
 * @param out_hex          caller storage for 64 hex digits and a NUL; set to "" on failure
 * @param err              optional; filled on failure
 * @return INTERCOM_OK; INTERCOM_E_INVALID_ARGUMENT for a NULL or empty secret or identifier, or NULL out_hex;
 *         INTERCOM_E_INTERNAL when libcrypto fails.
 */
INTERCOM_EXTERN intercom_code intercom_identity_user_hash(const char *secret, const char *user_id_or_email,
                                                          char out_hex[65], intercom_error *err);

/** The version of intercom_identity_jwt_options this header describes. */
#define INTERCOM_IDENTITY_JWT_OPTIONS_VERSION 1

/** Options of intercom_identity_jwt(). Start from ::INTERCOM_IDENTITY_JWT_OPTIONS_INIT. Borrowed during the call. */
typedef struct intercom_identity_jwt_options {
    unsigned version;             /**< INTERCOM_IDENTITY_JWT_OPTIONS_VERSION */
    const char *email;            /**< adds an `email` claim; NULL: none */
    const struct json_t *claims;  /**< a JSON object of further claims (e.g. `name`, `company`), or NULL;
                                       `user_id`, `email`, `iat` and `exp` set here win over the same keys in it;
                                       refcounting: borrowed */
    int64_t expires_in;           /**< seconds from @c issued_at to `exp`; default 3600; must be > 0 */
    int64_t issued_at;            /**< `iat`, epoch seconds; 0 (default): now */
} intercom_identity_jwt_options;

/** Initialiser of intercom_identity_jwt_options: current version, no email, no claims, 3600 s expiry, issued now. */
#define INTERCOM_IDENTITY_JWT_OPTIONS_INIT {INTERCOM_IDENTITY_JWT_OPTIONS_VERSION, NULL, NULL, 3600, 0}

/**
 * A Messenger JWT signed with HS256 (HMAC-SHA256 over `base64url(header).base64url(payload)`,
 * header `{"alg":"HS256","typ":"JWT"}`), whose payload carries `user_id`, the optional
 * `email` and extra claims, `iat` and `exp`.
 *
 * @param secret  the identity verification secret (NUL-terminated, non-empty); borrowed
 * @param user_id the user's id (non-empty)
 * @param opts    NULL for defaults (no email, no extra claims, expiry in 3600 s)
 * @param out     receives the token (NUL-terminated, malloc'd); free with intercom_free_string()
 * @param err     optional; filled on failure
 * @return INTERCOM_OK; INTERCOM_E_INVALID_ARGUMENT for a NULL or empty secret or user_id, NULL out,
 *         an unknown opts->version, claims that are not a JSON object, or expires_in <= 0;
 *         INTERCOM_E_NOMEM; INTERCOM_E_INTERNAL when libcrypto fails.
 */
INTERCOM_EXTERN intercom_code intercom_identity_jwt(const char *secret, const char *user_id,
                                                    const intercom_identity_jwt_options *opts, char **out,
                                                    intercom_error *err);

#ifdef __cplusplus
}
#endif
#endif
