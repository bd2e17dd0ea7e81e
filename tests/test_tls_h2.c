/* SPDX-License-Identifier: MIT */
/* TLS and HTTP/2 against a real peer: nghttpd (Debian's nghttp2-server) with a
 * certificate made for the test. Shows that peer verification is on by default, that a
 * CA bundle or the explicit insecure switch are the two ways past it, that HTTP/2 is
 * negotiated, and that async requests are multiplexed over one connection.
 * Skips (exit 77) when nghttpd or openssl is missing. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <curl/curl.h>
#include <intercom/intercom.h>

#include "testutil.h"

static const char *ME = "{\"type\":\"admin\",\"id\":\"h2-admin\",\"name\":\"Over TLS\",\"team_ids\":[1]}";
static char dir[64], url[64], cert[128];
static int port;
static pid_t server;

static int free_port(void) {
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t l = sizeof a;
    if (bind(s, (struct sockaddr *)&a, sizeof a) || getsockname(s, (struct sockaddr *)&a, &l)) return -1;
    int p = ntohs(a.sin_port);
    close(s);
    return p;
}

static int wait_listening(void) {
    for (int i = 0; i < 100; i++) {
        int s = socket(AF_INET, SOCK_STREAM, 0);
        struct sockaddr_in a = {0};
        a.sin_family = AF_INET;
        a.sin_port = htons((uint16_t)port);
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        int ok = connect(s, (struct sockaddr *)&a, sizeof a) == 0;
        close(s);
        if (ok) return 0;
        usleep(50000);
    }
    return -1;
}

static int setup(void) {
    if (system("command -v nghttpd >/dev/null && command -v openssl >/dev/null") != 0) return 77;
    strcpy(dir, "/tmp/ic-h2-XXXXXX");
    if (!mkdtemp(dir)) return 1;
    char cmd[1024];
    snprintf(cmd, sizeof cmd,
             "cd %s && openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem -out cert.pem -days 1 "
             "-subj /CN=localhost -addext subjectAltName=DNS:localhost,IP:127.0.0.1 >/dev/null 2>&1",
             dir);
    if (system(cmd) != 0) return 1;
    snprintf(cmd, sizeof cmd, "%s/me", dir);
    FILE *f = fopen(cmd, "w");
    if (!f) return 1;
    fputs(ME, f);
    fclose(f);
    snprintf(cert, sizeof cert, "%s/cert.pem", dir);
    port = free_port();
    snprintf(url, sizeof url, "https://localhost:%d", port);
    server = fork();
    if (server == 0) {
        char p[16], key[128], htdocs[128];
        snprintf(p, sizeof p, "%d", port);
        snprintf(key, sizeof key, "%s/key.pem", dir);
        snprintf(htdocs, sizeof htdocs, "--htdocs=%s", dir);
        freopen("/dev/null", "w", stdout);
        execlp("nghttpd", "nghttpd", "--address=127.0.0.1", htdocs, p, key, cert, (char *)NULL);
        _exit(127);
    }
    return wait_listening() ? 1 : 0;
}

static intercom_client_options opts(void) {
    intercom_client_options o = INTERCOM_CLIENT_OPTIONS_INIT;
    o.bearer_token = "tok";
    o.base_url = url;
    o.max_retries = 0;
    return o;
}

static void test_verification(void) {
    intercom_client_options o = opts();
    intercom_client *c = NULL;
    intercom_error err = INTERCOM_ERROR_INIT;
    intercom_admin_with_app *me = NULL;
    /* default: the self-signed certificate is refused */
    CHECK(intercom_client_new(&c, &o, &err) == INTERCOM_OK);
    CHECK_CODE(intercom_me_retrieve(c, NULL, &me, &err), INTERCOM_E_CONNECTION);
    CHECKF(err.message && (strcasestr(err.message, "certificate") || strcasestr(err.message, "SSL")), "%s", err.message);
    intercom_client_free(c);
    /* trusted through a CA bundle: HTTP/2 */
    o.ca_bundle = cert;
    CHECK(intercom_client_new(&c, &o, &err) == INTERCOM_OK);
    intercom_response *raw = NULL;
    intercom_request_options ro = INTERCOM_REQUEST_OPTIONS_INIT;
    ro.raw_response = &raw;
    CHECK_CODE(intercom_me_retrieve(c, &ro, &me, &err), INTERCOM_OK);
    CHECK(me && !strcmp(me->id, "h2-admin") && me->team_ids_count == 1);
    CHECK(raw && raw->http_version == 20);
    intercom_admin_with_app_free(me);
    intercom_response_free(raw);
    intercom_client_free(c);
    /* the explicit switch */
    o.ca_bundle = NULL;
    o.insecure_skip_tls_verify = 1;
    CHECK(intercom_client_new(&c, &o, &err) == INTERCOM_OK);
    CHECK_CODE(intercom_me_retrieve(c, NULL, &me, &err), INTERCOM_OK);
    intercom_admin_with_app_free(me);
    intercom_client_free(c);
    intercom_error_clear(&err);
}

