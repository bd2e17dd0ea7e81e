/* SPDX-License-Identifier: MIT */
/* The streaming decoder: yajl's parse events drive the descriptor tables straight into
 * the typed structs (arena memory, no DOM). Free-form fields become Jansson values built
 * from the same events. Tolerant by default: a field whose JSON type does not fit is left
 * zeroed and flagged INVALID; in strict mode it fails the decode, naming its JSON path. */

#include <errno.h>
#include <float.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_parse.h>

#include "model.h"

#define MAX_DEPTH 512

enum { FR_OBJ, FR_ARR, FR_JSON };

typedef struct frame {
    int kind;
    void *inv_obj;             /* FR_JSON capturing a value that did not fit inv_field of inv_obj */
    const ic_field *inv_field;
    const intercom_type *type; /* FR_OBJ: the type being filled */
    void *obj;                /* FR_OBJ: the model being filled; FR_ARR: the model owning the array */
    const ic_field *field;    /* FR_OBJ: field of the current key (NULL: unknown key); FR_ARR: the array field */
    uint32_t next;            /* FR_OBJ: index of the field expected next (the one after the last key's) */
    ic_buf items;             /* FR_ARR: element values; FR_JSON object: the pending key (scratch, reused across
                                 frames at this depth) */
    size_t charged;           /* what the memory bound counts of items this document: the capacity a fresh
                                 decoder's buffer would have (scratch_charge), also when a recycled one has more */
    uint32_t charged_doc;     /* the document (ic_decoder.doc_seq) charged is of; another: charged is 0 */
    size_t count;             /* FR_ARR: elements so far */
    int bad;                  /* FR_ARR: an element did not fit */
    json_t *json;             /* FR_JSON: the container being built */
    int has_key;              /* FR_JSON object: a key is pending (in items; may hold NUL bytes) */
    size_t key_len;
    /* FR_OBJ in strict mode: the last undeclared key, and the first undeclared key holding an array
     * (for the report of a declared list absent while an undeclared array is present) */
    char ukey[48];
    char uarr[48];
} frame;

/* The key order a decoder has seen: in an object of type `t`, after the field at index `after` - 1 (after 0:
 * first) came the key of `len` bytes that is field `field`, or (SEEN_UNDECLARED) the undeclared key `key`.
 * A hint checked by comparing the name, so a wrong one costs one compare. */
typedef struct seen_order {
    const intercom_type *t;
    uint32_t after, field, len;
    char key[16];
} seen_order;
enum { SEEN_ORDER_SLOTS = 64 };
#define SEEN_UNDECLARED UINT32_MAX

struct intercom_decoder {
    yajl_handle yh;
    ic_yajl_mem ym;           /* yajl's memory (alloc.c) */
    const intercom_allocator *a;
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
    /* Linear time whatever the chunking: yajl's lexer re-reads a token it buffered at the end
     * of one piece from its first byte on every later call, so a long string arriving in 16 KiB
     * pieces costs O(length^2). The decoder lets yajl hold at most one chunk's tail: after a
     * chunk that ends inside a token, the following chunks are held aside (pend, each byte
     * copied once) until the token ends, then handed over at once. Where a chunk's tail starts
     * is found from the last string event (its closing quote in the chunk) and a scan of the
     * few bytes after it, so the common case scans almost nothing. */
    ic_buf pend;              /* chunks held while a token runs through them */
    int sc_str, sc_esc, sc_bare; /* scanner state after the bytes received: in a string, after a
                                    backslash in it, in a number or literal */
    uintptr_t chunk_lo, chunk_hi; /* the chunk yajl is parsing */
    uintptr_t last_quote;     /* its last closing quote seen by a string or key event (0: none) */
    size_t yajl_held;         /* length of the unfinished token yajl keeps (re-read on its next call) */
    size_t fed;               /* bytes received */
    int nonblank;             /* a byte other than whitespace (yajl's: JSON's, \v and \f) was received */
    ic_decoder_stats stats;
    /* the memory bound (see ic_decoder_set_memory_factor) */
    unsigned mem_factor;      /* 0: none */
    size_t json_mem;          /* estimated bytes of the free-form (Jansson) values built */
    size_t scratch_mem;       /* bytes of the per-depth element scratch buffers */
    size_t scratch_held;      /* their capacity now, over every document (a recycled decoder keeps it) */
    uint32_t doc_seq;         /* the document being decoded: 1 for a fresh decoder's first, + 1 on reuse */
    const char *taint;        /* the free-form value being built holds something a json_t does not hold
                                 faithfully (why); it becomes an invalid value of its field */
    /* key orders seen (kept by a recycled decoder): a response whose keys come in another order than the
     * declared one (a live API's) misses the prediction of on_key, and then finds the field here */
    seen_order seen[SEEN_ORDER_SLOTS];
};

/* ---------- helpers ---------- */

static uint8_t *state_of(void *obj, const ic_field *f) { return (uint8_t *)obj + f->state_offset; }

static void path_of(ic_decoder *d, ic_buf *b) {
    for (size_t i = 0; i < d->depth; i++) {
        frame *fr = &d->frames[i];
        if (fr->kind == FR_OBJ && fr->field) {
            if (b->len) ic_buf_append(b, ".", 1);
            ic_buf_append(b, fr->field->name, strlen(fr->field->name));
        } else if (fr->kind == FR_ARR) { /* 0-based; an element object is counted when it starts */
            size_t idx = fr->count;
            if (i + 1 < d->depth && d->frames[i + 1].kind == FR_OBJ && idx) idx--;
            ic_buf_printf(b, "[%zu]", idx);
        }
    }
}

static int stop(ic_decoder *d, intercom_code code, const char *what) {
    ic_buf path = {.a = d->a};
    path_of(d, &path);
    d->fail = code;
    ic_free(d->a, d->fail_msg);
    if (ic_asprintf(d->a, &d->fail_msg, "%s%s%s", what, path.len ? " at " : "", path.len ? path.data : "") < 0)
        d->fail_msg = NULL;
    ic_buf_free(&path);
    return 0;
}

static int nomem(ic_decoder *d) { return stop(d, INTERCOM_E_NOMEM, "out of memory while decoding"); }

/* The memory bound: 1 while within it, else the parse stops (INTERCOM_E_RESPONSE_TOO_LARGE). */
static __attribute__((noinline)) int beyond_bound(ic_decoder *d);
static inline int within_bound(ic_decoder *d) {
    if (!d->mem_factor) return 1;
    size_t used = d->doc->mem + d->json_mem + d->scratch_mem;
    if (d->fed <= (SIZE_MAX - IC_DECODE_MEM_SLACK) / d->mem_factor && used <= d->fed * d->mem_factor + IC_DECODE_MEM_SLACK)
        return 1;
    return beyond_bound(d);
}

