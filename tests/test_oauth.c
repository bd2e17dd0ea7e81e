/* SPDX-License-Identifier: MIT */
/* OAuth: the authorization URL, and the code exchange through the engine against the scripted
 * local server (tests/support/mock_server.c): request shape, retries, errors, timeouts, and that
 * neither the client secret nor the returned token reaches the debug log. The `intercom oauth`
 * CLI commands run against the same server. */
#define _GNU_SOURCE
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <intercom/intercom.h>

#include "mock_server.h"
#include "testutil.h"

static mock_server *S;
static const char CLIENT_SECRET[] = "cs-TOPSECRET-4242";
static const char ACCESS_TOKEN[] = "dG9rOnRoZS1uZXctd29ya3NwYWNlLXRva2Vu";
static const char TOKEN_JSON[] =
    "{\"type\":\"token\",\"token\":\"dG9rOnRoZS1uZXctd29ya3NwYWNlLXRva2Vu\","
    "\"access_token\":\"dG9rOnRoZS1uZXctd29ya3NwYWNlLXRva2Vu\",\"token_type\":\"Bearer\"}";

typedef struct logbuf {
    ic_test_buf text;
    int lines;
} logbuf;

static void log_to(intercom_log_level lvl, const char *line, void *payload) {
    (void)lvl;
    logbuf *l = payload;
    ic_test_buf_add(&l->text, line, strlen(line));
    ic_test_buf_add(&l->text, "\n", 1);
    l->lines++;
}

static intercom_client *client_with_log(logbuf *log, double timeout) {
    intercom_client_options o = INTERCOM_CLIENT_OPTIONS_INIT;
    o.bearer_token = "tok-other-workspace";
    o.base_url = mock_server_url(S);
    o.retry_initial_delay = 0.001;
    o.retry_max_delay = 0.005;
    o.timeout = timeout;
    o.log_level = INTERCOM_LOG_DEBUG;
    o.log_fn = log_to;
    o.log_payload = log;
    intercom_client *c = NULL;
    intercom_error err = INTERCOM_ERROR_INIT;
    CHECKF(intercom_client_new(&c, &o, &err) == INTERCOM_OK, "%s", err.message);
    intercom_error_clear(&err);
    return c;
}

static void serve(int status, const char *body, int delay_ms) {
    mock_response r = MOCK_RESPONSE_INIT;
    r.status = status;
    r.headers = "Content-Type: application/json\r\n";
    r.body = body;
    r.delay_headers_ms = delay_ms;
    mock_server_push(S, &r);
}

static void check_log_clean(const logbuf *log) {
    const char *t = log->text.data ? log->text.data : "";
    CHECKF(!strstr(t, CLIENT_SECRET), "client secret in the log:\n%s", t);
    CHECKF(!strstr(t, ACCESS_TOKEN), "access token in the log:\n%s", t);
    CHECKF(!strstr(t, "tok-other-workspace"), "bearer token in the log");
}

static void test_authorize_url(void) {
    char *url = NULL;
    CHECK_CODE(intercom_oauth_authorize_url("abc-123", "st4te", NULL, &url, NULL), INTERCOM_OK);
    CHECK_STR(url, "https://app.intercom.com/oauth?client_id=abc-123&state=st4te");
    intercom_free_string(url);
    CHECK_CODE(intercom_oauth_authorize_url("id 1", "a&b=c/d?~", "https://app.example.com/cb?x=1", &url, NULL),
               INTERCOM_OK);
    CHECK_STR(url, "https://app.intercom.com/oauth?client_id=id%201&state=a%26b%3Dc%2Fd%3F~"
                   "&redirect_uri=https%3A%2F%2Fapp.example.com%2Fcb%3Fx%3D1");
    intercom_free_string(url);
    intercom_error err = INTERCOM_ERROR_INIT;
    url = (char *)1;
    CHECK_CODE(intercom_oauth_authorize_url("", "s", NULL, &url, &err), INTERCOM_E_INVALID_ARGUMENT);
    CHECK(url == NULL);
    CHECK_CODE(intercom_oauth_authorize_url("id", NULL, NULL, &url, &err), INTERCOM_E_INVALID_ARGUMENT);
    CHECK(err.message && strstr(err.message, "state"));
    CHECK_CODE(intercom_oauth_authorize_url("id", "s", NULL, NULL, &err), INTERCOM_E_INVALID_ARGUMENT);
    intercom_error_clear(&err);
}

