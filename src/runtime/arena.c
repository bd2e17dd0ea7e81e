/* SPDX-License-Identifier: MIT */
/* Documents: one arena per decoded response, so a whole typed response is freed at once. */
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

#include "model.h"

ic_doc *ic_doc_new(const intercom_allocator *a, size_t size_hint) {
    ic_doc *d = ic_calloc(a, 1, sizeof *d);
    if (!d) return NULL;
    d->alloc = IC_ALLOC(a);
    d->chunk_size = size_hint < 4096 ? 4096 : size_hint;
    return d;
}

void *ic_doc_alloc_uninit(ic_doc *d, size_t n) {
    n = (n + 7) & ~(size_t)7;
    ic_chunk *c = d->chunks;
    if (!c || c->cap - c->used < n) {
        size_t cap = n > d->chunk_size ? n : d->chunk_size;
        c = ic_malloc(d->alloc, sizeof *c + cap);
        if (!c) return NULL;
        c->used = 0;
        c->cap = cap;
        c->next = d->chunks;
        d->chunks = c;
        /* later chunks: a quarter of what the document holds so far (4 KiB to 1 MiB), so that the
         * unused tail of the last chunk stays a small part of the document (doubling the first chunk,
         * sized by the body, left up to half of a page's arena unused) while the number of chunks
         * still grows only logarithmically up to 1 MiB each */
        size_t next = (d->mem + n) / 4;
        d->chunk_size = next < 4096 ? 4096 : next > (size_t)1 << 20 ? (size_t)1 << 20 : next;
    }
    void *p = (char *)c->data + c->used;
    c->used += n;
    d->mem += n;
    return p;
}

void *ic_doc_alloc(ic_doc *d, size_t n) {
    void *p = ic_doc_alloc_uninit(d, n);
    if (p) memset(p, 0, n);
    return p;
}

