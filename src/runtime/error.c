/* SPDX-License-Identifier: MIT */
/* Result codes, error records, and Intercom's JSON error bodies. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"

const char *intercom_strerror(intercom_code code) {
    switch (code) {
    case INTERCOM_OK: return "ok";
    case INTERCOM_E_CONNECTION: return "connection error";
    case INTERCOM_E_TIMEOUT: return "timeout";
    case INTERCOM_E_BAD_REQUEST: return "bad request (HTTP 400)";
    case INTERCOM_E_AUTHENTICATION: return "authentication error (HTTP 401)";
    case INTERCOM_E_PERMISSION_DENIED: return "permission denied (HTTP 403)";
    case INTERCOM_E_NOT_FOUND: return "not found (HTTP 404)";
    case INTERCOM_E_UNPROCESSABLE_ENTITY: return "unprocessable entity (HTTP 422)";
    case INTERCOM_E_RATE_LIMIT: return "rate limit (HTTP 429)";
    case INTERCOM_E_INTERNAL_SERVER: return "internal server error (HTTP 5xx)";
    case INTERCOM_E_STATUS: return "unexpected HTTP status";
    case INTERCOM_E_DECODE: return "decode error";
    case INTERCOM_E_SIGNATURE: return "webhook signature mismatch";
    case INTERCOM_E_INVALID_ARGUMENT: return "invalid argument";
    case INTERCOM_E_NOMEM: return "out of memory";
    case INTERCOM_E_RESPONSE_TOO_LARGE: return "response too large";
    case INTERCOM_E_CANCELLED: return "cancelled";
    case INTERCOM_E_INTERNAL: return "internal error";
    }
    return "unknown error";
}

int intercom_code_is_connection(intercom_code c) { return c == INTERCOM_E_CONNECTION || c == INTERCOM_E_TIMEOUT; }
int intercom_code_is_status(intercom_code c) { return c >= INTERCOM_E_BAD_REQUEST && c <= INTERCOM_E_STATUS; }
int intercom_code_is_api_error(intercom_code c) { return intercom_code_is_connection(c) || intercom_code_is_status(c); }

intercom_code intercom_code_from_status(int status) {
    if (status >= 200 && status < 300) return INTERCOM_OK;
    switch (status) {
    case 400: return INTERCOM_E_BAD_REQUEST;
    case 401: return INTERCOM_E_AUTHENTICATION;
    case 403: return INTERCOM_E_PERMISSION_DENIED;
    case 404: return INTERCOM_E_NOT_FOUND;
    case 422: return INTERCOM_E_UNPROCESSABLE_ENTITY;
    case 429: return INTERCOM_E_RATE_LIMIT;
    default: return status >= 500 ? INTERCOM_E_INTERNAL_SERVER : INTERCOM_E_STATUS;
    }
}

/* The one table from a libcurl result to the class a caller expects (the engine adds detail:
 * a body over max_response_size, a body callback that stopped, an idle timeout, running out of
 * file descriptors; see classify() in engine.c). INTERCOM_E_INVALID_ARGUMENT only where the
 * caller's configuration is at fault (an unusable local_address or CA bundle, a URL or option
 * libcurl refuses): those are not retried. Anything the server or the network did is a
 * connection error (retried by retry.c), a timeout, or a response too large. */
intercom_code ic_code_from_curl(int cc) {
    switch ((CURLcode)cc) {
    case CURLE_OK: return INTERCOM_OK;
    case CURLE_OPERATION_TIMEDOUT: return INTERCOM_E_TIMEOUT;
    case CURLE_OUT_OF_MEMORY: return INTERCOM_E_NOMEM;
    case CURLE_FILESIZE_EXCEEDED: return INTERCOM_E_RESPONSE_TOO_LARGE;
    case CURLE_ABORTED_BY_CALLBACK: return INTERCOM_E_CANCELLED;
    case CURLE_WRITE_ERROR: return INTERCOM_E_NOMEM; /* our write callback refused: it could not keep the bytes */
    /* the caller's configuration */
    case CURLE_URL_MALFORMAT:
    case CURLE_BAD_FUNCTION_ARGUMENT:
    case CURLE_UNKNOWN_OPTION:
    case CURLE_NOT_BUILT_IN:
    case CURLE_INTERFACE_FAILED:      /* local_address */
    case CURLE_SSL_CACERT_BADFILE:    /* ca_bundle */
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_CERTPROBLEM:       /* client certificate (curl_hook) */
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_SSL_ENGINE_INITFAILED:
    case CURLE_LOGIN_DENIED:
        return INTERCOM_E_INVALID_ARGUMENT;
    /* what the server, a proxy or the network did: HTTP/0.9, a status line like "000"
     * (UNSUPPORTED_PROTOCOL / WEIRD_SERVER_REPLY), resets, TLS failures, DNS, refused */
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_WEIRD_SERVER_REPLY:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_PARTIAL_FILE:
    case CURLE_GOT_NOTHING:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_HTTP3:
    case CURLE_QUIC_CONNECT_ERROR:
    case CURLE_PROXY:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_SHUTDOWN_FAILED:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_BAD_CONTENT_ENCODING:
    case CURLE_SEND_FAIL_REWIND:
    case CURLE_READ_ERROR:
    case CURLE_AGAIN:
    case CURLE_NO_CONNECTION_AVAILABLE:
    case CURLE_UNRECOVERABLE_POLL:
    case CURLE_RANGE_ERROR:
    case CURLE_TOO_MANY_REDIRECTS:
        return INTERCOM_E_CONNECTION;
    default:
        return INTERCOM_E_CONNECTION;
    }
}

