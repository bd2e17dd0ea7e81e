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

/* Arguments checked, and the request body built: NULL with the error in @p err. */
static json_t *exchange_body(const char *code, const char *client_id, const char *client_secret, intercom_code *rc,
                             intercom_error *err) {
    *rc = INTERCOM_E_INVALID_ARGUMENT;
    if (!code || !*code) return ic_fail(err, *rc, "oauth exchange: code is empty"), NULL;
    if (!client_id || !*client_id) return ic_fail(err, *rc, "oauth exchange: client_id is empty"), NULL;
    if (!client_secret || !*client_secret) return ic_fail(err, *rc, "oauth exchange: client_secret is empty"), NULL;
    json_t *body = json_pack("{s:s, s:s, s:s}", "code", code, "client_id", client_id, "client_secret", client_secret);
    if (!body) return ic_fail(err, *rc, "oauth exchange: code, client_id and client_secret must be UTF-8"), NULL;
    *rc = INTERCOM_OK;
    return body;
}

/* The token of a 2xx exchange response; the response is wiped and freed here. */
static intercom_code token_from_response(intercom_response *resp, intercom_oauth_token **token, intercom_error *err) {
    intercom_code rc = INTERCOM_OK;
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

intercom_code intercom_oauth_exchange(intercom_client *client, const char *code, const char *client_id,
                                      const char *client_secret, intercom_oauth_token **token, intercom_error *err) {
    if (token) *token = NULL;
    if (!client || !token) return ic_fail(err, INTERCOM_E_INVALID_ARGUMENT, "oauth exchange: client and token are required");
    intercom_code rc;
    json_t *body = exchange_body(code, client_id, client_secret, &rc, err);
    if (!body) return rc;
    /* the client's bearer token belongs to another workspace (or is a placeholder): not sent */
    intercom_response *resp = NULL;
    rc = ic_request_redacted(client, "POST", "/auth/eagle/token", body, NULL, &resp, err);
    json_decref(body); /* the request body was built from it and freed by the engine */
    if (rc) return rc;
    return token_from_response(resp, token, err);
}

typedef struct exchange_ctx {
    intercom_callback cb;
    void *payload;
    const intercom_allocator *a; /* of this context */
} exchange_ctx;

static void exchange_done(intercom_code code, void *result, const intercom_error *err, void *payload) {
    exchange_ctx ctx = *(exchange_ctx *)payload;
    ic_free(ctx.a, payload);
    if (code) {
        ctx.cb(code, NULL, err, ctx.payload);
        return;
    }
    intercom_oauth_token *t = NULL;
    intercom_error e = ic_error_init(ctx.a);
    code = token_from_response(result, &t, &e);
    ctx.cb(code, t, code ? &e : NULL, ctx.payload);
    intercom_error_clear(&e);
}

intercom_code intercom_oauth_exchange_async(intercom_async_client *client, const char *code, const char *client_id,
                                            const char *client_secret, intercom_callback cb, void *payload) {
    if (!client || !cb) return INTERCOM_E_INVALID_ARGUMENT;
    const intercom_allocator *a = ic_async_client_alloc(client);
    exchange_ctx *ctx = ic_malloc(a, sizeof *ctx);
    if (!ctx) return INTERCOM_E_NOMEM;
    *ctx = (exchange_ctx){cb, payload, a};
    intercom_error e = ic_error_init(a);
    intercom_code rc;
    json_t *body = exchange_body(code, client_id, client_secret, &rc, &e);
    if (body) { /* serialised at submission */
        rc = ic_request_redacted_async(client, "POST", "/auth/eagle/token", body, NULL, exchange_done, ctx);
        json_decref(body);
    } else { /* refused arguments reach the callback from the loop, as for every async call */
        rc = ic_async_submit_error(client, rc, &e, exchange_done, ctx);
    }
    if (rc) ic_free(a, ctx);
    return rc;
}
