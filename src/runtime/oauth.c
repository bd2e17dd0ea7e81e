/* SPDX-License-Identifier: MIT */
/* OAuth for public apps: the authorization URL and the code exchange (through the engine,
 * bodies redacted in logs). */

#include <string.h>

#include <openssl/crypto.h>

#include "client.h"

static int append_encoded(ic_buf *b, const char *s) {
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        int keep = (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-' ||
                   *p == '.' || *p == '_' || *p == '~';
        char e[3] = {'%', hex[*p >> 4], hex[*p & 15]};
        if (keep ? ic_buf_append(b, p, 1) : ic_buf_append(b, e, 3)) return -1;
    }
    return 0;
}

intercom_code intercom_oauth_authorize_url(const char *client_id, const char *state, const char *redirect_uri,
                                           char **url, intercom_error *err) {
    if (url) *url = NULL;
    if (!url) return ic_fail(err, INTERCOM_E_INVALID_ARGUMENT, "oauth authorize url: url is NULL");
    if (!client_id || !*client_id) return ic_fail(err, INTERCOM_E_INVALID_ARGUMENT, "oauth authorize url: client_id is empty");
    if (!state || !*state) return ic_fail(err, INTERCOM_E_INVALID_ARGUMENT, "oauth authorize url: state is empty");
    ic_buf b = {0};
    int bad = ic_buf_printf(&b, "https://app.intercom.com/oauth?client_id=") || append_encoded(&b, client_id) ||
              ic_buf_printf(&b, "&state=") || append_encoded(&b, state);
    if (!bad && redirect_uri) bad = ic_buf_printf(&b, "&redirect_uri=") || append_encoded(&b, redirect_uri);
    if (bad) {
        ic_buf_free(&b);
        return ic_fail(err, INTERCOM_E_NOMEM, "out of memory");
    }
    *url = b.data;
    return INTERCOM_OK;
}

void intercom_oauth_token_free(intercom_oauth_token *t) {
    if (!t) return;
    if (t->access_token) OPENSSL_cleanse(t->access_token, strlen(t->access_token));
    ic_free(NULL, t->access_token);
    ic_free(NULL, t->token_type);
    ic_free(NULL, t);
}

static void cleanse_response(intercom_response *r) {
    if (r && r->body) OPENSSL_cleanse(r->body, r->body_len);
}

intercom_code intercom_oauth_exchange(intercom_client *client, const char *code, const char *client_id,
                                      const char *client_secret, intercom_oauth_token **token, intercom_error *err) {
    if (token) *token = NULL;
    if (!client || !token) return ic_fail(err, INTERCOM_E_INVALID_ARGUMENT, "oauth exchange: client and token are required");
    if (!code || !*code) return ic_fail(err, INTERCOM_E_INVALID_ARGUMENT, "oauth exchange: code is empty");
    if (!client_id || !*client_id) return ic_fail(err, INTERCOM_E_INVALID_ARGUMENT, "oauth exchange: client_id is empty");
    if (!client_secret || !*client_secret)
        return ic_fail(err, INTERCOM_E_INVALID_ARGUMENT, "oauth exchange: client_secret is empty");
    json_t *body = json_pack("{s:s, s:s, s:s}", "code", code, "client_id", client_id, "client_secret", client_secret);
    if (!body) return ic_fail(err, INTERCOM_E_INVALID_ARGUMENT, "oauth exchange: code, client_id and client_secret must be UTF-8");
    /* the client's bearer token belongs to another workspace (or is a placeholder): not sent */
    intercom_response *resp = NULL;
    intercom_code rc = ic_request_redacted(client, "POST", "/auth/eagle/token", body, NULL, &resp, err);
    json_decref(body); /* the request body was built from it and freed by the engine */
    if (rc) return rc;
    json_t *root = json_loadb(resp->body ? resp->body : "", resp->body_len, 0, NULL);
    const char *tok = json_string_value(json_object_get(root, "access_token"));
    if (!tok) tok = json_string_value(json_object_get(root, "token"));
    const char *type = json_string_value(json_object_get(root, "token_type"));
    intercom_oauth_token *t = NULL;
    if (!tok || !*tok) {
        rc = ic_fail(err, INTERCOM_E_DECODE, "oauth exchange: the %d response has no string \"access_token\"",
                     resp->status);
    } else if (!(t = ic_calloc(NULL, 1, sizeof *t)) || !(t->access_token = ic_astrdup(NULL, tok)) ||
               (type && !(t->token_type = ic_astrdup(NULL, type)))) {
        intercom_oauth_token_free(t);
        t = NULL;
        rc = ic_fail(err, INTERCOM_E_NOMEM, "out of memory");
    }
    if (root) { /* wipe the token from the parsed copy too */
        json_t *v = json_object_get(root, "access_token");
        if (json_is_string(v)) OPENSSL_cleanse((char *)json_string_value(v), json_string_length(v));
        v = json_object_get(root, "token");
        if (json_is_string(v)) OPENSSL_cleanse((char *)json_string_value(v), json_string_length(v));
    }
    json_decref(root);
    cleanse_response(resp);
    intercom_response_free(resp);
    *token = t;
    return rc;
}
