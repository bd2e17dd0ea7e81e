/* SPDX-License-Identifier: MIT */
/* The streaming decoder: yajl's parse events drive the descriptor tables straight into
 * the typed structs (arena memory, no DOM). Free-form fields become Jansson values built
 * from the same events. Tolerant by default: a field whose JSON type does not fit is left
 * zeroed and flagged INVALID; in strict mode it fails the decode, naming its JSON path. */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_parse.h>

#include "internal.h"

#define MAX_DEPTH 512

enum { FR_OBJ, FR_ARR, FR_JSON };

typedef struct frame {
    int kind;
    void *inv_obj;             /* FR_JSON capturing a value that did not fit inv_field of inv_obj */
    const ic_field *inv_field;
    const intercom_type *type; /* FR_OBJ: the type being filled */
    void *obj;                /* FR_OBJ: the model being filled; FR_ARR: the model owning the array */
    const ic_field *field;    /* FR_OBJ: field of the current key (NULL: unknown key); FR_ARR: the array field */
    ic_buf items;             /* FR_ARR: element values (scratch, reused across frames at this depth) */
    size_t count;             /* FR_ARR: elements so far */
    int bad;                  /* FR_ARR: an element did not fit */
    json_t *json;             /* FR_JSON: the container being built */
    char *key;                /* FR_JSON object: pending key (malloc'd) */
} frame;

struct ic_decoder {
    yajl_handle yh;
    const intercom_type *root_type;
    int strict;
    ic_doc *doc;
    void *root;
    frame *frames;
    size_t depth, cap;
    size_t skip;              /* >0: inside an ignored subtree */
    int done;
    intercom_code fail;       /* set by a callback that stopped the parse */
    char *fail_msg;
};

/* ---------- helpers ---------- */

static uint8_t *state_of(void *obj, const ic_field *f) { return (uint8_t *)obj + f->state_offset; }

static void path_of(ic_decoder *d, ic_buf *b) {
    for (size_t i = 0; i < d->depth; i++) {
        frame *fr = &d->frames[i];
        if (fr->kind == FR_OBJ && fr->field) {
            if (b->len) ic_buf_append(b, ".", 1);
            ic_buf_append(b, fr->field->name, strlen(fr->field->name));
        } else if (fr->kind == FR_ARR) {
            ic_buf_printf(b, "[%zu]", fr->count);
        }
    }
}

static int stop(ic_decoder *d, intercom_code code, const char *what) {
    ic_buf path = {0};
    path_of(d, &path);
    d->fail = code;
    free(d->fail_msg);
    if (asprintf(&d->fail_msg, "%s%s%s", what, path.len ? " at " : "", path.len ? path.data : "") < 0)
        d->fail_msg = NULL;
    ic_buf_free(&path);
    return 0;
}

static int nomem(ic_decoder *d) { return stop(d, INTERCOM_E_NOMEM, "out of memory while decoding"); }

/* A value of the wrong JSON type for the slot on top of the stack. Returns the yajl verdict.
 * Tolerant mode keeps a scalar's value (@p raw, taken) so it stays reachable and re-encodes. */
static int invalid_raw(ic_decoder *d, const char *got, json_t *raw) {
    frame *fr = &d->frames[d->depth - 1];
    if (d->strict) {
        char what[96];
        const ic_field *f = fr->field;
        static const char *names[] = {"?", "string", "integer", "number", "boolean", "object", "JSON value", "string"};
        snprintf(what, sizeof what, "expected %s%s, got %s", (f->flags & IC_F_ARRAY) && fr->kind == FR_OBJ ? "array of " : "",
                 names[f->kind], got);
        json_decref(raw);
        return stop(d, INTERCOM_E_DECODE, what);
    }
    if (fr->kind == FR_ARR) {
        fr->bad = 1;
        json_decref(raw);
    } else {
        if (raw && ic_doc_keep_invalid(d->doc, fr->obj, fr->field, raw)) return nomem(d);
        const ic_field *f = fr->field;
        char *slot = (char *)fr->obj + f->offset;
        memset(slot, 0, (f->flags & IC_F_ARRAY) ? sizeof(void *) : ic_kind_size(f->kind));
        if (f->flags & IC_F_ARRAY) *(size_t *)((char *)fr->obj + f->aux_offset) = 0;
        else if (f->kind == IC_K_ENUM) *(const char **)((char *)fr->obj + f->aux_offset) = NULL;
        *state_of(fr->obj, f) = INTERCOM_FIELD_INVALID;
    }
    return 1;
}

