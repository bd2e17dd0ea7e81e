/* SPDX-License-Identifier: MIT */
/* Building a request once, before the first attempt: URL (path template filled with
 * percent-encoded segments, encoded query), headers, and body. Everything the caller
 * gave is validated here, so a bad argument never reaches the network. */

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http.h"
#include "options.h"

/* Append @p s as exactly one path segment: RFC 3986 unreserved bytes as they are, every
 * other byte %XX (so '/', '?', '#' and '%' cannot change the route); "." and ".." are
 * encoded too, so they are never dot-segments. */
static int append_segment(ic_buf *b, const char *s) {
    static const char hex[] = "0123456789ABCDEF";
    int dots = strspn(s, ".") == strlen(s);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        unsigned char c = *p;
        int plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                    c == '_' || c == '~' || (c == '.' && !dots);
        char enc[3] = {'%', hex[c >> 4], hex[c & 15]};
        if (plain ? ic_buf_append(b, p, 1) : ic_buf_append(b, enc, 3)) return -1;
    }
    return 0;
}

static int append_query(ic_buf *b, const char *k, const char *v) {
    char *ek = curl_easy_escape(NULL, k, 0), *ev = curl_easy_escape(NULL, v ? v : "", 0);
    int rc = !ek || !ev ? -1 : ic_buf_printf(b, "%c%s=%s", strchr(b->data, '?') ? '&' : '?', ek, ev);
    curl_free(ek);
    curl_free(ev);
    return rc;
}

/* The text of one scalar value of a parameter (p points at the value). */
static const char *scalar_text(const ic_field *f, const char *p, const char *enum_str, char *tmp, size_t tmpn) {
    switch (f->kind) {
    case IC_K_STRING: {
        const char *s = *(const char *const *)p;
        return s ? s : f->fixed;
    }
    case IC_K_INT: snprintf(tmp, tmpn, "%lld", (long long)*(const int64_t *)p); return tmp;
    case IC_K_NUMBER: snprintf(tmp, tmpn, "%.17g", *(const double *)p); return tmp;
    case IC_K_BOOL: return *(const bool *)p ? "true" : "false";
    case IC_K_ENUM: {
        int e = *(const int *)p;
        return e > 0 && (uint32_t)e <= f->type->n_values ? f->type->values[e - 1] : enum_str;
    }
    default: return NULL;
    }
}

/* A set, non-array parameter as text, or NULL when it is not set. */
static const char *param_text(const ic_field *f, const void *params, char *tmp, size_t tmpn) {
    if (ic_field_presence(f, params) != 1) return NULL;
    const char *o = params;
    return scalar_text(f, o + f->offset, f->kind == IC_K_ENUM ? *(const char *const *)(o + f->aux_offset) : NULL, tmp,
                       tmpn);
}

const char *ic_param_text(const ic_field *f, const void *params, char *tmp, size_t tmpn) {
    return param_text(f, params, tmp, tmpn);
}

/* Query parameters of a params struct: scalars once; arrays as one comma-separated value
 * (OpenAPI form style, explode false: what 2.16 declares), or repeated keys with IC_F_EXPLODE. */
