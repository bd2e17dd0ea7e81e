/* SPDX-License-Identifier: MIT */
/* What every model shares: field states, raw JSON, one free, and serialisation
 * (yajl's generator walking the same descriptors the decoder uses). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_gen.h>

#include "model.h"

intercom_field_state_t intercom_field_state(const void *model, const char *json_name) {
    const intercom_model *m = model;
    if (!m || !json_name) return INTERCOM_FIELD_ABSENT;
    const ic_field *f = m->type ? ic_type_find_field(m->type, json_name, strlen(json_name)) : NULL;
    return f ? (intercom_field_state_t)((const uint8_t *)model)[f->state_offset] : INTERCOM_FIELD_ABSENT;
}

size_t ic_kind_size(int kind) {
    switch (kind) {
    case IC_K_INT: return sizeof(int64_t);
    case IC_K_NUMBER: return sizeof(double);
    case IC_K_BOOL: return sizeof(bool);
    case IC_K_ENUM: return sizeof(int);
    default: return sizeof(void *); /* strings, objects, json_t */
    }
}

const char *intercom_type_name(const intercom_type *type) { return type ? type->name : NULL; }

json_t *intercom_model_raw_json(const void *model) {
    const intercom_model *m = model;
    if (!m || !m->doc || m->doc->root != m) return NULL;
    if (!m->doc->raw_json && m->doc->body) { /* (a webhook item has its json_t from the start, no body) */
        ic_json_oom_take();
        m->doc->raw_json = json_loadb(m->doc->body, m->doc->body_len, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
        if (ic_json_oom_take()) json_decref(m->doc->raw_json), m->doc->raw_json = NULL; /* incomplete: not kept */
        /* what Jansson's parser refuses (big numbers, nesting beyond 2048, \u0000 in keys) but the decoder took */
        else if (!m->doc->raw_json) m->doc->raw_json = ic_json_load_any(m->doc->body, m->doc->body_len, m->doc);
    }
    return m->doc->raw_json;
}

void intercom_model_free(void *model) {
    intercom_model *m = model;
    if (m && m->doc && m->doc->root == m) ic_doc_free(m->doc); /* nested models go with their root */
}

void intercom_free_string(char *s) { ic_free(NULL, s); }

/* ---------- serialisation ---------- */

/* Everything the writer needs besides yajl's generator: the document (invalid values, and the
 * text of numbers a json_t holds only approximately), how deep yajl's generator is (it stops at
 * 128 levels: deeper free-form values are written by render_json and handed over as one
 * verbatim token), and the first field refused (a string that is not UTF-8). */
typedef struct gen {
    yajl_gen g;
    const ic_doc *doc;
    int depth;
    const char *bad_field;
    int too_deep;
    int check_utf8;        /* request bodies: free-form strings and keys must be UTF-8 too */
    const char *cur_field; /* the field being written (named when refused) */
    const intercom_allocator *a; /* the caller's, for the text of values nested deeper than yajl goes */
} gen;

#define GEN_MAX_YAJL_DEPTH 120  /* below yajl_gen's 128 */
#define GEN_MAX_DEPTH 4096      /* render_json's recursion; the decoder accepts 512 */

/* Shortest text that reads back as the same double ("0" for 0: a number as received). */
static void format_double(char buf[32], double x) {
    if (x == 0 && signbit(x)) { /* "-0" would read back as the integer 0 */
        strcpy(buf, "-0.0");
        return;
    }
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(buf, 32, "%.*g", prec, x);
        if (strtod(buf, NULL) == x) return;
    }
}

static int gen_double(gen *G, double x) {
    if (!isfinite(x)) return yajl_gen_null(G->g) == yajl_gen_status_ok ? 0 : -1;
    char buf[32];
    format_double(buf, x);
    return yajl_gen_number(G->g, buf, strlen(buf)) == yajl_gen_status_ok ? 0 : -1;
}

static int put_escaped(ic_buf *b, const char *s, size_t n) {
    static const char hex[] = "0123456789abcdef";
    if (ic_buf_append(b, "\"", 1)) return -1;
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        const char *esc = NULL;
        char u[7];
        switch (c) {
        case '"': esc = "\\\""; break;
        case '\\': esc = "\\\\"; break;
        case '\n': esc = "\\n"; break;
        case '\r': esc = "\\r"; break;
        case '\t': esc = "\\t"; break;
        case '\b': esc = "\\b"; break;
        case '\f': esc = "\\f"; break;
        default:
            if (c < 0x20) {
                memcpy(u, "\\u00", 4);
                u[4] = hex[c >> 4];
                u[5] = hex[c & 15];
                u[6] = '\0';
                esc = u;
            }
        }
        if (!esc) continue;
        if (ic_buf_append(b, s + run, i - run) || ic_buf_append(b, esc, strlen(esc))) return -1;
        run = i + 1;
    }
    return ic_buf_append(b, s + run, n - run) || ic_buf_append(b, "\"", 1) ? -1 : 0;
}

