/* SPDX-License-Identifier: MIT */
/* libFuzzer target: request encoding. Input: bytes 0-1 pick an operation (little-endian index
 * into intercom_operations_at), byte 2 bit 0 strict decoding; the rest is the operation's params as
 * JSON (the CLI's --data). The params are decoded into the params struct, then the request is
 * built (URL with path and query, headers, JSON body) exactly as a call would send it, through the
 * public dry-run builder intercom_operation_prepare(). Checked:
 * nothing crashes or leaks; the URL stays on the configured host and holds only printable
 * ASCII (everything else percent-encoded); the bearer token appears in no header; a body is valid
 * UTF-8 JSON (yajl validates UTF-8) that decodes back into
 * the params type; and the params re-encoded with intercom_to_json_as() read back to the same
 * text (encode(decode(encode(x))) == encode(x)). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_parse.h>

#include <intercom/intercom.h>

#define BASE "http://127.0.0.1:9"

static size_t n_ops(void) {
    size_t n = 0;
    n = intercom_operations_count();
    return n;
}

#define TOKEN "fuzz-secret-token"

static intercom_client *client(void) {
    static intercom_client *c;
    if (!c) {
        intercom_client_options o = INTERCOM_CLIENT_OPTIONS_INIT;
        o.bearer_token = TOKEN;
        o.base_url = BASE;
        if (intercom_client_new(&c, &o, NULL) != INTERCOM_OK) abort();
    }
    return c;
}

static int json_ok(const char *p, size_t n) {
    yajl_handle h = yajl_alloc(NULL, NULL, NULL);
    if (!h) return 1; /* out of memory: nothing to judge */
    int ok = yajl_parse(h, (const unsigned char *)p, n) == yajl_status_ok && yajl_complete_parse(h) == yajl_status_ok;
    yajl_free(h);
    return ok;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 3) return 0;
    const intercom_operation *op = intercom_operations_at((data[0] | (size_t)data[1] << 8) % n_ops());
    if (!op->params) return 0;
    int strict = data[2] & 1;
    const char *json = (const char *)data + 3;
    size_t n = size - 3;
    void *params = NULL;
    if (intercom_from_json(op->params, json, n, strict, &params, NULL) != INTERCOM_OK) return 0;

    intercom_prepared_request *req = NULL;
    intercom_error err = INTERCOM_ERROR_INIT;
    if (intercom_operation_prepare(client(), op, params, NULL, &req, &err) == INTERCOM_OK) {
        if (strncmp(req->url, BASE "/", strlen(BASE) + 1)) abort(); /* another host or a path not under it */
        for (const char *u = req->url; *u; u++)
            if ((unsigned char)*u <= 0x20 || (unsigned char)*u >= 0x7f) abort();
        for (size_t i = 0; i < req->headers_count; i++)
            if (strstr(req->headers[i].value, TOKEN)) abort(); /* the dry run holds no secret */
        if (req->body) {
            if (!json_ok(req->body, req->body_len)) abort();
            void *back = NULL;
            intercom_code rc = intercom_from_json(op->params, req->body, req->body_len, 0, &back, NULL);
            if (rc != INTERCOM_OK && rc != INTERCOM_E_NOMEM && rc != INTERCOM_E_RESPONSE_TOO_LARGE) abort();
            intercom_free(op->params, back);
        }
        intercom_prepared_request_free(req);
    }
    intercom_error_clear(&err);

    char *js = NULL;
    size_t jl = 0;
    if (intercom_to_json_as(op->params, params, 0, &js, &jl, NULL) == INTERCOM_OK) {
        void *again = NULL;
        if (intercom_from_json(op->params, js, jl, 0, &again, NULL) == INTERCOM_OK) {
            char *js2 = NULL;
            size_t jl2 = 0;
            if (intercom_to_json_as(op->params, again, 0, &js2, &jl2, NULL) == INTERCOM_OK &&
                (jl2 != jl || memcmp(js, js2, jl)))
                abort();
            intercom_free_string(js2);
            intercom_free(op->params, again);
        }
        intercom_free_string(js);
    }
    intercom_free(op->params, params);
    return 0;
}