static int append_params_query(ic_buf *url, const intercom_type *t, const void *params) {
    for (uint32_t i = 0; i < t->n_fields; i++) {
        const ic_field *f = &t->fields[i];
        if (f->in != IC_IN_QUERY && !(f->in == IC_IN_PATH && (f->flags & IC_F_ALSO_QUERY))) continue;
        char tmp[40];
        if (!(f->flags & IC_F_ARRAY)) {
            const char *v = param_text(f, params, tmp, sizeof tmp);
            if (v && append_query(url, f->name, v)) return -1;
            continue;
        }
        if (ic_field_presence(f, params) != 1) continue;
        const char *items = *(const char *const *)((const char *)params + f->offset);
        size_t n = *(const size_t *)((const char *)params + f->aux_offset), sz = ic_kind_size(f->kind);
        if (f->flags & IC_F_EXPLODE) {
            for (size_t k = 0; items && k < n; k++) {
                const char *v = scalar_text(f, items + k * sz, NULL, tmp, sizeof tmp);
                if (v && append_query(url, f->name, v)) return -1;
            }
            continue;
        }
        if (append_query(url, f->name, "")) return -1; /* "?name=" then the escaped items, comma-joined */
        for (size_t k = 0; items && k < n; k++) {
            const char *v = scalar_text(f, items + k * sz, NULL, tmp, sizeof tmp);
            char *ev = v ? curl_easy_escape(NULL, v, 0) : NULL;
            int rc = !ev || (k && ic_buf_append(url, ",", 1)) || ic_buf_append(url, ev, strlen(ev));
            curl_free(ev);
            if (rc) return -1;
        }
    }
    return 0;
}

/* The path parameter of placeholder {name} (@p n bytes): the params field of that name, or `<name>_path`
 * when a body property of the operation has the name (codegen/FORMAT.md); never a body field. */
static const ic_field *path_field(const intercom_type *t, const char *name, size_t n) {
    const ic_field *f = ic_type_find_field(t, name, n);
    if (f && f->in == IC_IN_PATH) return f;
    char key[128];
    if (n + 5 >= sizeof key) return NULL;
    memcpy(key, name, n);
    memcpy(key + n, "_path", 5);
    f = ic_type_find_field(t, key, n + 5);
    return f && f->in == IC_IN_PATH ? f : NULL;
}

static intercom_code build_url(ic_buf *url, const char *base_url, const char *path, const ic_operation *op,
                               const void *params, const intercom_kv *query, const intercom_kv *extra_query,
                               intercom_error *err) {
    size_t bl = strlen(base_url);
    while (bl && base_url[bl - 1] == '/') bl--; /* as the client's: without a trailing slash */
    if (ic_buf_append(url, base_url, bl)) goto oom;
    if (!op) {
        if (path[0] != '/' && ic_buf_append(url, "/", 1)) goto oom;
        if (strpbrk(path, " \r\n\t"))
            return ic_fail(err, INTERCOM_E_INVALID_ARGUMENT, "path \"%s\" contains whitespace or CR/LF", path);
        if (ic_buf_append(url, path, strlen(path))) goto oom;
    } else {
        for (const char *p = op->path; *p;) {
            if (*p != '{') {
                size_t n = strcspn(p, "{");
                if (ic_buf_append(url, p, n)) goto oom;
                p += n;
                continue;
            }
            const char *close = strchr(p, '}');
            size_t n = (size_t)(close - p - 1);
            const ic_field *f = op->params ? path_field(op->params, p + 1, n) : NULL;
            char tmp[40];
            const char *v = f && params ? param_text(f, params, tmp, sizeof tmp) : NULL;
            if (!v || !*v)
                return ic_fail(err, INTERCOM_E_INVALID_ARGUMENT, "%s: path parameter \"%.*s\" is required and must not be empty",
                               op->name, (int)n, p + 1);
            if (append_segment(url, v)) goto oom;
            p = close + 1;
        }
        if (op->params && params && append_params_query(url, op->params, params)) goto oom;
    }
    for (const intercom_kv *q = query; q && q->key; q++)
        if (append_query(url, q->key, q->value)) goto oom;
    for (const intercom_kv *q = extra_query; q && q->key; q++)
        if (append_query(url, q->key, q->value)) goto oom;
    return INTERCOM_OK;
oom:
    return ic_fail(err, INTERCOM_E_NOMEM, "out of memory");
}

/* Headers: built-in, then the client's defaults, then per-request extras; a later
 * header replaces an earlier one of the same name. Requests without per-request headers
 * use two lists built once per client (ic_config.hdr_plain / hdr_json). Redirects are
 * never followed, so the Authorization header only goes to the base URL's host. */
