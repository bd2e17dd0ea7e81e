/* SPDX-License-Identifier: MIT */
/* Layer 2, model: descriptors, the operation registry, documents, decoding, encoding, freeing,
 * reflection. Includes core.h only. Not installed. */
#ifndef IC_LAYER_MODEL_H
#define IC_LAYER_MODEL_H

#include <string.h>

#include "core.h"

/* ---------- descriptors (what the generator emits; see codegen/FORMAT.md) ---------- */

/* The descriptors are public (include/intercom/reflection.h); the runtime and the generated
 * tables use these internal names for them. */
typedef intercom_kind ic_kind;
enum { IC_K_STRING = INTERCOM_KIND_STRING, IC_K_INT = INTERCOM_KIND_INT, IC_K_NUMBER = INTERCOM_KIND_NUMBER,
       IC_K_BOOL = INTERCOM_KIND_BOOL, IC_K_OBJECT = INTERCOM_KIND_OBJECT, IC_K_JSON = INTERCOM_KIND_JSON,
       IC_K_ENUM = INTERCOM_KIND_ENUM, IC_K_FILE = INTERCOM_KIND_FILE };
enum { IC_F_ARRAY = INTERCOM_FIELD_FLAG_ARRAY, IC_F_REQUIRED = INTERCOM_FIELD_FLAG_REQUIRED,
       IC_F_NULLABLE = INTERCOM_FIELD_FLAG_NULLABLE, IC_F_DEPRECATED = INTERCOM_FIELD_FLAG_DEPRECATED,
       IC_F_EXPLODE = INTERCOM_FIELD_FLAG_EXPLODE, IC_F_ALSO_QUERY = INTERCOM_FIELD_FLAG_ALSO_QUERY };
enum { IC_IN_BODY = INTERCOM_IN_BODY, IC_IN_PATH = INTERCOM_IN_PATH, IC_IN_QUERY = INTERCOM_IN_QUERY,
       IC_IN_HEADER = INTERCOM_IN_HEADER };
typedef intercom_field ic_field;
/* A variant of a oneOf/anyOf type. Such types are one struct holding every variant's
 * properties; after decoding, the variant member tells which variant the JSON was:
 * by the discriminator's value when the type has one, else the first variant whose
 * required properties were all present. */
typedef intercom_variant ic_variant;
enum { IC_T_OBJECT = INTERCOM_TYPE_OBJECT, IC_T_ENUM = INTERCOM_TYPE_ENUM, IC_T_PARAMS = INTERCOM_TYPE_PARAMS };
typedef intercom_operation ic_operation;
enum { IC_PAGE_NONE = INTERCOM_PAGE_NONE, IC_PAGE_CURSOR = INTERCOM_PAGE_CURSOR, IC_PAGE_NUMBER = INTERCOM_PAGE_NUMBER,
       IC_PAGE_SEARCH = INTERCOM_PAGE_SEARCH, IC_PAGE_SCROLL = INTERCOM_PAGE_SCROLL,
       IC_PAGE_URL = INTERCOM_PAGE_URL };
enum { IC_OP_HAS_BODY = INTERCOM_OP_HAS_BODY, IC_OP_BODY_REQUIRED = INTERCOM_OP_BODY_REQUIRED,
       IC_OP_DEPRECATED = INTERCOM_OP_DEPRECATED, IC_OP_RAW = INTERCOM_OP_RAW,
       IC_OP_MULTIPART = INTERCOM_OP_MULTIPART, IC_OP_REDIRECT = INTERCOM_OP_REDIRECT };

/* ---------- the operation registry (registry.c) ----------
 * The runtime names no generated symbol: the generated code owns its tables and hands them in
 * through ic_registry_add() (from a constructor in src/generated/operations.c); lookups by name
 * (pagers, reflection, the CLI through include/intercom/reflection.h) go through here. */