/* Count TCP connections through a curl_hook that installs an opensocket callback. */
static int sockets_opened;
static curl_socket_t open_socket(void *clientp, curlsocktype purpose, struct curl_sockaddr *a) {
    (void)clientp, (void)purpose;
    __atomic_add_fetch(&sockets_opened, 1, __ATOMIC_SEQ_CST);
    return socket(a->family, a->socktype, a->protocol);
}
static int count_sockets(void *easy, void *payload) {
    (void)payload;
    curl_easy_setopt(easy, CURLOPT_OPENSOCKETFUNCTION, open_socket);
    return 0;
}

static int done, ok;
static void on_me(intercom_code code, void *result, const intercom_error *err, void *payload) {
    (void)err, (void)payload;
    done++;
    intercom_admin_with_app *me = result;
    ok += code == INTERCOM_OK && me && !strcmp(me->id, "h2-admin");
    intercom_admin_with_app_free(me);
}

static void test_multiplexing(void) {
    intercom_client_options o = opts();
    o.ca_bundle = cert;
    o.curl_hook = count_sockets;
    intercom_async_client *ac = NULL;
    CHECK(intercom_async_client_new(&ac, &o, NULL) == INTERCOM_OK);
    sockets_opened = 0;
    enum { N = 64 };
    for (int i = 0; i < N; i++) CHECK(intercom_async_me_retrieve(ac, NULL, on_me, NULL) == INTERCOM_OK);
    intercom_async_run_until_idle(ac);
    CHECK(done == N && ok == N);
    CHECKF(sockets_opened == 1, "%d in flight over HTTP/2 opened %d connections", N, sockets_opened);
    intercom_async_client_free(ac);
    /* sync: keep-alive over one connection */
    intercom_client *c = NULL;
    CHECK(intercom_client_new(&c, &o, NULL) == INTERCOM_OK);
    sockets_opened = 0;
    for (int i = 0; i < 10; i++) {
        intercom_admin_with_app *me = NULL;
        CHECK_CODE(intercom_me_retrieve(c, NULL, &me, NULL), INTERCOM_OK);
        intercom_admin_with_app_free(me);
    }
    CHECK(sockets_opened == 1);
    intercom_client_free(c);
}

static const ic_test tests[] = {{"tls_verification", test_verification}, {"h2_multiplexing", test_multiplexing}, {NULL, NULL}};

int main(int argc, char **argv) {
    int rc = setup();
    if (rc == 77) {
        puts("SKIP: nghttpd (Debian package nghttp2-server) or openssl not installed");
        return 77;
    }
    if (!rc) rc = ic_test_run(tests, argc, argv);
    else fprintf(stderr, "setup failed\n");
    if (server > 0) {
        kill(server, SIGTERM);
        waitpid(server, NULL, 0);
    }
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (dir[0]) (void)!system(cmd);
    return rc;
}
