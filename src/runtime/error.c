/* SPDX-License-Identifier: MIT */
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
    free(err->message);
    free(err->request_id);
    for (size_t i = 0; i < err->errors_count; i++) {
        free(err->errors[i].code);
        free(err->errors[i].message);
        free(err->errors[i].field);
    }
    free(err->errors);
    intercom_response_free(err->response);
    *err = (intercom_error)INTERCOM_ERROR_INIT;
}

intercom_code ic_fail(intercom_error *err, intercom_code code, const char *fmt, ...) {
    if (!err) return code;
    intercom_error_clear(err);
    err->code = code;
    va_list ap;
    va_start(ap, fmt);
    if (vasprintf(&err->message, fmt, ap) < 0) err->message = NULL;
    va_end(ap);
    return code;
}

static char *dup_json_string(json_t *o, const char *key) {
    const char *s = json_string_value(json_object_get(o, key));
    return s ? strdup(s) : NULL;
}

/* Fill message, request_id and errors[] from an Intercom error body
 * ({"type":"error.list","request_id":..,"errors":[{"code","message","field"}]}).
 * A body that is not JSON becomes the message as text (first line, bounded). */
void ic_error_from_body(intercom_error *err, const char *body, size_t len) {
    json_t *root = len ? json_loadb(body, len, 0, NULL) : NULL;
    ic_buf msg = {0};
    ic_buf_printf(&msg, "HTTP %d", err->status);
    if (json_is_object(root)) {
        err->request_id = dup_json_string(root, "request_id");
        json_t *list = json_object_get(root, "errors");
        size_t n = json_is_array(list) ? json_array_size(list) : 0;
        if (n && (err->errors = calloc(n, sizeof *err->errors))) {
            for (size_t i = 0; i < n; i++) {
                json_t *e = json_array_get(list, i);
                if (!json_is_object(e)) continue;
                intercom_error_item *it = &err->errors[err->errors_count++];
                it->code = dup_json_string(e, "code");
                it->message = dup_json_string(e, "message");
                it->field = dup_json_string(e, "field");
            }
        }
        if (err->errors_count) {
            const intercom_error_item *it = &err->errors[0];
            ic_buf_printf(&msg, ": %s%s%s", it->code ? it->code : "", it->code && it->message ? ": " : "",
                          it->message ? it->message : "");
        } else {
            const char *m = json_string_value(json_object_get(root, "message"));
            if (m) ic_buf_printf(&msg, ": %s", m);
        }
    } else if (len) {
        size_t n = strcspn(body, "\r\n");
        if (n > len) n = len;
        if (n > 200) n = 200;
        ic_buf_printf(&msg, ": %.*s", (int)n, body);
    }
    json_decref(root);
    free(err->message);
    err->message = msg.data ? msg.data : strdup("HTTP error");
}
