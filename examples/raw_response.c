/* SPDX-License-Identifier: MIT */
/* Raw responses: the status line, headers and body of a typed call next to its decoded result
 * (ro.raw_response), parsing the raw body later (intercom_response_parse), and a generic request. */
#include <jansson.h>
#include "common.h"

int main(void) {
    intercom_client *client = example_client();
    intercom_error err = INTERCOM_ERROR_INIT;

    /* 1. typed call with the raw response too */
    intercom_response *raw = NULL;
    intercom_request_options ro = INTERCOM_REQUEST_OPTIONS_INIT;
    ro.raw_response = &raw;
    intercom_admin_with_app *me = NULL;
    intercom_code rc = intercom_me_retrieve(client, &ro, &me, &err);
    if (rc != INTERCOM_OK) return example_fail("me.retrieve", rc, &err);
    const char *ctype = intercom_response_header(raw, "content-type"); /* case-insensitive */
    printf("HTTP %d, %zu headers, Content-Type %s, %zu body bytes, decoded id %s\n", raw->status, raw->headers_count,
           ctype ? ctype : "(none)", raw->body_len, me->id ? me->id : "?");
    int good = raw->status == 200 && raw->body_len > 0 && me->id;
    intercom_admin_with_app_free(me);
    intercom_response_free(raw);

    /* 2. raw only (no decoding), parsed afterwards */
    raw = NULL;
    ro.skip_decode = 1;
    if ((rc = intercom_me_retrieve(client, &ro, &me, &err)) != INTERCOM_OK) return example_fail("me.retrieve", rc, &err);
    intercom_admin_with_app *parsed = NULL;
    rc = intercom_response_parse(raw, &intercom_admin_with_app_descriptor, 0, (void **)&parsed, &err);
    if (rc != INTERCOM_OK) {
        intercom_response_free(raw);
        return example_fail("parse", rc, &err);
    }
    printf("parsed later: %s (%s)\n", parsed->id ? parsed->id : "?", parsed->email ? parsed->email : "");
    good = good && parsed->id;
    intercom_admin_with_app_free(parsed);
    intercom_response_free(raw);

    /* 3. any endpoint: the generic request returns the raw response */
    intercom_kv query[] = {{"per_page", "5"}, {NULL, NULL}};
    intercom_response *resp = NULL;
    rc = intercom_request(client, "GET", "/contacts", query, NULL, NULL, &resp, &err);
    if (rc != INTERCOM_OK) return example_fail("GET /contacts", rc, &err);
    json_t *body = intercom_response_json(resp, &err);
    printf("GET /contacts: HTTP %d, type %s\n", resp->status, json_string_value(json_object_get(body, "type")));
    good = good && resp->status == 200 && body;
    json_decref(body);
    intercom_response_free(resp);
    intercom_client_free(client);
    return good ? 0 : 1;
}