static int beyond_bound(ic_decoder *d) {
    size_t used = d->doc->mem + d->json_mem + d->scratch_mem;
    size_t limit = d->fed > (SIZE_MAX - IC_DECODE_MEM_SLACK) / d->mem_factor ? SIZE_MAX
                                                                            : d->fed * d->mem_factor + IC_DECODE_MEM_SLACK;
    if (used <= limit) return 1;
    char what[256];
    snprintf(what, sizeof what,
             "the decoded response would hold more than %u x its %zu bytes + %zu bytes = %zu bytes of memory "
             "(intercom_client_options.decoded_memory_factor)",
             d->mem_factor, d->fed, IC_DECODE_MEM_SLACK, limit);
    return stop(d, INTERCOM_E_RESPONSE_TOO_LARGE, what);
}

/* A value of the wrong JSON type for the slot on top of the stack. Returns the yajl verdict.
 * Tolerant mode keeps a scalar's value (@p raw, taken) so it stays reachable and re-encodes. */
static int invalid_raw(ic_decoder *d, const char *got, json_t *raw) {
    frame *fr = &d->frames[d->depth - 1];
    if (d->strict) {
        char what[96];
        const ic_field *f = fr->field;
        static const char *names[] = {"?", "string", "integer", "number", "boolean", "object", "JSON value", "string",
                                      "file (intercom_file, not JSON)"};
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
        frame *n = ic_realloc(d->a, d->frames, cap * sizeof *n);
        if (!n) {
            nomem(d);
            return NULL;
        }
        for (size_t i = d->cap; i < cap; i++) /* what push() reads */
            n[i].items = (ic_buf){0}, n[i].charged = 0, n[i].charged_doc = 0;
        d->frames = n;
        d->cap = cap;
    }
    frame *fr = &d->frames[d->depth++];
    ic_buf keep = fr->items; /* scratch memory stays with the depth */
    size_t charged = fr->charged;
    uint32_t charged_doc = fr->charged_doc;
    memset(fr, 0, offsetof(frame, ukey)); /* the report strings are empty when their first byte is */
    fr->ukey[0] = fr->uarr[0] = '\0';
    fr->items = keep;
    fr->charged = charged;
    fr->charged_doc = charged_doc;
    fr->items.a = d->a;
    fr->items.len = 0;
    fr->kind = kind;
    return fr;
}

/* ---------- where the next value goes ---------- */

/* Charge the bound for fr->items as a fresh decoder's buffer would have grown to hold what it holds now
 * (ic_buf_append: 256 bytes, doubled until it fits), whatever a recycled decoder's buffer kept: a
 * response is within the bound or not whichever decoder reads it. @p cap: items.cap before the append. */
static inline void scratch_charge(ic_decoder *d, frame *fr, size_t cap) {
    d->scratch_held += fr->items.cap - cap;
    if (fr->charged_doc != d->doc_seq) { /* first growth at this depth in this document */
        fr->charged_doc = d->doc_seq;
        fr->charged = 0;
    }
    size_t need = fr->items.len + 1;
    if (need <= fr->charged) return;
    size_t c = fr->charged ? fr->charged : 256;
    while (c < need) c *= 2; /* no overflow: items.cap >= need is such a size */
    d->scratch_mem += c - fr->charged;
    fr->charged = c;
}

static __attribute__((noinline)) int store_element(ic_decoder *d, frame *fr, const void *val, size_t sz) {
    size_t cap = fr->items.cap;
    if (ic_buf_append(&fr->items, val, sz)) return nomem(d);
    scratch_charge(d, fr, cap);
    fr->count++;
    return within_bound(d);
}

/* Store a finished element or field value; sz is sizeof the value, which is the element size of the
 * field's kind (ic_kind_size), known where store() is inlined: a field's value is one store. */
static inline int store_sized(ic_decoder *d, const void *val, size_t sz) {
    frame *fr = &d->frames[d->depth - 1];
    const ic_field *f = fr->field;
    if (fr->kind == FR_ARR) return store_element(d, fr, val, sz);
    memcpy((char *)fr->obj + f->offset, val, sz);
    *state_of(fr->obj, f) = INTERCOM_FIELD_PRESENT;
    return 1;
}
#define store(d, val) store_sized((d), (val), sizeof *(val))

/* Attach a finished Jansson value to the free-form container or field that awaits it. */
static int put_json(ic_decoder *d, json_t *v) {
    if (!v) return nomem(d);
    frame *fr = &d->frames[d->depth - 1];
    /* an estimate of what Jansson allocates (an empty object has its hash table's buckets; a
     * member its pair; true, false and null are shared) */
    d->json_mem += (json_is_object(v) ? 224 : json_is_array(v) ? 112 : json_is_string(v) ? 48 + json_string_length(v)
                    : json_is_number(v) ? 32 : 0) + (fr->has_key ? 56 + fr->key_len : 0);
    if (!within_bound(d)) {
        json_decref(v);
        return 0;
    }
    if (fr->kind == FR_JSON) { /* keys carry their length: "k\u0000x" stays three bytes */
        int rc = json_is_array(fr->json) ? json_array_append_new(fr->json, v)
                                         : json_object_setn_new_nocheck(fr->json, fr->has_key ? fr->items.data : "",
                                                                        fr->key_len, v);
        fr->has_key = 0;
        fr->key_len = 0;
        return rc ? nomem(d) : 1;
    }
    if (d->taint && d->root_type->kind == IC_T_PARAMS) /* params (what the caller sends): kept as the value,
                                                         numbers as the nearest a json_t holds */
        d->taint = NULL;
    if (d->taint) { /* a whole free-form value that a json_t does not hold faithfully */
        const char *why = d->taint;
        d->taint = NULL;
        if (d->strict || fr->kind == FR_ARR) {
            char what[128];
            snprintf(what, sizeof what, "free-form value holding %s", why);
            return invalid_raw(d, what, v);
        }
        return invalid_raw(d, why, v); /* kept, with its exact text, as the field's invalid value */
    }
    if (ic_doc_keep_json(d->doc, v)) return nomem(d);
    return store(d, &v);
}

/* a[0..n) == b[0..n), both at least n bytes long, without a memcmp call: 8 bytes or more as words (the
 * last one overlapping), 4-7 bytes as two overlapping words, fewer byte by byte */
static inline int name_eq(const char *a, const char *b, size_t n) {
    if (n >= 8) {
        uint64_t w, x;
        for (size_t i = 0; i + 8 < n; i += 8) {
            memcpy(&w, a + i, 8);
            memcpy(&x, b + i, 8);
            if (w != x) return 0;
        }
        memcpy(&w, a + n - 8, 8);
        memcpy(&x, b + n - 8, 8);
        return w == x;
    }
    if (n >= 4 && n < 8) {
        uint32_t w, x, y, z;
        memcpy(&w, a, 4);
        memcpy(&x, b, 4);
        memcpy(&y, a + n - 4, 4);
        memcpy(&z, b + n - 4, 4);
        return w == x && y == z;
    }
    for (size_t i = 0; i < n; i++)
        if (a[i] != b[i]) return 0;
    return 1;
}

