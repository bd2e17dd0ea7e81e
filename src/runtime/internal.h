/* Internal declarations shared by the hand-written runtime and the generated tables.
 * Not installed. */
#ifndef INTERCOM_INTERNAL_H
#define INTERCOM_INTERNAL_H

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

/* ---------- descriptors (what the generator emits; see codegen/FORMAT.md) ---------- */

typedef enum ic_kind {
    IC_K_STRING = 1, /* const char * */
    IC_K_INT,        /* int64_t */
    IC_K_NUMBER,     /* double */
    IC_K_BOOL,       /* bool */
    IC_K_OBJECT,     /* pointer to a nested model struct */
    IC_K_JSON,       /* json_t * (free-form) */
    IC_K_ENUM,       /* int (a generated C enum, 0 = _UNKNOWN) + const char * original string at aux_offset */
    IC_K_FILE        /* const intercom_file * (params of multipart/form-data bodies only) */
} ic_kind;

enum { IC_F_ARRAY = 1, IC_F_REQUIRED = 2, IC_F_NULLABLE = 4, IC_F_DEPRECATED = 8,
       IC_F_EXPLODE = 16,   /* query arrays: repeated keys (form, explode); default: one comma-separated value */
       IC_F_ALSO_QUERY = 32 /* a path parameter also sent in the query (the description declares both) */ };
enum { IC_IN_BODY = 0, IC_IN_PATH, IC_IN_QUERY, IC_IN_HEADER };

typedef struct ic_field {
    const char *name;          /* JSON key (or parameter name) */
    uint8_t kind;              /* ic_kind */
    uint8_t flags;             /* IC_F_* */
    uint8_t in;                /* params structs: where the field goes (IC_IN_*); models: IC_IN_BODY */
    uint32_t offset;           /* of the value, or of the element pointer for arrays */
    uint32_t aux_offset;       /* arrays: of the size_t count; IC_K_ENUM: of the const char * string; else 0 */
    uint32_t state_offset;     /* of the uint8_t has_<field> (an intercom_field_state_t) */
    const intercom_type *type; /* IC_K_OBJECT: the nested type; IC_K_ENUM: the enum type */
    const char *fixed;         /* IC_K_STRING restricted to one value by the description, else NULL:
                                  written when the field is required and its pointer NULL */
} ic_field;

/* A variant of a oneOf/anyOf type. Such types are one struct holding every variant's
 * properties; after decoding, the variant member tells which variant the JSON was:
 * by the discriminator's value when the type has one, else the first variant whose
 * required properties were all present. */
typedef struct ic_variant {
    const char *tag;           /* discriminator value(s), '|'-separated, or NULL */
    uint16_t n_required;
    const uint16_t *required;  /* field indices */
} ic_variant;

enum { IC_T_OBJECT = 0, IC_T_ENUM = 1, IC_T_PARAMS = 2 };

struct intercom_type {
    const char *name;          /* schema name, e.g. "admin_with_app" */
    uint8_t kind;              /* IC_T_* */
    uint32_t size;             /* sizeof the struct (objects, params) */
    uint32_t n_fields;
    const ic_field *fields;    /* declaration order */
    const uint16_t *by_name;   /* field indices sorted by JSON name (strcmp order) */
    /* IC_T_ENUM: the values in order; C value i+1 is values[i], 0 is _UNKNOWN */
    uint32_t n_values;
    const char *const *values;
    /* oneOf/anyOf objects */
    const char *discriminator; /* property name, or NULL */
    uint32_t variant_offset;   /* of the int variant member (1-based index; 0 unknown) */
    uint32_t n_variants;
    const ic_variant *variants;
};

typedef struct ic_operation {
    const char *name;          /* seed-style name, e.g. "me.retrieve" */
    const char *method;        /* "GET", ... */
    const char *path;          /* template, e.g. "/admins/{admin_id}" */
    const char *api_version;   /* forced Intercom-Version (deprecated operations), or NULL */
    const intercom_type *params;   /* IC_T_PARAMS struct, or NULL */
    const intercom_type *response; /* typed 2xx JSON body, or NULL */
    const char *accept;        /* Accept header, NULL: application/json */
    uint32_t flags;            /* IC_OP_* */
    const char *summary;       /* one line, for docs and the CLI */
    uint8_t page_kind;         /* IC_PAGE_*: how the operation paginates (pager.c) */
    const char *page_items;    /* JSON name of the response's array of items */
    uint16_t per_page_max;     /* largest per_page the endpoint takes, 0 unknown */
} ic_operation;