static int invalid(ic_decoder *d, const char *got) { return invalid_raw(d, got, NULL); }

static frame *push(ic_decoder *d, int kind) {
    if (d->depth == MAX_DEPTH) {
        stop(d, INTERCOM_E_DECODE, "JSON nested too deeply");
        return NULL;
    }
    if (d->depth == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 16;
        frame *n = realloc(d->frames, cap * sizeof *n);
        if (!n) {
            nomem(d);
            return NULL;
        }
        memset(n + d->cap, 0, (cap - d->cap) * sizeof *n);
        d->frames = n;
        d->cap = cap;
    }
    frame *fr = &d->frames[d->depth++];
    ic_buf keep = fr->items; /* scratch memory stays with the depth */
    memset(fr, 0, sizeof *fr);
    fr->items = keep;
    fr->items.len = 0;
    fr->kind = kind;
    return fr;
}

/* ---------- where the next value goes ---------- */

/* Store a finished element or field value of element size. */
static int store(ic_decoder *d, const void *val) {
    frame *fr = &d->frames[d->depth - 1];
    const ic_field *f = fr->field;
    size_t sz = ic_kind_size(f->kind);
    if (fr->kind == FR_ARR) {
        if (ic_buf_append(&fr->items, val, sz)) return nomem(d);
        fr->count++;
        return 1;
    }
    memcpy((char *)fr->obj + f->offset, val, sz);
    *state_of(fr->obj, f) = INTERCOM_FIELD_PRESENT;
    return 1;
}

/* Attach a finished Jansson value to the free-form container or field that awaits it. */
static int put_json(ic_decoder *d, json_t *v) {
    if (!v) return nomem(d);
    frame *fr = &d->frames[d->depth - 1];
    if (fr->kind == FR_JSON) {
        int rc = json_is_array(fr->json) ? json_array_append_new(fr->json, v)
                                         : json_object_set_new_nocheck(fr->json, fr->key ? fr->key : "", v);
        free(fr->key);
        fr->key = NULL;
        return rc ? nomem(d) : 1;
    }
    if (ic_doc_keep_json(d->doc, v)) return nomem(d);
    return store(d, &v);
}

/* ---------- yajl callbacks ---------- */

static int on_null(void *ctx) {
    ic_decoder *d = ctx;
    if (d->skip) return 1;
    if (!d->depth) return stop(d, INTERCOM_E_DECODE, "expected a JSON object, got null");
    frame *fr = &d->frames[d->depth - 1];
    if (fr->kind == FR_JSON) return put_json(d, json_null());
    const ic_field *f = fr->field;
    if (!f) return 1;
    if (f->kind == IC_K_JSON && !(fr->kind == FR_OBJ && (f->flags & IC_F_ARRAY))) {
        /* a free-form value that is null: kept as NULL, recorded as null */
        if (fr->kind == FR_ARR) return store(d, &(void *){NULL});
        *state_of(fr->obj, f) = INTERCOM_FIELD_NULL;
        return 1;
    }
    if (fr->kind == FR_ARR) {
        if (f->kind == IC_K_OBJECT || f->kind == IC_K_STRING) return store(d, &(void *){NULL});
        return invalid_raw(d, "null", json_null());
    }
    /* null for a declared field: recorded, value stays zero (the seed maps both to None) */
    *state_of(fr->obj, f) = INTERCOM_FIELD_NULL;
    return 1;
}

static int scalar_slot(ic_decoder *d, const ic_field **f, const char *got, json_t *(*raw)(void *), void *rawp) {
    if (!d->depth) return stop(d, INTERCOM_E_DECODE, "expected a JSON object"), -1;
    frame *fr = &d->frames[d->depth - 1];
    if (fr->kind == FR_JSON) return 0;
    *f = fr->field;
    if (!*f) return 2; /* ignored */
    if (fr->kind == FR_OBJ && ((*f)->flags & IC_F_ARRAY)) return invalid_raw(d, got, raw(rawp)) ? 2 : -1;
    return 1;
}

