/* SPDX-License-Identifier: MIT */
/* libFuzzer target: the streaming decoder of every generated response type.
 * Input: bytes 0-1 pick the type (little-endian index into intercom_types_at), byte 2 where to
 * split the rest into two chunks
 * (exercising decoding across chunk boundaries), the rest is the body. Every
 * successful decode is re-encoded, re-decoded, and its raw JSON built. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <intercom/intercom.h>

static size_t n_types(void) {
    size_t n = 0;
    n = intercom_types_count();
    return n;
}

static void one(const intercom_type *t, int strict, const uint8_t *p, size_t n, size_t split) {
    intercom_decoder *d = NULL;
    if (intercom_decoder_new(&d, t, strict, n, NULL, NULL) != INTERCOM_OK) return;
    intercom_error err = INTERCOM_ERROR_INIT;
    void *m = NULL;
    if (!intercom_decoder_feed(d, (const char *)p, split, NULL) &&
        !intercom_decoder_feed(d, (const char *)p + split, n - split, NULL) &&
        intercom_decoder_finish(d, &m, &err) == INTERCOM_OK) {
        char *js = NULL;
        size_t jl = 0;
        if (intercom_to_json_as(t, m, 0, &js, &jl, NULL) == INTERCOM_OK) {
            void *again = NULL;
            /* what we wrote must read back, and write the same again */
            if (intercom_from_json(t, js, jl, strict, &again, NULL) == INTERCOM_OK) {
                char *js2 = NULL;
                size_t jl2 = 0;
                if (intercom_to_json_as(t, again, 0, &js2, &jl2, NULL) == INTERCOM_OK &&
                    (jl2 != jl || memcmp(js, js2, jl)))
                    abort(); /* encode(decode(encode(x))) != encode(x) */
                intercom_free_string(js2);
                intercom_free(t, again);
            }
            intercom_free_string(js);
        }
        intercom_free(t, m);
    }
    intercom_error_clear(&err);
    intercom_decoder_free(d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 3) return 0;
    const intercom_type *t = intercom_types_at((data[0] | (size_t)data[1] << 8) % n_types());
    if (t->kind == INTERCOM_TYPE_ENUM) return 0;
    size_t n = size - 3;
    size_t split = n ? data[2] % (n + 1) : 0;
    one(t, 0, data + 3, n, split);
    one(t, 1, data + 3, n, split);
    void *m = NULL;
    if (intercom_from_json(t, (const char *)data + 3, n, 0, &m, NULL) == INTERCOM_OK) {
        if (t->kind == INTERCOM_TYPE_OBJECT) intercom_model_raw_json(m);
        intercom_free(t, m);
    }
    return 0;
}
