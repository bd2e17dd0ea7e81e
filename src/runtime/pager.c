/* SPDX-License-Identifier: MIT */
/* Pagination: one pager for every list, search and scroll operation, driven by what the
 * generator recorded in the operation (ic_operation.page_kind / page_items) and by the
 * descriptors of its params and response types. The pager keeps a shallow copy of the
 * caller's params and rewrites only the cursor field in it:
 *   CURSOR  query starting_after  <- page.pages.next.starting_after
 *   SEARCH  body pagination       <- our own pagination struct, starting_after as above
 *   NUMBER  query page            <- page number + 1, until pages.total_pages
 *   SCROLL  query scroll_param    <- page.scroll_param, until a page comes back empty
 *   URL     the whole request     <- page.pages.next, a full URL (GET /events): its path and query are
 *                                    requested on the configured base URL, and only when the URL is on
 *                                    it (same scheme, host, port and path prefix, no userinfo); a next
 *                                    URL elsewhere ends the walk with INTERCOM_E_DECODE, never followed
 * A missing or empty next cursor, an empty page or the last page number ends the walk.
 * A walk that would not end ends with INTERCOM_E_DECODE after the pages already delivered:
 * a cursor the walk already sent (checked against the previous cursor and, for cycles, a
 * checkpoint moved at pages 2^k, so memory stays constant), a page number that does not
 * advance past the previous page's, or a page number that cannot be incremented (INT64_MAX).
 * (Scroll walks are not checked: Intercom's scroll_param may stay the same for a whole scroll.) */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "client.h"
#include "options.h"

struct intercom_pager {
    intercom_client *client;           /* sync pagers */
    intercom_async_client *aclient;    /* async walks */
    const ic_operation *op;
    intercom_request_options ro;
    void *params;                      /* shallow copy of the caller's params (op->params->size) */
    void *paging;                      /* SEARCH: our pagination struct, pointed to by params */
    char *cursor;                      /* the cursor being sent (owned); URL: the next URL */
    char *rest;                        /* URL: its path and query, requested on the base URL (owned) */
    int page_no;                       /* pages fetched */
    int done;                          /* no further page */
    intercom_code stop_code;           /* the walk cannot go on: reported by the next fetch */
    char *stop_msg;
    char *checkpoint;                  /* cursor sent at page 2^k (cycle detection) */
    int64_t last_no;                   /* NUMBER: previous page's number, 0 before the first */
    void *page;                        /* current page (next()), owned */
    size_t item_idx, items;
    const ic_field *items_f;           /* the response's array of items */
    intercom_page_callback cb;         /* async */
    void *payload;
    const intercom_allocator *a;       /* the client's: of this struct, params, paging, cursor */
};

static const ic_field *field_of(const intercom_type *t, const char *name) {
    return t ? ic_type_find_field(t, name, strlen(name)) : NULL;
}

/* ---------- reading a page ---------- */

/* The string at page.<a>.<b> (objects or free-form JSON on the way), or NULL. */
static const char *string_at(const void *page, const intercom_type *t, const char *a, const char *b) {
    const ic_field *f = field_of(t, a);
    if (!f || (f->flags & IC_F_ARRAY) || ic_field_presence(f, page) != 1) return NULL;
    const char *p = (const char *)page + f->offset;
    if (!b) return f->kind == IC_K_STRING ? *(const char *const *)p : NULL;
    if (f->kind == IC_K_JSON) return json_string_value(json_object_get(*(json_t *const *)p, b));
    if (f->kind != IC_K_OBJECT || !*(const void *const *)p) return NULL;
    return string_at(*(const void *const *)p, f->type, b, NULL);
}

static int64_t int_at(const void *page, const intercom_type *t, const char *a, const char *b) {
    const ic_field *f = field_of(t, a);
    if (!f || f->kind != IC_K_OBJECT || ic_field_presence(f, page) != 1) return -1;
    const void *o = *(const void *const *)((const char *)page + f->offset);
    const ic_field *g = o ? field_of(f->type, b) : NULL;
    if (!g || g->kind != IC_K_INT || ic_field_presence(g, o) != 1) return -1;
    return *(const int64_t *)((const char *)o + g->offset);
}