static intercom_code build_headers_as(struct curl_slist **out, const ic_config *cfg, const char *token,
                                      const char *api_version, int has_body, const intercom_kv *extra,
                                      intercom_error *err);

intercom_code ic_build_headers(struct curl_slist **out, const ic_config *cfg, const char *api_version, int has_body,
                                   const intercom_kv *extra, intercom_error *err) {
    return build_headers_as(out, cfg, cfg->token, api_version, has_body, extra, err);
}

/* ic_build_headers() with @p token in the Authorization header (a request's own: one client, many workspaces). */
static intercom_code build_headers_as(struct curl_slist **out, const ic_config *cfg, const char *token,
                                      const char *api_version, int has_body, const intercom_kv *extra,
                                      intercom_error *err) {
    enum { MAX = 64 };
    const char *names[MAX], *values[MAX];
    size_t nnames[MAX], n = 0;
    char *owned[MAX];
    size_t nowned = 0;
    intercom_code rc = INTERCOM_OK;
#define ADD(nm, nl, vl)                                                                                          \
    do {                                                                                                         \
        size_t k_;                                                                                               \
        for (k_ = 0; k_ < n; k_++)                                                                               \
            if (nnames[k_] == (nl) && !strncasecmp(names[k_], (nm), (nl))) break;                                \
        if (k_ == n && n == MAX) {                                                                               \
            rc = ic_fail(err, INTERCOM_E_INVALID_ARGUMENT, "too many headers (at most %d)", MAX);                \
            goto done;                                                                                           \
        }                                                                                                        \
        if (k_ == n) n++;                                                                                        \
        names[k_] = (nm), nnames[k_] = (nl), values[k_] = (vl);                                                  \
    } while (0)
    char auth[1024];
    int al = snprintf(auth, sizeof auth, "Bearer %s", token);
    if (al < 0 || (size_t)al >= sizeof auth) {
        rc = ic_fail(err, INTERCOM_E_INVALID_ARGUMENT, "bearer token too long");
        goto done;
    }
    ADD("Authorization", 13, auth);
    ADD("Accept", 6, "application/json");
    ADD("User-Agent", 10, cfg->user_agent);
    ADD("Intercom-Version", 16, api_version);
    if (has_body == 1) ADD("Content-Type", 12, "application/json");
    else if (!has_body) ADD("Content-Type", 12, ""); /* libcurl would otherwise add a form Content-Type to a bodiless POST */
    /* has_body 2: multipart/form-data, whose Content-Type (with the boundary) libcurl writes */
    ADD("Expect", 6, "");                /* no 100-continue round trip */
    for (char **h = cfg->default_headers; *h; h++) {
        const char *colon = strchr(*h, ':');
        ADD(*h, (size_t)(colon - *h), colon + 2);
    }
    for (const intercom_kv *h = extra; h && h->key; h++) {
        if (!ic_header_name_ok(h->key) || !ic_header_value_ok(h->value)) {
            rc = ic_fail(err, INTERCOM_E_INVALID_ARGUMENT,
                         "header \"%s\": invalid name, or a value containing CR or LF", h->key);
            goto done;
        }
        if (ic_header_is_framing(h->key)) {
            rc = ic_fail(err, INTERCOM_E_INVALID_ARGUMENT,
                         "extra_headers: \"%s\" may not be set: libcurl writes the message framing", h->key);
            goto done;
        }
        ADD(h->key, strlen(h->key), h->value ? h->value : "");
    }
#undef ADD
    for (size_t i = 0; i < n; i++) {
        char *line;
        /* "Name;" is libcurl's way to send a header with an empty value; "Name:" removes it */
        int empty = !*values[i];
        int keep_empty = empty && strncasecmp(names[i], "Content-Type", 12) && strncasecmp(names[i], "Expect", 6);
        if (ic_asprintf(cfg->alloc, &line, "%.*s%s%s", (int)nnames[i], names[i], empty ? (keep_empty ? ";" : ":") : ": ", values[i]) < 0) {
            rc = ic_fail(err, INTERCOM_E_NOMEM, "out of memory");
            goto done;
        }
        owned[nowned++] = line;
        struct curl_slist *s = curl_slist_append(*out, line);
        if (!s) {
            rc = ic_fail(err, INTERCOM_E_NOMEM, "out of memory");
            goto done;
        }
        *out = s;
    }
done:
    for (size_t i = 0; i < nowned; i++) ic_free(cfg->alloc, owned[i]);
    return rc;
}

