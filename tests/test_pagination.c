/* SPDX-License-Identifier: MIT */
/* Pagination against the scripted local server: cursor, search, numbered and scroll walks;
 * the cursor on the wire; errors and retries per page; per_page maxima; bounded memory over
 * 100,000 items; the async walk with an early stop. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <jansson.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <intercom/intercom.h>

#include "mock_server.h"
#include "testutil.h"

static mock_server *S;
static int PAGES = 205, PER_PAGE = 3, FAIL_PAGE = 0, FLAKY_PAGE = 0, EMPTY_LAST_CURSOR = 0;
static int flaky_done;

/* the value of query parameter @p name, or NULL */
static const char *qparam(const char *target, const char *name) {
    size_t n = strlen(name);
    for (const char *p = strchr(target, '?'); p; p = strchr(p + 1, '&'))
        if (!strncmp(p + 1, name, n) && p[1 + n] == '=') return p + 2 + n;
    return NULL;
}

/* the page number a request asks for: from its cursor "cur<N>" (query or body), page, or scroll */
static int page_asked(const mock_request *q) {
    const char *c = strstr(q->target, "starting_after=cur");
    if (c) return atoi(c + 18);
    if ((c = strstr(q->target, "scroll_param=scr"))) return atoi(c + 16);
    if ((c = qparam(q->target, "page"))) return atoi(c);
    json_t *b = q->body_len ? json_loads(q->body, 0, NULL) : NULL;
    const char *sa = json_string_value(json_object_get(json_object_get(b, "pagination"), "starting_after"));
    int n = sa && !strncmp(sa, "cur", 3) ? atoi(sa + 3) : 1;
    json_decref(b);
    return n;
}

static void pages_handler(const mock_request *q, mock_response *r, void *payload) {
    (void)payload;
    static _Thread_local char buf[1 << 20];
    int n = page_asked(q);
    if (n == FAIL_PAGE) {
        r->status = 500;
        r->headers = "x-should-retry: false\r\n";
        r->body = "{\"type\":\"error.list\",\"errors\":[{\"code\":\"server_error\",\"message\":\"boom\"}]}";
        return;
    }
    if (n == FLAKY_PAGE && !flaky_done) {
        flaky_done = 1;
        r->status = 503;
        r->body = "{}";
        return;
    }
    int scroll = strstr(q->target, "/companies/scroll") != NULL;
    int numbered = qparam(q->target, "page") || !strncmp(q->target, "/companies", 10);
    const char *list = strstr(q->target, "/conversations") ? "conversations" : "data";
    size_t l = (size_t)sprintf(buf, "{\"type\":\"list\",\"%s\":[", list);
    int items = n > PAGES ? 0 : PER_PAGE;
    for (int i = 0; i < items; i++)
        l += (size_t)sprintf(buf + l, "%s{\"type\":\"contact\",\"id\":\"p%d_%d\",\"name\":\"n\"}", i ? "," : "", n, i);
    l += (size_t)sprintf(buf + l, "],\"total_count\":%d", PAGES * PER_PAGE);
    if (scroll) {
        l += (size_t)sprintf(buf + l, ",\"scroll_param\":\"scr%d\"", n + 1);
    } else if (numbered) {
        l += (size_t)sprintf(buf + l, ",\"pages\":{\"type\":\"pages\",\"page\":%d,\"per_page\":%d,\"total_pages\":%d}", n,
                             PER_PAGE, PAGES);
    } else if (n < PAGES) {
        l += (size_t)sprintf(buf + l, ",\"pages\":{\"type\":\"pages\",\"next\":{\"per_page\":%d,\"starting_after\":\"cur%d\"}}",
                             PER_PAGE, n + 1);
    } else if (EMPTY_LAST_CURSOR) {
        l += (size_t)sprintf(buf + l, ",\"pages\":{\"type\":\"pages\",\"next\":{\"starting_after\":\"\"}}");
    } else {
        l += (size_t)sprintf(buf + l, ",\"pages\":{\"type\":\"pages\",\"next\":null}");
    }
    strcpy(buf + l, "}");
    r->body = buf;
}

