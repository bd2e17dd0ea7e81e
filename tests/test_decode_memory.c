/* SPDX-License-Identifier: MIT */
/* Issue 12, memory a decoded page keeps:
 * - layout: every generated model is as small as its members allow: the presence bytes (`has_x`)
 *   gathered after the values instead of one after each value (which padded each to 8 bytes:
 *   intercom_contact 744 -> 440 bytes); params structs (filled by the caller, one per call) keep each
 *   presence byte right after its value (issue 7), which is checked too;
 * - arena: a document that outgrows its first chunk (sized by the body) gets a chunk of a quarter of
 *   what it holds, not double the first (which left up to half of a page's arena unused);
 * - the contacts page of bench_decode (150 contacts, 298 KB): every byte the decode keeps, counted
 *   by a process-wide allocator (the raw body, arena, Jansson's custom_attributes), at most 2.59 x
 *   the body (the figure before issue 12; it was 4.59 x with a presence byte per value). */
#include <stdalign.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/internal.h"

#include "../bench/contacts_page.h"

#include "testutil.h"

/* ---------- a counting allocator (bytes requested and still live) ---------- */

static size_t live;
typedef union hdr {
    size_t n;
    max_align_t align;
} hdr;
static void *c_malloc(size_t n, void *p) {
    (void)p;
    hdr *h = malloc(sizeof *h + n);
    if (!h) return NULL;
    h->n = n;
    live += n;
    return h + 1;
}
static void *c_realloc(void *ptr, size_t n, void *p) {
    (void)p;
    hdr *h = (hdr *)ptr - 1;
    size_t old = h->n;
    hdr *r = realloc(h, sizeof *r + n);
    if (!r) return NULL;
    r->n = n;
    live = live - old + n;
    return r + 1;
}
static void c_free(void *ptr, void *p) {
    (void)p;
    hdr *h = (hdr *)ptr - 1;
    live -= h->n;
    free(h);
}
static const intercom_allocator counting = {c_malloc, c_realloc, c_free, NULL};

/* ---------- layout ---------- */

static size_t round_up(size_t n, size_t a) { return (n + a - 1) / a * a; }

/* the smallest size the members allow: 8-byte values first, then 4-byte enums, then 1-byte
 * booleans and presence bytes; the variant number (an int) after them */
/* params: no other member between a value and its presence byte */
static void check_params_layout(const intercom_type *t, size_t *n_params) {
    if (!t || t->kind != IC_T_PARAMS) return;
    for (uint32_t i = 0; i < t->n_fields; i++) {
        const ic_field *f = &t->fields[i];
        CHECKF(f->state_offset > f->offset, "%s.%s: presence before its value", t->name, f->name);
        for (uint32_t j = 0; j < t->n_fields; j++)
            CHECKF(j == i || t->fields[j].offset < f->offset || t->fields[j].offset > f->state_offset,
                   "%s.%s: %s between the value and its presence member", t->name, f->name, t->fields[j].name);
    }
    ++*n_params;
}

static void check_layout(const intercom_type *t, size_t *n_types, size_t *worst_pad) {
    if (!t || t->kind != IC_T_OBJECT) return;
    size_t wide = t->kind == IC_T_OBJECT ? sizeof(intercom_model) : 0, four = 0, one = 0;
    for (uint32_t i = 0; i < t->n_fields; i++) {
        const ic_field *f = &t->fields[i];
        if (f->flags & IC_F_ARRAY) wide += sizeof(void *) + sizeof(size_t);
        else if (f->kind == IC_K_ENUM) four += sizeof(int), wide += sizeof(char *);
        else if (f->kind == IC_K_BOOL) one += sizeof(bool);
        else wide += ic_kind_size(f->kind);
        one++; /* the presence byte */
    }
    size_t min = wide + four + one;
    if (t->n_variants) min = round_up(min, alignof(int)) + sizeof(int);
    min = round_up(min, 8);
    CHECKF(t->size <= min, "%s: %zu bytes, its members need %zu (padding between values and presence bytes?)",
           t->name, (size_t)t->size, min);
    if (t->size > min && t->size - min > *worst_pad) *worst_pad = t->size - min;
    ++*n_types;
}

/* ---------- arena ---------- */

