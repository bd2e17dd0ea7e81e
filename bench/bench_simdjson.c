/* SPDX-License-Identifier: MIT */
/* Issue 12 item 1, the parser trial: the contacts page of bench_decode (150 contacts, about 300 KB)
 * through four variants, interleaved page by page, in one run:
 *   bare yajl            yajl_parse with empty callbacks (bench_decode's floor)
 *   libintercom-yajl     ic_decode_buffer(): yajl's events into the typed structs (the default)
 *   bare simdjson        On-Demand over the whole body, every value visited, empty callbacks
 *   libintercom-simdjson ic_decode_with(ic_simdjson_drive): the same events from simdjson into the same
 *                        descriptor walker (src/runtime/parse_simdjson.cpp)
 * Both typed variants must produce the same structs (their JSON re-encodings compared) or it exits 1.
 * Built with -DINTERCOM_SIMDJSON=ON.   bench_simdjson [--pages N] */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <yajl/yajl_parse.h>

#include "runtime/internal.h"

#include "bare_yajl.h"
#include "contacts_page.h"

int ic_simdjson_drive(const void *yajl_cb, void *ctx, const char *p, size_t n, const void *arg, const char **why);


static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}
static int cmp_d(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* the measured loops, one function each (callgrind: --toggle-collect='v_*') */
__attribute__((noinline)) void v_bare_yajl(const char *b, size_t n, long *sink) {
    yajl_handle h = yajl_alloc(&bare_cb, NULL, sink);
    if (yajl_parse(h, (const unsigned char *)b, n) != yajl_status_ok || yajl_complete_parse(h) != yajl_status_ok) exit(1);
    yajl_free(h);
}
__attribute__((noinline)) void v_ic_yajl(const intercom_type *t, const char *b, size_t n) {
    void *m;
    if (ic_decode_buffer(NULL, t, 0, b, n, &m, NULL) != INTERCOM_OK) exit(1);
    intercom_free(t, m);
}
__attribute__((noinline)) void v_bare_simdjson(const char *b, size_t n, long *sink) {
    const char *why = NULL;
    if (ic_simdjson_drive(&bare_cb, sink, b, n, NULL, &why)) {
        fprintf(stderr, "bench_simdjson: %s\n", why);
        exit(1);
    }
}
__attribute__((noinline)) void v_ic_simdjson(const intercom_type *t, const char *b, size_t n) {
    void *m;
    if (ic_decode_with(NULL, t, 0, b, n, ic_simdjson_drive, NULL, &m, NULL) != INTERCOM_OK) exit(1);
    intercom_free(t, m);
}

static char *encode(const intercom_type *t, const char *b, size_t n, int simd) {
    void *m = NULL;
    intercom_error err = INTERCOM_ERROR_INIT;
    intercom_code rc = simd ? ic_decode_with(NULL, t, 1, b, n, ic_simdjson_drive, NULL, &m, &err) : ic_decode_buffer(NULL, t, 1, b, n, &m, &err);
    if (rc != INTERCOM_OK) {
        fprintf(stderr, "bench_simdjson: %s decode failed: %s\n", simd ? "simdjson" : "yajl", err.message);
        exit(1);
    }
    char *s = NULL;
    if (intercom_to_json(m, 0, &s, NULL, NULL) != INTERCOM_OK) exit(1);
    intercom_free(t, m);
    return s;
}

int main(int argc, char **argv) {
    int pages = 200;
    for (int i = 1; i < argc; i++)
        if (!strcmp(argv[i], "--pages") && i + 1 < argc) pages = atoi(argv[++i]);
    const intercom_type *t = NULL;
    if (intercom_type_find("contact_list", &t, NULL) != INTERCOM_OK) return 2;
    size_t len;
    char *body = make_page(150, &len);
    /* what simdjson's parser keeps between bodies (its per-thread buffers, sized by the body) */
    struct mallinfo2 m0 = mallinfo2();
    long sink = 0;
    v_bare_simdjson(body, len, &sink);
    struct mallinfo2 m1 = mallinfo2();
    char *a = encode(t, body, len, 0), *b = encode(t, body, len, 1);
    int same = !strcmp(a, b);
    intercom_free_string(a);
    intercom_free_string(b);
    if (!same) {
        fprintf(stderr, "bench_simdjson: the two parsers decoded different structs\n");
        return 1;
    }
    enum { BY, IY, BS, IS, NV };
    const char *names[NV] = {"bare yajl (empty callbacks)", "libintercom-yajl (default)", "bare simdjson On-Demand",
                             "libintercom-simdjson"};
    double *tm[NV];
    for (int v = 0; v < NV; v++) tm[v] = calloc((size_t)pages, sizeof(double));
    for (int p = 0; p < pages; p++)
        for (int k = 0; k < NV; k++) {
            int v = (p & 1) ? NV - 1 - k : k; /* order flipped every page */
            double t0 = now();
            if (v == BY) v_bare_yajl(body, len, &sink);
            else if (v == IY) v_ic_yajl(t, body, len);
            else if (v == BS) v_bare_simdjson(body, len, &sink);
            else v_ic_simdjson(t, body, len);
            tm[v][p] = now() - t0;
        }
    double med[NV];
    for (int v = 0; v < NV; v++) {
        qsort(tm[v], (size_t)pages, sizeof(double), cmp_d);
        med[v] = tm[v][pages / 2];
    }
    printf("bench_simdjson: contacts page of 150 contacts, %zu bytes, %d pages per variant (medians, interleaved)\n", len,
           pages);
    for (int v = 0; v < NV; v++)
        printf("  %-30s %8.3f ms/page %8.1f MB/s  x%.2f of bare yajl  x%.2f of libintercom-yajl\n", names[v],
               med[v] * 1e3, (double)len / med[v] / 1e6, med[v] / med[BY], med[v] / med[IY]);
    size_t kept = (m1.uordblks + m1.hblkhd) - (m0.uordblks + m0.hblkhd); /* heap and mmap'd blocks */
    printf("  simdjson parser buffers kept between bodies: %zu bytes (x%.2f of the body)\n", kept,
           (double)kept / (double)len);
    printf("BENCH_SIMDJSON bytes=%zu bare_yajl_ms=%.3f ic_yajl_ms=%.3f bare_simdjson_ms=%.3f ic_simdjson_ms=%.3f "
           "ic_yajl_x=%.2f ic_simdjson_x=%.2f simdjson_vs_yajl_typed=%.2f parser_kept_bytes=%zu same_structs=1 sink=%ld\n",
           len, med[BY] * 1e3, med[IY] * 1e3, med[BS] * 1e3, med[IS] * 1e3, med[IY] / med[BY], med[IS] / med[BY],
           med[IS] / med[IY], kept, sink % 2);
    for (int v = 0; v < NV; v++) free(tm[v]);
    free(body);
    return 0;
}
