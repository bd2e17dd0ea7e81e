/* SPDX-License-Identifier: MIT */
/* The asynchronous OAuth code exchange (intercom_oauth_exchange_async) against the scripted local
 * server (tests/support/mock_server.c): the request it sends (no Authorization header, the JSON body),
 * the token delivered to the callback exactly once from the loop, retries, HTTP and decode errors,
 * refused arguments (no callback, nothing sent), and neither the client secret nor the token in the
 * debug log. */
#define _GNU_SOURCE
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <intercom/intercom.h>

#include "mock_server.h"
#include "testutil.h"

static mock_server *S;
static const char CLIENT_SECRET[] = "cs-ASYNC-SECRET-777";
static const char ACCESS_TOKEN[] = "YXN5bmMtd29ya3NwYWNlLXRva2Vu";
static const char TOKEN_JSON[] = "{\"type\":\"token\",\"access_token\":\"YXN5bmMtd29ya3NwYWNlLXRva2Vu\","
                                 "\"token_type\":\"Bearer\"}";

static ic_test_buf LOG;

static void log_to(intercom_log_level lvl, const char *line, void *payload) {
    (void)lvl, (void)payload;
    ic_test_buf_add(&LOG, line, strlen(line));
    ic_test_buf_add(&LOG, "\n", 1);
}

static intercom_async_client *new_client(void) {
    intercom_client_options o = INTERCOM_CLIENT_OPTIONS_INIT;
    o.bearer_token = "tok-other-workspace";
    o.base_url = mock_server_url(S);
    o.retry_initial_delay = 0.001;
    o.retry_max_delay = 0.005;
    o.timeout = 5;
    o.log_level = INTERCOM_LOG_DEBUG;
    o.log_fn = log_to;
    intercom_async_client *c = NULL;
    intercom_error err = INTERCOM_ERROR_INIT;
    CHECKF(intercom_async_client_new(&c, &o, &err) == INTERCOM_OK, "%s", err.message);
    intercom_error_clear(&err);
    return c;
}

typedef struct outcome {
    int calls;
    intercom_code code;
    intercom_oauth_token *token;
    int status;        /* err->status, or of err->response */
    int has_response;  /* err->response set */
    char message[256];
} outcome;

static void on_token(intercom_code code, void *result, const intercom_error *err, void *payload) {
    outcome *o = payload;
    o->calls++;
    o->code = code;
    o->token = result;
    if (err) {
        o->status = err->status;
        o->has_response = err->response != NULL;
        snprintf(o->message, sizeof o->message, "%s", err->message ? err->message : "");
    }
}

static void serve(int status, const char *body) {
    mock_response r = MOCK_RESPONSE_INIT;
    r.status = status;
    r.headers = "Content-Type: application/json\r\n";
    r.body = body;
    mock_server_push(S, &r);
}

static void check_log_clean(void) {
    const char *t = LOG.data ? LOG.data : "";
    CHECKF(!strstr(t, CLIENT_SECRET), "client secret in the log:\n%s", t);
    CHECKF(!strstr(t, ACCESS_TOKEN), "access token in the log:\n%s", t);
    CHECKF(!strstr(t, "tok-other-workspace"), "bearer token in the log");
}

static void test_exchange(void) {
    intercom_async_client *c = new_client();
    size_t before = mock_server_request_count(S);
    serve(200, TOKEN_JSON);
    outcome o = {0};
    CHECK_CODE(intercom_oauth_exchange_async(c, "the-code", "client-1", CLIENT_SECRET, on_token, &o), INTERCOM_OK);
    CHECK(o.calls == 0); /* never from inside the submitting function */
    intercom_async_run_until_idle(c);
    CHECK(o.calls == 1);
    CHECK_CODE(o.code, INTERCOM_OK);
    CHECK(o.token && o.token->access_token);
    if (o.token) {
        CHECK_STR(o.token->access_token, ACCESS_TOKEN);
        CHECK_STR(o.token->token_type, "Bearer");
    }
    intercom_oauth_token_free(o.token);
    CHECK(mock_server_request_count(S) == before + 1);
    mock_request m;
    if (mock_server_request(S, before, &m) == 0) {
        CHECK_STR(m.method, "POST");
        CHECK_STR(m.target, "/auth/eagle/token");
        CHECK(mock_request_header(&m, "Authorization") == NULL);
        CHECK_STR(mock_request_header(&m, "Content-Type"), "application/json");
        json_t *b = json_loadb(m.body, m.body_len, 0, NULL);
        CHECK_STR(json_string_value(json_object_get(b, "code")), "the-code");
        CHECK_STR(json_string_value(json_object_get(b, "client_id")), "client-1");
        CHECK_STR(json_string_value(json_object_get(b, "client_secret")), CLIENT_SECRET);
        json_decref(b);
        mock_request_clear(&m);
    }
    check_log_clean();
    CHECKF(LOG.data && strstr(LOG.data, "[redacted]"), "the debug log shows the bodies redacted:\n%s", LOG.data);
    intercom_async_client_free(c);
}