static void check_arena(void) {
    /* a document whose body hint is 300 KB that holds 330 KB: what it allocated, against what it holds */
    size_t before = live;
    ic_doc *d = ic_doc_new(&counting, 300000);
    CHECKF(d != NULL, "ic_doc_new");
    if (!d) return;
    for (int i = 0; i < 3300; i++) CHECKF(ic_doc_alloc(d, 100) != NULL, "ic_doc_alloc");
    size_t held = d->mem, allocated = live - before;
    CHECKF(held >= 330000, "held %zu", held);
    CHECKF(allocated <= held + held / 4 + 4096, "a document holding %zu bytes allocated %zu (x%.2f)", held, allocated,
           (double)allocated / (double)held);
    printf("arena: holds %zu bytes, allocated %zu (x%.2f)\n", held, allocated, (double)allocated / (double)held);
    /* many small documents' worth: growth from 4 KiB stays within a quarter too, in few chunks */
    ic_doc_free(d);
    before = live;
    d = ic_doc_new(&counting, 0);
    for (int i = 0; i < 100000; i++) CHECKF(ic_doc_alloc(d, 40) != NULL, "ic_doc_alloc");
    size_t n = 0;
    for (ic_chunk *c = d->chunks; c; c = *(ic_chunk **)c) n++; /* a chunk starts with its next pointer */
    allocated = live - before;
    CHECKF(allocated <= d->mem + d->mem / 4 + 4096 + 64 * n, "holds %zu, allocated %zu", d->mem, allocated);
    CHECKF(n <= 40, "%zu chunks for %zu bytes", n, d->mem);
    printf("arena: holds %zu bytes from 4 KiB on, allocated %zu in %zu chunks\n", d->mem, allocated, n);
    ic_doc_free(d);
}

/* ---------- the contacts page ---------- */

static void check_page(void) {
    size_t len;
    char *body = make_page(150, &len);
    const intercom_type *t = NULL;
    CHECKF(intercom_type_find("contact_list", &t, NULL) == INTERCOM_OK, "contact_list");
    if (!t) return;
    intercom_error err = INTERCOM_ERROR_INIT;
    size_t before = live;
    void *m = NULL; /* as a client's typed call: the model keeps its raw body too (intercom_model_raw_json) */
    CHECKF(intercom_from_json(t, body, len, 1, &m, &err) == INTERCOM_OK, "decode: %s", err.message);
    size_t kept = live - before;
    const intercom_contact_list *page = m;
    CHECKF(page && page->data_count == 150 && page->data[149]->has_email == INTERCOM_FIELD_PRESENT &&
              page->data[0]->has_last_replied_at == INTERCOM_FIELD_NULL &&
              page->data[0]->has_merge_history == INTERCOM_FIELD_ABSENT && page->data[0]->custom_attributes,
           "the page decoded wrong");
    CHECKF(kept <= len * 259 / 100, "a decoded page keeps %zu bytes = x%.2f of its %zu-byte body (limit x2.59)", kept,
           (double)kept / (double)len, len);
    printf("contacts page: %zu-byte body, decoded page keeps %zu bytes = x%.2f (sizeof intercom_contact %zu)\n", len,
           kept, (double)kept / (double)len, sizeof(intercom_contact));
    intercom_model_free(m);
    CHECKF(live == before, "%zu bytes still live after freeing the page", live - before);
    free(body);
}

int main(void) {
    ic_current = "decode_memory";
    if (intercom_global_allocator_set(&counting, NULL) != INTERCOM_OK) {
        fprintf(stderr, "cannot set the allocator\n");
        return 1;
    }
    size_t n_types = 0, worst = 0;
    for (size_t i = 0; i < intercom_types_count(); i++) check_layout(intercom_types_at(i), &n_types, &worst);
    size_t n_params = 0;
    for (size_t i = 0; i < intercom_operations_count(); i++) check_params_layout(intercom_operations_at(i)->params, &n_params);
    CHECKF(n_types > 400 && n_params > 150, "only %zu models, %zu params", n_types, n_params);
    printf("layout: %zu models checked (worst excess padding %zu bytes), %zu params structs with has_x after x\n",
           n_types, worst, n_params);
    check_arena();
    check_page();
    printf("decode memory: %d failures\n", ic_failures);
    return ic_failures ? 1 : 0;
}
