/* libFuzzer target: the streaming decoder of every generated response type.
 * Input: byte 0 picks the type, byte 1 where to split the rest into two chunks
 * (exercising decoding across chunk boundaries), the rest is the body. Every
 * successful decode is re-encoded, re-decoded, and its raw JSON built. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/internal.h"

static size_t n_types(void) {
    size_t n = 0;
    while (ic_all_types[n]) n++;
    return n;
}

static void one(const intercom_type *t, int strict, const uint8_t *p, size_t n, size_t split) {
    ic_decoder *d = ic_decoder_new(t, strict, n);
    if (!d) return;
    intercom_error err = INTERCOM_ERROR_INIT;
    void *m = NULL;
    if (!ic_decoder_feed(d, (const char *)p, split) && !ic_decoder_feed(d, (const char *)p + split, n - split) &&
        ic_decoder_finish(d, &m, &err) == INTERCOM_OK) {
        char *js = NULL;
        size_t jl = 0;
        if (intercom_to_json(m, 0, &js, &jl, NULL) == INTERCOM_OK) {
            void *again = NULL;
            /* what we wrote must read back (strings may be invalid UTF-8 only if the input was) */
            if (ic_decode_buffer(t, strict, js, jl, &again, NULL) == INTERCOM_OK) intercom_model_free(again);
            intercom_free_string(js);
        }
        intercom_model_free(m);
    }
    intercom_error_clear(&err);
    ic_decoder_free(d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 2) return 0;
    const intercom_type *t = ic_all_types[data[0] % n_types()];
    size_t n = size - 2;
    size_t split = n ? data[1] % (n + 1) : 0;
    one(t, 0, data + 2, n, split);
    one(t, 1, data + 2, n, split);
    void *m = NULL;
    if (ic_decode_buffer(t, 0, (const char *)data + 2, n, &m, NULL) == INTERCOM_OK) {
        intercom_model_raw_json(m);
        intercom_model_free(m);
    }
    return 0;
}
