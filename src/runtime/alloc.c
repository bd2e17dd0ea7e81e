/* SPDX-License-Identifier: MIT */
/* The injected allocator (include/intercom/alloc.h): every allocation of the runtime goes
 * through ic_malloc/ic_calloc/ic_realloc/ic_free with the allocator of the object it
 * belongs to (NULL: the process default). Also: yajl handles with the allocator and their
 * out-of-memory containment, and the process-wide Jansson/libcurl hooks. */

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"

/* ---------- the C library, the process default ---------- */

static void *std_malloc(size_t n, void *p) { (void)p; return malloc(n); }
static void *std_realloc(void *q, size_t n, void *p) { (void)p; return realloc(q, n); }
static void std_free(void *q, void *p) { (void)p; free(q); }

static const intercom_allocator std_alloc = {std_malloc, std_realloc, std_free, NULL};
static intercom_allocator global_alloc;                   /* set once by intercom_global_allocator_set */
static const intercom_allocator *_Atomic default_alloc;   /* NULL: std_alloc */
static atomic_int started;                                /* a client was created: the global setter is refused */

const intercom_allocator *ic_alloc_default(void) {
    const intercom_allocator *a = atomic_load_explicit(&default_alloc, memory_order_acquire);
    return a ? a : &std_alloc;
}

static int alloc_ok(const intercom_allocator *a) { return a && a->malloc && a->realloc && a->free; }

const intercom_allocator *ic_opts_alloc(const intercom_client_options *opts) {
    atomic_store_explicit(&started, 1, memory_order_relaxed);
    /* the allocator field arrived with options version 2: an older caller's struct ends before it */
    return opts && opts->version >= 2 && alloc_ok(opts->allocator) ? opts->allocator : ic_alloc_default();
}

intercom_code ic_check_alloc(const intercom_allocator *a, intercom_error *err) {
    if (a && !alloc_ok(a))
        return ic_fail(err, INTERCOM_E_INVALID_ARGUMENT, "intercom_allocator needs malloc, realloc and free");
    return INTERCOM_OK;
}

/* ---------- the runtime's allocation functions ---------- */

void *ic_malloc(const intercom_allocator *a, size_t n) {
    a = IC_ALLOC(a);
    return a->malloc(n ? n : 1, a->payload);
}

void *ic_calloc(const intercom_allocator *a, size_t n, size_t size) {
    if (size && n > SIZE_MAX / size) return NULL;
    size_t total = n * size;
    void *p = ic_malloc(a, total);
    if (p) memset(p, 0, total ? total : 1);
    return p;
}

void *ic_realloc(const intercom_allocator *a, void *p, size_t n) {
    a = IC_ALLOC(a);
    return p ? a->realloc(p, n ? n : 1, a->payload) : a->malloc(n ? n : 1, a->payload);
}

void ic_free(const intercom_allocator *a, void *p) {
    if (!p) return;
    a = IC_ALLOC(a);
    a->free(p, a->payload);
}