static intercom_client *client(void) {
    intercom_client_options o = INTERCOM_CLIENT_OPTIONS_INIT;
    o.bearer_token = "t";
    o.base_url = mock_server_url(S);
    o.retry_initial_delay = 0.001;
    o.retry_max_delay = 0.002;
    intercom_client *c = NULL;
    CHECK(intercom_client_new(&c, &o, NULL) == INTERCOM_OK);
    return c;
}

static void reset(int pages, int per_page) {
    mock_server_reset(S);
    PAGES = pages, PER_PAGE = per_page, FAIL_PAGE = 0, FLAKY_PAGE = 0, EMPTY_LAST_CURSOR = 0, flaky_done = 0;
}

/* every request after the first carried the cursor the previous page returned */
static void check_cursors_on_wire(int pages, const char *how) {
    CHECKF(mock_server_request_count(S) == (size_t)pages, "%s: %zu requests for %d pages", how,
           mock_server_request_count(S), pages);
    for (int i = 0; i < pages && i < 4096; i++) {
        mock_request q = {0};
        if (mock_server_request(S, (size_t)i, &q)) break;
        int asked = page_asked(&q);
        CHECKF(asked == i + 1, "%s: request %d asked for page %d (%s %s)", how, i + 1, asked, q.target,
               q.body ? q.body : "");
        CHECKF(!strstr(q.target, "starting_after=&") && !strstr(q.target, "starting_after=null") &&
                   (!q.body || (!strstr(q.body, "\"starting_after\":null") && !strstr(q.body, "\"starting_after\":\"\""))),
               "%s: an empty or null cursor was sent: %s %s", how, q.target, q.body ? q.body : "");
        mock_request_clear(&q);
    }
}

static void test_cursor_walk(void) {
    intercom_client *c = client();
    reset(205, 3);
    intercom_contacts_list_params p = {0};
    p.per_page = 3;
    p.has_per_page = INTERCOM_FIELD_PRESENT;
    intercom_pager *it = NULL;
    intercom_error err = INTERCOM_ERROR_INIT;
    CHECK_CODE(intercom_contacts_list_pager(&it, c, &p, NULL, &err), INTERCOM_OK);
    CHECK(mock_server_request_count(S) == 0); /* nothing until asked */
    intercom_contact *ct = NULL;
    int n = 0, in_order = 1;
    while (intercom_contacts_list_next(it, &ct, &err)) {
        char want[32];
        sprintf(want, "p%d_%d", n / 3 + 1, n % 3);
        in_order &= ct->id && !strcmp(ct->id, want);
        n++;
    }
    CHECK_CODE(err.code, INTERCOM_OK);
    CHECKF(n == 205 * 3 && in_order, "%d items", n);
    CHECK(intercom_pager_page_number(it) == 205 && intercom_pager_item_count(it) == 615);
    CHECK(intercom_pager_item_type(it) == &intercom_contact_descriptor);
    check_cursors_on_wire(205, "contacts.list");
    mock_request q = {0};
    mock_server_request(S, 1, &q);
    CHECK(strstr(q.target, "per_page=3") != NULL); /* the caller's params ride along */
    mock_request_clear(&q);
    CHECK(!intercom_contacts_list_next(it, &ct, &err) && err.code == INTERCOM_OK); /* stays ended */
    intercom_pager_free(it);
    /* the caller's params are untouched */
    CHECK(p.starting_after == NULL && p.has_starting_after == 0);

    /* an empty next cursor ends the walk */
    reset(4, 2);
    EMPTY_LAST_CURSOR = 1;
    CHECK_CODE(intercom_pager_new(&it, c, "contacts.list", NULL, NULL, &err), INTERCOM_OK);
    n = 0;
    while (intercom_pager_next(it, (void **)&ct, &err)) n++;
    CHECK(n == 8 && mock_server_request_count(S) == 4);
    intercom_pager_free(it);
    intercom_error_clear(&err);
    intercom_client_free(c);
}