typedef struct ic_namespace {
    const char *name;                       /* "" for the stable API; else e.g. "preview" */
    const ic_operation *const *operations;  /* NULL-terminated */
    const intercom_type *const *types;      /* every model type, NULL-terminated */
} ic_namespace;
#define IC_REGISTRY_MAX 8
/* Add a namespace (idempotent; at most IC_REGISTRY_MAX). The stable namespace ("") is
 * always looked at first. Called before main (constructors): not locked against lookups. */
IC_HIDDEN void ic_registry_add(const ic_namespace *ns);
/* An operation by name: "contacts.list" (the stable namespace), or "<namespace>:<name>". NULL: none. */
IC_HIDDEN const ic_operation *ic_registry_operation(const char *name);
/* The stable namespace's operations (sorted by name): count, and the one at an index (NULL past the end).
 * Other namespaces are reached by name ("<namespace>:<name>"). */
IC_HIDDEN size_t ic_registry_operations_count(void);
IC_HIDDEN const ic_operation *ic_registry_operation_at(size_t i);
/* The stable namespace's model types (objects, sorted by name): count, and the one at an index. */
IC_HIDDEN size_t ic_registry_types_count(void);
IC_HIDDEN const intercom_type *ic_registry_type_at(size_t i);
/* A type by schema name and IC_T_* kind (-1: any), stable namespace first; NULL: none. */
IC_HIDDEN const intercom_type *ic_registry_type(const char *schema, int kind);

IC_HIDDEN size_t ic_kind_size(int kind); /* bytes of one value of an ic_kind in a struct or array */
/* per_page above the operation's per_page_max is refused (INTERCOM_E_INVALID_ARGUMENT) before any traffic. */
IC_HIDDEN intercom_code ic_check_per_page(const ic_operation *op, const void *params, intercom_error *err);
/* Encoding (model.c): whether a field is written (1 value, 2 null, 0 no), and the encoder. */
IC_HIDDEN int ic_field_presence(const ic_field *f, const void *obj);
/* A type standing for a top-level JSON array: one array field with an empty name. */
IC_HIDDEN int ic_type_is_array_wrapper(const intercom_type *t);
/* @p obj of type @p t as JSON, a new string of @p a (*out, *out_len). only_in >= 0: only the fields of that
 * ic_field.in (a request body), leaving out those the JSON object @p skip names (NULL: none); *missing
 * (if not NULL, start it at -1): the index of the first required field not set. */
IC_HIDDEN intercom_code ic_encode(const intercom_allocator *a, const intercom_type *t, const void *obj, const struct intercom_doc *doc, int flags, int only_in,
                                  const json_t *skip, char **out, size_t *out_len, int *missing, intercom_error *err);
IC_HIDDEN const ic_field *ic_type_find_field(const intercom_type *t, const char *key, size_t len);

/* ---------- arena + document ---------- */

typedef struct ic_chunk ic_chunk;
struct ic_chunk {
    ic_chunk *next;
    size_t used, cap;
    max_align_t data[];
};
typedef struct ic_invalid {   /* a value whose JSON type did not fit its field, kept as received */
    const void *obj;
    const ic_field *field;
    json_t *value;
} ic_invalid;

struct intercom_doc {
    ic_invalid *inv;
    size_t n_inv, cap_inv;
    size_t *inv_index;   /* open addressing over inv by (obj, field), 1-based; built when decoding ends */
    size_t inv_index_cap;
    ic_chunk *chunks;
    size_t chunk_size;
    char *body;          /* raw body (malloc'd), owned */
    size_t body_len;
    json_t *raw_json;    /* lazy */
    json_t **json_refs;  /* free-form values to decref */
    size_t n_json, cap_json;
    struct ic_numtext *numtext; /* text of numbers a json_t does not hold exactly (open addressing by pointer) */
    size_t n_numtext, cap_numtext;
    size_t mem;          /* bytes allocated through the document (the decoder's memory bound) */
    void *root;          /* the top-level model: the only one whose free frees the document */
    const intercom_allocator *alloc; /* of the document, its chunks and body */
};
typedef struct intercom_doc ic_doc;

