/* SPDX-License-Identifier: MIT */
/* The README's first example: retrieve the admin the token belongs to. */
#include <stdio.h>
#include <intercom/intercom.h>

int main(void) {
    intercom_client_options opts = INTERCOM_CLIENT_OPTIONS_INIT;   /* defaults: see client.h */
    opts.bearer_token = NULL;            /* NULL: INTERCOM_TEST_1_BEARER_TOKEN */
    opts.environment = NULL;             /* NULL: production; "environment_1" (eu), "environment_2" (au) */
    opts.base_url = NULL;                /* NULL: INTERCOM_BASE_URL, else the environment's host
                                            (an environment together with a base URL is refused) */
    opts.max_retries = 2;                /* int */
    opts.timeout = 60.0;                 /* double, seconds */
    intercom_client *client = NULL;
    intercom_error err = INTERCOM_ERROR_INIT;
    if (intercom_client_new(&client, &opts, &err) != INTERCOM_OK) { fprintf(stderr, "%s\n", err.message); return 1; }
    intercom_admin_with_app *me = NULL;
    intercom_code rc = intercom_me_retrieve(client, NULL /* intercom_request_options */, &me, &err);
    if (rc == INTERCOM_OK) { printf("%s\n", me->id); intercom_admin_with_app_free(me); }
    else fprintf(stderr, "%s: HTTP %d: %s\n", intercom_strerror(rc), err.status, err.message);
    intercom_error_clear(&err);
    intercom_client_free(client);
    return rc == INTERCOM_OK ? 0 : (int)rc;
}
