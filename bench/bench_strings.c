/* SPDX-License-Identifier: MIT */
/* Long-string benchmark (issue 8, item 1): one JSON string of 1, 4, 16 and 60 MB inside a
 * `/me`-shaped body (admin_with_app), fed to the streaming decoder in 16 KiB chunks as libcurl
 * delivers it, and in one piece. Prints ms per MB for each size; decoding is linear when
 * the chunked ms/MB stays flat (within 2x) across sizes.
 *
 *   bench_strings [--quick]   (--quick: 1, 4 and 16 MB only) */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <intercom/intercom.h>

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static const intercom_type *type_named(const char *name) {
    const intercom_type *t;
    if (intercom_type_find(name, &t, NULL) == INTERCOM_OK) return t;
    return NULL;
}

/* Decode @p body in @p chunk-byte pieces (0: one piece); returns seconds, or -1 on failure. */
static double decode(const intercom_type *t, const char *body, size_t len, size_t chunk) {
    double t0 = now();
    intercom_decoder *d = NULL;
    if (intercom_decoder_new(&d, t, 0, 0, NULL, NULL) != INTERCOM_OK) return -1;
    intercom_decoder_set_memory_factor(d, 0);
    if (!chunk) chunk = len;
    for (size_t off = 0; off < len; off += chunk)
        if (intercom_decoder_feed(d, body + off, len - off < chunk ? len - off : chunk, NULL)) {
            intercom_decoder_free(d);
            return -1;
        }
    void *m = NULL;
    intercom_error err = INTERCOM_ERROR_INIT;
    intercom_code rc = intercom_decoder_finish(d, &m, &err);
    intercom_decoder_free(d);
    if (rc) {
        fprintf(stderr, "decode failed: %s\n", err.message ? err.message : "?");
        intercom_error_clear(&err);
        return -1;
    }
    intercom_free(t, m);
    return now() - t0;
}

int main(int argc, char **argv) {
    int quick = argc > 1 && !strcmp(argv[1], "--quick");
    const intercom_type *t = type_named("admin_with_app");
    if (!t) return 1;
    static const size_t mb[] = {1, 4, 16, 60};
    size_t n_sizes = quick ? 3 : 4;
    printf("bench_strings: one JSON string in an admin_with_app body, 16 KiB chunks vs one piece\n");
    double lo = 1e9, hi = 0;
    for (size_t i = 0; i < n_sizes; i++) {
        size_t slen = mb[i] << 20;
        const char *pre = "{\"type\":\"admin\",\"id\":\"1\",\"name\":\"", *post = "\",\"email\":\"a@b.c\"}";
        size_t len = strlen(pre) + slen + strlen(post);
        char *body = malloc(len + 1);
        if (!body) return 1;
        memcpy(body, pre, strlen(pre));
        for (size_t k = 0; k < slen; k++) body[strlen(pre) + k] = (char)('a' + k % 26);
        memcpy(body + strlen(pre) + slen, post, strlen(post) + 1);
        double chunked = decode(t, body, len, 16384), whole = decode(t, body, len, 0);
        free(body);
        if (chunked < 0 || whole < 0) return 1;
        double per = chunked * 1000 / (double)mb[i];
        if (per < lo) lo = per;
        if (per > hi) hi = per;
        printf("  %2zu MB string: 16 KiB chunks %8.2f ms/MB   one piece %8.2f ms/MB\n", mb[i], per,
               whole * 1000 / (double)mb[i]);
        printf("BENCH_STRINGS mb=%zu chunked_ms_per_mb=%.3f whole_ms_per_mb=%.3f\n", mb[i], per, whole * 1000 / (double)mb[i]);
    }
    printf("  chunked ms/MB spread: x%.2f (linear when <= 2)\n", hi / lo);
    return 0;
}
