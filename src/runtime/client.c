/* SPDX-License-Identifier: MIT */
/* The sync client (thread-safe: a pool of engines, one per concurrently calling thread),
 * the async client (one engine driven by one loop), and the typed-call entry points the
 * generated wrappers use. */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "client.h"
#include "options.h"

struct intercom_client {
    const intercom_allocator *a; /* of this struct; the config has the same */
    ic_config *cfg;              /* immutable */
    ic_shared *shared;           /* what the engines change together: pacing window, libcurl share */
    pthread_mutex_t lock;
    ic_engine **idle; /* engines not in use by a thread right now */
    size_t nidle, cap;
};

struct intercom_async_client {
    const intercom_allocator *a;
    ic_config *cfg;    /* immutable */
    ic_shared *shared; /* of its one engine */
    ic_engine *eng;
};

intercom_code intercom_client_new(intercom_client **out, const intercom_client_options *opts, intercom_error *err) {
    if (!out) return ic_fail(err, INTERCOM_E_INVALID_ARGUMENT, "out is NULL");
    *out = NULL;
    const intercom_allocator *a = ic_opts_alloc(opts);
    ic_error_bind(err, a);
    intercom_client *c = ic_calloc(a, 1, sizeof *c);
    if (!c) return ic_fail(err, INTERCOM_E_NOMEM, "out of memory");
    c->a = a;
    intercom_code rc = ic_config_new(&c->cfg, opts, err);
    if (!rc && (rc = ic_shared_new(&c->shared, a, err))) ic_config_free(c->cfg);
    if (rc) {
        ic_free(a, c);
        return rc;
    }
    pthread_mutex_init(&c->lock, NULL);
    *out = c;
    return INTERCOM_OK;
}

void intercom_client_free(intercom_client *c) {
    if (!c) return;
    for (size_t i = 0; i < c->nidle; i++) ic_engine_free(c->idle[i]);
    ic_free(c->a, c->idle);
    pthread_mutex_destroy(&c->lock);
    ic_shared_free(c->shared);
    ic_config_free(c->cfg);
    ic_free(c->a, c);
}

const char *intercom_client_base_url(const intercom_client *c) { return c ? c->cfg->base_url : NULL; }

const intercom_allocator *ic_client_alloc(const intercom_client *c) { return c->a; }
const intercom_allocator *ic_async_client_alloc(const intercom_async_client *c) { return c->a; }
const char *ic_client_base_url(const intercom_client *c) { return c->cfg->base_url; }
const char *ic_async_client_base_url(const intercom_async_client *c) { return c->cfg->base_url; }

static ic_engine *engine_take(intercom_client *c) {
    pthread_mutex_lock(&c->lock);
    ic_engine *e = c->nidle ? c->idle[--c->nidle] : NULL;
    pthread_mutex_unlock(&c->lock);
    return e ? e : ic_engine_new(c->cfg, c->shared);
}

static void engine_give(intercom_client *c, ic_engine *e) {
    pthread_mutex_lock(&c->lock);
    if (c->nidle == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 4;
        ic_engine **n = ic_realloc(c->a, c->idle, cap * sizeof *n);
        if (n) c->idle = n, c->cap = cap;
    }
    if (c->nidle < c->cap) {
        c->idle[c->nidle++] = e;
        e = NULL;
    }
    pthread_mutex_unlock(&c->lock);
    ic_engine_free(e);
}

static intercom_code run_sync(intercom_client *c, ic_req_spec *spec, void **result, intercom_response **raw,
                              intercom_error *err) {
    ic_engine *e = engine_take(c);
    if (!e) {
        ic_spec_clear(spec);
        int probe = dup(0); /* libcurl's multi handle needs descriptors too: name that cause */
        int why = probe < 0 ? errno : 0;
        if (probe >= 0) close(probe);
        if (why == EMFILE || why == ENFILE)
            return ic_fail(err, INTERCOM_E_CONNECTION, "out of file descriptors (%s): cannot create a transfer engine",
                           strerror(why));
        return ic_fail(err, INTERCOM_E_NOMEM, "out of memory (engine)");
    }
    intercom_code rc = ic_engine_run_one(e, spec, result, raw, err);
    engine_give(c, e);
    return rc;
}