void intercom_error_clear(intercom_error *err) {
    if (!err) return;
    const intercom_allocator *a = ic_err_alloc(err);
    ic_free(a, err->message);
    ic_free(a, err->request_id);
    for (size_t i = 0; i < err->errors_count; i++) {
        ic_free(a, err->errors[i].code);
        ic_free(a, err->errors[i].message);
        ic_free(a, err->errors[i].field);
    }
    ic_free(a, err->errors);
    intercom_response_free(err->response);
    *err = (intercom_error)INTERCOM_ERROR_INIT;
}

intercom_code ic_fail(intercom_error *err, intercom_code code, const char *fmt, ...) {
    if (!err) return code;
    const intercom_allocator *a = err->allocator;
    intercom_error_clear(err);
    err->allocator = a; /* the record keeps the allocator of its call */
    err->code = code;
    va_list ap;
    va_start(ap, fmt);
    if (ic_vasprintf(a, &err->message, fmt, ap) < 0) err->message = NULL;
    va_end(ap);
    return code;
}

/* A string member as a new string of @p a; *oom set when it could not be copied. */
static char *dup_json_string(const intercom_allocator *a, json_t *o, const char *key, int *oom) {
    const char *s = json_string_value(json_object_get(o, key));
    char *d = s ? ic_astrndup(a, s, json_string_length(json_object_get(o, key))) : NULL;
    if (s && !d) *oom = 1;
    return d;
}

/* The text of an HTML page a proxy sent: its <title>, else its <h1>, else its text without
 * tags; whitespace collapsed, at most 200 bytes. */
static int html_text(ic_buf *msg, const char *body, size_t len) {
    const char *from = NULL, *to = body + len;
    static const char *const tags[][2] = {{"<title", "</title"}, {"<h1", "</h1"}};
    for (size_t t = 0; t < 2 && !from; t++) {
        const char *o = memmem(body, len, tags[t][0], strlen(tags[t][0]));
        if (!o) continue;
        const char *gt = memchr(o, '>', (size_t)(to - o));
        const char *c = gt ? memmem(gt, (size_t)(to - gt), tags[t][1], strlen(tags[t][1])) : NULL;
        if (gt && c && c > gt + 1) from = gt + 1, to = c;
    }
    if (!from) from = body;
    size_t out = 0;
    int in_tag = 0, space = 1;
    for (const char *p = from; p < to && out < 200; p++) {
        unsigned char c = (unsigned char)*p;
        if (c == '<') in_tag = 1;
        else if (c == '>') in_tag = 0, c = ' ';
        if (in_tag) continue;
        if (c <= ' ') {
            if (space) continue;
            c = ' ', space = 1;
        } else {
            space = 0;
        }
        if (ic_buf_append(msg, &c, 1)) return -1;
        out++;
    }
    while (msg->len && msg->data[msg->len - 1] == ' ') msg->data[--msg->len] = '\0';
    return 0;
}

/* The first non-empty line of a text body, at most 200 bytes. */
static int text_line(ic_buf *msg, const char *body, size_t len) {
    size_t i = 0;
    while (i < len && (body[i] == '\r' || body[i] == '\n' || body[i] == ' ' || body[i] == '\t')) i++;
    size_t n = 0;
    while (i + n < len && body[i + n] != '\r' && body[i + n] != '\n' && n < 200) n++;
    return ic_buf_append(msg, body + i, n);
}

/* The message of an error object: "message", else "error" (a string, or an object holding a
 * message), else OAuth's "error_description", else "detail" / "title" (RFC 7807). */
static const char *object_message(json_t *o, int depth) {
    static const char *const keys[] = {"message", "error", "error_description", "detail", "title"};
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
        json_t *v = json_object_get(o, keys[i]);
        if (json_is_string(v) && *json_string_value(v)) return json_string_value(v);
        if (json_is_object(v) && depth < 2) {
            const char *m = object_message(v, depth + 1);
            if (m) return m;
        }
    }
    return NULL;
}