IC_HIDDEN ic_doc *ic_doc_new(const intercom_allocator *a, size_t size_hint);
IC_HIDDEN void *ic_doc_alloc(ic_doc *d, size_t n);      /* zeroed, 8-aligned */
IC_HIDDEN void *ic_doc_alloc_uninit(ic_doc *d, size_t n); /* not zeroed (to be overwritten), 8-aligned */
/* ic_doc_alloc_uninit with the common case (room in the current chunk) inline */
static inline void *ic_doc_alloc_uninit_inl(ic_doc *d, size_t n) {
    size_t r = (n + 7) & ~(size_t)7;
    ic_chunk *c = d->chunks;
    if (!c || r < n || c->cap - c->used < r) return ic_doc_alloc_uninit(d, n);
    void *p = (char *)c->data + c->used;
    c->used += r;
    d->mem += r;
    return p;
}
IC_HIDDEN char *ic_doc_strndup(ic_doc *d, const char *s, size_t n);
IC_HIDDEN int ic_doc_keep_json(ic_doc *d, json_t *j); /* takes the reference */
IC_HIDDEN void ic_doc_free(ic_doc *d);
IC_HIDDEN int ic_doc_keep_invalid(ic_doc *d, const void *obj, const ic_field *f, json_t *v); /* takes v */
IC_HIDDEN const json_t *ic_doc_find_invalid(const ic_doc *d, const void *obj, const ic_field *f);
IC_HIDDEN int ic_doc_index_invalid(ic_doc *d); /* after the last ic_doc_keep_invalid: lookups in O(1) */
IC_HIDDEN void *ic_model_new(ic_doc *d, const intercom_type *t);
/* Numbers a json_t cannot hold exactly (integers beyond int64, reals beyond a double's range):
 * the json_t is an approximation, the text as received is kept here and written back. */
IC_HIDDEN int ic_doc_keep_number_text(ic_doc *d, const json_t *v, const char *text, size_t n);
IC_HIDDEN const char *ic_doc_number_text(const ic_doc *d, const json_t *v, size_t *n);
/* Strict UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing above U+10FFFF. */
IC_HIDDEN int ic_utf8_valid(const char *s, size_t n);

/* ---------- streaming decoder ---------- */

typedef struct intercom_decoder ic_decoder; /* public, opaque: include/intercom/decoder.h */
IC_HIDDEN ic_decoder *ic_decoder_new(const intercom_allocator *a, const intercom_type *t, int strict, size_t size_hint);
IC_HIDDEN int ic_decoder_feed(ic_decoder *d, const char *p, size_t n);  /* 0 ok, -1 error */
/* Finish; on success *out is the model (its doc does not own a body yet). */
IC_HIDDEN intercom_code ic_decoder_finish(ic_decoder *d, void **out, intercom_error *err);
IC_HIDDEN void ic_decoder_free(ic_decoder *d);
/* After a decode: d kept for ic_decoder_reuse() when its document ended cleanly (its yajl handle,
 * frames and scratch buffers stay allocated), else freed and NULL. */
IC_HIDDEN ic_decoder *ic_decoder_recycle(ic_decoder *d);
/* A recycled decoder set up for a new document, as ic_decoder_new(d's allocator, t, strict,
 * size_hint) would be: 0, or -1 when out of memory (d unchanged, still to be freed). */
IC_HIDDEN int ic_decoder_reuse(ic_decoder *d, const intercom_type *t, int strict, size_t size_hint);
/* The bound on the memory a decoded response may hold: @p factor times the bytes received,
 * plus IC_DECODE_MEM_SLACK (arena bytes of the structs and strings, element scratch, and an
 * estimate of free-form Jansson values; the raw body itself is not counted). Exceeding it
 * stops the decode with INTERCOM_E_RESPONSE_TOO_LARGE. 0: no bound. Default
 * IC_DECODE_DEFAULT_FACTOR. */