/* A scalar holding a value while its has_ member says absent: the value would be dropped silently. */
static int unflagged_scalar(const ic_field *f, const void *params) {
    const char *p = (const char *)params + f->offset;
    if ((f->flags & IC_F_ARRAY) || ((const uint8_t *)params)[f->state_offset] != INTERCOM_FIELD_ABSENT) return 0;
    switch (f->kind) {
    case IC_K_INT: return *(const int64_t *)p != 0;
    case IC_K_NUMBER: return *(const double *)p != 0.0;
    case IC_K_BOOL: return *(const bool *)p;
    default: return 0;
    }
}

/* Required parameters (path ones are checked while filling the template; a body field that the object
 * @p extra_body names is supplied by it); scalars set without their has_ member (INTERCOM_SET() sets both)
 * are refused rather than dropped. */
static intercom_code check_required(const ic_operation *op, const void *params, const json_t *extra_body,
                                    intercom_error *err) {
    for (uint32_t i = 0; op->params && i < op->params->n_fields; i++) {
        const ic_field *f = &op->params->fields[i];
        if (params && unflagged_scalar(f, params))
            return ic_fail(err, INTERCOM_E_INVALID_ARGUMENT,
                           "%s: \"%s\" is set but its has_ member is 0, so it would not be sent "
                           "(set both with INTERCOM_SET(), or the has_ member to INTERCOM_FIELD_PRESENT)",
                           op->name, f->name);
        if (!(f->flags & IC_F_REQUIRED) || f->in == IC_IN_PATH) continue;
        if (f->in == IC_IN_BODY && json_is_object(extra_body) && json_object_get(extra_body, f->name)) continue;
        if (!params || !ic_field_presence(f, params))
            return ic_fail(err, INTERCOM_E_INVALID_ARGUMENT, "%s: %s \"%s\" is required", op->name,
                           f->in == IC_IN_QUERY ? "query parameter" : f->in == IC_IN_HEADER ? "header" : "body field",
                           f->name);
    }
    return INTERCOM_OK;
}

/* The JSON body of a typed call: the params' body fields, written by the descriptor encoder, then the
 * members of extra_body (written by Jansson) appended to the object; a body field extra_body also names
 * is left out of the first part, so extra_body's value replaces it. The encoder's text is kept as it is
 * (no parse and rewrite: numbers, an integer beyond 64 bits included, go out exactly as encoded). */
static intercom_code build_typed_body(ic_req_spec *spec, const ic_operation *op, const void *params, const json_t *extra,
                                      intercom_error *err) {
    const intercom_allocator *a = spec->alloc;
    intercom_code rc;
    if (params && op->params) {
        rc = ic_encode(a, op->params, params, NULL, 0, IC_IN_BODY, json_is_object(extra) ? extra : NULL, &spec->body,
                       &spec->body_len, NULL, err);
        if (rc) return rc;
    } else if (!(spec->body = ic_astrdup(a, "{}"))) {
        return ic_fail(err, INTERCOM_E_NOMEM, "out of memory");
    } else {
        spec->body_len = 2;
    }
    if (!extra) return INTERCOM_OK;
    if (!json_is_object(extra)) return ic_fail(err, INTERCOM_E_INVALID_ARGUMENT, "extra_body must be a JSON object");
    if (spec->body[0] != '{')
        return ic_fail(err, INTERCOM_E_INVALID_ARGUMENT, "%s: extra_body needs a JSON object body to merge into", op->name);
    char *more = ic_json_dumps(a, extra, JSON_COMPACT); /* "{...}" */
    if (!more) return ic_fail(err, INTERCOM_E_NOMEM, "out of memory merging extra_body");
    size_t ml = strlen(more);
    ic_buf b = {.a = a};
    int bad = ml > 2 && /* "{typed}" and "{extra}" give "{typed,extra}" */
              (ic_buf_append(&b, spec->body, spec->body_len - 1) || (spec->body_len > 2 && ic_buf_append(&b, ",", 1)) ||
               ic_buf_append(&b, more + 1, ml - 1));
    ic_free(a, more);
    if (bad) {
        ic_buf_free(&b);
        return ic_fail(err, INTERCOM_E_NOMEM, "out of memory merging extra_body");
    }
    if (b.data) {
        ic_free(a, spec->body);
        spec->body = b.data;
        spec->body_len = b.len;
    }
    return INTERCOM_OK;
}

