/* SPDX-License-Identifier: MIT */
/* Issue 12: strings are copied into the arena and checked in one pass, eight bytes at a time with an
 * overlapping last word (two overlapping 4-byte words below 8 bytes): for every length 0..40 and every
 * position, a plain string decodes exactly, a \u0000 or bytes that are not strict UTF-8 make the field
 * INVALID (tolerant mode), a two-byte character passes. Free-form keys (custom_attributes) go through
 * one reused buffer per depth: many keys, long ones, ones holding \u0000, in nested objects, all kept. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include <intercom/intercom.h>

#include "testutil.h"

/* what: 0 plain, 1 "\u0000" at j, 2 a UTF-8-encoded surrogate (which yajl passes) at j, 3 "\xc3\xa9" at j */
static void one(size_t n, size_t j, int what) {
    char val[64], body[256];
    for (size_t i = 0; i < n; i++) val[i] = (char)('a' + (i * 7 + n) % 26);
    val[n] = '\0';
    char json_val[128];
    size_t w = 0;
    for (size_t i = 0; i < n; i++) {
        if (what && i == j) {
            if (what == 1) w += (size_t)sprintf(json_val + w, "\\u0000");
            else if (what == 2) json_val[w++] = '\xed', json_val[w++] = '\xa0', json_val[w++] = '\x80'; /* a surrogate */
            else json_val[w++] = '\xc3', json_val[w++] = '\xa9';
        } else {
            json_val[w++] = val[i];
        }
    }
    json_val[w] = '\0';
    int len = snprintf(body, sizeof body, "{\"type\":\"contact\",\"name\":\"%s\",\"id\":\"x\"}", json_val);
    void *m = NULL;
    intercom_error err = INTERCOM_ERROR_INIT;
    CHECKF(intercom_from_json(&intercom_contact_descriptor, body, (size_t)len, 0, &m, &err) == INTERCOM_OK, "%zu/%zu/%d: %s",
           n, j, what, err.message);
    const intercom_contact *c = m;
    if (!c) return;
    if (what == 1 || what == 2) {
        CHECKF(c->has_name == INTERCOM_FIELD_INVALID && !c->name, "length %zu, %s at %zu: state %d", n,
               what == 1 ? "\\u0000" : "a surrogate", j, c->has_name);
    } else {
        char want[128];
        memcpy(want, json_val, w + 1);
        CHECKF(c->has_name == INTERCOM_FIELD_PRESENT && c->name && !strcmp(c->name, want), "length %zu/%zu/%d: got \"%s\"",
               n, j, what, c->name ? c->name : "(null)");
    }
    CHECKF(c->id && !strcmp(c->id, "x"), "length %zu: id lost", n);
    intercom_model_free(m);
    intercom_error_clear(&err);
}

static void keys(void) {
    char *body = malloc(200000), *p = body;
    p += sprintf(p, "{\"type\":\"contact\",\"custom_attributes\":{");
    for (int i = 0; i < 300; i++) {
        if (i) *p++ = ',';
        if (i % 50 == 7) { /* a long key (past the buffer's first 256 bytes) */
            *p++ = '"';
            for (int k = 0; k < 600 + i; k++) *p++ = (char)('a' + k % 26);
            p += sprintf(p, "%d\":%d", i, i);
        } else if (i % 3 == 1) {
            p += sprintf(p, "\"k\\u0000%d\":{\"in%d\":[%d,{\"deep%d\":\"v%d\"}],\"x\":null}", i, i, i, i, i);
        } else {
            p += sprintf(p, "\"k%d\":\"v%d\"", i, i);
        }
    }
    p += sprintf(p, "}}");
    void *m = NULL;
    intercom_error err = INTERCOM_ERROR_INIT;
    CHECKF(intercom_from_json(&intercom_contact_descriptor, body, (size_t)(p - body), 1, &m, &err) == INTERCOM_OK, "keys: %s",
           err.message);
    const intercom_contact *c = m;
    json_t *ca = c ? c->custom_attributes : NULL;
    CHECKF(ca && json_object_size(ca) == 300, "keys: %zu members", ca ? json_object_size(ca) : 0);
    for (int i = 0; ca && i < 300; i++) {
        char key[1024];
        size_t kl;
        if (i % 50 == 7) {
            kl = 0;
            for (int k = 0; k < 600 + i; k++) key[kl++] = (char)('a' + k % 26);
            kl += (size_t)sprintf(key + kl, "%d", i);
            json_t *v = json_object_getn(ca, key, kl);
            CHECKF(v && json_integer_value(v) == i, "keys: long key %d", i);
        } else if (i % 3 == 1) {
            kl = (size_t)sprintf(key, "k%c%d", 0, i);
            json_t *v = json_object_getn(ca, key, kl);
            char in[32], deep[32], dv[32];
            snprintf(in, sizeof in, "in%d", i);
            snprintf(deep, sizeof deep, "deep%d", i);
            snprintf(dv, sizeof dv, "v%d", i);
            json_t *arr = v ? json_object_get(v, in) : NULL;
            json_t *dval = arr ? json_object_get(json_array_get(arr, 1), deep) : NULL;
            CHECKF(v && json_object_size(v) == 2 && json_is_null(json_object_get(v, "x")) && json_array_size(arr) == 2 &&
                      json_integer_value(json_array_get(arr, 0)) == i && dval && !strcmp(json_string_value(dval), dv),
                   "keys: nested key %d", i);
        } else {
            snprintf(key, sizeof key, "k%d", i);
            char want[32];
            snprintf(want, sizeof want, "v%d", i);
            json_t *v = json_object_get(ca, key);
            CHECKF(v && !strcmp(json_string_value(v), want), "keys: key %s", key);
        }
    }
    intercom_model_free(m);
    intercom_error_clear(&err);
    free(body);
}

int main(void) {
    ic_current = "decode_strings";
    for (size_t n = 0; n <= 40; n++) {
        one(n, 0, 0);
        for (size_t j = 0; j < n; j++)
            for (int what = 1; what <= 3; what++) one(n, j, what);
    }
    keys();
    printf("decode strings: %d failures\n", ic_failures);
    return ic_failures ? 1 : 0;
}