/* ---------- yajl callbacks ---------- */

/* A value at depth 0: after the root value, trailing garbage (yajl lets a recycled handle parse
 * several values in a row, see ic_decoder_new); else a document that is not an object. */
static int at_root(ic_decoder *d, const char *what) {
    return stop(d, INTERCOM_E_DECODE, d->done ? "invalid JSON: trailing garbage" : what);
}

static int on_null(void *ctx) {
    ic_decoder *d = ctx;
    if (d->skip) return 1;
    if (!d->depth) return at_root(d, "expected a JSON object, got null");
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
    if (!d->depth) return at_root(d, "expected a JSON object"), -1;
    frame *fr = &d->frames[d->depth - 1];
    if (fr->kind == FR_JSON) return 0;
    *f = fr->field;
    if (!*f) return 2; /* ignored */
    if (fr->kind == FR_OBJ && ((*f)->flags & IC_F_ARRAY)) return invalid_raw(d, got, raw(rawp)) ? 2 : -1;
    return 1;
}

typedef struct num_text {
    ic_decoder *d;
    const char *s;
    size_t n;
} num_text, str_text;
static json_t *raw_bool(void *p) { return json_boolean(*(int *)p); }
static json_t *num_json(ic_decoder *d, const char *s, size_t n, const char **refused);
static json_t *raw_number(void *p) { return num_json(((num_text *)p)->d, ((num_text *)p)->s, ((num_text *)p)->n, NULL); }
static json_t *raw_string(void *p) { return json_stringn_nocheck(((str_text *)p)->s, ((str_text *)p)->n); }

static int utf8_check(const char *str, size_t n);

/* A free-form string: Jansson carries its length (so \u0000 stays); bytes that are not
 * UTF-8 are kept as they came, the value flagged. */
static json_t *json_str(ic_decoder *d, const char *s, size_t n) {
    if (utf8_check(s, n)) return json_stringn_nocheck(s, n); /* checked: Jansson need not again */
    if (!d->taint) d->taint = "a string that is not valid UTF-8";
    return json_stringn_nocheck(s, n);
}

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

/* A number as a json_t. Integers beyond int64 and reals beyond a double's range (which Jansson
 * refuses: *refused says why) become the nearest real, their text kept in the document so the
 * encoder writes them back as received; so does a real that underflows to 0. */
static int int_parse(const char *s, size_t n, int64_t *out);
static json_t *num_json(ic_decoder *d, const char *s, size_t n, const char **refused) {
    int64_t i64;
    if (int_parse(s, n, &i64) == 0) return json_integer(i64); /* an integer within int64: no copy, no strtoll */
    char small[64], *buf = n < sizeof small ? small : ic_malloc(d->doc->alloc, n + 1);
    if (!buf) return NULL;
    memcpy(buf, s, n);
    buf[n] = '\0';
    json_t *v = NULL;
    int keep_text = 0;
    if (!strpbrk(buf, ".eE")) {
        errno = 0;
        long long x = strtoll(buf, NULL, 10);
        if (errno != ERANGE) v = json_integer(x);
        else if (refused) *refused = "an integer beyond 64 bits";
    }
    if (!v) {
        errno = 0;
        double x = strtod(buf, NULL);
        if (errno == ERANGE) {
            keep_text = 1;
            if (isinf(x)) {
                x = copysign(DBL_MAX, x);
                if (refused) *refused = "a number beyond a double's range";
            }
        }
        keep_text |= !strpbrk(buf, ".eE"); /* a big integer as a real */
        v = json_real(x);
    }
    if (v && keep_text && ic_doc_keep_number_text(d->doc, v, s, n)) {
        json_decref(v);
        v = NULL;
    }
    if (buf != small) ic_free(d->doc->alloc, buf);
    return v;
}

/* A JSON integer's text as an int64 without a copy or strtoll: 0 (in *out), 1 when it has a fraction or
 * an exponent, 2 when it is out of int64's range (or not a number at all). */
static int int_parse(const char *s, size_t n, int64_t *out) {
    size_t i = n && s[0] == '-';
    int neg = (int)i;
    if (i == n) return 2;
    if (n - i <= 18) { /* up to 18 digits cannot leave int64: no range check (and no division) per digit */
        uint64_t v = 0;
        for (; i < n; i++) {
            unsigned c = (unsigned char)s[i] - '0';
            if (c > 9) return s[i] == '.' || s[i] == 'e' || s[i] == 'E' ? 1 : 2;
            v = v * 10 + c;
        }
        *out = neg ? -(int64_t)v : (int64_t)v;
        return 0;
    }
    uint64_t v = 0, limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    int range = 0;
    for (; i < n; i++) {
        unsigned c = (unsigned char)s[i] - '0';
        if (c > 9) return s[i] == '.' || s[i] == 'e' || s[i] == 'E' ? 1 : 2;
        if (v > (limit - c) / 10) range = 1; /* keep scanning: "1e999999999999999999999" is a non-integer */
        else v = v * 10 + c;
    }
    if (range) return 2;
    *out = neg ? (int64_t)(0 - v) : (int64_t)v;
    return 0;
}

static int on_number(void *ctx, const char *s, size_t n) {
    ic_decoder *d = ctx;
    if (d->skip) return 1;
    const ic_field *f = NULL;
    num_text nt = {d, s, n};
    const char *refused = NULL;
    switch (scalar_slot(d, &f, "number", raw_number, &nt)) {
    case -1: return 0;
    case 0: {
        json_t *v = num_json(d, s, n, &refused);
        if (refused && !d->taint) d->taint = refused;
        return put_json(d, v);
    }
    case 2: return 1;
    }
    char buf[64];
    if (f->kind == IC_K_JSON) {
        json_t *v = num_json(d, s, n, &refused);
        if (refused && v && !d->taint) d->taint = refused;
        return put_json(d, v);
    }
    if (f->kind == IC_K_INT) { /* yajl passes JSON number syntax: -?digits, then maybe a fraction or exponent */
        int64_t x;
        switch (int_parse(s, n, &x)) {
        case 0: return store(d, &x);
        case 1: return invalid_raw(d, "a non-integer number", raw_number(&nt));
        default: return invalid_raw(d, "an integer out of range", raw_number(&nt));
        }
    }
    if (n >= sizeof buf) return invalid_raw(d, "a number too long", raw_number(&nt));
    memcpy(buf, s, n);
    buf[n] = '\0';
    if (f->kind == IC_K_NUMBER) {
        errno = 0;
        double x = strtod(buf, NULL);
        if (errno == ERANGE && isinf(x)) return invalid_raw(d, "a number beyond a double's range", raw_number(&nt));
        return store(d, &x);
    }
    return invalid_raw(d, "number", raw_number(&nt));
}

