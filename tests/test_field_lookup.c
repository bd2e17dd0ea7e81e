/* SPDX-License-Identifier: MIT */
/* Issue 12: the generated one-probe field lookup (perfect hash over JSON names) finds every field of
 * every generated type, and answers exactly like the by-name binary search for keys that are not
 * fields: prefixes, extensions, a NUL inside, one byte changed, the empty key, random bytes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/internal.h"

static int failures;
#define CHECK(c, ...)                                                                                   \
    do {                                                                                                \
        if (!(c)) {                                                                                     \
            failures++;                                                                                 \
            fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);                                        \
            fprintf(stderr, __VA_ARGS__);                                                               \
            fputc('\n', stderr);                                                                        \
        }                                                                                               \
    } while (0)

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
    CHECK(h == b, "%s: key \"%.*s\" (%zu bytes): hash %s, binary search %s", t->name, (int)len, key, len,
          h ? h->name : "NULL", b ? b->name : "NULL");
}

static void check_type(const intercom_type *t, size_t *n_types, size_t *n_fields) {
    if (!t || !t->n_fields) return;
    ++*n_types;
    CHECK(t->hash_slots != NULL, "%s: no generated hash table", t->name);
    if (!t->hash_slots) return;
    for (uint32_t i = 0; i < t->n_fields; i++) {
        const char *name = t->fields[i].name;
        size_t n = strlen(name);
        ++*n_fields;
        CHECK(ic_type_find_field(t, name, n) == &t->fields[i], "%s: field \"%s\" not found", t->name, name);
        char buf[512];
        if (n + 2 > sizeof buf) continue;
        memcpy(buf, name, n);
        agree(t, buf, n ? n - 1 : 0); /* a prefix */
        buf[n] = 'x';
        agree(t, buf, n + 1); /* one byte more */
        buf[n] = '\0';
        agree(t, buf, n + 1); /* "name\0": the lengths decide */
        CHECK(ic_type_find_field(t, buf, n + 1) == NULL, "%s: \"%s\\0\" found", t->name, name);
        if (n) {
            buf[next() % n] ^= (char)(1 + next() % 255); /* one byte changed */
            agree(t, buf, n);
        }
    }
    agree(t, "", 0);
    for (int k = 0; k < 200; k++) { /* random keys, some with the length of a real name */
        char buf[40];
        size_t n = next() % sizeof buf;
        for (size_t i = 0; i < n; i++) buf[i] = (char)("abcdefghijklmnopqrstuvwxyz_\x00\xc3\xa9"[next() % 30]);
        agree(t, buf, n);
    }
}

int main(void) {
    size_t n_types = 0, n_fields = 0;
    for (size_t i = 0; i < intercom_types_count(); i++) check_type(intercom_types_at(i), &n_types, &n_fields);
    for (size_t i = 0; i < intercom_operations_count(); i++)
        check_type(intercom_operations_at(i)->params, &n_types, &n_fields);
    CHECK(n_types > 300 && n_fields > 2000, "only %zu types, %zu fields", n_types, n_fields);
    printf("field lookup: %zu types, %zu fields, %d failures\n", n_types, n_fields, failures);
    return failures ? 1 : 0;
}