char *ic_astrndup(const intercom_allocator *a, const char *s, size_t n) {
    char *d = s && n < SIZE_MAX ? ic_malloc(a, n + 1) : NULL; /* n + 1 would wrap to 0 */
    if (d) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

char *ic_astrdup(const intercom_allocator *a, const char *s) { return s ? ic_astrndup(a, s, strlen(s)) : NULL; }

int ic_vasprintf(const intercom_allocator *a, char **out, const char *fmt, va_list ap) {
    va_list ap2;
    va_copy(ap2, ap);
    char small[256];
    int n = vsnprintf(small, sizeof small, fmt, ap);
    *out = NULL;
    if (n < 0 || !(*out = ic_malloc(a, (size_t)n + 1))) {
        va_end(ap2);
        return -1;
    }
    if ((size_t)n < sizeof small) memcpy(*out, small, (size_t)n + 1);
    else vsnprintf(*out, (size_t)n + 1, fmt, ap2);
    va_end(ap2);
    return n;
}

int ic_asprintf(const intercom_allocator *a, char **out, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = ic_vasprintf(a, out, fmt, ap);
    va_end(ap);
    return n;
}

static int dump_cb(const char *p, size_t n, void *ud) { return ic_buf_append(ud, p, n); }

char *ic_json_dumps(const intercom_allocator *a, const json_t *j, size_t flags) {
    ic_buf b = {.a = a};
    if (json_dump_callback(j, dump_cb, &b, flags) || ic_buf_append(&b, "", 0)) {
        ic_buf_free(&b);
        return NULL;
    }
    return b.data;
}

/* ---------- error records ---------- */

intercom_error ic_error_init(const intercom_allocator *a) {
    intercom_error e = INTERCOM_ERROR_INIT;
    e.allocator = a;
    return e;
}

const intercom_allocator *ic_err_alloc(const intercom_error *err) { return IC_ALLOC(err ? err->allocator : NULL); }

void ic_error_bind(intercom_error *err, const intercom_allocator *a) {
    if (!err || IC_ALLOC(err->allocator) == IC_ALLOC(a)) return;
    intercom_error_clear(err); /* what it holds goes back to the allocator it came from */
    err->allocator = a;
}

/* ---------- raw responses: the allocator sits in front of the public struct ---------- */

const intercom_allocator *ic_response_alloc(const intercom_response *r) {
    return ((const ic_response_box *)(const void *)((const char *)r - offsetof(ic_response_box, pub)))->alloc;
}

/* ---------- yajl: the allocator, and containment of yajl's unchecked allocations ----------
 *
 * yajl 2.1 does not check its allocations (yajl_alloc, yajl_buf_alloc, yajl_lex_alloc,
 * yajl_buf_ensure_available, yajl_bs_push, yajl_gen_alloc use the result unchecked). So:
 * every block a handle holds is recorded here (a parser holds at most 7: handle, decode
 * buffer + data, state stack, lexer, lexer buffer + data; plus transient error strings),
 * and while libintercom is inside a yajl call (jb armed) a failed allocation jumps back to
 * that call's frame instead of returning NULL to yajl. The handle is then "poisoned": it is
 * never passed to yajl again, and ic_yajl_release() frees the recorded blocks directly, so
 * nothing depends on the state yajl was in at the failing allocation. Outside an armed call
 * (yajl_get_error, which checks its allocations) NULL is returned as usual. */

static int ym_find(const ic_yajl_mem *m, const void *p) {
    for (size_t i = 0; i < m->n; i++)
        if (m->blocks[i] == p) return (int)i;
    return -1;
}

static _Noreturn void ym_fail_jump(ic_yajl_mem *m) {
    m->oom = 1;
    longjmp(*m->jb, 1);
}

static void *ym_malloc(void *ctx, size_t n) {
    ic_yajl_mem *m = ctx;
    void *p = m->n < IC_YAJL_MAX_BLOCKS ? ic_malloc(m->a, n) : NULL;
    if (!p) {
        if (m->jb) ym_fail_jump(m);
        m->oom = 1;
        return NULL;
    }
    m->blocks[m->n++] = p;
    return p;
}

static void *ym_realloc(void *ctx, void *old, size_t n) {
    ic_yajl_mem *m = ctx;
    if (!old) return ym_malloc(ctx, n);
    int i = ym_find(m, old);
    void *p = i >= 0 ? ic_realloc(m->a, old, n) : NULL;
    if (!p) {
        if (m->jb) ym_fail_jump(m);
        m->oom = 1;
        return NULL;
    }
    m->blocks[i] = p;
    return p;
}

static void ym_free(void *ctx, void *p) {
    ic_yajl_mem *m = ctx;
    int i = p ? ym_find(m, p) : -1;
    if (i < 0) return;
    m->blocks[i] = m->blocks[--m->n];
    ic_free(m->a, p);
}

static void ym_init(ic_yajl_mem *m, const intercom_allocator *a) {
    memset(m, 0, sizeof *m);
    m->a = IC_ALLOC(a);
    m->funcs = (yajl_alloc_funcs){ym_malloc, ym_realloc, ym_free, m};
}

void ic_yajl_release(ic_yajl_mem *m) {
    while (m->n) ic_free(m->a, m->blocks[--m->n]);
}

yajl_handle ic_yajl_alloc(ic_yajl_mem *m, const intercom_allocator *a, const yajl_callbacks *cb, void *ctx) {
    ym_init(m, a);
    jmp_buf jb;
    if (setjmp(jb)) {
        m->jb = NULL;
        ic_yajl_release(m);
        return NULL;
    }
    m->jb = &jb;
    yajl_handle h = yajl_alloc(cb, &m->funcs, ctx);
    m->jb = NULL;
    return h;
}

yajl_status ic_yajl_parse(ic_yajl_mem *m, yajl_handle h, const unsigned char *p, size_t n) {
    if (m->oom) return yajl_status_error;
    jmp_buf jb;
    if (setjmp(jb)) {
        m->jb = NULL;
        return yajl_status_error;
    }
    m->jb = &jb;
    yajl_status s = yajl_parse(h, p, n);
    m->jb = NULL;
    return s;
}

yajl_status ic_yajl_complete_parse(ic_yajl_mem *m, yajl_handle h) {
    if (m->oom) return yajl_status_error;
    jmp_buf jb;
    if (setjmp(jb)) {
        m->jb = NULL;
        return yajl_status_error;
    }
    m->jb = &jb;
    yajl_status s = yajl_complete_parse(h);
    m->jb = NULL;
    return s;
}

void ic_yajl_free(ic_yajl_mem *m, yajl_handle h) {
    if (h && !m->oom) yajl_free(h);
    ic_yajl_release(m); /* a poisoned handle's blocks (or nothing) */
}

yajl_gen ic_yajl_gen_alloc(ic_yajl_mem *m, const intercom_allocator *a) {
    ym_init(m, a);
    jmp_buf jb;
    if (setjmp(jb)) {
        m->jb = NULL;
        ic_yajl_release(m);
        return NULL;
    }
    m->jb = &jb;
    yajl_gen g = yajl_gen_alloc(&m->funcs);
    m->jb = NULL;
    return g;
}

void ic_yajl_gen_free(ic_yajl_mem *m, yajl_gen g) {
    if (g && !m->oom) yajl_gen_free(g);
    ic_yajl_release(m);
}

/* ---------- process-wide: Jansson, libcurl, the default ---------- */

/* Jansson 2.14's parser ignores some failed allocations (lex_save drops the byte), so a document
 * parsed while memory ran out may be missing bytes. With Jansson on our allocator, a failure is
 * noted per thread and the parsing call sites ask (ic_json_oom_take) and discard the result. */
static _Thread_local int json_oom;

int ic_json_oom_take(void) {
    int v = json_oom;
    json_oom = 0;
    return v;
}

/* Any failure of the process-wide hooks (libcurl's or Jansson's), per thread: libcurl 7.x
 * reports a header line over its limit and a failed allocation alike (CURLE_OUT_OF_MEMORY),
 * and the engine asks this to tell them apart. */
static _Thread_local int global_oom;

int ic_global_oom_take(void) {
    int v = global_oom;
    global_oom = 0;
    return v;
}

static void *g_malloc(size_t n) {
    void *p = ic_malloc(&global_alloc, n);
    if (!p) json_oom = global_oom = 1;
    return p;
}
static void g_free(void *p) { ic_free(&global_alloc, p); }
static void *g_realloc(void *p, size_t n) {
    void *q = ic_realloc(&global_alloc, p, n);
    if (!q && n) global_oom = 1;
    return q;
}
static void *g_calloc(size_t n, size_t size) {
    void *p = ic_calloc(&global_alloc, n, size);
    if (!p) global_oom = 1;
    return p;
}
static char *g_strdup(const char *s) {
    char *p = ic_astrdup(&global_alloc, s);
    if (!p) global_oom = 1;
    return p;
}

intercom_code intercom_global_allocator_set(const intercom_allocator *a, intercom_error *err) {
    if (!alloc_ok(a)) return ic_fail(err, INTERCOM_E_INVALID_ARGUMENT, "intercom_allocator needs malloc, realloc and free");
    if (atomic_load(&started) || atomic_load(&default_alloc))
        return ic_fail(err, INTERCOM_E_INVALID_ARGUMENT,
                       "intercom_global_allocator_set: must be called once, before any client is created");
    global_alloc = *a;
    CURLcode cc = curl_global_init_mem(CURL_GLOBAL_DEFAULT, g_malloc, g_free, g_realloc, g_strdup, g_calloc);
    if (cc != CURLE_OK)
        return ic_fail(err, INTERCOM_E_INTERNAL, "curl_global_init_mem failed: %s", curl_easy_strerror(cc));
    json_set_alloc_funcs(g_malloc, g_free);
    atomic_store_explicit(&default_alloc, &global_alloc, memory_order_release);
    return INTERCOM_OK;
}