enum { IC_PAGE_NONE = 0, IC_PAGE_CURSOR, IC_PAGE_NUMBER, IC_PAGE_SEARCH, IC_PAGE_SCROLL };

enum { IC_OP_HAS_BODY = 1, IC_OP_BODY_REQUIRED = 2, IC_OP_DEPRECATED = 4, IC_OP_RAW = 8 /* non-JSON 2xx body */,
       IC_OP_MULTIPART = 16 /* the body is multipart/form-data: its fields are parts (request.c, engine.c) */ };

/* Every generated operation, NULL-terminated (src/generated/operations.c): the CLI's table. */
IC_HIDDEN extern const ic_operation *const ic_all_operations[];

/* Every generated model type, NULL-terminated (src/generated/models.c). */
IC_HIDDEN extern const intercom_type *const ic_all_types[];

/* The same two tables of the Preview description (src/generated/preview_*.c, namespace intercom_preview_). */
IC_HIDDEN extern const ic_operation *const ic_preview_all_operations[];
IC_HIDDEN extern const intercom_type *const ic_preview_all_types[];

IC_HIDDEN size_t ic_kind_size(int kind);
/* Encoding (model.c): whether a field is written (1 value, 2 null, 0 no), and the encoder. */
IC_HIDDEN int ic_field_presence(const ic_field *f, const void *obj);
/* A type standing for a top-level JSON array: one array field with an empty name. */
IC_HIDDEN int ic_type_is_array_wrapper(const intercom_type *t);
IC_HIDDEN intercom_code ic_encode(const intercom_allocator *a, const intercom_type *t, const void *obj, const struct intercom_doc *doc, int flags, int only_in,
                                  char **out, size_t *out_len, int *missing, intercom_error *err); /* bytes of one value of an ic_kind in a struct or array */
IC_HIDDEN const ic_field *ic_type_find_field(const intercom_type *t, const char *key, size_t len);

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

/* ---------- arena + document ---------- */

typedef struct ic_chunk ic_chunk;
typedef struct ic_invalid {   /* a value whose JSON type did not fit its field, kept as received */
    const void *obj;
    const struct ic_field *field;
    json_t *value;
} ic_invalid;

struct intercom_doc {
    ic_invalid *inv;
    size_t n_inv, cap_inv;
    size_t *inv_index;   /* open addressing over inv by (obj, field), 1-based; built when decoding ends */
    size_t inv_index_cap;
    ic_chunk *chunks;
    size_t chunk_size;
    char *body;          /* raw body (malloc'd), owned */
    size_t body_len;
    json_t *raw_json;    /* lazy */
    json_t **json_refs;  /* free-form values to decref */
    size_t n_json, cap_json;
    struct ic_numtext *numtext; /* text of numbers a json_t does not hold exactly (open addressing by pointer) */
    size_t n_numtext, cap_numtext;
    size_t mem;          /* bytes allocated through the document (the decoder's memory bound) */
    void *root;          /* the top-level model: the only one whose free frees the document */
    const intercom_allocator *alloc; /* of the document, its chunks and body */
};
typedef struct intercom_doc ic_doc;

IC_HIDDEN ic_doc *ic_doc_new(const intercom_allocator *a, size_t size_hint);
IC_HIDDEN void *ic_doc_alloc(ic_doc *d, size_t n);      /* zeroed, 8-aligned */
IC_HIDDEN char *ic_doc_strndup(ic_doc *d, const char *s, size_t n);
IC_HIDDEN int ic_doc_keep_json(ic_doc *d, json_t *j); /* takes the reference */
IC_HIDDEN void ic_doc_free(ic_doc *d);
IC_HIDDEN int ic_doc_keep_invalid(ic_doc *d, const void *obj, const struct ic_field *f, json_t *v); /* takes v */
IC_HIDDEN const json_t *ic_doc_find_invalid(const ic_doc *d, const void *obj, const struct ic_field *f);
IC_HIDDEN int ic_doc_index_invalid(ic_doc *d); /* after the last ic_doc_keep_invalid: lookups in O(1) */
IC_HIDDEN void *ic_model_new(ic_doc *d, const intercom_type *t);
/* Numbers a json_t cannot hold exactly (integers beyond int64, reals beyond a double's range):
 * the json_t is an approximation, the text as received is kept here and written back. */
