/* SPDX-License-Identifier: MIT */
/**
 * @file pagination.h
 * @brief Iterators over every list, search and scroll operation.
 *
 * Intercom lists come in five shapes; the generator records which one each operation
 * has (docs/api.md lists them):
 * - cursor pages: `pages.next.starting_after`, sent back as the `starting_after` query parameter;
 * - numbered pages: `pages.page` / `pages.total_pages`, the `page` query parameter;
 * - search: `POST .../search` with `pagination.starting_after` in the body;
 * - the companies scroll: `scroll_param`, sent back until a page comes back empty;
 * - next URL (`GET /events`): `pages.next` is the next page's full URL; its path and query are
 *   requested on the client's base URL, and only when the URL is on it (same scheme, host, port
 *   and path prefix, no userinfo): a next URL anywhere else ends the walk with INTERCOM_E_DECODE
 *   after the pages already delivered, and is never requested (the token stays with the base URL).
 *
 * A pager fetches the next page only when the current one is used up, holds only the
 * current page (walking 100,000 items keeps one page in memory), retries and times out
 * each page fetch like any call, and never sends an empty or null cursor: an empty or
 * missing next cursor, an empty page, or the last page number ends the walk.
 *
 * A walk always ends: a server that sends a cursor the walk already sent (the same one
 * again, or a cycle), a page number that does not advance past the previous page's, or a
 * page number that cannot be incremented (INT64_MAX) ends it with INTERCOM_E_DECODE after
 * the pages already delivered (the message says which). Scroll walks end on an empty page
 * (Intercom may keep one scroll_param for a whole scroll, so it is not checked).
 *
 * @code
 * intercom_pager *it = NULL;
 * intercom_contact *c = NULL;
 * if (intercom_contacts_list_pager(&it, client, &params, NULL, &err) == INTERCOM_OK) {
 *     while (intercom_pager_next(it, (void **)&c, &err)) printf("%s\n", c->id);
 *     if (err.code) fprintf(stderr, "page %d: %s\n", intercom_pager_page_number(it) + 1, err.message);
 *     intercom_pager_free(it);
 * }
 * @endcode
 *
 * The companies scroll: Intercom allows one open scroll per workspace and drops it after
 * about a minute without a request. The pager sends each `scroll_param` back as soon as
 * the caller asks for the next page; if the caller pauses longer than the scroll lives,
 * the next fetch fails (Intercom answers 400/404 for an expired scroll) and the pager
 * reports that error; start a new pager to scroll again.
 */
#ifndef INTERCOM_PAGINATION_H
#define INTERCOM_PAGINATION_H

#include "async.h"
#include "client.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A page iterator over one operation. Opaque; not thread-safe (one thread at a time). */
typedef struct intercom_pager intercom_pager;

/**
 * A pager over the operation named @p operation. Nothing is sent until the first
 * intercom_pager_next() or intercom_pager_next_page().
 * @param out       receives the pager, owned by the caller: free with intercom_pager_free(); NULL on failure
 * @param client    the client the pages are fetched with; must outlive the pager
 * @param operation the operation's name as in docs/api.md, e.g. "contacts.list"
 * @param params    the operation's params struct (e.g. `intercom_contacts_list_params *`), copied
 *                  shallowly: what it points to must outlive the pager; NULL for none
 * @param ro        request options for every page fetch (copied), or NULL
 * @param err       optional; filled on failure
 * @return INTERCOM_OK; INTERCOM_E_INVALID_ARGUMENT when @p out or @p client is NULL, there is no such
 *         operation, it does not paginate, @p ro has an unknown version, or per_page is above the
 *         endpoint's maximum (before any traffic); INTERCOM_E_NOMEM
 */
INTERCOM_EXTERN intercom_code intercom_pager_new(intercom_pager **out, intercom_client *client, const char *operation,
                                                 const void *params, const intercom_request_options *ro,
                                                 intercom_error *err);

/**
 * The next item, fetching the next page when the current one is used up (only then).
 * @param pager the pager
 * @param item  receives the item (e.g. `intercom_contact *`), borrowed: valid until the call that
 *              fetches the next page, i.e. until this page's items are used up; NULL at the end
 * @param err   optional but needed to tell the end from a failure: cleared on each call, filled on
 *              failure with the failing page fetch's error (any code a typed call returns:
 *              connection, timeout, HTTP status, decode, INTERCOM_E_NOMEM) or
 *              INTERCOM_E_INVALID_ARGUMENT when @p pager or @p item is NULL
 * @return 1 with *item set; 0 at the end (err->code INTERCOM_OK) or on failure (err->code set; the
 *         items of the earlier pages were all delivered)
 */
