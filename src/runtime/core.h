/* SPDX-License-Identifier: MIT */
/* Layer 1, core: allocation, small utilities, error records. Depends on nothing of the runtime.
 * Layers (docs/architecture.md): core.h <- model.h <- http.h <- client.h <- generated <- cli.
 * A runtime file includes its own layer's header only (tests/check_layers.sh). Not installed. */
#ifndef IC_LAYER_CORE_H
#define IC_LAYER_CORE_H

#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <curl/curl.h>
#include <jansson.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_parse.h>

#include "intercom/intercom.h"

#define IC_HIDDEN __attribute__((visibility("hidden")))

/* ---------- allocation (alloc.c; see include/intercom/alloc.h) ----------
 * Every allocation of the runtime names the allocator of the object it belongs to;
 * NULL means the process default. Never call malloc/free directly (tests/check_alloc_sites.sh). */

IC_HIDDEN const intercom_allocator *ic_alloc_default(void);
#define IC_ALLOC(a) ((a) ? (a) : ic_alloc_default())
/* The allocator of a client's options (marks the process as started: see intercom_global_allocator_set). */
IC_HIDDEN const intercom_allocator *ic_opts_alloc(const intercom_client_options *opts);
IC_HIDDEN intercom_code ic_check_alloc(const intercom_allocator *a, intercom_error *err);
IC_HIDDEN void *ic_malloc(const intercom_allocator *a, size_t n);
IC_HIDDEN void *ic_calloc(const intercom_allocator *a, size_t n, size_t size);
IC_HIDDEN void *ic_realloc(const intercom_allocator *a, void *p, size_t n);
IC_HIDDEN void ic_free(const intercom_allocator *a, void *p);
IC_HIDDEN char *ic_astrdup(const intercom_allocator *a, const char *s); /* NULL -> NULL */
/* A NUL-terminated copy of @p n bytes of @p s (which may hold NULs); NULL when @p s is NULL, when
 * @p n is SIZE_MAX (n + 1 would wrap: nothing is allocated) or out of memory. */
IC_HIDDEN char *ic_astrndup(const intercom_allocator *a, const char *s, size_t n);
IC_HIDDEN int ic_asprintf(const intercom_allocator *a, char **out, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
IC_HIDDEN int ic_vasprintf(const intercom_allocator *a, char **out, const char *fmt, va_list ap);
/* Did an allocation of Jansson's fail in this thread since the last call? (Only known when
 * Jansson is on intercom_global_allocator_set's allocator; else 0.) Clears the flag. */
IC_HIDDEN int ic_global_oom_take(void); /* 1 once if a process-wide hook (libcurl, Jansson) failed on this thread */
IC_HIDDEN int ic_json_oom_take(void);
IC_HIDDEN char *ic_json_dumps(const intercom_allocator *a, const json_t *j, size_t flags); /* NULL on failure */
/* Error records: an empty record bound to @p a; the allocator of a record's contents; bind a
 * record to a call's allocator (releasing what it holds when that differs). */
IC_HIDDEN intercom_error ic_error_init(const intercom_allocator *a);
IC_HIDDEN const intercom_allocator *ic_err_alloc(const intercom_error *err);
IC_HIDDEN void ic_error_bind(intercom_error *err, const intercom_allocator *a);
/* A raw response is allocated with its allocator in front of it. */
typedef struct ic_response_box {
    const intercom_allocator *alloc;
    intercom_response pub;
} ic_response_box;
IC_HIDDEN const intercom_allocator *ic_response_alloc(const intercom_response *r);

/* yajl handles whose allocations go to an allocator, with out-of-memory contained (alloc.c). */
#define IC_YAJL_MAX_BLOCKS 16
typedef struct ic_yajl_mem {
    const intercom_allocator *a;
    jmp_buf *jb;       /* armed while inside a yajl call */
    int oom;           /* an allocation failed: the handle is poisoned */
    size_t n;
    void *blocks[IC_YAJL_MAX_BLOCKS];
    yajl_alloc_funcs funcs;
} ic_yajl_mem;
IC_HIDDEN yajl_handle ic_yajl_alloc(ic_yajl_mem *m, const intercom_allocator *a, const yajl_callbacks *cb, void *ctx);
IC_HIDDEN yajl_status ic_yajl_parse(ic_yajl_mem *m, yajl_handle h, const unsigned char *p, size_t n);
IC_HIDDEN yajl_status ic_yajl_complete_parse(ic_yajl_mem *m, yajl_handle h);
IC_HIDDEN void ic_yajl_free(ic_yajl_mem *m, yajl_handle h);
IC_HIDDEN yajl_gen ic_yajl_gen_alloc(ic_yajl_mem *m, const intercom_allocator *a);
IC_HIDDEN void ic_yajl_gen_free(ic_yajl_mem *m, yajl_gen g);
IC_HIDDEN void ic_yajl_release(ic_yajl_mem *m);

/* ---------- small utilities ---------- */

typedef struct ic_buf {
    char *data;
    size_t len, cap;
    const intercom_allocator *a; /* NULL: the process default */
} ic_buf;

IC_HIDDEN int ic_buf_append(ic_buf *b, const void *p, size_t n);
IC_HIDDEN int ic_buf_printf(ic_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
IC_HIDDEN void ic_buf_free(ic_buf *b);
IC_HIDDEN char *ic_strdup(const char *s);
IC_HIDDEN double ic_now(void); /* monotonic seconds */
IC_HIDDEN int ic_header_value_ok(const char *s);
IC_HIDDEN int ic_header_name_ok(const char *s);

/* ---------- errors ---------- */

IC_HIDDEN intercom_code ic_fail(intercom_error *err, intercom_code code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
IC_HIDDEN int ic_error_from_body(intercom_error *err, const char *body, size_t len); /* -1: out of memory (err: NOMEM) */
/* The class of a libcurl result (a CURLcode), from the one table in error.c. */
IC_HIDDEN intercom_code ic_code_from_curl(int cc);
/* Longest timeout or delay a caller may set, in seconds (about 115 days): larger values are refused. */
#define IC_MAX_TIMEOUT 1e7
/* Longest request URL (path and query) sent, in bytes: a longer one is refused before sending. */
#define IC_MAX_URL 65536

#endif