IC_HIDDEN int ic_doc_keep_number_text(ic_doc *d, const json_t *v, const char *text, size_t n);
IC_HIDDEN const char *ic_doc_number_text(const ic_doc *d, const json_t *v, size_t *n);
/* Strict UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing above U+10FFFF. */
IC_HIDDEN int ic_utf8_valid(const char *s, size_t n);

/* ---------- streaming decoder ---------- */

typedef struct ic_decoder ic_decoder;
IC_HIDDEN ic_decoder *ic_decoder_new(const intercom_allocator *a, const intercom_type *t, int strict, size_t size_hint);
IC_HIDDEN int ic_decoder_feed(ic_decoder *d, const char *p, size_t n);  /* 0 ok, -1 error */
/* Finish; on success *out is the model (its doc does not own a body yet). */
IC_HIDDEN intercom_code ic_decoder_finish(ic_decoder *d, void **out, intercom_error *err);
IC_HIDDEN void ic_decoder_free(ic_decoder *d);
/* The bound on the memory a decoded response may hold: @p factor times the bytes received,
 * plus IC_DECODE_MEM_SLACK (arena bytes of the structs and strings, element scratch, and an
 * estimate of free-form Jansson values; the raw body itself is not counted). Exceeding it
 * stops the decode with INTERCOM_E_RESPONSE_TOO_LARGE. 0: no bound. Default
 * IC_DECODE_DEFAULT_FACTOR. */
#define IC_DECODE_DEFAULT_FACTOR 16u
#define IC_DECODE_MEM_SLACK ((size_t)256 << 10)
IC_HIDDEN void ic_decoder_set_memory_factor(ic_decoder *d, unsigned factor);
/* Work counters (tests catch a quadratic relapse with them, without timing). */
typedef struct ic_decoder_stats {
    size_t to_yajl;      /* bytes handed to yajl_parse */
    size_t held;         /* bytes copied aside because a token was unfinished at a chunk's end */
    size_t relexed;      /* bytes of an unfinished token yajl held and re-reads on the next call */
    size_t mem;          /* memory counted against the bound (bytes) */
} ic_decoder_stats;
IC_HIDDEN ic_decoder_stats ic_decoder_get_stats(const ic_decoder *d);
IC_HIDDEN ic_doc *ic_value_doc(const intercom_type *t, void *value); /* the document owning a decoded value */
/* Any JSON text as a json_t, nested up to 8192 levels (Jansson's parser: 2048), for what Jansson's parser refuses: numbers beyond
 * int64 or a double's range (nearest real, text kept in @p doc), \u0000 in keys, bytes that are
 * not UTF-8 (kept as they came). NULL: not JSON, or out of memory. */
IC_HIDDEN json_t *ic_json_load_any(const char *p, size_t n, ic_doc *doc);
/* One-shot decode of a buffer; on success the model's doc takes @p body_owned if not NULL. */
IC_HIDDEN intercom_code ic_decode_buffer(const intercom_allocator *a, const intercom_type *t, int strict, const char *p, size_t n,
                                         void **out, intercom_error *err);

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

/* ---------- configuration (immutable after creation) ---------- */