typedef struct num_text {
    const char *s;
    size_t n;
} num_text, str_text;
static json_t *raw_bool(void *p) { return json_boolean(*(int *)p); }
static json_t *json_number_of(const char *s, size_t n);
static json_t *raw_number(void *p) { return json_number_of(((num_text *)p)->s, ((num_text *)p)->n); }
static json_t *raw_string(void *p) { return json_stringn(((str_text *)p)->s, ((str_text *)p)->n); }

static int on_boolean(void *ctx, int b) {
    ic_decoder *d = ctx;
    if (d->skip) return 1;
    const ic_field *f = NULL;
    switch (scalar_slot(d, &f, "boolean", raw_bool, &b)) {
    case -1: return 0;
    case 0: return put_json(d, json_boolean(b));
    case 2: return 1;
    }
    if (f->kind == IC_K_JSON) return put_json(d, json_boolean(b));
    if (f->kind != IC_K_BOOL) return invalid_raw(d, "boolean", json_boolean(b));
    bool v = b != 0;
    return store(d, &v);
}

static json_t *json_number_of(const char *s, size_t n) {
    char buf[64];
    if (n >= sizeof buf) return json_real(strtod(s, NULL)); /* yajl's text ends at a delimiter */
    memcpy(buf, s, n);
    buf[n] = '\0';
    if (!strpbrk(buf, ".eE")) {
        errno = 0;
        long long v = strtoll(buf, NULL, 10);
        if (errno != ERANGE) return json_integer(v);
    }
    return json_real(strtod(buf, NULL));
}

static int on_number(void *ctx, const char *s, size_t n) {
    ic_decoder *d = ctx;
    if (d->skip) return 1;
    const ic_field *f = NULL;
    num_text nt = {s, n};
    switch (scalar_slot(d, &f, "number", raw_number, &nt)) {
    case -1: return 0;
    case 0: return put_json(d, json_number_of(s, n));
    case 2: return 1;
    }
    char buf[64];
    if (f->kind == IC_K_JSON) return put_json(d, json_number_of(s, n));
    if (n >= sizeof buf) return invalid_raw(d, "a number too long", json_number_of(s, n));
    memcpy(buf, s, n);
    buf[n] = '\0';
    if (f->kind == IC_K_INT) {
        if (strpbrk(buf, ".eE")) return invalid_raw(d, "a non-integer number", json_number_of(s, n));
        errno = 0;
        char *end;
        long long v = strtoll(buf, &end, 10);
        if (errno == ERANGE || *end) return invalid_raw(d, "an integer out of range", json_number_of(s, n));
        int64_t x = v;
        return store(d, &x);
    }
    if (f->kind == IC_K_NUMBER) {
        double x = strtod(buf, NULL);
        return store(d, &x);
    }
    return invalid_raw(d, "number", json_number_of(s, n));
}

static int on_string(void *ctx, const unsigned char *s, size_t n) {
    ic_decoder *d = ctx;
    if (d->skip) return 1;
    const ic_field *f = NULL;
    str_text st = {(const char *)s, n};
    switch (scalar_slot(d, &f, "string", raw_string, &st)) {
    case -1: return 0;
    case 0: return put_json(d, json_stringn((const char *)s, n));
    case 2: return 1;
    }
    if (f->kind == IC_K_JSON) return put_json(d, json_stringn((const char *)s, n));
    if (f->kind != IC_K_STRING && f->kind != IC_K_ENUM) return invalid_raw(d, "string", json_stringn((const char *)s, n));
    char *v = ic_doc_strndup(d->doc, (const char *)s, n);
    if (!v) return nomem(d);
    if (f->kind == IC_K_ENUM) { /* the listed value's number, 0 (_UNKNOWN) otherwise; the string is kept */
        frame *fr = &d->frames[d->depth - 1];
        if (fr->kind == FR_ARR) return invalid(d, "string"); /* arrays of enums are declared as strings */
        int e = 0;
        for (uint32_t i = 0; i < f->type->n_values; i++)
            if (!strcmp(f->type->values[i], v)) {
                e = (int)i + 1;
                break;
            }
        *(const char **)((char *)fr->obj + f->aux_offset) = v;
        return store(d, &e);
    }
    return store(d, &v);
}

