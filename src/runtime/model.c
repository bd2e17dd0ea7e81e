/* SPDX-License-Identifier: MIT */
/* What every model shares: field states, raw JSON, one free, and serialisation
 * (yajl's generator walking the same descriptors the decoder uses). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_gen.h>

#include "internal.h"

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
    if (!m || !m->doc || !m->doc->body) return NULL;
    if (!m->doc->raw_json) m->doc->raw_json = json_loadb(m->doc->body, m->doc->body_len, JSON_DECODE_ANY, NULL);
    return m->doc->raw_json;
}

void intercom_model_free(void *model) {
    intercom_model *m = model;
    if (m) ic_doc_free(m->doc);
}

void intercom_free_string(char *s) { free(s); }

/* ---------- serialisation ---------- */

static int gen_json(yajl_gen g, const json_t *v);

static int gen_double(yajl_gen g, double x) {
    if (!isfinite(x)) return yajl_gen_null(g) == yajl_gen_status_ok ? 0 : -1;
    char buf[32];
    for (int prec = 15; prec <= 17; prec++) { /* shortest text that reads back the same */
        snprintf(buf, sizeof buf, "%.*g", prec, x);
        if (strtod(buf, NULL) == x) break;
    }
    if (!strpbrk(buf, ".eEn")) strcat(buf, ".0");
    return yajl_gen_number(g, buf, strlen(buf)) == yajl_gen_status_ok ? 0 : -1;
}

static int gen_json(yajl_gen g, const json_t *v) {
    switch (json_typeof(v)) {
    case JSON_OBJECT: {
        const char *k;
        json_t *x;
        if (yajl_gen_map_open(g) != yajl_gen_status_ok) return -1;
        json_object_foreach((json_t *)v, k, x) {
            if (yajl_gen_string(g, (const unsigned char *)k, strlen(k)) != yajl_gen_status_ok || gen_json(g, x)) return -1;
        }
        return yajl_gen_map_close(g) == yajl_gen_status_ok ? 0 : -1;
    }
    case JSON_ARRAY: {
        size_t i;
        json_t *x;
        if (yajl_gen_array_open(g) != yajl_gen_status_ok) return -1;
        json_array_foreach(v, i, x) if (gen_json(g, x)) return -1;
        return yajl_gen_array_close(g) == yajl_gen_status_ok ? 0 : -1;
    }
    case JSON_STRING:
        return yajl_gen_string(g, (const unsigned char *)json_string_value(v), json_string_length(v)) ==
                       yajl_gen_status_ok ? 0 : -1;
    case JSON_INTEGER: return yajl_gen_integer(g, json_integer_value(v)) == yajl_gen_status_ok ? 0 : -1;
    case JSON_REAL: return gen_double(g, json_real_value(v));
    case JSON_TRUE: return yajl_gen_bool(g, 1) == yajl_gen_status_ok ? 0 : -1;
    case JSON_FALSE: return yajl_gen_bool(g, 0) == yajl_gen_status_ok ? 0 : -1;
    default: return yajl_gen_null(g) == yajl_gen_status_ok ? 0 : -1;
    }
}

static int gen_object(yajl_gen g, const intercom_type *t, const void *obj, const ic_doc *doc, int only_in, int *missing);