/* Compact JSON text of a free-form value of any depth (up to GEN_MAX_DEPTH). */
/* A free-form string or key: in a request body it must be UTF-8 (the field is named). */
static int utf8_ok(gen *G, const char *s, size_t n) {
    if (!G->check_utf8 || ic_utf8_valid(s, n)) return 1;
    if (!G->bad_field) G->bad_field = G->cur_field ? G->cur_field : "(free-form value)";
    return 0;
}

static int render_json(ic_buf *b, const json_t *v, gen *G, int depth) {
    const ic_doc *doc = G->doc;
    if (depth > GEN_MAX_DEPTH) return G->too_deep = 1, -1;
    char num[32];
    size_t tl;
    const char *text;
    switch (json_typeof(v)) {
    case JSON_OBJECT: {
        const char *k;
        size_t kl;
        json_t *x;
        int first = 1;
        if (ic_buf_append(b, "{", 1)) return -1;
        json_object_keylen_foreach((json_t *)v, k, kl, x) {
            if (!utf8_ok(G, k, kl) || (!first && ic_buf_append(b, ",", 1)) || put_escaped(b, k, kl) ||
                ic_buf_append(b, ":", 1) || render_json(b, x, G, depth + 1))
                return -1;
            first = 0;
        }
        return ic_buf_append(b, "}", 1);
    }
    case JSON_ARRAY: {
        size_t i;
        json_t *x;
        if (ic_buf_append(b, "[", 1)) return -1;
        json_array_foreach(v, i, x) if ((i && ic_buf_append(b, ",", 1)) || render_json(b, x, G, depth + 1)) return -1;
        return ic_buf_append(b, "]", 1);
    }
    case JSON_STRING:
        if (!utf8_ok(G, json_string_value(v), json_string_length(v))) return -1;
        return put_escaped(b, json_string_value(v), json_string_length(v));
    case JSON_INTEGER: return ic_buf_printf(b, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
    case JSON_REAL:
        if ((text = ic_doc_number_text(doc, v, &tl))) return ic_buf_append(b, text, tl);
        if (!isfinite(json_real_value(v))) return ic_buf_append(b, "null", 4);
        format_double(num, json_real_value(v));
        return ic_buf_append(b, num, strlen(num));
    case JSON_TRUE: return ic_buf_append(b, "true", 4);
    case JSON_FALSE: return ic_buf_append(b, "false", 5);
    default: return ic_buf_append(b, "null", 4);
    }
}

static int gen_open(gen *G, int is_map) {
    G->depth++;
    return (is_map ? yajl_gen_map_open(G->g) : yajl_gen_array_open(G->g)) == yajl_gen_status_ok ? 0 : -1;
}

static int gen_close(gen *G, int is_map) {
    G->depth--;
    return (is_map ? yajl_gen_map_close(G->g) : yajl_gen_array_close(G->g)) == yajl_gen_status_ok ? 0 : -1;
}

static int gen_json(gen *G, const json_t *v) {
    size_t tl;
    const char *text;
    if ((json_is_object(v) || json_is_array(v)) && G->depth >= GEN_MAX_YAJL_DEPTH) {
        /* deeper than yajl's generator goes: the rest as one verbatim token */
        ic_buf b = {.a = G->a};
        int rc = render_json(&b, v, G, G->depth);
        if (!rc) rc = yajl_gen_number(G->g, b.data, b.len) == yajl_gen_status_ok ? 0 : -1;
        ic_buf_free(&b);
        return rc;
    }
    switch (json_typeof(v)) {
    case JSON_OBJECT: {
        const char *k;
        size_t kl;
        json_t *x;
        if (gen_open(G, 1)) return -1;
        json_object_keylen_foreach((json_t *)v, k, kl, x) {
            if (!utf8_ok(G, k, kl) || yajl_gen_string(G->g, (const unsigned char *)k, kl) != yajl_gen_status_ok ||
                gen_json(G, x))
                return -1;
        }
        return gen_close(G, 1);
    }
    case JSON_ARRAY: {
        size_t i;
        json_t *x;
        if (gen_open(G, 0)) return -1;
        json_array_foreach(v, i, x) if (gen_json(G, x)) return -1;
        return gen_close(G, 0);
    }
    case JSON_STRING:
        if (!utf8_ok(G, json_string_value(v), json_string_length(v))) return -1;
        return yajl_gen_string(G->g, (const unsigned char *)json_string_value(v), json_string_length(v)) ==
                       yajl_gen_status_ok ? 0 : -1;
    case JSON_INTEGER: return yajl_gen_integer(G->g, json_integer_value(v)) == yajl_gen_status_ok ? 0 : -1;
    case JSON_REAL:
        if ((text = ic_doc_number_text(G->doc, v, &tl))) /* as received */
            return yajl_gen_number(G->g, text, tl) == yajl_gen_status_ok ? 0 : -1;
        return gen_double(G, json_real_value(v));
    case JSON_TRUE: return yajl_gen_bool(G->g, 1) == yajl_gen_status_ok ? 0 : -1;
    case JSON_FALSE: return yajl_gen_bool(G->g, 0) == yajl_gen_status_ok ? 0 : -1;
    default: return yajl_gen_null(G->g) == yajl_gen_status_ok ? 0 : -1;
    }
}

/* A string of a typed field: refused unless UTF-8 (the field is named in the error). */
static int gen_string(gen *G, const ic_field *f, const char *s) {
    size_t n = strlen(s);
    if (!ic_utf8_valid(s, n)) {
        if (!G->bad_field) G->bad_field = f->name;
        return -1;
    }
    return yajl_gen_string(G->g, (const unsigned char *)s, n) == yajl_gen_status_ok ? 0 : -1;
}

static int gen_object(gen *G, const intercom_type *t, const void *obj, int only_in, const json_t *skip, int *missing);

static int gen_value(gen *G, const ic_field *f, const void *p, const char *enum_str) {
    switch (f->kind) {
    case IC_K_STRING: {
        const char *s = *(const char *const *)p;
        if (!s) s = f->fixed; /* a one-value string the caller left NULL */
        if (!s) return yajl_gen_null(G->g) == yajl_gen_status_ok ? 0 : -1;
        return gen_string(G, f, s);
    }
    case IC_K_INT: return yajl_gen_integer(G->g, (long long)*(const int64_t *)p) == yajl_gen_status_ok ? 0 : -1;
    case IC_K_NUMBER: return gen_double(G, *(const double *)p);
    case IC_K_BOOL: return yajl_gen_bool(G->g, *(const bool *)p) == yajl_gen_status_ok ? 0 : -1;
    case IC_K_ENUM: {
        int e = *(const int *)p;
        const char *s = e > 0 && (uint32_t)e <= f->type->n_values ? f->type->values[e - 1] : enum_str;
        if (!s) return yajl_gen_null(G->g) == yajl_gen_status_ok ? 0 : -1;
        return gen_string(G, f, s);
    }
    case IC_K_OBJECT: {
        const void *m = *(const void *const *)p;
        if (!m) return yajl_gen_null(G->g) == yajl_gen_status_ok ? 0 : -1;
        return gen_object(G, f->type, m, -1, NULL, NULL);
    }
    default: {
        const json_t *j = *(const json_t *const *)p;
        if (!j) return yajl_gen_null(G->g) == yajl_gen_status_ok ? 0 : -1;
        return gen_json(G, j);
    }
    }
}

/* Whether a field is written, and as what: 1 its value, 2 null, 0 not at all (see model.h). */
int ic_field_presence(const ic_field *f, const void *obj) {
    const char *o = obj;
    uint8_t st = (uint8_t)o[f->state_offset];
    if (st == INTERCOM_FIELD_NULL) return 2;
    if (st == INTERCOM_FIELD_INVALID) return 0;
    if (f->flags & IC_F_ARRAY) return st == INTERCOM_FIELD_PRESENT || *(const void *const *)(o + f->offset) ? 1 : 0;
    if (st == INTERCOM_FIELD_PRESENT) return 1;
    switch (f->kind) {
    case IC_K_STRING:
        return *(const void *const *)(o + f->offset) || (f->fixed && (f->flags & IC_F_REQUIRED)) ? 1 : 0;
    case IC_K_OBJECT:
    case IC_K_JSON:
    case IC_K_FILE: return *(const void *const *)(o + f->offset) ? 1 : 0;
    case IC_K_ENUM: return *(const int *)(o + f->offset) || *(const char *const *)(o + f->aux_offset) ? 1 : 0;
    default: return 0; /* scalars need their has_ member */
    }
}

int ic_type_is_array_wrapper(const intercom_type *t) {
    return t->kind == IC_T_OBJECT && t->n_fields == 1 && !t->fields[0].name[0] && (t->fields[0].flags & IC_F_ARRAY);
}

static int gen_array(gen *G, const ic_field *f, const void *obj) {
    const char *items = *(const char *const *)((const char *)obj + f->offset);
    size_t n = *(const size_t *)((const char *)obj + f->aux_offset), sz = ic_kind_size(f->kind);
    if (gen_open(G, 0)) return -1;
    for (size_t k = 0; items && k < n; k++)
        if (gen_value(G, f, items + k * sz, NULL)) return -1;
    return gen_close(G, 0);
}

/* The document of a model: its own (every decoded model, nested ones too, points at it). */
static const ic_doc *doc_of(const intercom_type *t, const void *obj, const ic_doc *fallback) {
    const ic_doc *d = t->kind == IC_T_OBJECT ? ((const intercom_model *)obj)->doc : NULL;
    return d ? d : fallback;
}

/* Write an object's fields; only_in >= 0 writes only fields of that ic_field.in (request bodies), and
 * none that the JSON object @p skip names; *missing receives the first required field that is not set,
 * if any. */
static int gen_object(gen *G, const intercom_type *t, const void *obj, int only_in, const json_t *skip, int *missing) {
    const ic_doc *outer = G->doc;
    G->doc = doc_of(t, obj, outer);
    int rc = -1;
    if (ic_type_is_array_wrapper(t)) { /* a top-level JSON array */
        rc = gen_array(G, &t->fields[0], obj);
        goto out;
    }
    if (gen_open(G, 1)) goto out;
    for (uint32_t i = 0; i < t->n_fields; i++) {
        const ic_field *f = &t->fields[i];
        if (only_in >= 0 && f->in != only_in) continue;
        if (skip && json_object_get(skip, f->name)) continue;
        if (f->kind == IC_K_FILE) continue; /* a multipart part (request.c), never JSON */
        if (G->depth == 1 || !G->cur_field) G->cur_field = f->name;
        int how = ic_field_presence(f, obj);
        const json_t *inv = NULL;
        if (!how && G->doc && ((const uint8_t *)obj)[f->state_offset] == INTERCOM_FIELD_INVALID &&
            (inv = ic_doc_find_invalid(G->doc, obj, f))) { /* written back as it came */
            if (yajl_gen_string(G->g, (const unsigned char *)f->name, strlen(f->name)) != yajl_gen_status_ok ||
                gen_json(G, inv))
                goto out;
            continue;
        }
        if (!how) {
            if (missing && *missing < 0 && (f->flags & IC_F_REQUIRED)) *missing = (int)i;
            continue;
        }
        if (yajl_gen_string(G->g, (const unsigned char *)f->name, strlen(f->name)) != yajl_gen_status_ok) goto out;
        if (how == 2) {
            if (yajl_gen_null(G->g) != yajl_gen_status_ok) goto out;
            continue;
        }
        const char *p = (const char *)obj + f->offset;
        if (f->flags & IC_F_ARRAY) {
            if (gen_array(G, f, obj)) goto out;
        } else if (gen_value(G, f, p, f->kind == IC_K_ENUM ? *(const char *const *)((const char *)obj + f->aux_offset) : NULL)) {
            goto out;
        }
    }
    rc = gen_close(G, 1);
out:
    G->doc = outer;
    return rc;
}

/* yajl's output goes straight into a buffer of the caller's allocator (yajl's own buffer does
 * not check its allocations); a failed append is remembered and reported after generation. */
typedef struct gen_out {
    ic_buf b;
    int oom;
} gen_out;

static void gen_print(void *ctx, const char *s, size_t n) {
    gen_out *o = ctx;
    if (!o->oom && ic_buf_append(&o->b, s, n)) o->oom = 1;
}

/* Serialise @p obj of type @p t into a new string of allocator @p a. */
intercom_code ic_encode(const intercom_allocator *a, const intercom_type *t, const void *obj, const ic_doc *doc, int flags,
                        int only_in, const json_t *skip, char **out, size_t *out_len, int *missing, intercom_error *err) {
    *out = NULL;
    ic_yajl_mem ym;
    gen_out o = {{.a = a}, 0};
    gen G = {ic_yajl_gen_alloc(&ym, a), doc, 0, NULL, 0, only_in >= 0, NULL, a};
    if (!G.g) return ic_fail(err, INTERCOM_E_NOMEM, "out of memory");
    yajl_gen_config(G.g, yajl_gen_print_callback, gen_print, &o);
    if (flags & INTERCOM_JSON_PRETTY) {
        yajl_gen_config(G.g, yajl_gen_beautify, 1);
        yajl_gen_config(G.g, yajl_gen_indent_string, "  ");
    }
    intercom_code rc = INTERCOM_OK;
    int bad = gen_object(&G, t, obj, only_in, skip, missing);
    if (o.oom || (!bad && ic_buf_append(&o.b, "", 0))) {
        rc = ic_fail(err, INTERCOM_E_NOMEM, "out of memory while serialising %s", t->name);
    } else if (bad) {
        if (G.bad_field)
            rc = ic_fail(err, INTERCOM_E_INVALID_ARGUMENT, "%s: field \"%s\" is not valid UTF-8 (nothing was sent)", t->name,
                         G.bad_field);
        else if (G.too_deep)
            rc = ic_fail(err, INTERCOM_E_INVALID_ARGUMENT, "%s: a free-form value is nested deeper than %d levels", t->name,
                         GEN_MAX_DEPTH);
        else rc = ic_fail(err, INTERCOM_E_NOMEM, "out of memory while serialising %s", t->name);
    } else {
        *out = o.b.data;
        o.b.data = NULL;
        if (out_len) *out_len = o.b.len;
    }
    ic_buf_free(&o.b);
    ic_yajl_gen_free(&ym, G.g);
    return rc;
}

intercom_code intercom_to_json(const void *model, int flags, char **out, size_t *out_len, intercom_error *err) {
    const intercom_model *m = model;
    if (!m || !out) return ic_fail(err, INTERCOM_E_INVALID_ARGUMENT, "model and out are required");
    if (!m->type) return ic_fail(err, INTERCOM_E_INVALID_ARGUMENT, "model has no type: start it from its _INIT macro");
    return ic_encode(NULL, m->type, model, m->doc, flags, -1, NULL, out, out_len, NULL, err);
}

intercom_code intercom_to_json_as(const intercom_type *type, const void *value, int flags, char **out, size_t *out_len,
                                  intercom_error *err) {
    if (!type || !value || !out) return ic_fail(err, INTERCOM_E_INVALID_ARGUMENT, "type, value and out are required");
    if (type->kind == IC_T_ENUM) return ic_fail(err, INTERCOM_E_INVALID_ARGUMENT, "%s is an enum", type->name);
    const ic_doc *doc = type->kind == IC_T_OBJECT ? ((const intercom_model *)value)->doc : NULL;
    return ic_encode(NULL, type, value, doc, flags, -1, NULL, out, out_len, NULL, err);
}

const json_t *intercom_invalid_value(const void *root, const void *model, const char *json_name) {
    const intercom_model *r = root, *m = model;
    if (!r || !m || !json_name || !m->type) return NULL;
    const ic_field *f = ic_type_find_field(m->type, json_name, strlen(json_name));
    return f ? ic_doc_find_invalid(m->doc ? m->doc : r->doc, model, f) : NULL;
}

/* per_page above the endpoint's maximum is refused before any traffic. */
intercom_code ic_check_per_page(const ic_operation *op, const void *params, intercom_error *err) {
    if (!params || !op->params) return INTERCOM_OK;
    const void *obj = params;
    const intercom_type *t = op->params;
    if (op->page_kind == IC_PAGE_SEARCH) {
        const ic_field *pg = ic_type_find_field(t, "pagination", 10);
        if (!pg || pg->kind != IC_K_OBJECT || !(obj = *(const void *const *)((const char *)params + pg->offset)))
            return INTERCOM_OK;
        t = pg->type;
    }
    const ic_field *f = ic_type_find_field(t, "per_page", 8);
    if (!f || f->kind != IC_K_INT || ic_field_presence(f, obj) != 1) return INTERCOM_OK;
    int64_t v = *(const int64_t *)((const char *)obj + f->offset);
    if (!op->per_page_max) { /* no maximum stated: none enforced on this side */
        if (v < 1)
            return ic_fail(err, INTERCOM_E_INVALID_ARGUMENT, "%s: per_page is %lld; this endpoint takes at least 1",
                           op->name, (long long)v);
        return INTERCOM_OK;
    }
    if (v < 1 || v > op->per_page_max)
        return ic_fail(err, INTERCOM_E_INVALID_ARGUMENT, "%s: per_page is %lld; this endpoint takes 1 to %u", op->name,
                       (long long)v, (unsigned)op->per_page_max);
    return INTERCOM_OK;
}