intercom_code ic_call(intercom_client *c, const ic_operation *op, const void *params,
                      const intercom_request_options *ro, void **out, intercom_error *err) {
    intercom_request_options upgraded;
    intercom_code vrc;
    if (out) *out = NULL;
    ro = ic_request_options(ro, &upgraded, &vrc, err); /* an older caller's struct (options.c) */
    if (vrc) return vrc;
    if (ro && ro->raw_response) *ro->raw_response = NULL;
    if (!c) return ic_fail(err, INTERCOM_E_INVALID_ARGUMENT, "%s: client is NULL", op->name);
    if (!out && op->response && !(ro && (ro->skip_decode || ro->on_body)))
        return ic_fail(err, INTERCOM_E_INVALID_ARGUMENT, "%s: out is NULL", op->name);
    ic_error_bind(err, c->a);
    ic_req_spec spec;
    intercom_code rc = ic_spec_build(&spec, c->cfg, NULL, NULL, op, params, NULL, NULL, ro, err);
    if (rc) return rc;
    return run_sync(c, &spec, out, ro ? ro->raw_response : NULL, err);
}

/* The request of @p op at base URL + @p rest, typed like the operation's (its response type,
 * its forced Intercom-Version, its Accept header). */
static intercom_code spec_rest(ic_req_spec *spec, const ic_config *cfg, const ic_operation *op, const char *rest,
                               const intercom_request_options *ro, intercom_error *err) {
    intercom_request_options d = INTERCOM_REQUEST_OPTIONS_INIT, r = ro ? *ro : d;
    if (!r.api_version && op->api_version) r.api_version = op->api_version;
    intercom_kv accept[] = {{"Accept", op->accept}, {NULL, NULL}};
    if (op->accept && !r.extra_headers) r.extra_headers = accept;
    intercom_code rc = ic_spec_build(spec, cfg, op->method, rest, NULL, NULL, NULL, NULL, &r, err);
    if (rc) return rc;
    spec->rtype = op->response;
    spec->want_raw = r.raw_response != NULL || spec->skip_decode;
    return INTERCOM_OK;
}

intercom_code ic_call_rest(intercom_client *c, const ic_operation *op, const char *rest,
                           const intercom_request_options *ro, void **out, intercom_error *err) {
    if (ro && ro->raw_response) *ro->raw_response = NULL;
    if (out) *out = NULL;
    if (!c || !out) return ic_fail(err, INTERCOM_E_INVALID_ARGUMENT, "%s: client and out are required", op->name);
    ic_error_bind(err, c->a);
    ic_req_spec spec;
    intercom_code rc = spec_rest(&spec, c->cfg, op, rest, ro, err);
    if (rc) return rc;
    return run_sync(c, &spec, out, ro ? ro->raw_response : NULL, err);
}

intercom_code intercom_operation_call(intercom_client *c, const intercom_operation *op, const void *params,
                                      const intercom_request_options *ro, void **out, intercom_error *err) {
    if (!op) {
        if (out) *out = NULL;
        return ic_fail(err, INTERCOM_E_INVALID_ARGUMENT, "op is NULL");
    }
    return ic_call(c, op, params, ro, out, err);
}

intercom_code intercom_request(intercom_client *c, const char *method, const char *path, const intercom_kv *query,
                               const json_t *body, const intercom_request_options *ro, intercom_response **out,
                               intercom_error *err) {
    if (out) *out = NULL;
    int streaming = ro && ro->on_body; /* the body goes to on_body: `out` is optional */
    if (!c || (!out && !streaming))
        return ic_fail(err, INTERCOM_E_INVALID_ARGUMENT, "client is required, and out unless ro->on_body streams the body");
    ic_error_bind(err, c->a);
    ic_req_spec spec;
    intercom_code rc = ic_spec_build(&spec, c->cfg, method, path, NULL, NULL, query, body, ro, err);
    if (rc) return rc;
    return run_sync(c, &spec, NULL, out, err);
}

/* A built spec made secret-safe: bodies redacted in the log, and without the client's Authorization
 * header (a copy of the header list minus that line). On failure the spec is cleared. */
static intercom_code spec_redact(ic_req_spec *spec, intercom_error *err) {
    spec->redact_bodies = 1;
    struct curl_slist *h = NULL;
    for (const struct curl_slist *l = spec->headers; l; l = l->next) {
        if (!strncasecmp(l->data, "Authorization:", 14)) continue;
        struct curl_slist *n = curl_slist_append(h, l->data);
        if (!n) {
            curl_slist_free_all(h);
            ic_spec_clear(spec);
            return ic_fail(err, INTERCOM_E_NOMEM, "out of memory");
        }
        h = n;
    }
    ic_spec_headers_free(spec);
    spec->headers = h;
    spec->headers_owned = 1;
    return INTERCOM_OK;
}

