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
    const ic_field *f = ic_type_find_field(m->type, json_name, strlen(json_name));
    return f ? (intercom_field_state_t)m->fields[f - m->type->fields] : INTERCOM_FIELD_ABSENT;
}

size_t ic_kind_size(int kind) {
    switch (kind) {
    case IC_K_INT: return sizeof(int64_t);
    case IC_K_NUMBER: return sizeof(double);
    case IC_K_BOOL: return sizeof(bool);
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

static int gen_model(yajl_gen g, const intercom_model *m);

static int gen_value(yajl_gen g, const ic_field *f, const void *p) {
    switch (f->kind) {
    case IC_K_STRING: {
        const char *s = *(const char *const *)p;
        if (!s) return yajl_gen_null(g) == yajl_gen_status_ok ? 0 : -1;
        return yajl_gen_string(g, (const unsigned char *)s, strlen(s)) == yajl_gen_status_ok ? 0 : -1;
    }
    case IC_K_INT: return yajl_gen_integer(g, (long long)*(const int64_t *)p) == yajl_gen_status_ok ? 0 : -1;
    case IC_K_NUMBER: return gen_double(g, *(const double *)p);
    case IC_K_BOOL: return yajl_gen_bool(g, *(const bool *)p) == yajl_gen_status_ok ? 0 : -1;
    case IC_K_OBJECT: {
        const intercom_model *m = *(const intercom_model *const *)p;
        if (!m) return yajl_gen_null(g) == yajl_gen_status_ok ? 0 : -1;
        return gen_model(g, m);
    }
    default: {
        const json_t *j = *(const json_t *const *)p;
        if (!j) return yajl_gen_null(g) == yajl_gen_status_ok ? 0 : -1;
        return gen_json(g, j);
    }
    }
}

static int gen_model(yajl_gen g, const intercom_model *m) {
    const intercom_type *t = m->type;
    if (yajl_gen_map_open(g) != yajl_gen_status_ok) return -1;
    for (uint32_t i = 0; i < t->n_fields; i++) {
        const ic_field *f = &t->fields[i];
        uint8_t st = m->fields[i];
        if (st != INTERCOM_FIELD_PRESENT && st != INTERCOM_FIELD_NULL) continue;
        if (yajl_gen_string(g, (const unsigned char *)f->name, strlen(f->name)) != yajl_gen_status_ok) return -1;
        if (st == INTERCOM_FIELD_NULL) {
            if (yajl_gen_null(g) != yajl_gen_status_ok) return -1;
            continue;
        }
        const char *p = (const char *)m + f->offset;
        if (f->flags & IC_F_ARRAY) {
            const char *items = *(const char *const *)p;
            size_t n = *(const size_t *)((const char *)m + f->count_offset), sz = ic_kind_size(f->kind);
            if (yajl_gen_array_open(g) != yajl_gen_status_ok) return -1;
            for (size_t k = 0; k < n; k++)
                if (gen_value(g, f, items + k * sz)) return -1;
            if (yajl_gen_array_close(g) != yajl_gen_status_ok) return -1;
        } else if (gen_value(g, f, p)) {
            return -1;
        }
    }
    return yajl_gen_map_close(g) == yajl_gen_status_ok ? 0 : -1;
}

intercom_code intercom_to_json(const void *model, int flags, char **out, size_t *out_len, intercom_error *err) {
    if (!model || !out) return ic_fail(err, INTERCOM_E_INVALID_ARGUMENT, "model and out are required");
    *out = NULL;
    yajl_gen g = yajl_gen_alloc(NULL);
    if (!g) return ic_fail(err, INTERCOM_E_NOMEM, "out of memory");
    if (flags & INTERCOM_JSON_PRETTY) {
        yajl_gen_config(g, yajl_gen_beautify, 1);
        yajl_gen_config(g, yajl_gen_indent_string, "  ");
    }
    intercom_code rc = INTERCOM_OK;
    if (gen_model(g, model)) {
        rc = ic_fail(err, INTERCOM_E_INVALID_ARGUMENT, "model could not be serialised (invalid UTF-8 in a string?)");
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