static int gen_value(yajl_gen g, const ic_field *f, const void *p, const char *enum_str, const ic_doc *doc) {
    switch (f->kind) {
    case IC_K_STRING: {
        const char *s = *(const char *const *)p;
        if (!s) return yajl_gen_null(g) == yajl_gen_status_ok ? 0 : -1;
        return yajl_gen_string(g, (const unsigned char *)s, strlen(s)) == yajl_gen_status_ok ? 0 : -1;
    }
    case IC_K_INT: return yajl_gen_integer(g, (long long)*(const int64_t *)p) == yajl_gen_status_ok ? 0 : -1;
    case IC_K_NUMBER: return gen_double(g, *(const double *)p);
    case IC_K_BOOL: return yajl_gen_bool(g, *(const bool *)p) == yajl_gen_status_ok ? 0 : -1;
    case IC_K_ENUM: {
        int e = *(const int *)p;
        const char *s = e > 0 && (uint32_t)e <= f->type->n_values ? f->type->values[e - 1] : enum_str;
        if (!s) return yajl_gen_null(g) == yajl_gen_status_ok ? 0 : -1;
        return yajl_gen_string(g, (const unsigned char *)s, strlen(s)) == yajl_gen_status_ok ? 0 : -1;
    }
    case IC_K_OBJECT: {
        const void *m = *(const void *const *)p;
        if (!m) return yajl_gen_null(g) == yajl_gen_status_ok ? 0 : -1;
        return gen_object(g, f->type, m, doc, -1, NULL);
    }
    default: {
        const json_t *j = *(const json_t *const *)p;
        if (!j) return yajl_gen_null(g) == yajl_gen_status_ok ? 0 : -1;
        return gen_json(g, j);
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
    case IC_K_OBJECT:
    case IC_K_JSON: return *(const void *const *)(o + f->offset) ? 1 : 0;
    case IC_K_ENUM: return *(const int *)(o + f->offset) || *(const char *const *)(o + f->aux_offset) ? 1 : 0;
    default: return 0; /* scalars need their has_ member */
    }
}

/* Write an object's fields; only_in >= 0 writes only fields of that ic_field.in (request
 * bodies); *missing receives the first required field that is not set, if any. */
int ic_type_is_array_wrapper(const intercom_type *t) {
    return t->kind == IC_T_OBJECT && t->n_fields == 1 && !t->fields[0].name[0] && (t->fields[0].flags & IC_F_ARRAY);
}

static int gen_array(yajl_gen g, const ic_field *f, const void *obj, const ic_doc *doc) {
    const char *items = *(const char *const *)((const char *)obj + f->offset);
    size_t n = *(const size_t *)((const char *)obj + f->aux_offset), sz = ic_kind_size(f->kind);
    if (yajl_gen_array_open(g) != yajl_gen_status_ok) return -1;
    for (size_t k = 0; items && k < n; k++)
        if (gen_value(g, f, items + k * sz, NULL, doc)) return -1;
    return yajl_gen_array_close(g) == yajl_gen_status_ok ? 0 : -1;
}

static int gen_object(yajl_gen g, const intercom_type *t, const void *obj, const ic_doc *doc, int only_in, int *missing) {
    if (ic_type_is_array_wrapper(t)) return gen_array(g, &t->fields[0], obj, doc); /* a top-level JSON array */
    if (yajl_gen_map_open(g) != yajl_gen_status_ok) return -1;
    for (uint32_t i = 0; i < t->n_fields; i++) {
        const ic_field *f = &t->fields[i];
        if (only_in >= 0 && f->in != only_in) continue;
        int how = ic_field_presence(f, obj);
        const json_t *inv = NULL;
        if (!how && doc && ((const uint8_t *)obj)[f->state_offset] == INTERCOM_FIELD_INVALID &&
            (inv = ic_doc_find_invalid(doc, obj, f))) { /* written back as it came */
            if (yajl_gen_string(g, (const unsigned char *)f->name, strlen(f->name)) != yajl_gen_status_ok ||
                gen_json(g, inv))
                return -1;
            continue;
        }
        if (!how) {
            if (missing && *missing < 0 && (f->flags & IC_F_REQUIRED)) *missing = (int)i;
            continue;
        }
        if (yajl_gen_string(g, (const unsigned char *)f->name, strlen(f->name)) != yajl_gen_status_ok) return -1;
        if (how == 2) {
            if (yajl_gen_null(g) != yajl_gen_status_ok) return -1;
            continue;
        }
        const char *p = (const char *)obj + f->offset;
        if (f->flags & IC_F_ARRAY) {
            if (gen_array(g, f, obj, doc)) return -1;
        } else if (gen_value(g, f, p, f->kind == IC_K_ENUM ? *(const char *const *)((const char *)obj + f->aux_offset) : NULL,
                             doc)) {
            return -1;
        }
    }
    return yajl_gen_map_close(g) == yajl_gen_status_ok ? 0 : -1;
}

/* Serialise @p obj of type @p t into a new malloc'd string. */
intercom_code ic_encode(const intercom_type *t, const void *obj, const ic_doc *doc, int flags, int only_in, char **out,
                        size_t *out_len, int *missing, intercom_error *err) {
    *out = NULL;
    yajl_gen g = yajl_gen_alloc(NULL);
    if (!g) return ic_fail(err, INTERCOM_E_NOMEM, "out of memory");
    if (flags & INTERCOM_JSON_PRETTY) {
        yajl_gen_config(g, yajl_gen_beautify, 1);
        yajl_gen_config(g, yajl_gen_indent_string, "  ");
    }
    intercom_code rc = INTERCOM_OK;
    if (gen_object(g, t, obj, doc, only_in, missing)) {
        rc = ic_fail(err, INTERCOM_E_INVALID_ARGUMENT, "%s could not be serialised (a string that is not UTF-8?)", t->name);
    } else {
        const unsigned char *buf;
        size_t len;
        yajl_gen_get_buf(g, &buf, &len);
        if (!(*out = malloc(len + 1))) {
            rc = ic_fail(err, INTERCOM_E_NOMEM, "out of memory");
        } else {
            memcpy(*out, buf, len);
            (*out)[len] = '\0';
            if (out_len) *out_len = len;
        }
    }
    yajl_gen_free(g);
    return rc;
}

intercom_code intercom_to_json(const void *model, int flags, char **out, size_t *out_len, intercom_error *err) {
    const intercom_model *m = model;
    if (!m || !out) return ic_fail(err, INTERCOM_E_INVALID_ARGUMENT, "model and out are required");
    if (!m->type) return ic_fail(err, INTERCOM_E_INVALID_ARGUMENT, "model has no type: start it from its _INIT macro");
    return ic_encode(m->type, model, m->doc, flags, -1, out, out_len, NULL, err);
}

intercom_code intercom_to_json_as(const intercom_type *type, const void *value, int flags, char **out, size_t *out_len,
                                  intercom_error *err) {
    if (!type || !value || !out) return ic_fail(err, INTERCOM_E_INVALID_ARGUMENT, "type, value and out are required");
    if (type->kind == IC_T_ENUM) return ic_fail(err, INTERCOM_E_INVALID_ARGUMENT, "%s is an enum", type->name);
    const ic_doc *doc = type->kind == IC_T_OBJECT ? ((const intercom_model *)value)->doc : NULL;
    return ic_encode(type, value, doc, flags, -1, out, out_len, NULL, err);
}

const json_t *intercom_invalid_value(const void *root, const void *model, const char *json_name) {
    const intercom_model *r = root, *m = model;
    if (!r || !m || !json_name || !m->type) return NULL;
    const ic_field *f = ic_type_find_field(m->type, json_name, strlen(json_name));
    return f ? ic_doc_find_invalid(r->doc, model, f) : NULL;
}
