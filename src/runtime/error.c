/* Result codes, error records, and Intercom's JSON error bodies. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

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

/* Fill message, request_id and errors[] from an Intercom error body
 * ({"type":"error.list","request_id":..,"errors":[{"code","message","field"}]}).
 * A body that is not JSON becomes the message as text (first line, bounded).
 * Out of memory anywhere: -1, and the record holds INTERCOM_E_NOMEM (status kept), not a
 * partial errors[]. */
int ic_error_from_body(intercom_error *err, const char *body, size_t len) {
    json_error_t je;
    ic_json_oom_take();
    json_t *root = len ? json_loadb(body, len, 0, &je) : NULL;
    const intercom_allocator *a = ic_err_alloc(err);
    /* Jansson reports some of its allocation failures without a code or text (json_loadb's lexer) */
    int oom = ic_json_oom_take() ||
              (len && !root && (json_error_code(&je) == json_error_out_of_memory || !je.text[0] || strstr(je.text, "memory")));
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
                if (!json_is_object(e)) continue;
                intercom_error_item *it = &err->errors[err->errors_count++];
                it->code = dup_json_string(a, e, "code", &oom);
                it->message = dup_json_string(a, e, "message", &oom);
                it->field = dup_json_string(a, e, "field", &oom);
            }
        }
        if (err->errors_count) {
            const intercom_error_item *it = &err->errors[0];
            oom |= ic_buf_printf(&msg, ": %s%s%s", it->code ? it->code : "", it->code && it->message ? ": " : "",
                          it->message ? it->message : "");
        } else {
            const char *m = json_string_value(json_object_get(root, "message"));
            if (m) oom |= ic_buf_printf(&msg, ": %s", m) != 0;
        }
    } else if (len) {
        size_t n = strcspn(body, "\r\n");
        if (n > len) n = len;
        if (n > 200) n = 200;
        oom |= ic_buf_printf(&msg, ": %.*s", (int)n, body) != 0;
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