static size_t item_count(const intercom_pager *pg, const void *page) {
    return *(const size_t *)((const char *)page + pg->items_f->aux_offset);
}

/* The walk cannot go on: remember why, for the next fetch. */
static int stop(intercom_pager *pg, const char *fmt, const char *arg, long long n) {
    pg->done = 1;
    pg->stop_code = INTERCOM_E_DECODE;
    ic_free(pg->a, pg->stop_msg);
    pg->stop_msg = NULL;
    char *m = NULL;
    if (ic_asprintf(pg->a, &m, fmt, arg, n) < 0) m = NULL;
    if (m && ic_asprintf(pg->a, &pg->stop_msg, "%s: %s; stopped after page %d (%zu items delivered)", pg->op->name, m,
                         pg->page_no, pg->items) < 0)
        pg->stop_msg = NULL;
    ic_free(pg->a, m);
    return 0;
}

/* The path and query of @p url when it is on @p base (scheme://host[:port][/prefix]): the same
 * scheme, host and port (case-insensitive; a port spelled out where the base has none is another
 * origin), then the base's path prefix and a '/'; no control characters, spaces or backslashes.
 * NULL otherwise. */
static const char *url_rest(const char *base, const char *url) {
    const char *sep = strstr(base, "://");
    if (!sep) return NULL;
    size_t origin = (size_t)(sep + 3 - base);
    origin += strcspn(base + origin, "/");
    size_t bl = strlen(base);
    if (strncasecmp(base, url, origin) || strncmp(base + origin, url + origin, bl - origin) || url[bl] != '/')
        return NULL;
    for (const unsigned char *p = (const unsigned char *)url + bl; *p && *p != '#'; p++)
        if (*p <= ' ' || *p == 0x7f || *p == '\\') return NULL;
    if (url[bl + 1] == '/') return NULL; /* "//host": a network-path reference, never a path */
    return url + bl;
}

/* After page @p page: set up the request for the next one, or mark the walk done. */
static int advance(intercom_pager *pg, const void *page) {
    const intercom_type *rt = pg->op->response;
    size_t n = item_count(pg, page);
    char *sent = pg->cursor; /* the cursor that fetched this page (NULL for the first) */
    pg->cursor = NULL;
    int rc = 0;
    if (n == 0) {
        pg->done = 1;
        goto out;
    }
    const char *next = NULL;
    switch (pg->op->page_kind) {
    case IC_PAGE_CURSOR:
    case IC_PAGE_SEARCH: {
        const ic_field *pf = field_of(rt, "pages");
        const void *pages = pf && pf->kind == IC_K_OBJECT && ic_field_presence(pf, page) == 1
                                ? *(const void *const *)((const char *)page + pf->offset)
                                : NULL;
        next = pages ? string_at(pages, pf->type, "next", "starting_after") : NULL;
        break;
    }
    case IC_PAGE_SCROLL: next = string_at(page, rt, "scroll_param", NULL); break;
    case IC_PAGE_URL: next = string_at(page, rt, "pages", "next"); break;
    case IC_PAGE_NUMBER: {
        int64_t cur = int_at(page, rt, "pages", "page"), total = int_at(page, rt, "pages", "total_pages");
        if (cur < 0) cur = pg->page_no;
        if (total >= 0 && cur >= total) {
            pg->done = 1;
            goto out;
        }
        if (cur <= pg->last_no) {
            stop(pg, "the server answered page %s%lld again (a page number that does not advance)", "", (long long)cur);
            goto out;
        }
        if (cur == INT64_MAX) {
            stop(pg, "page number %s%lld cannot be advanced", "", (long long)cur);
            goto out;
        }
        pg->last_no = cur;
        const ic_field *f = field_of(pg->op->params, "page");
        *(int64_t *)((char *)pg->params + f->offset) = cur + 1;
        ((uint8_t *)pg->params)[f->state_offset] = INTERCOM_FIELD_PRESENT;
        goto out;
    }
    }
    if (!next || !*next) { /* never send an empty or null cursor */
        pg->done = 1;
        goto out;
    }
    if (pg->op->page_kind != IC_PAGE_SCROLL &&
        ((sent && !strcmp(next, sent)) || (pg->checkpoint && !strcmp(next, pg->checkpoint)))) {
        stop(pg, "the server sent the cursor \"%.64s\" again (a cursor that repeats)%.0lld", next, 0);
        goto out;
    }
    if (!(pg->cursor = ic_astrdup(pg->a, next))) {
        rc = -1;
        goto out;
    }
    if (pg->page_no > 0 && !(pg->page_no & (pg->page_no - 1))) { /* page 2^k: move the checkpoint (Brent) */
        ic_free(pg->a, pg->checkpoint);
        pg->checkpoint = ic_astrdup(pg->a, next);
    }
    if (pg->op->page_kind == IC_PAGE_URL) {
        const char *base = pg->client ? ic_client_base_url(pg->client) : ic_async_client_base_url(pg->aclient);
        const char *rest = url_rest(base, next);
        if (!rest) {
            stop(pg, "pages.next \"%.100s\" is not a URL on the configured base URL; it is not followed%.0lld", next, 0);
            goto out;
        }
        ic_free(pg->a, pg->rest);
        if (!(pg->rest = ic_astrndup(pg->a, rest, strcspn(rest, "#")))) rc = -1;
        goto out;
    }
    if (pg->op->page_kind == IC_PAGE_SEARCH) {
        const ic_field *f = field_of(field_of(pg->op->params, "pagination")->type, "starting_after");
        *(const char **)((char *)pg->paging + f->offset) = pg->cursor;
        ((uint8_t *)pg->paging)[f->state_offset] = INTERCOM_FIELD_PRESENT;
    } else {
        const ic_field *f = field_of(pg->op->params, pg->op->page_kind == IC_PAGE_SCROLL ? "scroll_param" : "starting_after");
        *(const char **)((char *)pg->params + f->offset) = pg->cursor;
        ((uint8_t *)pg->params)[f->state_offset] = INTERCOM_FIELD_PRESENT;
    }
out:
    ic_free(pg->a, sent);
    return rc;
}

