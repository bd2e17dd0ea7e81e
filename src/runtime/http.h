/* SPDX-License-Identifier: MIT */
/* Layer 3, http: configuration, logging, request building, the engine, retries, responses.
 * Includes model.h (and so core.h) only. Not installed. */
#ifndef IC_LAYER_HTTP_H
#define IC_LAYER_HTTP_H

#include "model.h"

/* ---------- configuration (immutable after creation: no lock, no mutable member) ---------- */

/* ---------- rate-limit pacing per workspace (ratelimit.c) ---------- */

typedef struct ic_rl_mem ic_rl_mem; /* the in-process store of windows */
IC_HIDDEN int ic_rl_key(const char *token, char out[INTERCOM_RATE_LIMIT_KEY_LEN + 1]); /* 0, or -1 (libcrypto) */
IC_HIDDEN ic_rl_mem *ic_rl_mem_new(const intercom_allocator *a, size_t max_keys); /* 0: the default cap */
IC_HIDDEN void ic_rl_mem_free(ic_rl_mem *m);
IC_HIDDEN int ic_rl_mem_acquire(void *self, const char *key, double now, double *wait_s);
IC_HIDDEN void ic_rl_mem_release(void *self, const char *key, const intercom_rate_limit *rl, double now);
IC_HIDDEN size_t ic_rl_mem_count(ic_rl_mem *m);  /* entries held */
IC_HIDDEN size_t ic_rl_mem_bytes(ic_rl_mem *m);  /* bytes of the entries and the table */
IC_HIDDEN int ic_rl_mem_stats(ic_rl_mem *m, size_t *entries, size_t *bytes); /* both under one lock; -1 (zeros) for NULL */

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
    intercom_rate_limit_store store; /* pacing on: the caller's store, or the in-process one (rl_mem) */
    ic_rl_mem *rl_mem;          /* owned; NULL when the caller gave a store or pacing is off. The pointer never
                                   changes after creation; the store locks itself (ratelimit.c) */
    char token_key[INTERCOM_RATE_LIMIT_KEY_LEN + 1]; /* intercom_rate_limit_key() of the client's token */
    struct curl_slist *hdr_plain, *hdr_json; /* prebuilt headers of requests without per-request headers */
    const intercom_allocator *alloc; /* the client's (resolved, never NULL) */
} ic_config;

/* ---------- what the engines of one client share (mutable: owned by the client, engine.c) ----------
 * The config above never changes after ic_config_new; everything the engines change together lives
 * here, each part under its own lock. */
typedef struct ic_shared {
    CURLSH *share;              /* DNS cache and TLS sessions of every engine of the client */
    pthread_mutex_t share_locks[CURL_LOCK_DATA_LAST];
    const intercom_allocator *alloc;
} ic_shared;

IC_HIDDEN intercom_code ic_shared_new(ic_shared **out, const intercom_allocator *a, intercom_error *err);
IC_HIDDEN void ic_shared_free(ic_shared *s);

/* @p v is finite, >= 0 and <= IC_MAX_TIMEOUT, else INTERCOM_E_INVALID_ARGUMENT naming owner.name. */
IC_HIDDEN intercom_code ic_check_seconds(const char *owner, const char *name, double v, intercom_error *err);
/* Whether a header name is one libcurl writes for the framing (Content-Length, Host, ...). */
IC_HIDDEN int ic_header_is_framing(const char *name);
/* The base URL of a request's environment or base_url (validated; either may be NULL): *out is a
 * static string or @p base_url itself. */
IC_HIDDEN intercom_code ic_request_base_url(const char *environment, const char *base_url, const char **out,
                                            intercom_error *err);
IC_HIDDEN intercom_code ic_config_new(ic_config **out, const intercom_client_options *opts, intercom_error *err);
IC_HIDDEN void ic_config_free(ic_config *c);

/* ---------- logging ---------- */

