/* SPDX-License-Identifier: MIT */
/* The header test (after libgit2's tests/headertest): every public header (hand-written and
 * generated; the adapters need libuv/libevent and have their own test) in one translation unit,
 * with a model _INIT, a params _INIT, INTERCOM_SET and the hand-written _INIT macros, compiled as
 * C11 and as C++11, 14, 17 and 20 with -Wall -Wextra -pedantic -Werror (tests/surface.cmake).
 * The same file is the C and the C++ source. */
#include "headertest_all.h"

#include <stdio.h>

int main(void) {
    intercom_contact m = INTERCOM_CONTACT_INIT;
    intercom_search_request_query q = INTERCOM_SEARCH_REQUEST_QUERY_INIT;
    intercom_contacts_list_params p = INTERCOM_CONTACTS_LIST_PARAMS_INIT;
    intercom_client_options o = INTERCOM_CLIENT_OPTIONS_INIT;
    intercom_request_options ro = INTERCOM_REQUEST_OPTIONS_INIT;
    intercom_error err = INTERCOM_ERROR_INIT;
    INTERCOM_SET(&p, per_page, 50);
    INTERCOM_SET(&m, signed_up_at, 1700000000);
    INTERCOM_SET_NULL(&m, phone);
    INTERCOM_SET(&q, operator_, INTERCOM_SEARCH_REQUEST_QUERY_OPERATOR_EQ);
    int ok = m.base.type == &intercom_contact_descriptor && m.base.doc == NULL && m.name == NULL &&
             m.signed_up_at == 1700000000 && m.has_signed_up_at == INTERCOM_FIELD_PRESENT &&
             m.has_phone == INTERCOM_FIELD_NULL && m.has_name == INTERCOM_FIELD_ABSENT &&
             q.base.type == &intercom_search_request_query_descriptor && q.operator_str == NULL &&
             q.operator_ == INTERCOM_SEARCH_REQUEST_QUERY_OPERATOR_EQ && p.per_page == 50 &&
             p.has_per_page == INTERCOM_FIELD_PRESENT && p.starting_after == NULL &&
             o.bearer_token == NULL && ro.raw_response == NULL && err.code == INTERCOM_OK;
    printf("%s: %s\n", HEADERTEST_MODE, ok ? "ok" : "FAIL");
    return ok ? 0 : 1;
}
