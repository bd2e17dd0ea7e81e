/* SPDX-License-Identifier: MIT */
/* Walking a paginated list (conversations.list) as `intercom conversations list --all --limit N` does: item by
 * item with a pager, then page by page. Both walks are capped (a mock may hand out a next cursor
 * for ever); against the real API they end at the last page. */
#include <jansson.h>
#include "common.h"

#define MAX_ITEMS 25
#define MAX_PAGES 3

int main(void) {
    intercom_client *client = example_client();
    intercom_error err = INTERCOM_ERROR_INIT;

    /* 1. items: the pager fetches the next page only when this one is used up */
    intercom_pager *it = NULL;
    if (intercom_pager_new(&it, client, "conversations.list", NULL, NULL, &err) != INTERCOM_OK)
        return example_fail("pager", err.code, &err);
    void *item;
    int items = 0, with_id = 0;
    while (items < MAX_ITEMS && intercom_pager_next(it, &item, &err)) { /* item is borrowed */
        const intercom_conversation *c = item;
        if (items < 3) printf("  item %d: conversation %s\n", items + 1, c->id ? c->id : "?");
        with_id += c->id != NULL;
        items++;
    }
    if (err.code) {
        fprintf(stderr, "page %d failed: ", intercom_pager_page_number(it) + 1);
        intercom_pager_free(it);
        return example_fail("conversations.list", err.code, &err);
    }
    printf("items: %d conversations from %d page(s)\n", items, intercom_pager_page_number(it));
    intercom_pager_free(it);

    /* 2. pages: each page is a whole typed list, owned by the caller */
    if (intercom_pager_new(&it, client, "conversations.list", NULL, NULL, &err) != INTERCOM_OK)
        return example_fail("pager", err.code, &err);
    int pages = 0;
    void *page = NULL;
    while (pages < MAX_PAGES) {
        intercom_code rc = intercom_pager_next_page(it, &page, &err);
        if (rc != INTERCOM_OK) {
            intercom_pager_free(it);
            return example_fail("conversations.list page", rc, &err);
        }
        if (!page) break; /* after the last page */
        json_t *data = json_object_get(intercom_model_raw_json(page), "conversations"); /* a page is top-level */
        printf("  page %d: %s, %zu conversations\n", pages + 1, intercom_type_name(intercom_pager_page_type(it)),
               json_array_size(data));
        intercom_model_free(page);
        pages++;
    }
    printf("pages: %d\n", pages);
    intercom_pager_free(it);
    intercom_client_free(client);
    return items > 0 && with_id == items && pages > 0 ? 0 : 1;
}