IC_HIDDEN void ic_log(const ic_config *c, intercom_log_level lvl, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* ---------- requests and the engine ---------- */

typedef struct ic_engine ic_engine;
typedef struct ic_req ic_req;

/* One part of a multipart/form-data body (IC_OP_MULTIPART): a params field's text, or an intercom_file. */
typedef struct ic_part {
    char *name;                  /* the field's name */
    char *data;                  /* the value's bytes (a copy), or NULL for a file read from `path` */
    size_t len;
    char *path;                  /* file part from a path (read by libcurl while sending), or NULL */
    char *filename, *type;       /* file parts: the part's filename and Content-Type; else NULL */
} ic_part;

/* Everything needed to send one logical request (built once, reused by every attempt). */
typedef struct ic_req_spec {
    const char *method;          /* static string */
    char *url;                   /* owned */
    struct curl_slist *headers;  /* owned when headers_owned, else the config's prebuilt list */
    int headers_owned;           /* 1: the whole list; 2: only its first node (ic_spec_headers_free) */
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
    char pace_key[INTERCOM_RATE_LIMIT_KEY_LEN + 1]; /* pacing: the workspace of the request's token; "" none */
    const intercom_allocator *alloc; /* of url, body and owned headers */
} ic_req_spec;

IC_HIDDEN intercom_code ic_spec_build(ic_req_spec *spec, const ic_config *cfg, const char *method, const char *path,
                                      const ic_operation *op, const void *params, const intercom_kv *query,
                                      const json_t *body, const intercom_request_options *ro, intercom_error *err);
IC_HIDDEN void ic_spec_clear(ic_req_spec *spec);
/* A set, non-array params field as text (request.c), or NULL when it is not set; @p tmp holds numbers. */
IC_HIDDEN const char *ic_param_text(const ic_field *f, const void *params, char *tmp, size_t tmpn);
/* multipart.c: the parts of an IC_OP_MULTIPART body into @p spec (each body field set is one part;
 * null, arrays, objects and @p extra are refused with INTERCOM_E_INVALID_ARGUMENT, a missing file too;
 * INTERCOM_E_NOMEM); their release (ic_spec_clear calls it); the parts as a libcurl MIME structure for
 * @p easy (NULL: out of memory), which the caller frees with curl_mime_free() after unsetting
 * CURLOPT_MIMEPOST. */
IC_HIDDEN intercom_code ic_spec_multipart(ic_req_spec *spec, const ic_operation *op, const void *params,
                                          const json_t *extra, intercom_error *err);
IC_HIDDEN void ic_spec_parts_clear(ic_req_spec *spec);
IC_HIDDEN curl_mime *ic_spec_mime(CURL *easy, const ic_req_spec *spec);
IC_HIDDEN void ic_spec_headers_free(ic_req_spec *spec); /* frees what headers_owned says */
IC_HIDDEN intercom_code ic_build_headers(struct curl_slist **out, const ic_config *cfg, const char *api_version,
                                         int has_body, const intercom_kv *extra, intercom_error *err);

/* Completion: code, typed result (or NULL), raw response (or NULL), error. Ownership of result/raw passes. */
typedef void (*ic_done_fn)(ic_req *req, intercom_code code, void *result, intercom_response *raw,
                           intercom_error *err, void *payload);

/* An engine sending with @p cfg, sharing @p shared with the client's other engines (both outlive it). */
IC_HIDDEN ic_engine *ic_engine_new(const ic_config *cfg, ic_shared *shared);
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
IC_HIDDEN int ic_response_set_header_block(intercom_response *r, const char *blk, size_t len);
/* One line of a raw header block, read as the engine reads it (response.c): returns the next line's
 * start; *name NULL when the line is not a header; name and value trimmed, not NUL-terminated. */
IC_HIDDEN const char *ic_header_line(const char *p, const char *end, const char **name, size_t *nlen, const char **val,
                                     size_t *vlen);
/* A non-negative decimal header value s[0..n), or -1 (absent, empty, not only digits, beyond int64). */
IC_HIDDEN int64_t ic_header_decimal(const char *s, size_t n);

#endif