/* A string or key event: where its closing quote is, when yajl read it straight from the chunk
 * (no escapes, not carried over from the previous chunk). */
static void note_quote(ic_decoder *d, const unsigned char *s, size_t n) {
    uintptr_t at = (uintptr_t)s;
    if (at >= d->chunk_lo && at < d->chunk_hi) d->last_quote = at + n;
}

/* s[0..n) copied into the arena as a C string and checked in the same pass: *ok as utf8_check()
 * (a string that is not all ASCII is checked again by utf8_check; a refused copy stays in the arena) */
static inline __attribute__((always_inline)) char *copy_checked(ic_doc *doc, const char *s, size_t n, int *ok) {
    char *p = ic_doc_alloc_uninit_inl(doc, n + 1);
    if (!p) return NULL;
    uint64_t hi = 0, nul = 0;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        hi |= w;
        nul |= (w - 0x0101010101010101ULL) & ~w;
        memcpy(p + i, &w, 8);
    }
    if (n >= 8) {
        if (i < n) { /* the tail: the last eight bytes, overlapping what was copied */
            uint64_t w;
            memcpy(&w, s + n - 8, 8);
            hi |= w;
            nul |= (w - 0x0101010101010101ULL) & ~w;
            memcpy(p + n - 8, &w, 8);
        }
    } else if (n >= 4) { /* 4..7 bytes: two overlapping words */
        uint32_t w, x;
        memcpy(&w, s, 4);
        memcpy(&x, s + n - 4, 4);
        hi |= w | x;
        nul |= ((w - 0x01010101u) & ~w) | ((x - 0x01010101u) & ~x);
        memcpy(p, &w, 4);
        memcpy(p + n - 4, &x, 4);
    } else {
        for (; i < n; i++) {
            unsigned char c = (unsigned char)s[i];
            hi |= c;
            nul |= c == 0 ? 0x80 : 0;
            p[i] = (char)c;
        }
    }
    p[n] = '\0';
    if (hi & 0x8080808080808080ULL) *ok = utf8_check(s, n); /* not all ASCII: the full check */
    else *ok = (nul & 0x8080808080808080ULL) ? 2 : 1;
    return p;
}

static __attribute__((noinline)) int on_string_slow(ic_decoder *d, const unsigned char *us, size_t n);

/* The common case inline (a string field of an object, valid and without NUL), the rest out of line: a
 * light prologue for most events. */
static int on_string(void *ctx, const unsigned char *us, size_t n) {
    ic_decoder *d = ctx;
    note_quote(d, us, n);
    if (d->skip) return 1;
    if (d->depth) {
        frame *fr = &d->frames[d->depth - 1];
        const ic_field *f = fr->field;
        if (fr->kind == FR_OBJ && f && f->kind == IC_K_STRING && !(f->flags & IC_F_ARRAY)) {
            int ok;
            char *v = copy_checked(d->doc, (const char *)us, n, &ok);
            if (v && ok == 1) {
                *(char **)((char *)fr->obj + f->offset) = v;
                *state_of(fr->obj, f) = INTERCOM_FIELD_PRESENT;
                return 1;
            }
        }
    }
    return on_string_slow(d, us, n);
}