static intercom_code build_body(ic_req_spec *spec, const json_t *body, const json_t *extra, intercom_error *err) {
    json_t *merged = NULL;
    if (extra && !json_is_object(extra))
        return ic_fail(err, INTERCOM_E_INVALID_ARGUMENT, "extra_body must be a JSON object");
    if (extra && body && !json_is_object(body))
        return ic_fail(err, INTERCOM_E_INVALID_ARGUMENT, "extra_body needs a JSON object body to merge into");
    if (extra) {
        merged = body ? json_copy((json_t *)body) : json_object();
        if (!merged || json_object_update(merged, (json_t *)extra)) {
            json_decref(merged);
            return ic_fail(err, INTERCOM_E_NOMEM, "out of memory");
        }
        body = merged;
    }
    spec->body = ic_json_dumps(spec->alloc, body, JSON_COMPACT | JSON_ENCODE_ANY);
    json_decref(merged);
    if (!spec->body) return ic_fail(err, INTERCOM_E_INVALID_ARGUMENT, "request body could not be serialised");
    spec->body_len = strlen(spec->body);
    return INTERCOM_OK;
}

static const char *static_method(const char *m) {
    static const char *const methods[] = {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"};
    for (size_t i = 0; i < sizeof methods / sizeof *methods; i++)
        if (m && !strcasecmp(m, methods[i])) return methods[i];
    return NULL;
}

/* The client's prebuilt list (hdr_plain or hdr_json, whose first line is the client's own
 * "Authorization: Bearer <token>") with @p token's Authorization line in its place: one node of ours
 * (node and line in one allocation, headers_owned 2) whose next is the prebuilt list's second node.
 * 1 when done; 0 when the slow path must build the list (the first line is not the client's
 * token, because a default header replaced it; the token too long; out of memory). */
static int token_line(ic_req_spec *spec, const ic_config *cfg, const char *token) {
    static const char pre[] = "Authorization: Bearer ";
    const struct curl_slist *base = spec->body ? cfg->hdr_json : cfg->hdr_plain;
    size_t tl = strlen(token);
    if (!base || !cfg->token || tl + 7 >= 1024 || strncmp(base->data, pre, sizeof pre - 1) ||
        strcmp(base->data + sizeof pre - 1, cfg->token))
        return 0;
    struct curl_slist *n = ic_malloc(spec->alloc, sizeof *n + sizeof pre + tl);
    if (!n) return 0;
    n->data = (char *)(n + 1);
    memcpy(n->data, pre, sizeof pre - 1);
    memcpy(n->data + sizeof pre - 1, token, tl + 1);
    n->next = base->next;
    spec->headers = n;
    spec->headers_owned = 2;
    return 1;
}

intercom_code ic_spec_build(ic_req_spec *spec, const ic_config *cfg, const char *method, const char *path,
                            const ic_operation *op, const void *params, const intercom_kv *query, const json_t *body,
                            const intercom_request_options *ro, intercom_error *err) {
    intercom_request_options defaults = INTERCOM_REQUEST_OPTIONS_INIT, upgraded;
    memset(spec, 0, sizeof *spec);
    spec->alloc = cfg->alloc;
    intercom_code vrc;
    ro = ic_request_options(ro, &upgraded, &vrc, err); /* an older caller's struct (options.c) */
    if (vrc) return vrc;
    if (!ro) ro = &defaults;
    const char *token = ro->bearer_token;
    if (token && (!*token || !ic_header_value_ok(token)))
        return ic_fail(err, INTERCOM_E_INVALID_ARGUMENT, "intercom_request_options.bearer_token is empty or contains "
                                                         "CR/LF");
    if (token && strlen(token) > 1000)
        return ic_fail(err, INTERCOM_E_INVALID_ARGUMENT, "intercom_request_options.bearer_token is over 1000 bytes");
    const char *base_url = NULL;
    intercom_code brc = ic_request_base_url(ro->environment, ro->base_url, &base_url, err);
    if (brc) return brc;
    if (!base_url) base_url = cfg->base_url;
    if (cfg->pace_rate_limit) {
        if (!token) memcpy(spec->pace_key, cfg->token_key, sizeof spec->pace_key);
        else if (ic_rl_key(token, spec->pace_key)) return ic_fail(err, INTERCOM_E_INTERNAL, "SHA-256 failed (libcrypto)");
    }
    if (op) method = op->method;
    if (!(spec->method = static_method(method)))
        return ic_fail(err, INTERCOM_E_INVALID_ARGUMENT, "unsupported HTTP method \"%s\"", method ? method : "(null)");
    if (!op && !path) return ic_fail(err, INTERCOM_E_INVALID_ARGUMENT, "path is required");
    if (op && !(op->flags & IC_OP_HAS_BODY) && (body || ro->extra_body))
        return ic_fail(err, INTERCOM_E_INVALID_ARGUMENT, "%s takes no request body (extra_body given)", op->name);
    if (ro->max_retries > 100) return ic_fail(err, INTERCOM_E_INVALID_ARGUMENT, "max_retries must be at most 100");
    const char *api_version = ro->api_version ? ro->api_version : op && op->api_version ? op->api_version : cfg->api_version;
    if (!*api_version || !ic_header_value_ok(api_version))
        return ic_fail(err, INTERCOM_E_INVALID_ARGUMENT, "api_version is empty or contains CR/LF");

    static const struct {
        const char *name;
        size_t off;
    } secs[] = {{"timeout", offsetof(intercom_request_options, timeout)},
                {"connect_timeout", offsetof(intercom_request_options, connect_timeout)},
                {"read_timeout", offsetof(intercom_request_options, read_timeout)},
                {"write_timeout", offsetof(intercom_request_options, write_timeout)}};
    for (size_t i = 0; i < sizeof secs / sizeof *secs; i++) { /* a finite negative value: the client's */
        double v = *(const double *)((const char *)ro + secs[i].off);
        intercom_code vrc;
        if ((!isfinite(v) || v >= 0) && (vrc = ic_check_seconds("intercom_request_options", secs[i].name, v, err)))
            return vrc;
    }
    spec->max_retries = ro->max_retries >= 0 ? ro->max_retries : cfg->max_retries;
    spec->timeout = ro->timeout >= 0 ? ro->timeout : cfg->timeout;
    spec->connect_timeout = ro->connect_timeout >= 0 ? ro->connect_timeout : cfg->connect_timeout;
    spec->read_timeout = ro->read_timeout >= 0 ? ro->read_timeout : cfg->read_timeout;
    spec->write_timeout = ro->write_timeout >= 0 ? ro->write_timeout : cfg->write_timeout;
    spec->strict = ro->strict >= 0 ? ro->strict : cfg->strict;
    spec->rtype = op ? op->response : NULL;
    spec->skip_decode = ro->skip_decode || ro->on_body;
    spec->want_raw = ro->raw_response != NULL || !op || spec->skip_decode;
    spec->on_body = ro->on_body;
    spec->on_body_payload = ro->on_body_payload;

    intercom_code rc;
    ic_buf url = {.a = cfg->alloc};
    if ((rc = build_url(&url, base_url, path, op, params, query, ro->extra_query, err))) goto fail;
    if (url.len > IC_MAX_URL) {
        rc = ic_fail(err, INTERCOM_E_INVALID_ARGUMENT,
                     "%s%srequest URL is %zu bytes after encoding (path and query parameters); at most %d are sent",
                     op ? op->name : "", op ? ": " : "", url.len, IC_MAX_URL);
        goto fail;
    }
    spec->url = url.data;
    url.data = NULL;
    if (op && (rc = check_required(op, params, ro->extra_body, err))) goto fail;
    if (op && op->per_page_max && (rc = ic_check_per_page(op, params, err))) goto fail;
    if (op && (op->flags & IC_OP_MULTIPART)) {
        if ((rc = ic_spec_multipart(spec, op, params, ro->extra_body, err))) goto fail;
    } else if (op && (op->flags & IC_OP_HAS_BODY)) {
        if ((rc = build_typed_body(spec, op, params, ro->extra_body, err))) goto fail;
    } else if ((body || ro->extra_body) && (rc = build_body(spec, body, ro->extra_body, err))) {
        goto fail;
    }
    /* per-request headers: the operation's Accept, header parameters, then the caller's extras */
    enum { MAXH = 32 };
    intercom_kv hdrs[MAXH + 1];
    size_t nh = 0;
    if (op && op->accept) hdrs[nh++] = (intercom_kv){"Accept", op->accept};
    for (uint32_t i = 0; op && op->params && params && i < op->params->n_fields && nh < MAXH; i++) {
        const ic_field *f = &op->params->fields[i];
        char tmp[40];
        const char *v = f->in == IC_IN_HEADER ? param_text(f, params, tmp, sizeof tmp) : NULL;
        if (v && f->kind == IC_K_STRING) hdrs[nh++] = (intercom_kv){f->name, v};
    }
    for (const intercom_kv *h = ro->extra_headers; h && h->key; h++) {
        if (nh == MAXH) {
            rc = ic_fail(err, INTERCOM_E_INVALID_ARGUMENT, "too many extra headers (at most %d)", MAXH);
            goto fail;
        }
        hdrs[nh++] = *h;
    }
    hdrs[nh] = (intercom_kv){NULL, NULL};
    if (!nh && api_version == cfg->api_version && !token && !spec->multipart) {
        spec->headers = spec->body ? cfg->hdr_json : cfg->hdr_plain;
    } else if (!nh && api_version == cfg->api_version && !spec->multipart && token_line(spec, cfg, token)) {
        /* a request's own token and nothing else of its own: its Authorization line in front of the
         * client's prebuilt list (one client, many workspaces: no list built per request) */
    } else {
        spec->headers_owned = 1;
        if ((rc = build_headers_as(&spec->headers, cfg, token ? token : cfg->token, api_version,
                                   spec->multipart ? 2 : spec->body != NULL, hdrs, err)))
            goto fail;
    }
    return INTERCOM_OK;
fail:
    ic_buf_free(&url);
    ic_spec_clear(spec);
    return rc;
}

void ic_spec_headers_free(ic_req_spec *spec) {
    if (spec->headers_owned == 2) ic_free(spec->alloc, spec->headers); /* token_line(): its own node only */
    else if (spec->headers_owned) curl_slist_free_all(spec->headers);
    spec->headers = NULL;
    spec->headers_owned = 0;
}

void ic_spec_clear(ic_req_spec *spec) {
    ic_free(spec->alloc, spec->url);
    ic_free(spec->alloc, spec->body);
    ic_spec_headers_free(spec);
    ic_spec_parts_clear(spec);
    spec->url = spec->body = NULL;
    spec->headers = NULL;
}