static void test_exchange(void) {
    mock_server_reset(S);
    logbuf log = {0};
    intercom_client *c = client_with_log(&log, 10);
    serve(200, TOKEN_JSON, 0);
    intercom_oauth_token *t = NULL;
    intercom_error err = INTERCOM_ERROR_INIT;
    CHECK_CODE(intercom_oauth_exchange(c, "code-xyz", "client-1", CLIENT_SECRET, &t, &err), INTERCOM_OK);
    CHECK(t && t->access_token && !strcmp(t->access_token, ACCESS_TOKEN));
    CHECK(t && t->token_type && !strcmp(t->token_type, "Bearer"));
    intercom_oauth_token_free(t);
    CHECK(mock_server_request_count(S) == 1);
    mock_request r = {0};
    CHECK(mock_server_request(S, 0, &r) == 0);
    CHECK_STR(r.method, "POST");
    CHECK_STR(r.target, "/auth/eagle/token");
    CHECKF(mock_request_header(&r, "Authorization") == NULL, "Authorization sent: %s",
           mock_request_header(&r, "Authorization"));
    CHECK_STR(mock_request_header(&r, "Content-Type"), "application/json");
    json_t *b = json_loadb(r.body ? r.body : "", r.body_len, 0, NULL);
    CHECK_STR(json_string_value(json_object_get(b, "code")), "code-xyz");
    CHECK_STR(json_string_value(json_object_get(b, "client_id")), "client-1");
    CHECK_STR(json_string_value(json_object_get(b, "client_secret")), CLIENT_SECRET);
    CHECK(json_object_size(b) == 3);
    json_decref(b);
    mock_request_clear(&r);
    /* the debug log shows the exchange, with both bodies redacted */
    const char *text = log.text.data ? log.text.data : "";
    CHECKF(strstr(text, "> POST") && strstr(text, "/auth/eagle/token"), "%s", text);
    CHECKF(strstr(text, "> body (") && strstr(text, "< body (") && strstr(text, "[redacted]"), "%s", text);
    check_log_clean(&log);
    intercom_client_free(c);
    free(log.text.data);
    intercom_error_clear(&err);
}

/* The same client's other requests still log their bodies (redaction is per request). */
static void test_other_requests_unchanged(void) {
    mock_server_reset(S);
    logbuf log = {0};
    intercom_client *c = client_with_log(&log, 10);
    serve(200, "{\"type\":\"admin\",\"id\":\"1\"}", 0);
    intercom_response *resp = NULL;
    CHECK_CODE(intercom_request(c, "GET", "/me", NULL, NULL, NULL, &resp, NULL), INTERCOM_OK);
    intercom_response_free(resp);
    CHECKF(log.text.data && strstr(log.text.data, "{\"type\":\"admin\",\"id\":\"1\"}"), "%s", log.text.data);
    intercom_client_free(c);
    free(log.text.data);
}

static void test_exchange_retried(void) {
    mock_server_reset(S);
    logbuf log = {0};
    intercom_client *c = client_with_log(&log, 10);
    serve(503, "{\"type\":\"error.list\",\"errors\":[{\"code\":\"service_unavailable\",\"message\":\"busy\"}]}", 0);
    serve(200, TOKEN_JSON, 0);
    intercom_oauth_token *t = NULL;
    intercom_error err = INTERCOM_ERROR_INIT;
    CHECK_CODE(intercom_oauth_exchange(c, "code-xyz", "client-1", CLIENT_SECRET, &t, &err), INTERCOM_OK);
    CHECK(t && !strcmp(t->access_token, ACCESS_TOKEN));
    CHECK(mock_server_request_count(S) == 2);
    CHECKF(log.text.data && strstr(log.text.data, "retrying"), "%s", log.text.data);
    check_log_clean(&log);
    intercom_oauth_token_free(t);
    intercom_client_free(c);
    free(log.text.data);
    intercom_error_clear(&err);
}

