/* SPDX-License-Identifier: MIT */
/* The async client on a libuv loop (the header-only adapter <intercom/adapters/libuv.h>): four
 * calls in flight, uv_run() returns when every callback has run, then the documented shutdown order. */
#define _POSIX_C_SOURCE 200809L /* uv.h needs POSIX declarations under -std=c11 */
#include <intercom/adapters/libuv.h>
#include "common.h"

static int done, ok;

static void on_me(intercom_code rc, void *result, const intercom_error *err, void *payload) {
    (void)payload;
    done++;
    if (rc != INTERCOM_OK) {
        fprintf(stderr, "me.retrieve: %s: %s\n", intercom_strerror(rc), err->message ? err->message : "");
        return;
    }
    intercom_admin_with_app *me = result;
    ok += me->id != NULL;
    intercom_admin_with_app_free(me);
}

int main(void) {
    (void)example_client; /* the async client is made here from the same environment variables */
    uv_loop_t loop;
    if (uv_loop_init(&loop) != 0) return 1;
    intercom_error err = INTERCOM_ERROR_INIT;
    intercom_async_client *ac = NULL;
    if (intercom_async_client_new(&ac, NULL, &err) != INTERCOM_OK) return example_fail("async client", err.code, &err);
    intercom_libuv_ctx *ctx = NULL;
    if (intercom_libuv_attach(ac, &loop, &ctx, &err) != INTERCOM_OK) return example_fail("libuv attach", err.code, &err);
    for (int i = 0; i < 4; i++)
        if (intercom_async_me_retrieve(ac, NULL, on_me, NULL) != INTERCOM_OK) done++;
    uv_run(&loop, UV_RUN_DEFAULT); /* returns once the last callback has run */
    intercom_async_client_free(ac); /* 1. the client (cancels anything still in flight) */
    intercom_libuv_free(ctx);       /* 2. the adapter */
    uv_run(&loop, UV_RUN_DEFAULT);  /* 3. the close callbacks release the handles */
    int closed = uv_loop_close(&loop);
    printf("%d of %d calls ok on the libuv loop; loop closed: %s\n", ok, done, closed == 0 ? "yes" : "no");
    return ok == 4 && done == 4 && closed == 0 ? 0 : 1;
}