static void test_search_walk(void) {
    intercom_client *c = client();
    reset(210, 2);
    intercom_search_request_query query = INTERCOM_SEARCH_REQUEST_QUERY_INIT;
    query.field = "open";
    query.operator_ = INTERCOM_SEARCH_REQUEST_QUERY_OPERATOR_EQ;
    query.value = json_true();
    intercom_starting_after_paging paging = INTERCOM_STARTING_AFTER_PAGING_INIT;
    paging.per_page = 2;
    paging.has_per_page = INTERCOM_FIELD_PRESENT;
    intercom_conversations_search_params p = {0};
    p.query = &query;
    p.pagination = &paging;
    intercom_pager *it = NULL;
    intercom_error err = INTERCOM_ERROR_INIT;
    CHECK_CODE(intercom_conversations_search_pager(&it, c, &p, NULL, &err), INTERCOM_OK);
    intercom_conversation_list *page = NULL;
    int pages = 0;
    size_t items = 0;
    while (intercom_conversations_search_next_page(it, &page, &err) == INTERCOM_OK && page) {
        pages++;
        items += page->conversations_count;
        intercom_conversation_list_free(page); /* pages are the caller's */
    }
    CHECK_CODE(err.code, INTERCOM_OK);
    CHECKF(pages == 210 && items == 420, "%d pages, %zu items", pages, items);
    check_cursors_on_wire(210, "conversations.search");
    mock_request q = {0};
    mock_server_request(S, 7, &q);
    json_t *b = json_loads(q.body, 0, NULL);
    CHECK(json_integer_value(json_object_get(json_object_get(b, "pagination"), "per_page")) == 2);
    CHECK(!strcmp(json_string_value(json_object_get(json_object_get(b, "query"), "field")), "open"));
    json_decref(b);
    mock_request_clear(&q);
    CHECK(paging.starting_after == NULL); /* theirs untouched */
    intercom_pager_free(it);
    json_decref(query.value);
    intercom_error_clear(&err);
    intercom_client_free(c);
}

static void test_numbered_and_scroll(void) {
    intercom_client *c = client();
    reset(7, 4);
    intercom_pager *it = NULL;
    intercom_error err = INTERCOM_ERROR_INIT;
    intercom_companies_list_params p = {0};
    CHECK_CODE(intercom_companies_list_pager(&it, c, &p, NULL, &err), INTERCOM_OK);
    void *item;
    int n = 0;
    while (intercom_pager_next(it, &item, &err)) n++;
    CHECK_CODE(err.code, INTERCOM_OK);
    CHECKF(n == 28 && mock_server_request_count(S) == 7, "%d items, %zu requests", n, mock_server_request_count(S));
    intercom_pager_free(it);

    reset(5, 3); /* the scroll: until a page comes back empty */
    CHECK_CODE(intercom_pager_new(&it, c, "companies.scroll", NULL, NULL, &err), INTERCOM_OK);
    n = 0;
    while (intercom_pager_next(it, &item, &err)) n++;
    CHECK_CODE(err.code, INTERCOM_OK);
    CHECKF(n == 15 && mock_server_request_count(S) == 6, "%d items, %zu requests", n, mock_server_request_count(S));
    mock_request q = {0};
    mock_server_request(S, 3, &q);
    CHECK(strstr(q.target, "scroll_param=scr4") != NULL);
    mock_request_clear(&q);
    intercom_pager_free(it);
    intercom_error_clear(&err);
    intercom_client_free(c);
}