/* The error that ended the walk early, into @p err; returns its code. */
static intercom_code stop_error(const intercom_pager *pg, intercom_error *err) {
    return ic_fail(err, pg->stop_code, "%s", pg->stop_msg ? pg->stop_msg : "the walk cannot go on");
}

/* ---------- lifecycle ---------- */

static intercom_code pager_init(intercom_pager *pg, const ic_operation *op, const void *params,
                                const intercom_request_options *ro, intercom_error *err) {
    if (!op->page_kind || !op->response || !op->params || !op->page_items)
        return ic_fail(err, INTERCOM_E_INVALID_ARGUMENT, "%s does not paginate", op->name);
    pg->op = op;
    intercom_request_options d = INTERCOM_REQUEST_OPTIONS_INIT;
    if (!ro) pg->ro = d;
    else if (ro->version == INTERCOM_REQUEST_OPTIONS_VERSION) pg->ro = *ro;
    else { /* an older caller's struct: never read past its end (options.c) */
        intercom_code rc = ic_options_upgrade(&ic_request_options_layout, &pg->ro, ro, err);
        if (rc) return rc;
    }
    pg->ro.raw_response = NULL; /* pages are typed; a raw response per page is not kept */
    pg->ro.skip_decode = 0;
    pg->ro.on_body = NULL;
    pg->items_f = field_of(op->response, op->page_items);
    if (!pg->items_f || !(pg->items_f->flags & IC_F_ARRAY) || pg->items_f->kind != IC_K_OBJECT)
        return ic_fail(err, INTERCOM_E_INTERNAL, "%s: no array of items \"%s\"", op->name, op->page_items);
    intercom_code rc = ic_check_per_page(op, params, err);
    if (rc) return rc;
    if (!(pg->params = ic_calloc(pg->a, 1, op->params->size))) return ic_fail(err, INTERCOM_E_NOMEM, "out of memory");
    if (params) memcpy(pg->params, params, op->params->size);
    if (op->page_kind == IC_PAGE_SEARCH) {
        const ic_field *f = field_of(op->params, "pagination");
        if (!f || f->kind != IC_K_OBJECT) return ic_fail(err, INTERCOM_E_INTERNAL, "%s: no pagination field", op->name);
        if (!(pg->paging = ic_calloc(pg->a, 1, f->type->size))) return ic_fail(err, INTERCOM_E_NOMEM, "out of memory");
        const void *theirs = *(const void *const *)((char *)pg->params + f->offset);
        if (theirs) memcpy(pg->paging, theirs, f->type->size); /* keeps their per_page */
        ((intercom_model *)pg->paging)->type = f->type;
        ((intercom_model *)pg->paging)->doc = NULL;
        *(void **)((char *)pg->params + f->offset) = pg->paging;
        ((uint8_t *)pg->params)[f->state_offset] = INTERCOM_FIELD_PRESENT;
    }
    return INTERCOM_OK;
}

