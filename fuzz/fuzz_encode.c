/* SPDX-License-Identifier: MIT */
/* libFuzzer target: request encoding. Input: bytes 0-1 pick an operation (little-endian index
 * into intercom_operations_at), byte 2 bit 0 strict decoding; the rest is the operation's params as
 * JSON (the CLI's --data). The params are decoded into the params struct, then the request is
 * built (URL with path and query, headers, JSON body) exactly as a call would send it. Checked:
 * nothing crashes or leaks; the URL stays on the configured host and holds only printable
 * ASCII (everything else percent-encoded); a body is valid UTF-8 JSON that decodes back into
 * the params type; and the params re-encoded with intercom_to_json_as() read back to the same
 * text (encode(decode(encode(x))) == encode(x)). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_parse.h>

#include "runtime/internal.h"

#define BASE "http://127.0.0.1:9"

static size_t n_ops(void) {
    size_t n = 0;
    n = intercom_operations_count();
    return n;
}

static ic_config *config(void) {
    static ic_config *cfg;
    if (!cfg) {
        intercom_client_options o = INTERCOM_CLIENT_OPTIONS_INIT;
        o.bearer_token = "fuzz";
        o.base_url = BASE;
        if (ic_config_new(&cfg, &o, NULL) != INTERCOM_OK) abort();
    }
    return cfg;
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
    const ic_operation *op = intercom_operations_at((data[0] | (size_t)data[1] << 8) % n_ops());
    if (!op->params) return 0;
    int strict = data[2] & 1;
    const char *json = (const char *)data + 3;
    size_t n = size - 3;
    void *params = NULL;
    if (intercom_from_json(op->params, json, n, strict, &params, NULL) != INTERCOM_OK) return 0;

    ic_req_spec spec;
    intercom_error err = INTERCOM_ERROR_INIT;
    if (ic_spec_build(&spec, config(), NULL, NULL, op, params, NULL, NULL, NULL, &err) == INTERCOM_OK) {
        if (strncmp(spec.url, BASE "/", strlen(BASE) + 1)) abort(); /* another host or a path not under it */
        for (const char *u = spec.url; *u; u++)
            if ((unsigned char)*u <= 0x20 || (unsigned char)*u >= 0x7f) abort();
        if (spec.body) {
            if (!ic_utf8_valid(spec.body, spec.body_len) || !json_ok(spec.body, spec.body_len)) abort();
            void *back = NULL;
            intercom_code rc = intercom_from_json(op->params, spec.body, spec.body_len, 0, &back, NULL);
            if (rc != INTERCOM_OK && rc != INTERCOM_E_NOMEM && rc != INTERCOM_E_RESPONSE_TOO_LARGE) abort();
            intercom_free(op->params, back);
        }
        ic_spec_clear(&spec);
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