static void test_errors_and_limits(void) {
    intercom_client *c = client();
    intercom_error err = INTERCOM_ERROR_INIT;
    intercom_pager *it = NULL;
    /* an error on page 5: pages 1-4 delivered, then the error */
    reset(9, 3);
    FAIL_PAGE = 5;
    FLAKY_PAGE = 3; /* and a 503 on page 3, retried like any call */
    CHECK_CODE(intercom_pager_new(&it, c, "contacts.list", NULL, NULL, &err), INTERCOM_OK);
    void *item;
    int n = 0;
    while (intercom_pager_next(it, &item, &err)) n++;
    CHECK(n == 12);
    CHECK_CODE(err.code, INTERCOM_E_INTERNAL_SERVER);
    CHECK(err.message && strstr(err.message, "boom"));
    CHECK(mock_server_request_count(S) == 6); /* 4 pages + the retry of page 3 + the failing page */
    CHECK(!intercom_pager_next(it, &item, &err));
    intercom_pager_free(it);

    /* per_page above the endpoint's maximum: refused before any traffic */
    reset(3, 3);
    intercom_contacts_list_params p = {0};
    p.per_page = 151;
    p.has_per_page = INTERCOM_FIELD_PRESENT;
    CHECK_CODE(intercom_contacts_list_pager(&it, c, &p, NULL, &err), INTERCOM_E_INVALID_ARGUMENT);
    CHECK(err.message && strstr(err.message, "150"));
    intercom_contact_list *page = NULL;
    CHECK_CODE(intercom_contacts_list(c, &p, NULL, &page, &err), INTERCOM_E_INVALID_ARGUMENT); /* typed call too */
    intercom_starting_after_paging paging = INTERCOM_STARTING_AFTER_PAGING_INIT;
    paging.per_page = 200;
    paging.has_per_page = INTERCOM_FIELD_PRESENT;
    intercom_search_request_query query = INTERCOM_SEARCH_REQUEST_QUERY_INIT;
    query.field = "id";
    query.operator_str = "=";
    query.value = json_string("1");
    intercom_contacts_search_params sp = {0};
    sp.query = &query;
    sp.pagination = &paging;
    CHECK_CODE(intercom_contacts_search_pager(&it, c, &sp, NULL, &err), INTERCOM_E_INVALID_ARGUMENT);
    intercom_companies_list_params cp = {0};
    cp.per_page = 61; /* companies: 60 */
    cp.has_per_page = INTERCOM_FIELD_PRESENT;
    CHECK_CODE(intercom_companies_list_pager(&it, c, &cp, NULL, &err), INTERCOM_E_INVALID_ARGUMENT);
    CHECK(mock_server_request_count(S) == 0);
    CHECK_CODE(intercom_pager_new(&it, c, "me.retrieve", NULL, NULL, &err), INTERCOM_E_INVALID_ARGUMENT);
    CHECK_CODE(intercom_pager_new(&it, c, "no.such", NULL, NULL, &err), INTERCOM_E_INVALID_ARGUMENT);
    json_decref(query.value);
    intercom_error_clear(&err);
    intercom_client_free(c);
}

static void test_bounded_memory(void) {
    intercom_client *c = client();
    reset(200, 500); /* 100,000 items */
    mock_server_set_record(S, 0); /* the in-process server's own records would count too */
    intercom_pager *it = NULL;
    intercom_error err = INTERCOM_ERROR_INIT;
    CHECK_CODE(intercom_pager_new(&it, c, "contacts.list", NULL, NULL, &err), INTERCOM_OK);
    void *item;
    long n = 0;
    size_t early = 0, late = 0; /* heap in use at page ends: pages 1-20 (warm-up), then 21-200 */
    while (intercom_pager_next(it, (void **)&item, &err)) {
        if (++n % 500) continue;
        size_t now = mallinfo2().uordblks;
        size_t *slot = n <= 20 * 500 ? &early : &late;
        if (now > *slot) *slot = now;
    }
    CHECK_CODE(err.code, INTERCOM_OK);
    CHECK(n == 100000);
    /* pages 21..200 hold no more than the first 20 did (slack 64 KB; a page's body is about 25 KB):
     * only the current page is alive, whatever the number of items walked */
    CHECKF(late < early + 64 * 1024, "heap in use grew from %zu to %zu bytes", early, late);
    printf("     bounded memory: 100000 items over 200 pages; heap in use at most %zu bytes over pages 1-20, "
           "%zu over pages 21-200\n", early, late);
    intercom_pager_free(it);
    intercom_error_clear(&err);
    intercom_client_free(c);
    mock_server_set_record(S, 1);
}