intercom_code ic_pager_new(intercom_pager **out, intercom_client *c, const ic_operation *op, const void *params,
                           const intercom_request_options *ro, intercom_error *err) {
    *out = NULL;
    ic_error_bind(err, ic_client_alloc(c));
    intercom_pager *pg = ic_calloc(ic_client_alloc(c), 1, sizeof *pg);
    if (!pg) return ic_fail(err, INTERCOM_E_NOMEM, "out of memory");
    pg->a = ic_client_alloc(c);
    pg->client = c;
    intercom_code rc = pager_init(pg, op, params, ro, err);
    if (rc) {
        intercom_pager_free(pg);
        return rc;
    }
    *out = pg;
    return INTERCOM_OK;
}

intercom_code intercom_pager_new(intercom_pager **out, intercom_client *client, const char *operation,
                                 const void *params, const intercom_request_options *ro, intercom_error *err) {
    if (!out || !client) return ic_fail(err, INTERCOM_E_INVALID_ARGUMENT, "out and client are required");
    *out = NULL;
    const ic_operation *op = ic_registry_operation(operation);
    if (!op) return ic_fail(err, INTERCOM_E_INVALID_ARGUMENT, "no operation \"%s\"", operation ? operation : "(null)");
    return ic_pager_new(out, client, op, params, ro, err);
}

void intercom_pager_free(intercom_pager *pg) {
    if (!pg) return;
    intercom_model_free(pg->page);
    ic_free(pg->a, pg->cursor);
    ic_free(pg->a, pg->rest);
    ic_free(pg->a, pg->checkpoint);
    ic_free(pg->a, pg->stop_msg);
    ic_free(pg->a, pg->paging);
    ic_free(pg->a, pg->params);
    ic_free(pg->a, pg);
}

int intercom_pager_page_number(const intercom_pager *pg) { return pg ? pg->page_no : 0; }
size_t intercom_pager_item_count(const intercom_pager *pg) { return pg ? pg->items : 0; }
const intercom_type *intercom_pager_item_type(const intercom_pager *pg) { return pg ? pg->items_f->type : NULL; }
const intercom_type *intercom_pager_page_type(const intercom_pager *pg) { return pg ? pg->op->response : NULL; }

/* ---------- sync walking ---------- */

intercom_code intercom_pager_next_page(intercom_pager *pg, void **page, intercom_error *err) {
    if (!pg || !page) return ic_fail(err, INTERCOM_E_INVALID_ARGUMENT, "pager and page are required");
    *page = NULL;
    if (pg->stop_code) return stop_error(pg, err);
    if (pg->done) return INTERCOM_OK;
    intercom_code rc = pg->rest ? ic_call_rest(pg->client, pg->op, pg->rest, &pg->ro, page, err)
                                : ic_call(pg->client, pg->op, pg->params, &pg->ro, page, err);
    if (rc) {
        pg->done = 1;
        return rc;
    }
    pg->page_no++;
    pg->items += item_count(pg, *page);
    if (advance(pg, *page)) {
        pg->done = 1;
        intercom_model_free(*page);
        *page = NULL;
        return ic_fail(err, INTERCOM_E_NOMEM, "out of memory");
    }
    return INTERCOM_OK;
}