intercom_code ic_request_redacted(intercom_client *c, const char *method, const char *path, const json_t *body,
                                  const intercom_request_options *ro, intercom_response **out, intercom_error *err) {
    if (out) *out = NULL;
    if (!c || !out) return ic_fail(err, INTERCOM_E_INVALID_ARGUMENT, "client and out are required");
    ic_req_spec spec;
    intercom_code rc = ic_spec_build(&spec, c->cfg, method, path, NULL, NULL, NULL, body, ro, err);
    if (rc || (rc = spec_redact(&spec, err))) return rc;
    return run_sync(c, &spec, NULL, out, err);
}

/* ---------- async ---------- */

intercom_code intercom_async_client_new(intercom_async_client **out, const intercom_client_options *opts,
                                        intercom_error *err) {
    if (!out) return ic_fail(err, INTERCOM_E_INVALID_ARGUMENT, "out is NULL");
    *out = NULL;
    const intercom_allocator *a = ic_opts_alloc(opts);
    ic_error_bind(err, a);
    intercom_async_client *c = ic_calloc(a, 1, sizeof *c);
    if (!c) return ic_fail(err, INTERCOM_E_NOMEM, "out of memory");
    c->a = a;
    intercom_code rc = ic_config_new(&c->cfg, opts, err);
    if (!rc && (rc = ic_shared_new(&c->shared, a, err))) ic_config_free(c->cfg);
    if (rc) {
        ic_free(a, c);
        return rc;
    }
    if (!(c->eng = ic_engine_new(c->cfg, c->shared))) {
        ic_shared_free(c->shared);
        ic_config_free(c->cfg);
        ic_free(a, c);
        return ic_fail(err, INTERCOM_E_NOMEM, "out of memory");
    }
    *out = c;
    return INTERCOM_OK;
}

void intercom_async_client_free(intercom_async_client *c) {
    if (!c) return;
    ic_engine_free(c->eng);
    ic_shared_free(c->shared);
    ic_config_free(c->cfg);
    ic_free(c->a, c);
}

size_t intercom_async_run(intercom_async_client *c, long timeout_ms) {
    return c ? ic_engine_step(c->eng, timeout_ms < 0 ? 0 : timeout_ms) : 0;
}

void intercom_async_run_until_idle(intercom_async_client *c) {
    while (c && ic_engine_pending(c->eng)) ic_engine_step(c->eng, 1000);
}

size_t intercom_async_pending(const intercom_async_client *c) { return c ? ic_engine_pending(c->eng) : 0; }

intercom_code intercom_async_cancel(intercom_async_client *c, uint64_t id) {
    return c && !ic_engine_cancel(c->eng, id) ? INTERCOM_OK : INTERCOM_E_INVALID_ARGUMENT;
}

intercom_code intercom_async_client_set_loop(intercom_async_client *c, const intercom_loop_hooks *hooks,
                                             intercom_error *err) {
    if (!c || ic_engine_set_loop(c->eng, hooks))
        return ic_fail(err, INTERCOM_E_INVALID_ARGUMENT,
                       "loop hooks need version, watch and timer, and must be set before the first request");
    return INTERCOM_OK;
}

void intercom_async_socket_action(intercom_async_client *c, int fd, int events) {
    if (c) ic_engine_socket_action(c->eng, fd, events);
}

void intercom_async_timeout(intercom_async_client *c) {
    if (c) ic_engine_timeout(c->eng);
}

typedef struct async_ctx {
    intercom_callback cb;
    void *payload;
    int typed;           /* 1: deliver the model, 0: deliver the raw response */
    intercom_response **raw_dummy;
    const intercom_allocator *a; /* of this context */
} async_ctx;

static void async_done(ic_req *req, intercom_code code, void *result, intercom_response *raw, intercom_error *err,
                       void *payload) {
    (void)req;
    async_ctx ctx = *(async_ctx *)payload;
    ic_free(ctx.a, payload);
    void *out = ctx.typed ? result : (void *)raw;
    if (ctx.typed) intercom_response_free(raw); /* async typed calls: the raw response is not kept */
    ctx.cb(code, out, code ? err : NULL, ctx.payload);
}

/* Submit, or when the request could not be built, queue its error: either way the callback
 * runs exactly once, from the loop, with the full error record. */
