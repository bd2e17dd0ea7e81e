/* SPDX-License-Identifier: MIT */
/* yajl's bare SAX parse: every callback does the least a decoder must (look at the value). The
 * floor of any yajl-based decoder, shared by bench_decode (a list page) and bench_core (/me). */
#ifndef BENCH_BARE_YAJL_H
#define BENCH_BARE_YAJL_H

#include <stddef.h>
#include <yajl/yajl_parse.h>

static int bare_null(void *c) { ++*(long *)c; return 1; }
static int bare_bool(void *c, int b) { *(long *)c += b; return 1; }
static int bare_num(void *c, const char *s, size_t n) { *(long *)c += (long)n + s[0]; return 1; }
static int bare_str(void *c, const unsigned char *s, size_t n) { *(long *)c += (long)n + (n ? s[0] : 0); return 1; }
static int bare_map(void *c) { ++*(long *)c; return 1; }
static int bare_key(void *c, const unsigned char *s, size_t n) { *(long *)c += (long)n + s[0]; return 1; }
static const yajl_callbacks bare_cb = {bare_null, bare_bool, NULL, NULL, bare_num,
                                       bare_str, bare_map, bare_key, bare_map, bare_map, bare_map};

/* one whole parse of body[0..len), as a decoder handed the whole body would do it */
static inline void bare_yajl_parse(const char *body, size_t len, long *sink) {
    yajl_handle h = yajl_alloc(&bare_cb, NULL, sink);
    yajl_parse(h, (const unsigned char *)body, len);
    yajl_complete_parse(h);
    yajl_free(h);
}

#endif
