/* SPDX-License-Identifier: MIT */
/* The async client on its own loop: 8 typed calls and one generic request in flight at once,
 * completed by callbacks while intercom_async_run_until_idle() drives libcurl. */
#include <jansson.h>
#include "common.h"

typedef struct tally { int ok, failed; } tally;

static void on_me(intercom_code rc, void *result, const intercom_error *err, void *payload) {
    tally *t = payload;
    if (rc != INTERCOM_OK) {
        fprintf(stderr, "me.retrieve: %s: %s\n", intercom_strerror(rc), err->message ? err->message : "");
        t->failed++;
        return;
    }
    intercom_admin_with_app *me = result; /* owned by the callback */
    t->ok += me->id != NULL;
    t->failed += me->id == NULL;
    intercom_admin_with_app_free(me);
}

static void on_raw(intercom_code rc, void *result, const intercom_error *err, void *payload) {
    tally *t = payload;
    if (rc != INTERCOM_OK) {
        fprintf(stderr, "GET /me: %s: %s\n", intercom_strerror(rc), err->message ? err->message : "");
        t->failed++;
        return;
    }
    intercom_response *resp = result; /* the 2xx response, owned by the callback */
    t->ok += resp->status == 200;
    t->failed += resp->status != 200;
    intercom_response_free(resp);
}

int main(void) {
    (void)example_client; /* the async client is made here from the same environment variables */
    intercom_async_client *ac = NULL;
    intercom_error err = INTERCOM_ERROR_INIT;
    if (intercom_async_client_new(&ac, NULL, &err) != INTERCOM_OK) return example_fail("async client", err.code, &err);
    tally t = {0, 0};
    for (int i = 0; i < 8; i++)
        if (intercom_async_me_retrieve(ac, NULL, on_me, &t) != INTERCOM_OK) t.failed++;
    if (intercom_async_request(ac, "GET", "/me", NULL, NULL, NULL, on_raw, &t) != INTERCOM_OK) t.failed++;
    printf("%zu requests in flight\n", intercom_async_pending(ac));
    intercom_async_run_until_idle(ac); /* or call intercom_async_run(ac, timeout_ms) from your own loop */
    intercom_async_client_free(ac);
    printf("%d completed, %d failed\n", t.ok, t.failed);
    return t.ok == 9 && t.failed == 0 ? 0 : 1;
}