static intercom_code submit_async(intercom_async_client *c, intercom_code built, ic_req_spec *spec, int typed,
                                  intercom_callback cb, void *payload, const intercom_request_options *ro,
                                  intercom_error *build_err) {
    async_ctx *ctx = ic_malloc(c->a, sizeof *ctx);
    if (!ctx) {
        if (!built) ic_spec_clear(spec);
        intercom_error_clear(build_err);
        return INTERCOM_E_NOMEM;
    }
    *ctx = (async_ctx){cb, payload, typed, NULL, c->a};
    uint64_t id = built ? ic_engine_submit_error(c->eng, build_err, async_done, ctx)
                        : ic_engine_submit(c->eng, spec, async_done, ctx);
    if (!id) {
        ic_free(c->a, ctx);
        intercom_error_clear(build_err);
        return INTERCOM_E_NOMEM;
    }
    if (ro && ro->async_id) *ro->async_id = id;
    return INTERCOM_OK;
}

intercom_code ic_call_async(intercom_async_client *c, const ic_operation *op, const void *params,
                            const intercom_request_options *ro, intercom_callback cb, void *payload) {
    if (!c || !cb) return INTERCOM_E_INVALID_ARGUMENT;
    ic_req_spec spec;
    intercom_error e = ic_error_init(c->a);
    intercom_request_options upgraded;
    intercom_code rc;
    ro = ic_request_options(ro, &upgraded, &rc, &e); /* an older caller's struct (options.c) */
    if (rc) return submit_async(c, rc, &spec, 1, cb, payload, NULL, &e);
    rc = ro && ro->raw_response
                           ? ic_fail(&e, INTERCOM_E_INVALID_ARGUMENT,
                                     "%s: raw_response is for sync calls; async: skip_decode gives the raw response",
                                     op->name)
                           : ic_spec_build(&spec, c->cfg, NULL, NULL, op, params, NULL, NULL, ro, &e);
    return submit_async(c, rc, &spec, !(ro && (ro->skip_decode || ro->on_body)), cb, payload, ro, &e);
}

intercom_code ic_call_async_rest(intercom_async_client *c, const ic_operation *op, const char *rest,
                                 const intercom_request_options *ro, intercom_callback cb, void *payload) {
    if (!c || !cb) return INTERCOM_E_INVALID_ARGUMENT;
    ic_req_spec spec;
    intercom_error e = ic_error_init(c->a);
    intercom_code rc = spec_rest(&spec, c->cfg, op, rest, ro, &e);
    return submit_async(c, rc, &spec, !(ro && (ro->skip_decode || ro->on_body)), cb, payload, ro, &e);
}

intercom_code ic_async_submit_error(intercom_async_client *c, intercom_code code, intercom_error *err,
                                   intercom_callback cb, void *payload) {
    if (!c || !cb || !code) {
        intercom_error_clear(err);
        return INTERCOM_E_INVALID_ARGUMENT;
    }
    return submit_async(c, code, NULL, 0, cb, payload, NULL, err);
}

intercom_code ic_request_redacted_async(intercom_async_client *c, const char *method, const char *path,
                                        const json_t *body, const intercom_request_options *ro, intercom_callback cb,
                                        void *payload) {
    if (!c || !cb) return INTERCOM_E_INVALID_ARGUMENT;
    ic_req_spec spec;
    intercom_error e = ic_error_init(c->a);
    intercom_code rc = ic_spec_build(&spec, c->cfg, method, path, NULL, NULL, NULL, body, ro, &e);
    if (!rc) rc = spec_redact(&spec, &e);
    return submit_async(c, rc, &spec, 0, cb, payload, ro, &e);
}

intercom_code intercom_async_request(intercom_async_client *c, const char *method, const char *path,
                                     const intercom_kv *query, const json_t *body, const intercom_request_options *ro,
                                     intercom_callback cb, void *payload) {
    if (!c || !cb) return INTERCOM_E_INVALID_ARGUMENT;
    ic_req_spec spec;
    intercom_error e = ic_error_init(c->a);
    intercom_request_options upgraded;
    intercom_code rc;
    ro = ic_request_options(ro, &upgraded, &rc, &e); /* an older caller's struct (options.c) */
    if (rc) return submit_async(c, rc, &spec, 0, cb, payload, NULL, &e);
    rc = ic_spec_build(&spec, c->cfg, method, path, NULL, NULL, query, body, ro, &e);
    return submit_async(c, rc, &spec, 0, cb, payload, ro, &e);
}

ic_rl_mem *ic_client_rl_mem(const intercom_client *c) { return c ? c->cfg->rl_mem : NULL; }

/* ---------- dry run: the request a call would send ---------- */

typedef struct prepared_box {
    const intercom_allocator *a; /* of the box, which holds everything (one allocation) */
    intercom_prepared_request pub;
} prepared_box;

/* The spec's method, URL, headers (as sent: "Name:" lines libcurl drops are left out, "Name;" is an
 * empty value, Authorization redacted) and body, copied into one allocation of @p a. */