static void test_exchange_errors(void) {
    mock_server_reset(S);
    logbuf log = {0};
    intercom_client *c = client_with_log(&log, 10);
    intercom_oauth_token *t = (intercom_oauth_token *)1;
    intercom_error err = INTERCOM_ERROR_INIT;
    /* a used or wrong code */
    serve(401, "{\"type\":\"error.list\",\"errors\":[{\"code\":\"unauthorized\",\"message\":\"Unauthorized Code\"}]}", 0);
    CHECK_CODE(intercom_oauth_exchange(c, "used-code", "client-1", CLIENT_SECRET, &t, &err), INTERCOM_E_AUTHENTICATION);
    CHECK(t == NULL && err.status == 401 && err.errors_count == 1);
    CHECKF(err.message && strstr(err.message, "Unauthorized Code"), "%s", err.message);
    CHECK(mock_server_request_count(S) == 1); /* 401 is not retried */
    /* a 2xx that is not a token */
    serve(200, "{\"type\":\"token\"}", 0);
    CHECK_CODE(intercom_oauth_exchange(c, "c", "client-1", CLIENT_SECRET, &t, &err), INTERCOM_E_DECODE);
    CHECK(t == NULL && err.message && strstr(err.message, "access_token"));
    serve(200, "<html>not json</html>", 0);
    CHECK_CODE(intercom_oauth_exchange(c, "c", "client-1", CLIENT_SECRET, &t, &err), INTERCOM_E_DECODE);
    /* only "token" (older responses): taken */
    serve(200, "{\"token\":\"dG9rOnRoZS1uZXctd29ya3NwYWNlLXRva2Vu\"}", 0);
    CHECK_CODE(intercom_oauth_exchange(c, "c", "client-1", CLIENT_SECRET, &t, &err), INTERCOM_OK);
    CHECK(t && !strcmp(t->access_token, ACCESS_TOKEN) && t->token_type == NULL);
    intercom_oauth_token_free(t);
    /* bad arguments: nothing sent */
    size_t before = mock_server_request_count(S);
    CHECK_CODE(intercom_oauth_exchange(c, "", "client-1", CLIENT_SECRET, &t, &err), INTERCOM_E_INVALID_ARGUMENT);
    CHECK_CODE(intercom_oauth_exchange(c, "c", NULL, CLIENT_SECRET, &t, &err), INTERCOM_E_INVALID_ARGUMENT);
    CHECK_CODE(intercom_oauth_exchange(c, "c", "client-1", "", &t, &err), INTERCOM_E_INVALID_ARGUMENT);
    CHECK(err.message && strstr(err.message, "client_secret"));
    CHECK_CODE(intercom_oauth_exchange(NULL, "c", "client-1", CLIENT_SECRET, &t, &err), INTERCOM_E_INVALID_ARGUMENT);
    CHECK_CODE(intercom_oauth_exchange(c, "c", "client-1", CLIENT_SECRET, NULL, &err), INTERCOM_E_INVALID_ARGUMENT);
    CHECK_CODE(intercom_oauth_exchange(c, "c\xff", "client-1", CLIENT_SECRET, &t, &err), INTERCOM_E_INVALID_ARGUMENT);
    CHECK(mock_server_request_count(S) == before);
    check_log_clean(&log);
    intercom_client_free(c);
    free(log.text.data);
    intercom_error_clear(&err);
}

static void test_exchange_timeout(void) {
    mock_server_reset(S);
    logbuf log = {0};
    intercom_client *c = client_with_log(&log, 0.3);
    serve(200, TOKEN_JSON, 1500);
    serve(200, TOKEN_JSON, 1500);
    serve(200, TOKEN_JSON, 1500);
    intercom_oauth_token *t = NULL;
    intercom_error err = INTERCOM_ERROR_INIT;
    CHECK_CODE(intercom_oauth_exchange(c, "c", "client-1", CLIENT_SECRET, &t, &err), INTERCOM_E_TIMEOUT);
    CHECK(t == NULL && err.attempts == 3);
    check_log_clean(&log);
    intercom_client_free(c);
    free(log.text.data);
    intercom_error_clear(&err);
}

/* ---------- the CLI ---------- */

