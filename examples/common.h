/* SPDX-License-Identifier: MIT */
/* Shared by the examples: a client from the environment (INTERCOM_TEST_1_BEARER_TOKEN,
 * INTERCOM_BASE_URL), and error reporting. */
#ifndef EXAMPLES_COMMON_H
#define EXAMPLES_COMMON_H
#include <stdio.h>
#include <stdlib.h>
#include <intercom/intercom.h>

static intercom_client *example_client(void) {
    intercom_client *client = NULL;
    intercom_error err = INTERCOM_ERROR_INIT;
    if (intercom_client_new(&client, NULL, &err) != INTERCOM_OK) {
        fprintf(stderr, "%s\n", err.message);
        intercom_error_clear(&err);
        exit(1);
    }
    return client;
}

static int example_fail(const char *what, intercom_code rc, intercom_error *err) {
    fprintf(stderr, "%s: %s: HTTP %d: %s\n", what, intercom_strerror(rc), err->status,
            err->message ? err->message : "");
    intercom_error_clear(err);
    return (int)rc;
}
#endif