INTERCOM_EXTERN int intercom_pager_next(intercom_pager *pager, void **item, intercom_error *err);

/**
 * The next whole page, typed. Do not mix with intercom_pager_next() on one pager.
 * @param pager the pager
 * @param page  receives the page (e.g. `intercom_contact_list *`), owned by the caller: free with
 *              intercom_model_free(); NULL after the last page or on failure
 * @param err   optional; filled on failure
 * @return INTERCOM_OK (also after the last page, with *page NULL); INTERCOM_E_INVALID_ARGUMENT when
 *         @p pager or @p page is NULL; any code of the page's typed call (connection, timeout, HTTP
 *         status, decode, INTERCOM_E_NOMEM); after a failure the walk is over
 */
INTERCOM_EXTERN intercom_code intercom_pager_next_page(intercom_pager *pager, void **page, intercom_error *err);

/**
 * Pages fetched successfully so far; after a failure the failing page is this number + 1.
 * @param pager the pager (NULL gives 0)
 * @return 0 before the first fetch, 1 after the first page, ...
 */
INTERCOM_EXTERN int intercom_pager_page_number(const intercom_pager *pager);

/**
 * Items in the pages fetched so far (delivered or not yet).
 * @param pager the pager (NULL gives 0)
 * @return the count
 */
INTERCOM_EXTERN size_t intercom_pager_item_count(const intercom_pager *pager);

/**
 * The type of the items the pager delivers.
 * @param pager the pager
 * @return e.g. `&intercom_contact_descriptor`; static storage; NULL when @p pager is NULL
 */
INTERCOM_EXTERN const intercom_type *intercom_pager_item_type(const intercom_pager *pager);
/**
 * The type of the pages intercom_pager_next_page() returns.
 * @param pager the pager
 * @return e.g. `&intercom_contact_list_type`; static storage; NULL when @p pager is NULL
 */
INTERCOM_EXTERN const intercom_type *intercom_pager_page_type(const intercom_pager *pager);

/**
 * Release the pager and the page it holds (items from intercom_pager_next() become invalid;
 * pages from intercom_pager_next_page() stay the caller's).
 * @param pager the pager; NULL is a no-op
 */
INTERCOM_EXTERN void intercom_pager_free(intercom_pager *pager);

/**
 * Called once per page, on the loop thread, with the page (owned by the callback), and a last
 * time with code INTERCOM_OK and page NULL at the end; on an error, once with the error (and the
 * walk stops). Return non-zero from a page call to stop early (no final call then).
 * @param code    INTERCOM_OK, or the failing page fetch's code
 * @param page    the page (free with intercom_model_free()), or NULL at the end and on failure
 * @param err     on failure the details, borrowed for the duration of the call; else NULL
 * @param payload the pointer given to intercom_async_pages()
 * @return 0 to go on, non-zero to stop
 */
typedef int (*intercom_page_callback)(intercom_code code, void *page, const intercom_error *err, void *payload);

/**
 * Walk all pages of @p operation asynchronously, one page after another through the engine;
 * the callback contract of async.h applies (after INTERCOM_OK, @p cb runs until the end, a
 * failure or a non-zero return; after an error return it never runs).
 * @param client    the async client; must outlive the walk
 * @param operation the operation's name as in docs/api.md, e.g. "contacts.list"
 * @param params    the operation's params struct (copied shallowly), or NULL
 * @param ro        request options for every page fetch (copied), or NULL
 * @param cb        receives each page, then the end or the failure
 * @param payload   passed to @p cb
 * @return INTERCOM_OK; INTERCOM_E_INVALID_ARGUMENT when @p client or @p cb is NULL, there is no
 *         such operation, it does not paginate, @p ro has an unknown version or per_page is above
 *         the endpoint's maximum; INTERCOM_E_NOMEM
 */
INTERCOM_EXTERN intercom_code intercom_async_pages(intercom_async_client *client, const char *operation,
                                                   const void *params, const intercom_request_options *ro,
                                                   intercom_page_callback cb, void *payload);

#ifdef __cplusplus
}
#endif
#endif