static void test_exchange_retried(void) {
    intercom_async_client *c = new_client();
    size_t before = mock_server_request_count(S);
    serve(503, "{\"type\":\"error.list\",\"errors\":[{\"code\":\"service_unavailable\"}]}");
    serve(200, TOKEN_JSON);
    outcome o = {0};
    CHECK_CODE(intercom_oauth_exchange_async(c, "c2", "client-1", CLIENT_SECRET, on_token, &o), INTERCOM_OK);
    intercom_async_run_until_idle(c);
    CHECK(o.calls == 1);
    CHECK_CODE(o.code, INTERCOM_OK);
    CHECK(o.token && o.token->access_token && !strcmp(o.token->access_token, ACCESS_TOKEN));
    intercom_oauth_token_free(o.token);
    CHECK(mock_server_request_count(S) == before + 2);
    intercom_async_client_free(c);
}

static void test_exchange_errors(void) {
    intercom_async_client *c = new_client();
    /* a used or invalid code: Intercom answers 401 with its error list */
    serve(401, "{\"type\":\"error.list\",\"errors\":[{\"code\":\"unauthorized\",\"message\":\"Invalid code\"}]}");
    outcome o = {0};
    CHECK_CODE(intercom_oauth_exchange_async(c, "used", "client-1", CLIENT_SECRET, on_token, &o), INTERCOM_OK);
    intercom_async_run_until_idle(c);
    CHECK(o.calls == 1);
    CHECK_CODE(o.code, INTERCOM_E_AUTHENTICATION);
    CHECK(o.token == NULL && o.status == 401 && o.has_response);
    CHECKF(strstr(o.message, "Invalid code"), "%s", o.message);
    /* a 2xx without a token: a decode error, the body's token-like strings never in the message */
    serve(200, "{\"type\":\"token\"}");
    outcome d = {0};
    CHECK_CODE(intercom_oauth_exchange_async(c, "c3", "client-1", CLIENT_SECRET, on_token, &d), INTERCOM_OK);
    intercom_async_run_until_idle(c);
    CHECK(d.calls == 1);
    CHECK_CODE(d.code, INTERCOM_E_DECODE);
    CHECK(d.token == NULL);
    CHECKF(strstr(d.message, "access_token"), "%s", d.message);
    /* refused arguments: nothing sent; the error reaches the callback from the loop, as for every async
       call (a NULL client or callback: refused at once, no callback) */
    size_t before = mock_server_request_count(S);
    static const char *const bad[][3] = {{"", "client-1", CLIENT_SECRET}, {"x", NULL, CLIENT_SECRET},
                                         {"x", "client-1", ""}, {"\xff", "client-1", CLIENT_SECRET}};
    static const char *const why[] = {"code", "client_id", "client_secret", "UTF-8"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        outcome r = {0};
        CHECK_CODE(intercom_oauth_exchange_async(c, bad[i][0], bad[i][1], bad[i][2], on_token, &r), INTERCOM_OK);
        CHECK(r.calls == 0);
        intercom_async_run_until_idle(c);
        CHECK(r.calls == 1);
        CHECK_CODE(r.code, INTERCOM_E_INVALID_ARGUMENT);
        CHECK(r.token == NULL && !r.has_response);
        CHECKF(strstr(r.message, why[i]), "%s", r.message);
    }
    outcome r = {0};
    CHECK_CODE(intercom_oauth_exchange_async(c, "x", "client-1", CLIENT_SECRET, NULL, &r), INTERCOM_E_INVALID_ARGUMENT);
    CHECK_CODE(intercom_oauth_exchange_async(NULL, "x", "client-1", CLIENT_SECRET, on_token, &r),
               INTERCOM_E_INVALID_ARGUMENT);
    intercom_async_run_until_idle(c);
    CHECK(r.calls == 0);
    CHECK(mock_server_request_count(S) == before);
    check_log_clean();
    intercom_async_client_free(c);
}

static void test_exchange_cancelled(void) {
    /* the client torn down with the exchange in flight: the callback runs once, CANCELLED, no token */
    intercom_async_client *c = new_client();
    mock_response r = MOCK_RESPONSE_INIT;
    r.body = TOKEN_JSON;
    r.delay_headers_ms = 2000;
    mock_server_push(S, &r);
    outcome o = {0};
    CHECK_CODE(intercom_oauth_exchange_async(c, "c4", "client-1", CLIENT_SECRET, on_token, &o), INTERCOM_OK);
    intercom_async_run(c, 50);
    intercom_async_client_free(c);
    CHECK(o.calls == 1);
    CHECK_CODE(o.code, INTERCOM_E_CANCELLED);
    CHECK(o.token == NULL);
}

int main(int argc, char **argv) {
    S = mock_server_start();
    if (!S) return fprintf(stderr, "cannot start the mock server\n"), 1;
    static const ic_test tests[] = {
        {"exchange", test_exchange},
        {"exchange_retried", test_exchange_retried},
        {"exchange_errors", test_exchange_errors},
        {"exchange_cancelled", test_exchange_cancelled},
        {NULL, NULL},
    };
    int rc = ic_test_run(tests, argc, argv);
    mock_server_stop(S);
    free(LOG.data);
    return rc;
}