static int on_key(void *ctx, const unsigned char *k, size_t n) {
    ic_decoder *d = ctx;
    if (d->skip) return 1;
    frame *fr = &d->frames[d->depth - 1];
    if (fr->kind == FR_JSON) {
        free(fr->key);
        if (!(fr->key = strndup((const char *)k, n))) return nomem(d);
        return 1;
    }
    fr->field = ic_type_find_field(fr->type, (const char *)k, n);
    return 1;
}

/* Begin a container ('{' or '['). */
static int on_start(ic_decoder *d, int is_map) {
    if (d->skip) {
        d->skip++;
        return 1;
    }
    if (!d->depth) { /* the root */
        if (!is_map && !ic_type_is_array_wrapper(d->root_type))
            return stop(d, INTERCOM_E_DECODE, "expected a JSON object, got an array");
        if (is_map && ic_type_is_array_wrapper(d->root_type))
            return stop(d, INTERCOM_E_DECODE, "expected a JSON array, got an object");
        frame *fr = push(d, FR_OBJ);
        if (!fr) return 0;
        fr->type = d->root_type;
        if (d->root_type->kind == IC_T_PARAMS) { /* params have no header: the document goes before them */
            char *p = ic_doc_alloc(d->doc, 16 + d->root_type->size);
            if (!p) return nomem(d);
            *(ic_doc **)p = d->doc;
            d->root = fr->obj = p + 16;
        } else if (!(d->root = fr->obj = ic_model_new(d->doc, d->root_type))) {
            return nomem(d);
        }
        if (!is_map) { /* a top-level array: its wrapper's one field */
            frame *arr = push(d, FR_ARR);
            if (!arr) return 0;
            arr->obj = d->root;
            arr->type = d->root_type;
            arr->field = &d->root_type->fields[0];
        }
        return 1;
    }
    frame *top = &d->frames[d->depth - 1];
    if (top->kind == FR_JSON) {
        frame *fr = push(d, FR_JSON);
        return fr && (fr->json = is_map ? json_object() : json_array()) ? 1 : (fr ? nomem(d) : 0);
    }
    const ic_field *f = top->field;
    if (!f) { /* unknown key: skip its value */
        d->skip = 1;
        return 1;
    }
    int whole_array_field = top->kind == FR_OBJ && (f->flags & IC_F_ARRAY);
    if (whole_array_field) {
        if (is_map) goto bad;
        frame *fr = push(d, FR_ARR);
        if (!fr) return 0;
        top = &d->frames[d->depth - 2];
        fr->obj = top->obj;
        fr->type = top->type;
        fr->field = f;
        return 1;
    }
    if (f->kind == IC_K_JSON) {
        frame *fr = push(d, FR_JSON);
        return fr && (fr->json = is_map ? json_object() : json_array()) ? 1 : (fr ? nomem(d) : 0);
    }
    if (f->kind == IC_K_OBJECT && is_map) {
        void *child = ic_model_new(d->doc, f->type);
        if (!child || !store(d, &child)) return nomem(d);
        frame *fr = push(d, FR_OBJ);
        if (!fr) return 0;
        fr->obj = child;
        fr->type = f->type;
        return 1;
    }
bad:
    if (!invalid(d, is_map ? "object" : "array")) return 0;
    top = &d->frames[d->depth - 1];
    if (top->kind != FR_OBJ) { /* a bad array element: dropped, the array is flagged */
        d->skip = 1;
        return 1;
    }
    void *obj = top->obj;
    frame *fr = push(d, FR_JSON); /* keep the value as received */
    if (!fr) return 0;
    fr->inv_obj = obj;
    fr->inv_field = f;
    return (fr->json = is_map ? json_object() : json_array()) ? 1 : nomem(d);
}