static int on_string_slow(ic_decoder *d, const unsigned char *us, size_t n) {
    const char *s = (const char *)us;
    const ic_field *f = NULL;
    str_text st = {d, s, n};
    switch (scalar_slot(d, &f, "string", raw_string, &st)) {
    case -1: return 0;
    case 0: return put_json(d, json_str(d, s, n));
    case 2: return 1;
    }
    if (f->kind == IC_K_JSON) return put_json(d, json_str(d, s, n));
    if (f->kind != IC_K_STRING && f->kind != IC_K_ENUM) return invalid_raw(d, "string", raw_string(&st));
    /* a C string must not pass for something else: bytes that are not UTF-8 (overlong forms,
     * surrogates) and embedded NULs make the value invalid, kept whole (with its length) */
    int ok;
    char *v = copy_checked(d->doc, s, n, &ok);
    if (!v) return nomem(d);
    if (!ok) return invalid_raw(d, "a string that is not valid UTF-8", raw_string(&st));
    if (ok == 2) return invalid_raw(d, "a string holding \\u0000", raw_string(&st));
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

static __attribute__((noinline)) int on_key_slow(ic_decoder *d, frame *fr, const unsigned char *k, size_t n);

static int on_key(void *ctx, const unsigned char *k, size_t n) {
    ic_decoder *d = ctx;
    note_quote(d, k, n);
    if (d->skip) return 1;
    frame *fr = &d->frames[d->depth - 1];
    /* Responses list their fields in a stable order, mostly the declared one: the field after the
     * last key's is compared first (its length from the generated table), the hash only on a miss. */
    if (fr->kind == FR_OBJ) {
        const intercom_type *t = fr->type;
        if (t->hash_slots && fr->next < t->n_fields && t->hash_slots[t->hash_mask + 1 + fr->next] == n &&
            name_eq(t->fields[fr->next].name, (const char *)k, n)) {
            fr->field = &t->fields[fr->next++];
            return 1;
        }
    }
    return on_key_slow(d, fr, k, n);
}

static int on_key_slow(ic_decoder *d, frame *fr, const unsigned char *k, size_t n) {
    if (fr->kind == FR_JSON) {
        fr->items.len = 0;
        size_t cap = fr->items.cap;
        if (ic_buf_append(&fr->items, k, n)) return nomem(d);
        scratch_charge(d, fr, cap);
        fr->has_key = 1;
        fr->key_len = n;
        if (!d->taint && !ic_utf8_valid((const char *)k, n)) d->taint = "a key that is not valid UTF-8";
        return 1;
    }
    const intercom_type *t = fr->type;
    seen_order *so = &d->seen[(((uintptr_t)t >> 4) * 31u + fr->next) & (SEEN_ORDER_SLOTS - 1)];
    if (so->t == t && so->after == fr->next && so->len == n &&
        (so->field == SEEN_UNDECLARED ? !memcmp(so->key, k, n) : name_eq(t->fields[so->field].name, (const char *)k, n))) {
        fr->field = so->field == SEEN_UNDECLARED ? NULL : &t->fields[so->field]; /* the order seen before */
    } else {
        fr->field = ic_type_find_field(t, (const char *)k, n);
        if (fr->field || n <= sizeof so->key) {
            *so = (seen_order){t, fr->next, fr->field ? (uint32_t)(fr->field - t->fields) : SEEN_UNDECLARED, (uint32_t)n, {0}};
            if (!fr->field) memcpy(so->key, k, n);
        }
    }
    if (fr->field) fr->next = (uint32_t)(fr->field - t->fields) + 1;
    if (!fr->field && d->strict) { /* kept (shortened) for the report in on_end */
        size_t m = n < sizeof fr->ukey - 1 ? n : sizeof fr->ukey - 1;
        memcpy(fr->ukey, k, m);
        fr->ukey[m] = '\0';
    }
    return 1;
}

/* Begin a container ('{' or '['). */
static int on_start(ic_decoder *d, int is_map) {
    if (d->skip) {
        d->skip++;
        return 1;
    }
    if (!d->depth) { /* the root */
        if (d->done) return at_root(d, NULL);
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
        if (d->strict && !is_map && top->kind == FR_OBJ && !top->uarr[0]) memcpy(top->uarr, top->ukey, sizeof top->uarr);
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
        if (!child) return nomem(d);
        if (!store(d, &child) || !within_bound(d)) return 0;
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
        fr->has_key = 0;
        fr->json = NULL;
        if (fr->inv_obj) { /* already an invalid value: kept as it came */
            d->taint = NULL;
            return ic_doc_keep_invalid(d->doc, fr->inv_obj, fr->inv_field, v) ? nomem(d) : 1;
        }
        return put_json(d, v);
    }
    if (fr->kind == FR_ARR) {
        const ic_field *f = fr->field;
        void *items = NULL;
        if (fr->count) {
            if (!(items = ic_doc_alloc(d->doc, fr->items.len))) return nomem(d);
            memcpy(items, fr->items.data, fr->items.len);
            if (!within_bound(d)) return 0;
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
    if (d->strict && fr->uarr[0]) { /* an undeclared array where every declared list is absent */
        const ic_field *list = NULL;
        for (uint32_t i = 0; i < fr->type->n_fields; i++) {
            const ic_field *f = &fr->type->fields[i];
            if (!(f->flags & IC_F_ARRAY) || f->kind != IC_K_OBJECT) continue;
            if (*state_of(fr->obj, f) != INTERCOM_FIELD_ABSENT) {
                list = NULL;
                break;
            }
            if (!list) list = f;
        }
        if (list) {
            char what[512];
            fr->field = NULL;
            d->depth++; /* the path names the object that ended */
            snprintf(what, sizeof what,
                     "the declared list \"%s\" is absent while the undeclared key \"%s\" holds an array "
                     "(a shape the description does not declare; tolerant mode keeps it in intercom_model_raw_json)",
                     list->name, fr->uarr);
            stop(d, INTERCOM_E_DECODE, what);
            d->depth--;
            return 0;
        }
    }
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

/* Exact-length lookup: a key "type\u0000x" (6 bytes) is not "type". */
const ic_field *ic_type_find_field(const intercom_type *t, const char *key, size_t len) {
    if (t->hash_slots) { /* at most half full: an empty slot ends the probe; only same-length names compared */
        uint32_t m = t->hash_mask, s;
        for (uint32_t i = ic_key_hash(t->hash_seed, key, len) & m; (s = t->hash_slots[i]) != 0; i = (i + 1) & m) {
            if ((s >> 16) != len) continue;
            const ic_field *f = &t->fields[(s & 0xffffu) - 1];
            if (name_eq(f->name, key, len)) return f;
        }
        return NULL;
    }
    size_t lo = 0, hi = t->n_fields;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        const ic_field *f = &t->fields[t->by_name[mid]];
        int c = strncmp(f->name, key, len);
        if (c == 0) { /* equal up to len or to a NUL in key: the lengths decide (strnlen reads no further) */
            size_t fl = strnlen(f->name, len + 1);
            c = fl < len ? -1 : fl > len;
        }
        if (c == 0) return f;
        if (c < 0) lo = mid + 1;
        else hi = mid;
    }
    return NULL;
}

/* Strict UTF-8 (RFC 3629): 0 when not; else 1, or 2 when it holds a NUL byte. ASCII runs are
 * checked eight bytes at a time. */
static int utf8_check(const char *str, size_t n) {
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    int nul = 0;
    while (i < n) {
        while (i + 8 <= n) {
            uint64_t w;
            memcpy(&w, s + i, 8);
            if (w & 0x8080808080808080ULL) break;
            nul |= ((w - 0x0101010101010101ULL) & ~w & 0x8080808080808080ULL) != 0;
            i += 8;
        }
        if (i >= n) break;
        unsigned c = s[i];
        if (c < 0x80) {
            nul |= c == 0;
            i++;
            continue;
        }
        size_t len;
        unsigned lo = 0x80, hi = 0xBF;
        if (c >= 0xC2 && c <= 0xDF) len = 2;
        else if (c == 0xE0) len = 3, lo = 0xA0;       /* no overlong forms */
        else if (c >= 0xE1 && c <= 0xEC) len = 3;
        else if (c == 0xED) len = 3, hi = 0x9F;       /* no surrogates */
        else if (c >= 0xEE && c <= 0xEF) len = 3;
        else if (c == 0xF0) len = 4, lo = 0x90;
        else if (c >= 0xF1 && c <= 0xF3) len = 4;
        else if (c == 0xF4) len = 4, hi = 0x8F;       /* nothing above U+10FFFF */
        else return 0;
        if (n - i < len || s[i + 1] < lo || s[i + 1] > hi) return 0;
        for (size_t k = 2; k < len; k++)
            if ((s[i + k] & 0xC0) != 0x80) return 0;
        i += len;
    }
    return 1 + nul;
}

int ic_utf8_valid(const char *str, size_t n) { return utf8_check(str, n) != 0; }

enum { RECYCLE_MAX_FRAMES = 32, RECYCLE_MAX_SCRATCH = 16384 };

/* The per-document state, for a fresh decoder and a recycled one alike (ic_decoder_recycle keeps
 * only decoders whose frames, skip and scanner state are back at rest). */
static int decoder_start(ic_decoder *d, const intercom_type *t, int strict, size_t size_hint) {
    if (!(d->doc = ic_doc_new(d->a, size_hint))) return -1;
    d->root_type = t;
    d->strict = strict;
    d->root = NULL;
    d->done = 0;
    d->fail = INTERCOM_OK;
    d->fail_msg = NULL;
    d->last_quote = 0;
    d->yajl_held = d->fed = 0;
    d->nonblank = 0;
    d->stats = (ic_decoder_stats){0};
    d->mem_factor = IC_DECODE_DEFAULT_FACTOR;
    d->json_mem = 0;
    /* the memory bound counts the scratch this document needs, as a fresh decoder would allocate it
     * (scratch_charge), neither more nor less for what a recycled decoder kept */
    d->scratch_mem = 0;
    d->doc_seq++; /* every frame's charge is of an earlier document now (scratch_charge) */
    d->taint = NULL;
    return 0;
}

ic_decoder *ic_decoder_new(const intercom_allocator *a, const intercom_type *t, int strict, size_t size_hint) {
    ic_decoder *d = ic_calloc(a, 1, sizeof *d);
    if (!d) return NULL;
    d->a = IC_ALLOC(a);
    d->pend.a = d->a;
    if (decoder_start(d, t, strict, size_hint) || !(d->yh = ic_yajl_alloc(&d->ym, a, &callbacks, d))) {
        ic_decoder_free(d);
        return NULL;
    }
    /* several values in a row, so that a recycled decoder parses its next document with the same
     * handle (yajl has no reset); a value after the root within one document is refused by the
     * callbacks (at_root) and by ic_decoder_finish */
    yajl_config(d->yh, yajl_allow_multiple_values, 1);
    return d;
}

/* Recycling (the engine keeps one decoder with each pooled request): a decoder whose document ended
 * cleanly keeps its yajl handle, frame stack and scratch buffers, which a new one allocates again
 * (about 3k instructions and 9 allocations per request). Anything else is freed. */
ic_decoder *ic_decoder_recycle(ic_decoder *d) {
    if (!d) return NULL;
    if (d->fail || !d->done || d->depth || d->skip || d->sc_str || d->sc_bare || d->pend.len || d->ym.oom ||
        d->cap > RECYCLE_MAX_FRAMES || d->scratch_held > RECYCLE_MAX_SCRATCH || d->pend.cap > RECYCLE_MAX_SCRATCH) {
        ic_decoder_free(d);
        return NULL;
    }
    ic_doc_free(d->doc); /* a finished document belongs to its model (NULL here) */
    d->doc = NULL;
    return d;
}

int ic_decoder_reuse(ic_decoder *d, const intercom_type *t, int strict, size_t size_hint) {
    return decoder_start(d, t, strict, size_hint);
}

static int is_bare(unsigned char c) { /* a byte of a number or literal token */
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '.' || c == '+' || c == '-';
}

static int to_yajl(ic_decoder *d, const char *p, size_t n) {
    if (!n) return 0;
    d->stats.to_yajl += n;
    if (ic_yajl_parse(&d->ym, d->yh, (const unsigned char *)p, n) != yajl_status_ok) {
        if (!d->fail) d->fail = d->ym.oom ? INTERCOM_E_NOMEM : INTERCOM_E_DECODE;
        return -1;
    }
    return d->fail ? -1 : 0;
}

/* Inside a string (d->sc_str) at p[i]: the offset just after its closing quote (sc_str cleared),
 * or SIZE_MAX when it goes on past n (sc_esc says whether the chunk ended after a backslash).
 * memchr runs only: each byte is looked at a bounded number of times. */
static size_t skip_string(ic_decoder *d, const unsigned char *p, size_t i, size_t n) {
    const unsigned char *q = NULL; /* next '"' at or after i */
    while (i < n) {
        if (d->sc_esc) {
            d->sc_esc = 0;
            i++;
            continue;
        }
        if (!q || q < p + i) q = memchr(p + i, '"', n - i);
        size_t end = q ? (size_t)(q - p) : n;
        const unsigned char *b = memchr(p + i, '\\', end - i);
        if (b) {
            d->sc_esc = 1;
            i = (size_t)(b - p) + 1;
            continue;
        }
        if (!q) return SIZE_MAX;
        d->sc_str = 0;
        return end + 1;
    }
    return SIZE_MAX;
}

/* Where the token unfinished at the end of p[0..n) starts: an offset, n when none is
 * unfinished, or SIZE_MAX when it started before p (it is in d->pend). Each byte is looked
 * at a bounded number of times (memchr runs), whatever the chunking. */
static size_t scan(ic_decoder *d, const unsigned char *p, size_t n) {
    size_t start = d->sc_str || d->sc_bare ? SIZE_MAX : n;
    size_t i = 0;
    while (i < n) {
        if (d->sc_str) {
            if ((i = skip_string(d, p, i, n)) == SIZE_MAX) break;
            start = n;
        } else {
            d->sc_bare = 0;
            const unsigned char *o = memchr(p + i, '"', n - i);
            if (!o) break;
            d->sc_str = 1;
            start = (size_t)(o - p);
            i = start + 1;
        }
    }
    if (!d->sc_str) { /* a number or literal running up to the end */
        size_t j = n;
        while (j > 0 && is_bare(p[j - 1])) j--;
        if (j == n) {
            d->sc_bare = 0;
            if (start == SIZE_MAX) start = n; /* the one from before ended in this chunk */
        } else if (j == 0 && start == SIZE_MAX) {
            return SIZE_MAX; /* the number from before goes on through the whole chunk */
        } else {
            d->sc_bare = 1;
            start = j;
        }
    }
    return start;
}

/* How far the token unfinished before p runs into p[0..n): the offset just after its end, or
 * SIZE_MAX when it goes on past n. */
static size_t scan_rest_of_token(ic_decoder *d, const unsigned char *p, size_t n) {
    size_t i = 0;
    if (d->sc_bare) {
        while (i < n && is_bare(p[i])) i++;
        if (i == n) return SIZE_MAX;
        d->sc_bare = 0;
        return i;
    }
    return skip_string(d, p, i, n);
}

int ic_decoder_feed(ic_decoder *d, const char *p, size_t n) {
    if (d->fail) return -1;
    d->fed += n;
    for (size_t i = 0; !d->nonblank && i < n; i++) /* the first bytes only, in practice; yajl's whitespace */
        d->nonblank = p[i] != ' ' && p[i] != '\t' && p[i] != '\n' && p[i] != '\r' && p[i] != '\v' && p[i] != '\f';
    const unsigned char *u = (const unsigned char *)p;
    size_t from = 0;
    if (d->sc_str || d->sc_bare) { /* yajl holds an unfinished token */
        size_t e = scan_rest_of_token(d, u, n);
        if (e == SIZE_MAX) { /* it runs through this chunk too: keep the chunk aside */
            d->stats.held += n;
            if (ic_buf_append(&d->pend, p, n)) return nomem(d), -1;
            return 0;
        }
        if (d->pend.len) { /* it ends here: what was held goes first, re-read once */
            d->stats.relexed += d->yajl_held;
            if (to_yajl(d, d->pend.data, d->pend.len)) return -1;
            d->yajl_held += d->pend.len;
            d->pend.len = 0;
            if (d->pend.cap > ((size_t)1 << 16)) ic_buf_free(&d->pend); /* a long token ended: give its room back */
        }
        from = e;
    }
    d->stats.relexed += d->yajl_held;
    d->chunk_lo = (uintptr_t)p;
    d->chunk_hi = (uintptr_t)p + n;
    d->last_quote = 0;
    int rc = to_yajl(d, p, n);
    d->chunk_lo = d->chunk_hi = 0;
    if (rc) return -1;
    /* the tail: from after the chunk's last closing quote yajl reported (or the held token's end) */
    size_t start = from;
    if (d->last_quote && d->last_quote - (uintptr_t)p + 1 > start) start = (size_t)(d->last_quote - (uintptr_t)p) + 1;
    d->sc_str = d->sc_esc = d->sc_bare = 0;
    d->yajl_held = n - start - scan(d, u + start, n - start);
    return 0;
}

void ic_decoder_set_memory_factor(ic_decoder *d, unsigned factor) { d->mem_factor = factor; }

ic_decoder_stats ic_decoder_get_stats(const ic_decoder *d) {
    ic_decoder_stats s = d->stats;
    s.mem = (d->doc ? d->doc->mem : 0) + d->json_mem + d->scratch_mem;
    return s;
}

static intercom_code finish_error(ic_decoder *d, intercom_error *err, const char *p, size_t n) {
    if (d->fail_msg) return ic_fail(err, d->fail, "%s", d->fail_msg);
    if (d->fail == INTERCOM_E_NOMEM) return ic_fail(err, INTERCOM_E_NOMEM, "out of memory while decoding");
    unsigned char *msg = yajl_get_error(d->yh, 0, (const unsigned char *)p, n);
    int len = msg ? (int)strcspn((char *)msg, "\n") : 0; /* yajl ends its message with a newline */
    intercom_code rc = ic_fail(err, INTERCOM_E_DECODE, "invalid JSON: %.*s", msg ? len : 11, msg ? (char *)msg : "parse error");
    if (msg) yajl_free_error(d->yh, msg);
    return rc;
}

intercom_code ic_decoder_finish(ic_decoder *d, void **out, intercom_error *err) {
    *out = NULL;
    if (!d->fail && d->pend.len && !to_yajl(d, d->pend.data, d->pend.len)) d->pend.len = 0;
    /* After the root value closed, yajl_parse has refused any complete token that followed it, but
     * yajl accepts a token cut off at the end (`{} "x`, `{} 1`) even in yajl_complete_parse: the
     * scanner state says whether the bytes end inside one. Before the root closed,
     * yajl_complete_parse reports the truncation. Skipping it after the root also saves the 2 KiB
     * lexer buffer yajl allocates to lex its one space (about 1.4k instructions per /me). */
    if (!d->fail && d->done && (d->sc_str || d->sc_bare)) stop(d, INTERCOM_E_DECODE, "invalid JSON: trailing garbage");
    /* A string cut off before any root (`"abc`): a fresh handle reports a premature EOF; a recycled one,
     * after its complete value, would take it for the start of another and accept the end. */
    if (!d->fail && !d->done && !d->depth && d->sc_str) stop(d, INTERCOM_E_DECODE, "invalid JSON: parse error: premature EOF");
    /* Nothing but whitespace: the same report from a fresh handle (which yajl would call a premature
     * EOF) and a recycled one (which yajl, after a complete value, would accept). */
    int blank = !d->fail && !d->done && !d->nonblank;
    if (!d->fail && !d->done && !blank && ic_yajl_complete_parse(&d->ym, d->yh) != yajl_status_ok && !d->fail)
        d->fail = d->ym.oom ? INTERCOM_E_NOMEM : INTERCOM_E_DECODE;
    if (d->fail) return finish_error(d, err, NULL, 0);
    if (!d->done || !d->root) return ic_fail(err, INTERCOM_E_DECODE, "empty body: expected a JSON object");
    if (ic_doc_index_invalid(d->doc)) return ic_fail(err, INTERCOM_E_NOMEM, "out of memory while decoding");
    if (d->root_type->kind == IC_T_OBJECT) ((intercom_model *)d->root)->doc = d->doc;
    *out = d->root;
    d->doc = NULL; /* now owned by the model */
    return INTERCOM_OK;
}

void ic_decoder_free(ic_decoder *d) {
    if (!d) return;
    ic_yajl_free(&d->ym, d->yh);
    for (size_t i = 0; i < d->cap; i++) {
        ic_buf_free(&d->frames[i].items);
        if (i < d->depth) {
            json_decref(d->frames[i].json);
        }
    }
    ic_free(d->a, d->frames);
    ic_buf_free(&d->pend);
    ic_free(d->a, d->fail_msg);
    ic_doc_free(d->doc);
    ic_free(d->a, d);
}

/* keep the body the model was decoded from (intercom_model_raw_json) */
static intercom_code keep_body(const intercom_type *t, void **out, const char *p, size_t n, intercom_error *err) {
    ic_doc *doc = ic_value_doc(t, *out);
    if (!doc) return INTERCOM_OK;
    if (!(doc->body = ic_malloc(doc->alloc, n + 1))) {
        intercom_free(t, *out);
        *out = NULL;
        return ic_fail(err, INTERCOM_E_NOMEM, "out of memory");
    }
    memcpy(doc->body, p, n);
    doc->body[n] = '\0';
    doc->body_len = n;
    return INTERCOM_OK;
}

intercom_code ic_decode_buffer(const intercom_allocator *a, const intercom_type *t, int strict, const char *p, size_t n,
                               void **out, intercom_error *err) {
    *out = NULL;
    ic_decoder *d = ic_decoder_new(a, t, strict, n);
    if (!d) return ic_fail(err, INTERCOM_E_NOMEM, "out of memory");
    intercom_code rc;
    if (ic_decoder_feed(d, p, n)) {
        rc = finish_error(d, err, p, n);
    } else {
        rc = ic_decoder_finish(d, out, err);
        if (rc == INTERCOM_OK) rc = keep_body(t, out, p, n, err);
    }
    ic_decoder_free(d);
    return rc;
}

intercom_code ic_decode_with(const intercom_allocator *a, const intercom_type *t, int strict, const char *p, size_t n,
                             ic_event_driver drive, const void *arg, void **out, intercom_error *err) {
    *out = NULL;
    ic_decoder *d = ic_decoder_new(a, t, strict, n);
    if (!d) return ic_fail(err, INTERCOM_E_NOMEM, "out of memory");
    d->fed = n; /* the whole body, for the memory bound */
    const char *why = NULL;
    int r = drive(&callbacks, d, p, n, arg, &why);
    intercom_code rc;
    if (d->fail) rc = finish_error(d, err, p, n);
    else if (r) rc = ic_fail(err, INTERCOM_E_DECODE, "invalid JSON: %s", why ? why : "parse error");
    else if (!d->done || !d->root) rc = ic_fail(err, INTERCOM_E_DECODE, "empty body: expected a JSON object");
    else if (ic_doc_index_invalid(d->doc)) rc = ic_fail(err, INTERCOM_E_NOMEM, "out of memory while decoding");
    else {
        if (d->root_type->kind == IC_T_OBJECT) ((intercom_model *)d->root)->doc = d->doc;
        *out = d->root;
        d->doc = NULL;
        rc = p ? keep_body(t, out, p, n, err) : INTERCOM_OK;
    }
    ic_decoder_free(d);
    return rc;
}

/* ---------- a whole body as a json_t, for bodies Jansson's parser refuses ---------- */

typedef struct loader {
    ic_doc *doc;
    json_t *root;
    json_t **stack;     /* open containers (any depth: the stack grows) */
    size_t depth, cap;
    char *key;
    size_t key_len;
    int nomem;
} loader;

static int ld_put(loader *l, json_t *v) {
    if (!v) return l->nomem = 1, 0;
    if (!l->depth) {
        if (l->root) json_decref(l->root);
        l->root = v;
        return 1;
    }
    json_t *top = l->stack[l->depth - 1];
    int rc = json_is_array(top) ? json_array_append_new(top, v)
                                : json_object_setn_new_nocheck(top, l->key ? l->key : "", l->key_len, v);
    ic_free(l->doc->alloc, l->key);
    l->key = NULL;
    return rc ? (l->nomem = 1, 0) : 1;
}

static int ld_null(void *c) { return ld_put(c, json_null()); }
static int ld_bool(void *c, int b) { return ld_put(c, json_boolean(b)); }
static int ld_number(void *c, const char *s, size_t n) {
    ic_decoder tmp = {0}; /* num_json only uses its document */
    tmp.doc = ((loader *)c)->doc;
    return ld_put(c, num_json(&tmp, s, n, NULL));
}
static int ld_string(void *c, const unsigned char *s, size_t n) { return ld_put(c, json_stringn_nocheck((const char *)s, n)); }
static int ld_key(void *c, const unsigned char *k, size_t n) {
    loader *l = c;
    ic_free(l->doc->alloc, l->key);
    if (!(l->key = ic_malloc(l->doc->alloc, n + 1))) return l->nomem = 1, 0;
    memcpy(l->key, k, n);
    l->key[n] = '\0';
    l->key_len = n;
    return 1;
}
#define LOAD_MAX_DEPTH 8192 /* json_decref() frees recursively: deeper would risk the stack */

static int ld_open(loader *l, json_t *v) {
    if (!v) return l->nomem = 1, 0;
    if (l->depth == LOAD_MAX_DEPTH) {
        json_decref(v);
        return l->nomem = 1, 0;
    }
    if (l->depth == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 64;
        json_t **s = ic_realloc(l->doc->alloc, l->stack, cap * sizeof *s);
        if (!s) {
            json_decref(v);
            return l->nomem = 1, 0;
        }
        l->stack = s;
        l->cap = cap;
    }
    json_incref(v);
    if (!ld_put(l, v)) {
        json_decref(v);
        return 0;
    }
    l->stack[l->depth++] = v;
    return 1;
}
static int ld_map(void *c) { return ld_open(c, json_object()); }
static int ld_array(void *c) { return ld_open(c, json_array()); }
static int ld_end(void *c) {
    loader *l = c;
    json_decref(l->stack[--l->depth]);
    return 1;
}

static const yajl_callbacks ld_callbacks = {ld_null, ld_bool, NULL, NULL, ld_number, ld_string,
                                            ld_map,  ld_key,  ld_end, ld_array, ld_end};

json_t *ic_json_load_any(const char *p, size_t n, ic_doc *doc) {
    loader l = {0};
    l.doc = doc;
    ic_yajl_mem ym;
    yajl_handle h = ic_yajl_alloc(&ym, doc->alloc, &ld_callbacks, &l);
    if (!h) return NULL;
    int ok = ic_yajl_parse(&ym, h, (const unsigned char *)p, n) == yajl_status_ok &&
             ic_yajl_complete_parse(&ym, h) == yajl_status_ok && !l.nomem && l.root;
    ic_yajl_free(&ym, h);
    while (l.depth) json_decref(l.stack[--l.depth]);
    ic_free(doc->alloc, l.stack);
    ic_free(doc->alloc, l.key);
    if (!ok) {
        json_decref(l.root);
        return NULL;
    }
    return l.root;
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
    return ic_decode_buffer(NULL, type, strict, json ? json : "", len, out, err);
}

void intercom_free(const intercom_type *type, void *value) {
    if (type && value) ic_doc_free(ic_value_doc(type, value));
}

/* ---------- the public streaming decoder (include/intercom/decoder.h) ---------- */

intercom_code intercom_decoder_new(intercom_decoder **out, const intercom_type *type, int strict, size_t size_hint,
                                   const intercom_allocator *alloc, intercom_error *err) {
    if (out) *out = NULL;
    if (!out || !type) return ic_fail(err, INTERCOM_E_INVALID_ARGUMENT, "out and type are required");
    if (type->kind == IC_T_ENUM) return ic_fail(err, INTERCOM_E_INVALID_ARGUMENT, "%s is an enum, not an object type", type->name);
    intercom_code rc = ic_check_alloc(alloc, err);
    if (rc) return rc;
    if (!(*out = ic_decoder_new(alloc, type, strict, size_hint))) return ic_fail(err, INTERCOM_E_NOMEM, "out of memory");
    return INTERCOM_OK;
}

intercom_code intercom_decoder_set_memory_factor(intercom_decoder *d, unsigned factor) {
    if (!d) return INTERCOM_E_INVALID_ARGUMENT;
    ic_decoder_set_memory_factor(d, factor);
    return INTERCOM_OK;
}

intercom_code intercom_decoder_feed(intercom_decoder *d, const char *p, size_t n, intercom_error *err) {
    if (!d || (!p && n)) return ic_fail(err, INTERCOM_E_INVALID_ARGUMENT, "decoder and bytes are required");
    if (!d->doc) return ic_fail(err, INTERCOM_E_INVALID_ARGUMENT, "the decoder has finished");
    if (!ic_decoder_feed(d, p, n)) return INTERCOM_OK;
    return finish_error(d, err, p, n);
}

intercom_code intercom_decoder_finish(intercom_decoder *d, void **out, intercom_error *err) {
    if (out) *out = NULL;
    if (!d || !out) return ic_fail(err, INTERCOM_E_INVALID_ARGUMENT, "decoder and out are required");
    if (!d->doc) return ic_fail(err, INTERCOM_E_INVALID_ARGUMENT, "the decoder has finished");
    return ic_decoder_finish(d, out, err);
}

void intercom_decoder_free(intercom_decoder *d) { ic_decoder_free(d); }