typedef struct ic_config {
    char *token, *base_url, *api_version, *user_agent, *proxy, *local_address, *ca_bundle;
    char **default_headers; /* "Name: value", NULL-terminated */
    int max_retries;
    double timeout, connect_timeout, read_timeout, write_timeout;
    double retry_initial_delay, retry_max_delay, retry_after_max;
    int insecure;
    size_t max_response_size;
    int strict;
    int log_level;
    intercom_log_fn log_fn;
    void *log_payload;
    intercom_curl_hook_fn curl_hook;
    void *curl_hook_payload;
    int compression;
    int pace_rate_limit;
    unsigned decoded_memory_factor; /* ic_decoder_set_memory_factor() of every 2xx decode */
    pthread_mutex_t pace_lock;  /* guards pace_until: engines of several threads share it */
    double pace_until;          /* monotonic time before which no request starts (client-side rate limit) */
    struct curl_slist *hdr_plain, *hdr_json; /* prebuilt headers of requests without per-request headers */
    CURLSH *share;
    pthread_mutex_t share_locks[CURL_LOCK_DATA_LAST];
    const intercom_allocator *alloc; /* the client's (resolved, never NULL) */
} ic_config;

/* @p v is finite, >= 0 and <= IC_MAX_TIMEOUT, else INTERCOM_E_INVALID_ARGUMENT naming owner.name. */
IC_HIDDEN intercom_code ic_check_seconds(const char *owner, const char *name, double v, intercom_error *err);
/* Whether a header name is one libcurl writes for the framing (Content-Length, Host, ...). */
IC_HIDDEN int ic_header_is_framing(const char *name);
IC_HIDDEN intercom_code ic_config_new(ic_config **out, const intercom_client_options *opts, intercom_error *err);
IC_HIDDEN void ic_config_free(ic_config *c);

/* ---------- logging ---------- */