/* Which variant of a oneOf/anyOf type the decoded object is: by its discriminator's value,
 * else the first variant whose required properties were all there. */
static void set_variant(const intercom_type *t, void *obj) {
    int which = 0;
    if (t->discriminator) {
        const ic_field *f = ic_type_find_field(t, t->discriminator, strlen(t->discriminator));
        const char *v = !f ? NULL
                        : f->kind == IC_K_ENUM ? *(const char **)((char *)obj + f->aux_offset)
                        : f->kind == IC_K_STRING ? *(const char **)((char *)obj + f->offset)
                                                 : NULL;
        size_t vl = v ? strlen(v) : 0;
        for (uint32_t i = 0; v && !which && i < t->n_variants; i++) {
            for (const char *tag = t->variants[i].tag; tag && *tag;) {
                size_t n = strcspn(tag, "|");
                if (n == vl && !memcmp(tag, v, n)) {
                    which = (int)i + 1;
                    break;
                }
                tag += n + (tag[n] == '|');
            }
        }
    } else {
        for (uint32_t i = 0; !which && i < t->n_variants; i++) {
            const ic_variant *var = &t->variants[i];
            int all = 1;
            for (uint16_t k = 0; all && k < var->n_required; k++)
                all = *state_of(obj, &t->fields[var->required[k]]) != INTERCOM_FIELD_ABSENT;
            if (all) which = (int)i + 1;
        }
    }
    *(int *)((char *)obj + t->variant_offset) = which;
}

static int on_end(ic_decoder *d) {
    if (d->skip) {
        d->skip--;
        return 1;
    }
    frame *fr = &d->frames[--d->depth];
    if (fr->kind == FR_JSON) {
        json_t *v = fr->json;
        free(fr->key);
        fr->key = NULL;
        fr->json = NULL;
        if (fr->inv_obj) return ic_doc_keep_invalid(d->doc, fr->inv_obj, fr->inv_field, v) ? nomem(d) : 1;
        return put_json(d, v);
    }
    if (fr->kind == FR_ARR) {
        const ic_field *f = fr->field;
        void *items = NULL;
        if (fr->count) {
            if (!(items = ic_doc_alloc(d->doc, fr->items.len))) return nomem(d);
            memcpy(items, fr->items.data, fr->items.len);
        }
        *(void **)((char *)fr->obj + f->offset) = items;
        *(size_t *)((char *)fr->obj + f->aux_offset) = fr->count;
        *state_of(fr->obj, f) = fr->bad ? INTERCOM_FIELD_INVALID : INTERCOM_FIELD_PRESENT;
        if (d->depth == 1 && ic_type_is_array_wrapper(fr->type)) { /* the top-level array ended */
            d->depth = 0;
            d->done = 1;
        }
        return 1;
    }
    if (fr->type->n_variants) set_variant(fr->type, fr->obj);
    if (!d->depth) d->done = 1;
    return 1;
}

static int on_start_map(void *ctx) { return on_start(ctx, 1); }
static int on_start_array(void *ctx) { return on_start(ctx, 0); }
static int on_end_map(void *ctx) { return on_end(ctx); }
static int on_end_array(void *ctx) { return on_end(ctx); }

static const yajl_callbacks callbacks = {
    on_null, on_boolean, NULL, NULL, on_number, on_string,
    on_start_map, on_key, on_end_map, on_start_array, on_end_array,
};

/* ---------- public-in-the-runtime API ---------- */

const ic_field *ic_type_find_field(const intercom_type *t, const char *key, size_t len) {
    size_t lo = 0, hi = t->n_fields;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        const ic_field *f = &t->fields[t->by_name[mid]];
        int c = strncmp(f->name, key, len);
        if (c == 0) c = f->name[len] ? 1 : 0;
        if (c == 0) return f;
        if (c < 0) lo = mid + 1;
        else hi = mid;
    }
    return NULL;
}

ic_decoder *ic_decoder_new(const intercom_type *t, int strict, size_t size_hint) {
    ic_decoder *d = calloc(1, sizeof *d);
    if (!d) return NULL;
    d->root_type = t;
    d->strict = strict;
    if (!(d->doc = ic_doc_new(size_hint)) || !(d->yh = yajl_alloc(&callbacks, NULL, d))) {
        ic_decoder_free(d);
        return NULL;
    }
    return d;
}

