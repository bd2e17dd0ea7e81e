/* SPDX-License-Identifier: MIT */
/* Search open conversations updated after a time, and list their ids. */
#include <jansson.h>
#include "common.h"

int main(void) {
    intercom_client *client = example_client();
    intercom_error err = INTERCOM_ERROR_INIT;
    /* {"operator":"AND","value":[{"field":"open","operator":"=","value":true},
     *                            {"field":"updated_at","operator":">","value":1700000000}]} */
    intercom_search_request_query query = INTERCOM_SEARCH_REQUEST_QUERY_INIT;
    query.operator_ = INTERCOM_SEARCH_REQUEST_QUERY_OPERATOR_AND;
    query.value = json_pack("[{s:s,s:s,s:b},{s:s,s:s,s:i}]", "field", "open", "operator", "=", "value", 1, "field",
                            "updated_at", "operator", ">", "value", 1700000000);
    intercom_starting_after_paging paging = INTERCOM_STARTING_AFTER_PAGING_INIT;
    INTERCOM_SET(&paging, per_page, 20);
    intercom_conversations_search_params p = INTERCOM_CONVERSATIONS_SEARCH_PARAMS_INIT;
    p.query = &query;
    p.pagination = &paging;
    intercom_conversation_list *list = NULL;
    intercom_code rc = intercom_conversations_search(client, &p, NULL, &list, &err);
    json_decref(query.value);
    if (rc != INTERCOM_OK) return example_fail("conversations.search", rc, &err);
    printf("%zu conversations (total %lld)\n", list->conversations_count, (long long)list->total_count);
    for (size_t i = 0; i < list->conversations_count; i++)
        printf("  %s %s\n", list->conversations[i]->id ? list->conversations[i]->id : "?",
               list->conversations[i]->state_str ? list->conversations[i]->state_str : "");
    intercom_conversation_list_free(list);
    intercom_client_free(client);
    return 0;
}