/* Fill message, request_id and errors[] from an error body. The shapes Intercom (and what
 * stands in front of it) sends, each giving its text to err.message:
 *   {"type":"error.list","request_id":..,"errors":[{"code","message","field"}]}   (the documented one)
 *   {"status":400,"error":"<text>"}          (malformed request JSON)
 *   {"error":{"message":..}}, {"message":..}, {"error_description":..}, {"errors":["<text>"]}
 *   an HTML page from a proxy or load balancer (its <title>/<h1>), plain text (its first line).
 * Out of memory anywhere: -1, and the record holds INTERCOM_E_NOMEM (status kept), not a
 * partial errors[]. */
int ic_error_from_body(intercom_error *err, const char *body, size_t len) {
    json_error_t je;
    ic_json_oom_take();
    json_t *root = len ? json_loadb(body, len, JSON_DECODE_ANY, &je) : NULL;
    const intercom_allocator *a = ic_err_alloc(err);
    /* Jansson reports some of its allocation failures without a code or text (json_loadb's lexer) */
    int oom = ic_json_oom_take() ||
              (len && !root && (json_error_code(&je) == json_error_out_of_memory || !je.text[0]));
    if (oom) json_decref(root), root = NULL; /* possibly missing bytes: never reported as the server's words */
    ic_buf msg = {.a = a};
    oom |= ic_buf_printf(&msg, "HTTP %d", err->status) != 0;
    if (json_is_object(root)) {
        err->request_id = dup_json_string(a, root, "request_id", &oom);
        json_t *list = json_object_get(root, "errors");
        size_t n = json_is_array(list) ? json_array_size(list) : 0;
        if (n && !(err->errors = ic_calloc(a, n, sizeof *err->errors))) oom = 1;
        if (n && err->errors) {
            for (size_t i = 0; i < n; i++) {
                json_t *e = json_array_get(list, i);
                intercom_error_item *it;
                if (json_is_string(e)) {
                    it = &err->errors[err->errors_count++];
                    if (!(it->message = ic_astrdup(a, json_string_value(e)))) oom = 1;
                    continue;
                }
                if (!json_is_object(e)) continue;
                it = &err->errors[err->errors_count++];
                it->code = dup_json_string(a, e, "code", &oom);
                it->message = dup_json_string(a, e, "message", &oom);
                it->field = dup_json_string(a, e, "field", &oom);
            }
        }
        const char *m;
        if (err->errors_count && (err->errors[0].code || err->errors[0].message)) {
            const intercom_error_item *it = &err->errors[0];
            oom |= ic_buf_printf(&msg, ": %s%s%s", it->code ? it->code : "", it->code && it->message ? ": " : "",
                          it->message ? it->message : "");
        } else if ((m = object_message(root, 0))) {
            oom |= ic_buf_printf(&msg, ": %.*s", 500, m) != 0;
        }
    } else if (json_is_string(root)) {
        oom |= ic_buf_printf(&msg, ": %.*s", 500, json_string_value(root)) != 0;
    } else if (len) {
        size_t i = 0;
        while (i < len && (body[i] == ' ' || body[i] == '\t' || body[i] == '\r' || body[i] == '\n')) i++;
        int html = i < len && body[i] == '<';
        oom |= ic_buf_append(&msg, ": ", 2) != 0;
        size_t before = msg.len;
        oom |= (html ? html_text(&msg, body, len) : text_line(&msg, body, len)) != 0;
        if (msg.len == before && msg.data) msg.data[msg.len -= 2] = '\0'; /* nothing useful: "HTTP 502" */
    }
    json_decref(root);
    ic_free(a, err->message);
    err->message = msg.data ? msg.data : ic_astrdup(a, "HTTP error");
    if (!oom && err->message) return 0;
    int status = err->status;
    ic_fail(err, INTERCOM_E_NOMEM, "out of memory reading the error body of HTTP %d", status);
    err->status = status;
    return -1;
}

intercom_code intercom_error_from_body(int status, const void *body, size_t len, intercom_error *err) {
    if (!err) return INTERCOM_E_INVALID_ARGUMENT;
    if (status < 300 || status > 999)
        return ic_fail(err, INTERCOM_E_INVALID_ARGUMENT, "intercom_error_from_body: status %d is not an error status (300-999)",
                       status);
    if (!body && len) return ic_fail(err, INTERCOM_E_INVALID_ARGUMENT, "intercom_error_from_body: body is NULL");
    intercom_code code = intercom_code_from_status(status);
    ic_fail(err, code, "HTTP %d", status);
    err->status = status;
    if (ic_error_from_body(err, body ? (const char *)body : "", len)) return INTERCOM_E_NOMEM; /* err: NOMEM */
    return code;
}