IC_HIDDEN void ic_log(const ic_config *c, intercom_log_level lvl, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* ---------- requests and the engine ---------- */

typedef struct ic_engine ic_engine;
typedef struct ic_req ic_req;

/* Everything needed to send one logical request (built once, reused by every attempt). */
/* One part of a multipart/form-data body (IC_OP_MULTIPART): a params field's text, or an intercom_file. */
typedef struct ic_part {
    char *name;                  /* the field's name */
    char *data;                  /* the value's bytes (a copy), or NULL for a file read from `path` */
    size_t len;
    char *path;                  /* file part from a path (read by libcurl while sending), or NULL */
    char *filename, *type;       /* file parts: the part's filename and Content-Type; else NULL */
} ic_part;

typedef struct ic_req_spec {
    const char *method;          /* static string */
    char *url;                   /* owned */
    struct curl_slist *headers;  /* owned when headers_owned, else the config's prebuilt list */
    int headers_owned;
    char *body;                  /* owned, or NULL for no body */
    size_t body_len;
    int multipart;               /* the body is multipart/form-data: `parts` (body is NULL) */
    ic_part *parts;              /* owned, n_parts of them */
    size_t n_parts;
    int max_retries;
    double timeout, connect_timeout, read_timeout, write_timeout;
    int strict;
    const intercom_type *rtype;  /* decode 2xx into this, or NULL */
    int skip_decode;
    int want_raw;                /* keep the raw response for the caller */
    intercom_body_fn on_body;
    void *on_body_payload;
    int redact_bodies;           /* debug log shows "[redacted]" for request and response bodies (oauth.c) */
    const intercom_allocator *alloc; /* of url, body and owned headers */
} ic_req_spec;

IC_HIDDEN intercom_code ic_spec_build(ic_req_spec *spec, const ic_config *cfg, const char *method, const char *path,
                                      const ic_operation *op, const void *params, const intercom_kv *query,
                                      const json_t *body, const intercom_request_options *ro, intercom_error *err);
IC_HIDDEN void ic_spec_clear(ic_req_spec *spec);
/* The multipart body of a spec as a libcurl MIME structure for @p easy (NULL: out of memory); the
 * caller frees it with curl_mime_free() after unsetting CURLOPT_MIMEPOST. */
IC_HIDDEN curl_mime *ic_spec_mime(CURL *easy, const ic_req_spec *spec);
IC_HIDDEN intercom_code ic_build_headers(struct curl_slist **out, const ic_config *cfg, const char *api_version,
                                         int has_body, const intercom_kv *extra, intercom_error *err);

/* Completion: code, typed result (or NULL), raw response (or NULL), error. Ownership of result/raw passes. */
typedef void (*ic_done_fn)(ic_req *req, intercom_code code, void *result, intercom_response *raw,
                           intercom_error *err, void *payload);

IC_HIDDEN ic_engine *ic_engine_new(const ic_config *cfg);
IC_HIDDEN void ic_engine_free(ic_engine *e); /* completes everything in flight with INTERCOM_E_CANCELLED */
/* Takes the spec (moved). Returns the request's id (never 0), or 0 on out-of-memory (spec then cleared). */
IC_HIDDEN uint64_t ic_engine_submit(ic_engine *e, ic_req_spec *spec, ic_done_fn done, void *payload);
/* A request that failed before sending: its done function runs from the loop, like any other. */
IC_HIDDEN uint64_t ic_engine_submit_error(ic_engine *e, intercom_error *err, ic_done_fn done, void *payload);
IC_HIDDEN size_t ic_engine_step(ic_engine *e, long timeout_ms); /* own loop: one round */
IC_HIDDEN size_t ic_engine_pending(const ic_engine *e);
IC_HIDDEN int ic_engine_cancel(ic_engine *e, uint64_t id);
IC_HIDDEN intercom_code ic_engine_set_loop(ic_engine *e, const intercom_loop_hooks *hooks);
IC_HIDDEN void ic_engine_socket_action(ic_engine *e, int fd, int events);
IC_HIDDEN void ic_engine_timeout(ic_engine *e);
/* Run a single request to completion on this engine (sync path). */
IC_HIDDEN intercom_code ic_engine_run_one(ic_engine *e, ic_req_spec *spec, void **result, intercom_response **raw,
                                          intercom_error *err);

/* ---------- retries: the one place that decides ---------- */

typedef struct ic_attempt_outcome {
    intercom_code code;            /* classification of this attempt */
    int status;                    /* 0 when no response */
    const intercom_response *resp; /* headers of the response, or NULL */
    int attempt;                   /* 1-based number of the attempt that just ended */
    int max_retries;
    int body_streamed;             /* bytes already given to the caller: never retry */
} ic_attempt_outcome;

/* Seconds to wait before the next attempt, or a negative value for "do not retry". */
IC_HIDDEN double ic_retry_delay(const ic_config *cfg, const ic_attempt_outcome *o, const char **why);

/* ---------- responses ---------- */

IC_HIDDEN intercom_response *ic_response_new(const intercom_allocator *a);
IC_HIDDEN int ic_response_add_header_line(intercom_response *r, const char *line, size_t len);
IC_HIDDEN void ic_response_finish_headers(intercom_response *r);
IC_HIDDEN void ic_rate_limit_parse(intercom_rate_limit *rl, const intercom_response *r);

/* ---------- pagination (pager.c) ---------- */

IC_HIDDEN const ic_operation *ic_find_operation(const char *name);
IC_HIDDEN intercom_code ic_check_per_page(const ic_operation *op, const void *params, intercom_error *err);
/* The allocator of a client (client.c). */
IC_HIDDEN const intercom_allocator *ic_client_alloc(const intercom_client *c);
IC_HIDDEN const intercom_allocator *ic_async_client_alloc(const intercom_async_client *c);
IC_HIDDEN intercom_code ic_pager_new(intercom_pager **out, intercom_client *c, const ic_operation *op,
                                     const void *params, const intercom_request_options *ro, intercom_error *err);
IC_HIDDEN intercom_code ic_async_pages(intercom_async_client *c, const ic_operation *op, const void *params,
                                       const intercom_request_options *ro, intercom_page_callback cb, void *payload);

/* ---------- typed calls (used by generated wrappers) ---------- */

/* intercom_request() without the Authorization header, whose request and response bodies never reach
 * the log (they carry secrets: oauth.c). */
IC_HIDDEN intercom_code ic_request_redacted(intercom_client *c, const char *method, const char *path, const json_t *body,
                                            const intercom_request_options *ro, intercom_response **out,
                                            intercom_error *err);
IC_HIDDEN intercom_code ic_call(intercom_client *c, const ic_operation *op, const void *params,
                                const intercom_request_options *ro, void **out, intercom_error *err);
IC_HIDDEN intercom_code ic_call_async(intercom_async_client *c, const ic_operation *op, const void *params,
                                      const intercom_request_options *ro, intercom_callback cb, void *payload);

#endif