typedef struct walk {
    int pages, items, finals, errors, stop_after;
    intercom_code last;
} walk;

static int on_page(intercom_code code, void *page, const intercom_error *err, void *payload) {
    walk *w = payload;
    w->last = code;
    if (code) {
        w->errors++;
        CHECK(err && err->message);
        return 0;
    }
    if (!page) {
        w->finals++;
        return 0;
    }
    w->pages++;
    w->items += (int)((intercom_contact_list *)page)->data_count;
    intercom_model_free(page);
    return w->stop_after && w->pages == w->stop_after;
}

static void test_async_walk(void) {
    intercom_client_options o = INTERCOM_CLIENT_OPTIONS_INIT;
    o.bearer_token = "t";
    o.base_url = mock_server_url(S);
    intercom_async_client *ac = NULL;
    CHECK(intercom_async_client_new(&ac, &o, NULL) == INTERCOM_OK);
    reset(205, 3);
    walk w = {0};
    CHECK_CODE(intercom_async_contacts_list_pages(ac, NULL, NULL, on_page, &w), INTERCOM_OK);
    intercom_async_run_until_idle(ac);
    CHECKF(w.pages == 205 && w.items == 615 && w.finals == 1 && w.errors == 0, "%d pages %d items %d finals", w.pages,
           w.items, w.finals);
    check_cursors_on_wire(205, "async contacts.list");
    /* stop early: no further request, no final call */
    reset(50, 3);
    w = (walk){0};
    w.stop_after = 3;
    CHECK_CODE(intercom_async_pages(ac, "contacts.list", NULL, NULL, on_page, &w), INTERCOM_OK);
    intercom_async_run_until_idle(ac);
    CHECK(w.pages == 3 && w.finals == 0 && mock_server_request_count(S) == 3);
    /* an error on page 4 */
    reset(10, 3);
    FAIL_PAGE = 4;
    w = (walk){0};
    CHECK_CODE(intercom_async_pages(ac, "contacts.list", NULL, NULL, on_page, &w), INTERCOM_OK);
    intercom_async_run_until_idle(ac);
    CHECK(w.pages == 3 && w.errors == 1 && w.last == INTERCOM_E_INTERNAL_SERVER && w.finals == 0);
    /* torn down mid-walk: the walk ends with one cancelled call */
    reset(100, 3);
    w = (walk){0};
    CHECK_CODE(intercom_async_pages(ac, "contacts.list", NULL, NULL, on_page, &w), INTERCOM_OK);
    intercom_async_run(ac, 50);
    intercom_async_client_free(ac);
    CHECK(w.errors == 1 && w.last == INTERCOM_E_CANCELLED);
}

static const ic_test tests[] = {
    {"cursor_walk", test_cursor_walk},
    {"search_walk", test_search_walk},
    {"numbered_and_scroll", test_numbered_and_scroll},
    {"errors_and_limits", test_errors_and_limits},
    {"bounded_memory", test_bounded_memory},
    {"async_walk", test_async_walk},
    {NULL, NULL},
};

int main(int argc, char **argv) {
    S = mock_server_start();
    mock_server_set_handler(S, pages_handler, NULL);
    mock_server_set_record(S, 1);
    int rc = ic_test_run(tests, argc, argv);
    mock_server_stop(S);
    return rc;
}