#define IC_DECODE_DEFAULT_FACTOR 16u
#define IC_DECODE_MEM_SLACK ((size_t)256 << 10)
IC_HIDDEN void ic_decoder_set_memory_factor(ic_decoder *d, unsigned factor);
/* Work counters (tests catch a quadratic relapse with them, without timing). */
typedef struct ic_decoder_stats {
    size_t to_yajl;      /* bytes handed to yajl_parse */
    size_t held;         /* bytes copied aside because a token was unfinished at a chunk's end */
    size_t relexed;      /* bytes of an unfinished token yajl held and re-reads on the next call */
    size_t mem;          /* memory counted against the bound (bytes) */
} ic_decoder_stats;
IC_HIDDEN ic_decoder_stats ic_decoder_get_stats(const ic_decoder *d);
IC_HIDDEN ic_doc *ic_value_doc(const intercom_type *t, void *value); /* the document owning a decoded value */
/* Any JSON text as a json_t, nested up to 8192 levels (Jansson's parser: 2048), for what Jansson's parser refuses: numbers beyond
 * int64 or a double's range (nearest real, text kept in @p doc), \u0000 in keys, bytes that are
 * not UTF-8 (kept as they came). NULL: not JSON, or out of memory. */
IC_HIDDEN json_t *ic_json_load_any(const char *p, size_t n, ic_doc *doc);
/* One-shot decode of a buffer; on success the model's doc takes @p body_owned if not NULL. */
IC_HIDDEN intercom_code ic_decode_buffer(const intercom_allocator *a, const intercom_type *t, int strict, const char *p, size_t n,
                                         void **out, intercom_error *err);
/* Another source of the decoder's events (yajl's callback table, @p ctx their context) over a whole
 * value: the text p[0..n) (parse_simdjson.cpp, INTERCOM_SIMDJSON) or what @p arg points at (a json_t in
 * webhook.c, p NULL). 0 when the value was delivered to its end, 1 when a callback stopped it, 2 when
 * the text is not JSON (*why says why, a static string); @p yajl_cb is a const yajl_callbacks *. */
typedef int (*ic_event_driver)(const void *yajl_cb, void *ctx, const char *p, size_t n, const void *arg,
                               const char **why);
/* ic_decode_buffer() with @p drive as the source of events instead of yajl (same result, same errors
 * from the decoder; the driver's own errors as "invalid JSON: <why>"). @p n bytes count as received for
 * the memory bound; the text p[0..n) is kept for intercom_model_raw_json unless p is NULL. */
IC_HIDDEN intercom_code ic_decode_with(const intercom_allocator *a, const intercom_type *t, int strict, const char *p,
                                       size_t n, ic_event_driver drive, const void *arg, void **out,
                                       intercom_error *err);

/* The hash of the field lookup, in constant time: the key's first and last eight bytes read as
 * little-endian words (a key shorter than eight bytes: its bytes, then its length), mixed with the
 * seed by two multiplications. The generator (codegen/icgen/cgen.py, key_hash) computes the same. */
static inline uint32_t ic_key_hash(uint32_t seed, const char *key, size_t len) {
    uint64_t a = 0, b = len;
    if (len >= 8) {
        memcpy(&a, key, 8);
        memcpy(&b, key + len - 8, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
        a = __builtin_bswap64(a);
        b = __builtin_bswap64(b);
#endif
    } else {
        for (size_t i = 0; i < len; i++) a |= (uint64_t)(unsigned char)key[i] << (8 * i);
    }
    uint64_t h = (a ^ seed) * 0x9E3779B97F4A7C15u;
    h = (h ^ (h >> 29) ^ b) * 0xC2B2AE3D27D4EB4Fu;
    return (uint32_t)(h >> 32);
}

#endif
