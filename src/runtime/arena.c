/* SPDX-License-Identifier: MIT */
/* Documents: one arena per decoded response, so a whole typed response is freed at once. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

struct ic_chunk {
    ic_chunk *next;
    size_t used, cap;
    max_align_t data[];
};

ic_doc *ic_doc_new(size_t size_hint) {
    ic_doc *d = calloc(1, sizeof *d);
    if (!d) return NULL;
    d->chunk_size = size_hint < 4096 ? 4096 : size_hint;
    return d;
}

void *ic_doc_alloc(ic_doc *d, size_t n) {
    n = (n + 7) & ~(size_t)7;
    ic_chunk *c = d->chunks;
    if (!c || c->cap - c->used < n) {
        size_t cap = n > d->chunk_size ? n : d->chunk_size;
        c = malloc(sizeof *c + cap);
        if (!c) return NULL;
        c->used = 0;
        c->cap = cap;
        c->next = d->chunks;
        d->chunks = c;
        if (d->chunk_size < (size_t)1 << 20) d->chunk_size *= 2; /* grow geometrically */
    }
    void *p = (char *)c->data + c->used;
    c->used += n;
    memset(p, 0, n);
    return p;
}

char *ic_doc_strndup(ic_doc *d, const char *s, size_t n) {
    char *p = ic_doc_alloc(d, n + 1);
    if (!p) return NULL;
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

int ic_doc_keep_json(ic_doc *d, json_t *j) {
    if (d->n_json == d->cap_json) {
        size_t cap = d->cap_json ? d->cap_json * 2 : 8;
        json_t **n = realloc(d->json_refs, cap * sizeof *n);
        if (!n) {
            json_decref(j);
            return -1;
        }
        d->json_refs = n;
        d->cap_json = cap;
    }
    d->json_refs[d->n_json++] = j;
    return 0;
}

int ic_doc_keep_invalid(ic_doc *d, const void *obj, const struct ic_field *f, json_t *v) {
    if (!v) return -1;
    if (d->n_inv == d->cap_inv) {
        size_t cap = d->cap_inv ? d->cap_inv * 2 : 8;
        ic_invalid *n = realloc(d->inv, cap * sizeof *n);
        if (!n) {
            json_decref(v);
            return -1;
        }
        d->inv = n;
        d->cap_inv = cap;
    }
    d->inv[d->n_inv++] = (ic_invalid){obj, f, v};
    return 0;
}

const json_t *ic_doc_find_invalid(const ic_doc *d, const void *obj, const struct ic_field *f) {
    for (size_t i = 0; d && i < d->n_inv; i++)
        if (d->inv[i].obj == obj && d->inv[i].field == f) return d->inv[i].value;
    return NULL;
}

void ic_doc_free(ic_doc *d) {
    if (!d) return;
    for (size_t i = 0; i < d->n_inv; i++) json_decref(d->inv[i].value);
    free(d->inv);
    for (ic_chunk *c = d->chunks, *next; c; c = next) {
        next = c->next;
        free(c);
    }
    for (size_t i = 0; i < d->n_json; i++) json_decref(d->json_refs[i]);
    free(d->json_refs);
    json_decref(d->raw_json);
    free(d->body);
    free(d);
}

void *ic_model_new(ic_doc *d, const intercom_type *t) {
    void *m = ic_doc_alloc(d, t->size);
    if (m && t->kind == IC_T_OBJECT) ((intercom_model *)m)->type = t;
    return m;
}