int intercom_pager_next(intercom_pager *pg, void **item, intercom_error *err) {
    if (err) intercom_error_clear(err);
    if (!pg || !item) {
        ic_fail(err, INTERCOM_E_INVALID_ARGUMENT, "pager and item are required");
        return 0;
    }
    *item = NULL;
    while (!pg->page || pg->item_idx == item_count(pg, pg->page)) {
        intercom_model_free(pg->page); /* only the current page is held */
        pg->page = NULL;
        pg->item_idx = 0;
        if (pg->stop_code) {
            stop_error(pg, err);
            return 0;
        }
        if (pg->done) return 0;
        if (intercom_pager_next_page(pg, &pg->page, err) != INTERCOM_OK || !pg->page) return 0;
    }
    *item = (*(void ***)((char *)pg->page + pg->items_f->offset))[pg->item_idx++];
    return 1;
}

/* ---------- async walking: one page after another through the engine ---------- */

static void async_page_done(intercom_code code, void *result, const intercom_error *err, void *payload);

static void async_fetch(intercom_pager *pg) {
    intercom_code rc = pg->rest ? ic_call_async_rest(pg->aclient, pg->op, pg->rest, &pg->ro, async_page_done, pg)
                                : ic_call_async(pg->aclient, pg->op, pg->params, &pg->ro, async_page_done, pg);
    if (rc) { /* could not even queue it (out of memory): report and stop */
        intercom_error e = ic_error_init(pg->a);
        ic_fail(&e, rc, "%s: could not request page %d", pg->op->name, pg->page_no + 1);
        pg->cb(rc, NULL, &e, pg->payload);
        intercom_error_clear(&e);
        intercom_pager_free(pg);
    }
}

static void async_page_done(intercom_code code, void *result, const intercom_error *err, void *payload) {
    intercom_pager *pg = payload;
    if (code) {
        pg->cb(code, NULL, err, pg->payload);
        intercom_pager_free(pg);
        return;
    }
    pg->page_no++;
    pg->items += item_count(pg, result);
    if (advance(pg, result)) pg->done = 1;
    if (pg->cb(INTERCOM_OK, result, NULL, pg->payload)) { /* the caller stopped */
        intercom_pager_free(pg);
        return;
    }
    if (pg->stop_code) { /* the pages so far were delivered; the walk ends with its error */
        intercom_error e = INTERCOM_ERROR_INIT;
        stop_error(pg, &e);
        pg->cb(e.code, NULL, &e, pg->payload);
        intercom_error_clear(&e);
        intercom_pager_free(pg);
        return;
    }
    if (pg->done) {
        pg->cb(INTERCOM_OK, NULL, NULL, pg->payload);
        intercom_pager_free(pg);
        return;
    }
    async_fetch(pg);
}

intercom_code ic_async_pages(intercom_async_client *c, const ic_operation *op, const void *params,
                             const intercom_request_options *ro, intercom_page_callback cb, void *payload) {
    if (!c || !cb) return INTERCOM_E_INVALID_ARGUMENT;
    intercom_pager *pg = ic_calloc(ic_async_client_alloc(c), 1, sizeof *pg);
    if (!pg) return INTERCOM_E_NOMEM;
    pg->a = ic_async_client_alloc(c);
    intercom_error e = ic_error_init(pg->a);
    intercom_code rc = pager_init(pg, op, params, ro, &e);
    intercom_error_clear(&e);
    if (rc) {
        intercom_pager_free(pg);
        return rc;
    }
    pg->aclient = c;
    pg->cb = cb;
    pg->payload = payload;
    pg->ro.async_id = NULL;
    rc = ic_call_async(c, op, pg->params, &pg->ro, async_page_done, pg);
    if (rc) intercom_pager_free(pg);
    return rc;
}

intercom_code intercom_async_pages(intercom_async_client *client, const char *operation, const void *params,
                                   const intercom_request_options *ro, intercom_page_callback cb, void *payload) {
    const ic_operation *op = ic_registry_operation(operation);
    return op ? ic_async_pages(client, op, params, ro, cb, payload) : INTERCOM_E_INVALID_ARGUMENT;
}