char *ic_doc_strndup(ic_doc *d, const char *s, size_t n) { /* written once: no zeroing first */
    char *p = ic_doc_alloc_uninit(d, n + 1);
    if (!p) return NULL;
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

int ic_doc_keep_json(ic_doc *d, json_t *j) {
    if (d->n_json == d->cap_json) {
        size_t cap = d->cap_json ? d->cap_json * 2 : 8;
        json_t **n = ic_realloc(d->alloc, d->json_refs, cap * sizeof *n);
        if (!n) {
            json_decref(j);
            return -1;
        }
        d->json_refs = n;
        d->mem += (cap - d->cap_json) * sizeof *n;
        d->cap_json = cap;
    }
    d->json_refs[d->n_json++] = j;
    return 0;
}

int ic_doc_keep_invalid(ic_doc *d, const void *obj, const ic_field *f, json_t *v) {
    if (!v) return -1;
    if (d->n_inv == d->cap_inv) {
        size_t cap = d->cap_inv ? d->cap_inv * 2 : 8;
        ic_invalid *n = ic_realloc(d->alloc, d->inv, cap * sizeof *n);
        if (!n) {
            json_decref(v);
            return -1;
        }
        d->inv = n;
        d->mem += (cap - d->cap_inv) * sizeof *n;
        d->cap_inv = cap;
    }
    d->inv[d->n_inv++] = (ic_invalid){obj, f, v};
    return 0;
}

static size_t inv_hash(const void *obj, const ic_field *f) {
    uint64_t x = (uint64_t)(uintptr_t)obj * 0x9E3779B97F4A7C15ULL ^ (uint64_t)(uintptr_t)f;
    x ^= x >> 31;
    x *= 0xff51afd7ed558ccdULL;
    return (size_t)(x ^ (x >> 29));
}

/* The index makes writing back a response with many invalid values linear; the last value of
 * a repeated key wins (as for the typed fields). */
int ic_doc_index_invalid(ic_doc *d) {
    if (d->n_inv < 8) return 0; /* a linear look is as quick */
    size_t cap = 16;
    while (cap < 2 * d->n_inv) cap *= 2;
    size_t *ix = ic_calloc(d->alloc, cap, sizeof *ix);
    if (!ix) return -1;
    for (size_t i = 0; i < d->n_inv; i++) {
        size_t h = inv_hash(d->inv[i].obj, d->inv[i].field) & (cap - 1);
        while (ix[h] && !(d->inv[ix[h] - 1].obj == d->inv[i].obj && d->inv[ix[h] - 1].field == d->inv[i].field))
            h = (h + 1) & (cap - 1);
        ix[h] = i + 1;
    }
    ic_free(d->alloc, d->inv_index);
    d->inv_index = ix;
    d->inv_index_cap = cap;
    d->mem += cap * sizeof *ix;
    return 0;
}

const json_t *ic_doc_find_invalid(const ic_doc *d, const void *obj, const ic_field *f) {
    if (!d) return NULL;
    if (d->inv_index) {
        for (size_t h = inv_hash(obj, f) & (d->inv_index_cap - 1); d->inv_index[h]; h = (h + 1) & (d->inv_index_cap - 1)) {
            const ic_invalid *v = &d->inv[d->inv_index[h] - 1];
            if (v->obj == obj && v->field == f) return v->value;
        }
        return NULL;
    }
    const json_t *found = NULL;
    for (size_t i = 0; i < d->n_inv; i++)
        if (d->inv[i].obj == obj && d->inv[i].field == f) found = d->inv[i].value;
    return found;
}

typedef struct ic_numtext {
    const json_t *v;
    const char *text;
    size_t len;
} ic_numtext;

static size_t ptr_hash(const void *p) {
    uint64_t x = (uint64_t)(uintptr_t)p;
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    return (size_t)x;
}

int ic_doc_keep_number_text(ic_doc *d, const json_t *v, const char *text, size_t n) {
    if (2 * (d->n_numtext + 1) > d->cap_numtext) {
        size_t cap = d->cap_numtext ? d->cap_numtext * 2 : 16;
        ic_numtext *t = ic_calloc(d->alloc, cap, sizeof *t);
        if (!t) return -1;
        for (size_t i = 0; i < d->cap_numtext; i++) {
            if (!d->numtext[i].v) continue;
            size_t h = ptr_hash(d->numtext[i].v) & (cap - 1);
            while (t[h].v) h = (h + 1) & (cap - 1);
            t[h] = d->numtext[i];
        }
        ic_free(d->alloc, d->numtext);
        d->mem += (cap - d->cap_numtext) * sizeof *t;
        d->numtext = t;
        d->cap_numtext = cap;
    }
    char *copy = ic_doc_strndup(d, text, n);
    if (!copy) return -1;
    size_t h = ptr_hash(v) & (d->cap_numtext - 1);
    while (d->numtext[h].v && d->numtext[h].v != v) h = (h + 1) & (d->cap_numtext - 1);
    if (!d->numtext[h].v) d->n_numtext++;
    d->numtext[h] = (ic_numtext){v, copy, n};
    return 0;
}

const char *ic_doc_number_text(const ic_doc *d, const json_t *v, size_t *n) {
    if (!d || !d->n_numtext) return NULL;
    size_t h = ptr_hash(v) & (d->cap_numtext - 1);
    for (; d->numtext[h].v; h = (h + 1) & (d->cap_numtext - 1))
        if (d->numtext[h].v == v) {
            *n = d->numtext[h].len;
            return d->numtext[h].text;
        }
    return NULL;
}

void ic_doc_free(ic_doc *d) {
    if (!d) return;
    ic_free(d->alloc, d->numtext);
    ic_free(d->alloc, d->inv_index);
    for (size_t i = 0; i < d->n_inv; i++) json_decref(d->inv[i].value);
    ic_free(d->alloc, d->inv);
    for (ic_chunk *c = d->chunks, *next; c; c = next) {
        next = c->next;
        ic_free(d->alloc, c);
    }
    for (size_t i = 0; i < d->n_json; i++) json_decref(d->json_refs[i]);
    ic_free(d->alloc, d->json_refs);
    json_decref(d->raw_json);
    ic_free(d->alloc, d->body);
    ic_free(d->alloc, d);
}

/* Every model of a document points at it (nested ones too: their invalid values and
 * intercom_to_json() need it); the first model of a document is its root, the one whose
 * intercom_model_free() frees the document. */
void *ic_model_new(ic_doc *d, const intercom_type *t) {
    int first = !d->chunks;
    void *m = ic_doc_alloc(d, t->size);
    if (m && t->kind == IC_T_OBJECT) {
        ((intercom_model *)m)->type = t;
        ((intercom_model *)m)->doc = d;
        if (first) d->root = m;
    }
    return m;
}
