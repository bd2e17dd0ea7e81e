/* SPDX-License-Identifier: MIT */
/* Small helpers: growable buffers, strings, clocks, header validation. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core.h"

int ic_buf_append(ic_buf *b, const void *p, size_t n) {
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n + 1) {
            if (cap > SIZE_MAX / 2) return -1;
            cap *= 2;
        }
        char *d = ic_realloc(b->a, b->data, cap);
        if (!d) return -1;
        b->data = d;
        b->cap = cap;
    }
    if (n) memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return 0;
}

int ic_buf_printf(ic_buf *b, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    char small[256];
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) return -1;
    if ((size_t)n < sizeof small) return ic_buf_append(b, small, (size_t)n);
    char *big = ic_malloc(b->a, (size_t)n + 1);
    if (!big) return -1;
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    int rc = ic_buf_append(b, big, (size_t)n);
    ic_free(b->a, big);
    return rc;
}

void ic_buf_free(ic_buf *b) {
    ic_free(b->a, b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

char *ic_strdup(const char *s) { return ic_astrdup(NULL, s); }

double ic_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A header value may hold any byte but CR, LF and NUL (RFC 9110 field-value, leniently). */
int ic_header_value_ok(const char *s) { return s && !strpbrk(s, "\r\n"); }

/* A header name is an RFC 9110 token. */
int ic_header_name_ok(const char *s) {
    if (!s || !*s) return 0;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c <= 32 || c >= 127 || strchr("\"(),/:;<=>?@[\\]{}", c)) return 0;
    }
    return 1;
}

const char *intercom_version(void) { return INTERCOM_VERSION_STRING; }
