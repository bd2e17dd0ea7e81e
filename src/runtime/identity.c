/* SPDX-License-Identifier: MIT */
/* Identity verification: the Messenger's user_hash (HMAC-SHA256) and HS256 JWTs, on libcrypto. */

#include <string.h>
#include <time.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "client.h"

intercom_code intercom_identity_user_hash(const char *secret, const char *id, char out_hex[65], intercom_error *err) {
    if (out_hex) out_hex[0] = '\0';
    if (!out_hex) return ic_fail(err, INTERCOM_E_INVALID_ARGUMENT, "user hash: out_hex is NULL");
    if (!secret || !*secret) return ic_fail(err, INTERCOM_E_INVALID_ARGUMENT, "user hash: the secret is empty");
    if (!id || !*id) return ic_fail(err, INTERCOM_E_INVALID_ARGUMENT, "user hash: the user id or email is empty");
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    if (!HMAC(EVP_sha256(), secret, (int)strlen(secret), (const unsigned char *)id, strlen(id), mac, &n) || n != 32)
        return ic_fail(err, INTERCOM_E_INTERNAL, "user hash: HMAC-SHA256 failed in libcrypto");
    static const char hex[] = "0123456789abcdef";
    for (unsigned i = 0; i < 32; i++) out_hex[2 * i] = hex[mac[i] >> 4], out_hex[2 * i + 1] = hex[mac[i] & 15];
    out_hex[64] = '\0';
    OPENSSL_cleanse(mac, sizeof mac);
    return INTERCOM_OK;
}

/* base64url without padding (RFC 7515) of n bytes, appended to b. */
static int b64url_append(ic_buf *b, const unsigned char *p, size_t n) {
    static const char t[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    char q[4];
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)p[i] << 16 | (i + 1 < n ? (uint32_t)p[i + 1] << 8 : 0) | (i + 2 < n ? p[i + 2] : 0);
        size_t k = n - i >= 3 ? 4 : n - i + 1;
        q[0] = t[v >> 18 & 63], q[1] = t[v >> 12 & 63], q[2] = t[v >> 6 & 63], q[3] = t[v & 63];
        if (ic_buf_append(b, q, k)) return -1;
    }
    return 0;
}

intercom_code intercom_identity_jwt(const char *secret, const char *user_id, const intercom_identity_jwt_options *opts,
                                    char **out, intercom_error *err) {
    if (out) *out = NULL;
    if (!out) return ic_fail(err, INTERCOM_E_INVALID_ARGUMENT, "jwt: out is NULL");
    if (!secret || !*secret) return ic_fail(err, INTERCOM_E_INVALID_ARGUMENT, "jwt: the secret is empty");
    if (!user_id || !*user_id) return ic_fail(err, INTERCOM_E_INVALID_ARGUMENT, "jwt: user_id is empty");
    intercom_identity_jwt_options o = INTERCOM_IDENTITY_JWT_OPTIONS_INIT;
    if (opts) {
        if (opts->version != INTERCOM_IDENTITY_JWT_OPTIONS_VERSION)
            return ic_fail(err, INTERCOM_E_INVALID_ARGUMENT, "jwt: unknown options version %u", opts->version);
        o = *opts;
    }
    if (o.expires_in <= 0) return ic_fail(err, INTERCOM_E_INVALID_ARGUMENT, "jwt: expires_in must be > 0 seconds");
    if (o.claims && !json_is_object(o.claims))
        return ic_fail(err, INTERCOM_E_INVALID_ARGUMENT, "jwt: claims must be a JSON object");
    int64_t iat = o.issued_at ? o.issued_at : (int64_t)time(NULL);
    json_t *juid = json_string(user_id), *jemail = o.email ? json_string(o.email) : NULL;
    if (!juid || (o.email && !jemail)) { /* json_string() refuses invalid UTF-8 */
        json_decref(juid);
        json_decref(jemail);
        return ic_fail(err, INTERCOM_E_INVALID_ARGUMENT, "jwt: user_id and email must be valid UTF-8");
    }
    json_t *payload = o.claims ? json_deep_copy(o.claims) : json_object();
    int bad = !payload;
    if (bad) json_decref(juid), json_decref(jemail); /* json_object_set_new() takes the value, also on failure */
    else if (json_object_set_new(payload, "user_id", juid)) bad = 1, json_decref(jemail);
    else if (jemail && json_object_set_new(payload, "email", jemail)) bad = 1;
    if (!bad) bad = json_object_set_new(payload, "iat", json_integer((json_int_t)iat));
    if (!bad) bad = json_object_set_new(payload, "exp", json_integer((json_int_t)(iat + o.expires_in)));
    char *ptext = bad ? NULL : ic_json_dumps(NULL, payload, JSON_COMPACT);
    json_decref(payload);
    if (!ptext) return ic_fail(err, INTERCOM_E_NOMEM, "out of memory");
    static const char header[] = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";
    ic_buf b = {0};
    intercom_code rc = INTERCOM_OK;
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    if (b64url_append(&b, (const unsigned char *)header, sizeof header - 1) || ic_buf_append(&b, ".", 1) ||
        b64url_append(&b, (const unsigned char *)ptext, strlen(ptext)))
        rc = ic_fail(err, INTERCOM_E_NOMEM, "out of memory");
    else if (!HMAC(EVP_sha256(), secret, (int)strlen(secret), (const unsigned char *)b.data, b.len, mac, &n) || n != 32)
        rc = ic_fail(err, INTERCOM_E_INTERNAL, "jwt: HMAC-SHA256 failed in libcrypto");
    else if (ic_buf_append(&b, ".", 1) || b64url_append(&b, mac, n) || ic_buf_append(&b, "", 0))
        rc = ic_fail(err, INTERCOM_E_NOMEM, "out of memory");
    ic_free(NULL, ptext);
    OPENSSL_cleanse(mac, sizeof mac);
    if (rc) {
        ic_buf_free(&b);
        return rc;
    }
    *out = b.data;
    return INTERCOM_OK;
}