int ic_decoder_feed(ic_decoder *d, const char *p, size_t n) {
    if (d->fail) return -1;
    if (yajl_parse(d->yh, (const unsigned char *)p, n) != yajl_status_ok) {
        if (!d->fail) d->fail = INTERCOM_E_DECODE;
        return -1;
    }
    return 0;
}

static intercom_code finish_error(ic_decoder *d, intercom_error *err, const char *p, size_t n) {
    if (d->fail_msg) return ic_fail(err, d->fail, "%s", d->fail_msg);
    unsigned char *msg = yajl_get_error(d->yh, 0, (const unsigned char *)p, n);
    intercom_code rc = ic_fail(err, INTERCOM_E_DECODE, "invalid JSON: %s", msg ? (char *)msg : "parse error");
    if (msg) yajl_free_error(d->yh, msg);
    return rc;
}

intercom_code ic_decoder_finish(ic_decoder *d, void **out, intercom_error *err) {
    *out = NULL;
    if (!d->fail && yajl_complete_parse(d->yh) != yajl_status_ok && !d->fail) d->fail = INTERCOM_E_DECODE;
    if (d->fail) return finish_error(d, err, NULL, 0);
    if (!d->done || !d->root) return ic_fail(err, INTERCOM_E_DECODE, "empty body: expected a JSON object");
    if (d->root_type->kind == IC_T_OBJECT) ((intercom_model *)d->root)->doc = d->doc;
    *out = d->root;
    d->doc = NULL; /* now owned by the model */
    return INTERCOM_OK;
}

void ic_decoder_free(ic_decoder *d) {
    if (!d) return;
    if (d->yh) yajl_free(d->yh);
    for (size_t i = 0; i < d->cap; i++) {
        ic_buf_free(&d->frames[i].items);
        if (i < d->depth) {
            json_decref(d->frames[i].json);
            free(d->frames[i].key);
        }
    }
    free(d->frames);
    free(d->fail_msg);
    ic_doc_free(d->doc);
    free(d);
}

intercom_code ic_decode_buffer(const intercom_type *t, int strict, const char *p, size_t n, void **out,
                               intercom_error *err) {
    *out = NULL;
    ic_decoder *d = ic_decoder_new(t, strict, n);
    if (!d) return ic_fail(err, INTERCOM_E_NOMEM, "out of memory");
    intercom_code rc;
    if (ic_decoder_feed(d, p, n)) {
        rc = finish_error(d, err, p, n);
    } else {
        rc = ic_decoder_finish(d, out, err);
        ic_doc *doc = rc == INTERCOM_OK ? ic_value_doc(t, *out) : NULL;
        if (doc && !(doc->body = malloc(n + 1))) {
            intercom_free(t, *out);
            *out = NULL;
            rc = ic_fail(err, INTERCOM_E_NOMEM, "out of memory");
        } else if (doc) {
            memcpy(doc->body, p, n);
            doc->body[n] = '\0';
            doc->body_len = n;
        }
    }
    ic_decoder_free(d);
    return rc;
}

ic_doc *ic_value_doc(const intercom_type *t, void *value) {
    if (!value) return NULL;
    if (t->kind == IC_T_PARAMS) return *(ic_doc **)((char *)value - 16);
    return ((intercom_model *)value)->doc;
}

intercom_code intercom_from_json(const intercom_type *type, const char *json, size_t len, int strict, void **out,
                                 intercom_error *err) {
    if (!type || !out || (!json && len)) return ic_fail(err, INTERCOM_E_INVALID_ARGUMENT, "type, json and out are required");
    if (type->kind == IC_T_ENUM) return ic_fail(err, INTERCOM_E_INVALID_ARGUMENT, "%s is an enum, not an object type", type->name);
    return ic_decode_buffer(type, strict, json ? json : "", len, out, err);
}

void intercom_free(const intercom_type *type, void *value) {
    if (type && value) ic_doc_free(ic_value_doc(type, value));
}
