/* SPDX-License-Identifier: MIT */
/* Issue 12: the generated one-probe field lookup (perfect hash over JSON names) finds every field of
 * every generated type, and answers exactly like the by-name binary search for keys that are not
 * fields: prefixes, extensions, a NUL inside, one byte changed, the empty key, random bytes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/internal.h"

#include "testutil.h"

static unsigned long long rng = 88172645463325252ull;
static unsigned next(void) {
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (unsigned)rng;
}

/* the hashed lookup and the binary search (the same table without its hash) agree on key[0..len) */
static void agree(const intercom_type *t, const char *key, size_t len) {
    intercom_type bare = *t;
    bare.hash_slots = NULL;
    const ic_field *h = ic_type_find_field(t, key, len), *b = ic_type_find_field(&bare, key, len);
    CHECKF(h == b, "%s: key \"%.*s\" (%zu bytes): hash %s, binary search %s", t->name, (int)len, key, len,
           h ? h->name : "NULL", b ? b->name : "NULL");
}

static void check_type(const intercom_type *t, size_t *n_types, size_t *n_fields) {
    if (!t || !t->n_fields) return;
    ++*n_types;
    CHECKF(t->hash_slots != NULL, "%s: no generated hash table", t->name);
    if (!t->hash_slots) return;
    for (uint32_t i = 0; i < t->n_fields; i++) {
        const char *name = t->fields[i].name;
        size_t n = strlen(name);
        ++*n_fields;
        CHECKF(ic_type_find_field(t, name, n) == &t->fields[i], "%s: field \"%s\" not found", t->name, name);
        char buf[512];
        if (n + 2 > sizeof buf) continue;
        memcpy(buf, name, n);
        agree(t, buf, n ? n - 1 : 0); /* a prefix */
        buf[n] = 'x';
        agree(t, buf, n + 1); /* one byte more */
        buf[n] = '\0';
        agree(t, buf, n + 1); /* "name\0": the lengths decide */
        CHECKF(ic_type_find_field(t, buf, n + 1) == NULL, "%s: \"%s\\0\" found", t->name, name);
        if (n) {
            buf[next() % n] ^= (char)(1 + next() % 255); /* one byte changed */
            agree(t, buf, n);
        }
    }
    for (uint32_t i = 0; i < t->n_fields; i++) /* the name lengths after the slots (the decoder's prediction) */
        CHECKF(t->hash_slots[t->hash_mask + 1 + i] == strlen(t->fields[i].name), "%s: field %u \"%s\": length %u",
               t->name, i, t->fields[i].name, t->hash_slots[t->hash_mask + 1 + i]);
    agree(t, "", 0);
    for (int k = 0; k < 200; k++) { /* random keys, some with the length of a real name */
        char buf[40];
        size_t n = next() % sizeof buf;
        for (size_t i = 0; i < n; i++) buf[i] = (char)("abcdefghijklmnopqrstuvwxyz_\x00\xc3\xa9"[next() % 30]);
        agree(t, buf, n);
    }
}

/* The decoder compares a key with the field after the last key's first: keys in declared order or in
 * reverse, each field's near misses (one byte changed, a byte more, a byte less, "name\u0000") right
 * before it, while it is the expected one; every other string field is left out after its near misses
 * (and must stay absent), the others get their own value ("v<index>"; null for other kinds). */
static void decode_order(const char *type_name, int reverse) {
    const intercom_type *t = NULL;
    CHECKF(intercom_type_find(type_name, &t, NULL) == INTERCOM_OK, "no type %s", type_name);
    if (!t) return;
    ic_buf b = {0};
    ic_buf_append(&b, "{", 1);
    size_t n_str = 0;
    for (uint32_t k = 0; k < t->n_fields; k++) {
        uint32_t i = reverse ? t->n_fields - 1 - k : k;
        const ic_field *f = &t->fields[i];
        size_t n = strlen(f->name);
        char near[256];
        if (!n || n + 2 > sizeof near) continue;
        int str = f->kind == IC_K_STRING && !(f->flags & IC_F_ARRAY) && !f->fixed;
        n_str += str;
        memcpy(near, f->name, n + 1);
        near[n - 1] ^= 1;
        ic_buf_printf(&b, "%s\"%s\":\"wrong\",\"%s\\u0000\":\"wrong\",\"%sx\":\"wrong\"", b.len > 1 ? "," : "", near,
                      f->name, f->name);
        if (n > 1) ic_buf_printf(&b, ",\"%.*s\":\"wrong\"", (int)n - 1, f->name);
        if (str && i % 2 == 0) continue; /* left out */
        if (str) ic_buf_printf(&b, ",\"%s\":\"v%u\"", f->name, i);
        else ic_buf_printf(&b, ",\"%s\":null", f->name);
    }
    ic_buf_append(&b, "}", 1);
    CHECKF(n_str > 3, "%s: only %zu string fields", type_name, n_str);
    void *m = NULL;
    intercom_error err = INTERCOM_ERROR_INIT;
    CHECKF(intercom_from_json(t, b.data, b.len, 0, &m, &err) == INTERCOM_OK, "%s: %s", type_name, err.message);
    for (uint32_t i = 0; m && i < t->n_fields; i++) {
        const ic_field *f = &t->fields[i];
        if (f->kind != IC_K_STRING || (f->flags & IC_F_ARRAY) || f->fixed || strlen(f->name) + 2 > 256) continue;
        const char *v = *(const char **)((const char *)m + f->offset);
        char want[16];
        snprintf(want, sizeof want, "v%u", i);
        if (i % 2 == 0)
            CHECKF(!v && ((const uint8_t *)m)[f->state_offset] == INTERCOM_FIELD_ABSENT, "%s%s: field %s = %s, want absent",
                   type_name, reverse ? " (reversed)" : "", f->name, v ? v : "NULL");
        else
            CHECKF(v && !strcmp(v, want), "%s%s: field %s = %s, want %s", type_name, reverse ? " (reversed)" : "",
                   f->name, v ? v : "NULL", want);
    }
    intercom_free(t, m);
    intercom_error_clear(&err);
    ic_buf_free(&b);
}

int main(void) {
    ic_current = "field_lookup";
    decode_order("contact", 0);
    decode_order("contact", 1);
    decode_order("admin", 0);
    decode_order("admin", 1);
    size_t n_types = 0, n_fields = 0;
    for (size_t i = 0; i < intercom_types_count(); i++) check_type(intercom_types_at(i), &n_types, &n_fields);
    for (size_t i = 0; i < intercom_operations_count(); i++)
        check_type(intercom_operations_at(i)->params, &n_types, &n_fields);
    CHECKF(n_types > 300 && n_fields > 2000, "only %zu types, %zu fields", n_types, n_fields);
    printf("field lookup: %zu types, %zu fields, %d failures\n", n_types, n_fields, ic_failures);
    return ic_failures ? 1 : 0;
}