static int run_cli(const char *args, ic_test_buf *out, ic_test_buf *errout) {
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "%s %s 2>%s", INTERCOM_CLI, args, "oauth_cli_stderr.txt");
    FILE *p = popen(cmd, "r");
    if (!p) return -1;
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0) ic_test_buf_add(out, buf, n);
    int st = pclose(p);
    FILE *e = fopen("oauth_cli_stderr.txt", "r");
    while (e && (n = fread(buf, 1, sizeof buf, e)) > 0) ic_test_buf_add(errout, buf, n);
    if (e) fclose(e);
    remove("oauth_cli_stderr.txt");
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void test_cli_exchange(void) {
    mock_server_reset(S);
    serve(200, TOKEN_JSON, 0);
    char args[512];
    snprintf(args, sizeof args, "oauth exchange --code code-cli -H 'X-Test: one' --client-id client-9 --base-url %s --header=X-Two:2",
             mock_server_url(S));
    setenv("INTERCOM_CLIENT_SECRET", CLIENT_SECRET, 1);
    setenv("INTERCOM_LOG", "debug", 1);
    unsetenv("INTERCOM_TEST_1_BEARER_TOKEN");
    ic_test_buf out = {0}, errout = {0};
    int st = run_cli(args, &out, &errout);
    CHECKF(st == 0, "exit %d: %s", st, errout.data);
    json_t *j = json_loads(out.data ? out.data : "", 0, NULL);
    CHECK_STR(json_string_value(json_object_get(j, "access_token")), ACCESS_TOKEN);
    CHECK_STR(json_string_value(json_object_get(j, "token_type")), "Bearer");
    json_decref(j);
    /* the debug log went to stderr: neither secret there, and the secret was never on the command line */
    CHECKF(errout.data && strstr(errout.data, "[redacted]"), "%s", errout.data);
    CHECKF(!errout.data || (!strstr(errout.data, CLIENT_SECRET) && !strstr(errout.data, ACCESS_TOKEN)), "%s",
           errout.data);
    mock_request r = {0};
    CHECK(mock_server_request(S, 0, &r) == 0);
    CHECK_STR(r.target, "/auth/eagle/token");
    CHECK(mock_request_header(&r, "Authorization") == NULL);
    CHECK_STR(mock_request_header(&r, "X-Test"), "one"); /* -H, as on every command */
    CHECK_STR(mock_request_header(&r, "X-Two"), "2");
    CHECK(r.body && strstr(r.body, "\"code-cli\"") && strstr(r.body, CLIENT_SECRET));
    mock_request_clear(&r);
    free(out.data), free(errout.data);
    out = (ic_test_buf){0}, errout = (ic_test_buf){0};

    /* 401: its exit status, the API's message */
    serve(401, "{\"type\":\"error.list\",\"errors\":[{\"code\":\"unauthorized\",\"message\":\"Unauthorized Code\"}]}", 0);
    unsetenv("INTERCOM_LOG");
    st = run_cli(args, &out, &errout);
    CHECKF(st == 11, "exit %d", st);
    CHECKF(errout.data && strstr(errout.data, "Unauthorized Code"), "%s", errout.data);
    free(out.data), free(errout.data);
    out = (ic_test_buf){0}, errout = (ic_test_buf){0};

    /* no secret in the environment: usage error, nothing sent */
    unsetenv("INTERCOM_CLIENT_SECRET");
    size_t before = mock_server_request_count(S);
    st = run_cli(args, &out, &errout);
    CHECKF(st == 2 && errout.data && strstr(errout.data, "INTERCOM_CLIENT_SECRET"), "exit %d: %s", st, errout.data);
    CHECK(mock_server_request_count(S) == before);
    free(out.data), free(errout.data);
    out = (ic_test_buf){0}, errout = (ic_test_buf){0};

    st = run_cli("oauth authorize-url --client-id abc --state 's 1'", &out, &errout);
    CHECK(st == 0);
    CHECK_STR(out.data, "https://app.intercom.com/oauth?client_id=abc&state=s%201\n");
    free(out.data), free(errout.data);
}

int main(int argc, char **argv) {
    S = mock_server_start();
    if (!S) return fprintf(stderr, "cannot start the mock server\n"), 1;
    static const ic_test tests[] = {
        {"authorize_url", test_authorize_url},
        {"exchange", test_exchange},
        {"other_requests_unchanged", test_other_requests_unchanged},
        {"exchange_retried", test_exchange_retried},
        {"exchange_errors", test_exchange_errors},
        {"exchange_timeout", test_exchange_timeout},
        {"cli_exchange", test_cli_exchange},
        {NULL, NULL},
    };
    int rc = ic_test_run(tests, argc, argv);
    mock_server_stop(S);
    return rc;
}