static intercom_code prepared_from_spec(const intercom_allocator *a, const ic_req_spec *spec,
                                        intercom_prepared_request **out, intercom_error *err) {
    static const char redacted[] = "[redacted]";
    size_t nh = 0, text = strlen(spec->url) + 1 + spec->body_len + 1;
    for (const struct curl_slist *l = spec->headers; l; l = l->next) nh++, text += strlen(l->data) + sizeof redacted + 1;
    size_t head = sizeof(prepared_box), kv = (nh + 1) * sizeof(intercom_kv);
    prepared_box *box = ic_calloc(a, 1, head + kv + text);
    if (!box) return ic_fail(err, INTERCOM_E_NOMEM, "out of memory");
    box->a = a;
    intercom_prepared_request *p = &box->pub;
    intercom_kv *h = (intercom_kv *)((char *)box + head);
    char *t = (char *)h + kv;
    p->method = spec->method;
    p->url = t;
    t += strlen(strcpy(t, spec->url)) + 1;
    p->headers = h;
    for (const struct curl_slist *l = spec->headers; l; l = l->next) {
        const char *d = l->data, *sep = d + strcspn(d, ":;");
        if (!*sep || (*sep == ':' && !sep[1])) continue; /* "Name:": libcurl sends no such header */
        size_t nl = (size_t)(sep - d);
        const char *v = *sep == ';' ? "" : sep + 1 + strspn(sep + 1, " ");
        if (nl == 13 && !strncasecmp(d, "Authorization", 13)) v = redacted;
        memcpy(t, d, nl);
        t[nl] = '\0';
        h[p->headers_count].key = t;
        t += nl + 1;
        h[p->headers_count++].value = t;
        t += strlen(strcpy(t, v)) + 1;
    }
    h[p->headers_count] = (intercom_kv){NULL, NULL};
    if (spec->body) {
        p->body = t;
        memcpy(t, spec->body, spec->body_len);
        t[spec->body_len] = '\0';
        p->body_len = spec->body_len;
    }
    *out = p;
    return INTERCOM_OK;
}

intercom_code intercom_operation_prepare(const intercom_client *c, const intercom_operation *op, const void *params,
                                         const intercom_request_options *ro, intercom_prepared_request **out,
                                         intercom_error *err) {
    if (out) *out = NULL;
    if (!c || !op || !out) return ic_fail(err, INTERCOM_E_INVALID_ARGUMENT, "client, op and out are required");
    ic_error_bind(err, c->a);
    ic_req_spec spec;
    intercom_code rc = ic_spec_build(&spec, c->cfg, NULL, NULL, op, params, NULL, NULL, ro, err);
    if (rc) return rc;
    rc = prepared_from_spec(c->a, &spec, out, err);
    ic_spec_clear(&spec);
    return rc;
}

intercom_code intercom_request_prepare(const intercom_client *c, const char *method, const char *path,
                                       const intercom_kv *query, const json_t *body, const intercom_request_options *ro,
                                       intercom_prepared_request **out, intercom_error *err) {
    if (out) *out = NULL;
    if (!c || !out) return ic_fail(err, INTERCOM_E_INVALID_ARGUMENT, "client and out are required");
    ic_error_bind(err, c->a);
    ic_req_spec spec;
    intercom_code rc = ic_spec_build(&spec, c->cfg, method, path, NULL, NULL, query, body, ro, err);
    if (rc) return rc;
    rc = prepared_from_spec(c->a, &spec, out, err);
    ic_spec_clear(&spec);
    return rc;
}

void intercom_prepared_request_free(intercom_prepared_request *p) {
    if (!p) return;
    prepared_box *box = (prepared_box *)((char *)p - offsetof(prepared_box, pub));
    ic_free(box->a, box);
}

/* ---------- the in-process store's size ---------- */

intercom_code intercom_client_rate_limit_stats(const intercom_client *c, intercom_rate_limit_stats *out,
                                               intercom_error *err) {
    if (!c || !out) return ic_fail(err, INTERCOM_E_INVALID_ARGUMENT, "client and out are required");
    ic_rl_mem_stats(c->cfg->rl_mem, &out->entries, &out->bytes);
    return INTERCOM_OK;
}

intercom_code intercom_async_client_rate_limit_stats(const intercom_async_client *c, intercom_rate_limit_stats *out,
                                                     intercom_error *err) {
    if (!c || !out) return ic_fail(err, INTERCOM_E_INVALID_ARGUMENT, "client and out are required");
    ic_rl_mem_stats(c->cfg->rl_mem, &out->entries, &out->bytes);
    return INTERCOM_OK;
}
