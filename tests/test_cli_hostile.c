/* SPDX-License-Identifier: MIT */
/* The `intercom` program against a hostile server and bad numbers (issue 8: items 3, 4, 6, 23):
 * the token from a file or stdin, the no-token message, timeouts refused with exit 2, --all that
 * ends on a repeating cursor, --limit, server text neutralised on a terminal, an HTTP/0.9 reply.
 *
 * Usage: test_cli_hostile PATH_TO_INTERCOM [TEST...] */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <pty.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <intercom/intercom.h>

#include "mock_server.h"
#include "testutil.h"

extern char **environ;

static const char *CLI;
static mock_server *S;
static char *wrapper[16]; /* TEST_CLI_WRAPPER, split at spaces */

typedef struct run {
    int status;
    char *out, *err;
} run;

static void run_free(run *r) {
    free(r->out);
    free(r->err);
    memset(r, 0, sizeof *r);
}

static char *slurp(FILE *f) {
    ic_test_buf b = {0};
    char chunk[65536];
    size_t n;
    rewind(f);
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) ic_test_buf_add(&b, chunk, n);
    ic_test_buf_add(&b, "", 0);
    return b.data;
}

/* Run the CLI with @p in on stdin and @p env_extra ("K=V") added to an environment without INTERCOM_*. */
static run cli_run(const char *in, const char *env_extra, const char *const *args) {
    run r = {0};
    const char *argv[64];
    int n = 0;
    for (char **w = wrapper; *w; w++) argv[n++] = *w;
    argv[n++] = CLI;
    for (const char *const *a = args; *a && n < 63; a++) argv[n++] = *a;
    argv[n] = NULL;
    FILE *fi = tmpfile(), *fo = tmpfile(), *fe = tmpfile();
    if (in) fputs(in, fi);
    fflush(fi);
    rewind(fi);
    char *env[256];
    size_t k = 0;
    for (char **e = environ; *e && k < 250; e++)
        if (strncmp(*e, "INTERCOM_", 9)) env[k++] = *e;
    if (env_extra) env[k++] = (char *)env_extra;
    env[k] = NULL;
    pid_t pid = fork();
    if (pid == 0) {
        dup2(fileno(fi), 0), dup2(fileno(fo), 1), dup2(fileno(fe), 2);
        if (wrapper[0]) execvpe(argv[0], (char *const *)argv, env);
        else execve(CLI, (char *const *)argv, env);
        _exit(127);
    }
    int st = 0;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
    }
    r.status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    r.out = slurp(fo);
    r.err = slurp(fe);
    fclose(fi), fclose(fo), fclose(fe);
    return r;
}

/* Run the CLI on a terminal (stdout and stderr); everything it wrote, in *out. */
static int cli_tty(char **out, const char *const *args) {
    const char *argv[64];
    int n = 0;
    argv[n++] = CLI;
    for (const char *const *a = args; *a && n < 63; a++) argv[n++] = *a;
    argv[n] = NULL;
    int master = -1;
    pid_t pid = forkpty(&master, NULL, NULL, NULL);
    if (pid == 0) {
        execv(CLI, (char *const *)argv);
        _exit(127);
    }
    ic_test_buf b = {0};
    char chunk[4096];
    ssize_t got;
    while ((got = read(master, chunk, sizeof chunk)) > 0 || (got < 0 && errno == EINTR))
        if (got > 0) ic_test_buf_add(&b, chunk, (size_t)got);
    ic_test_buf_add(&b, "", 0);
    int st = 0;
    waitpid(pid, &st, 0);
    close(master);
    *out = b.data;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

#define ARGS(...) ((const char *const[]){__VA_ARGS__, NULL})
#define CHECK_EXIT(r, want) \
    CHECKF((r).status == (want), "exit %d, want %d; stderr: %s", (r).status, (want), (r).err)
#define CHECK_HAS(s, sub) CHECKF(strstr((s), (sub)) != NULL, "\"%s\" not in: %s", (sub), (s))

static const char *ME = "{\"type\":\"admin\",\"id\":\"1\"}";

static void fresh(void) {
    mock_server_reset(S);
    mock_server_set_handler(S, NULL, NULL);
    mock_response d = MOCK_RESPONSE_INIT;
    d.body = ME;
    mock_server_set_default(S, &d);
}

static char *last_auth(void) {
    mock_request q = {0};
    size_t n = mock_server_request_count(S);
    if (!n || mock_server_request(S, n - 1, &q)) return NULL;
    const char *a = mock_request_header(&q, "Authorization");
    char *r = a ? strdup(a) : NULL;
    mock_request_clear(&q);
    return r;
}

static void test_token_file(void) {
    fresh();
    char path[] = "/tmp/ic_token_XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    CHECK(write(fd, "  file-token-123\n", 17) == 17);
    close(fd);
    run r = cli_run(NULL, NULL, ARGS("--base-url", mock_server_url(S), "--token-file", path, "me", "retrieve"));
    CHECK_EXIT(r, 0);
    char *a = last_auth();
    CHECK_STR(a, "Bearer file-token-123");
    free(a);
    run_free(&r);
    /* from stdin */
    r = cli_run("stdin-token-456\n", NULL, ARGS("--base-url", mock_server_url(S), "--token-file", "-", "me", "retrieve"));
    CHECK_EXIT(r, 0);
    a = last_auth();
    CHECK_STR(a, "Bearer stdin-token-456");
    free(a);
    run_free(&r);
    /* an empty file, a missing file, both stdin users, both token options: usage errors, nothing sent */
    size_t before = mock_server_request_count(S);
    r = cli_run("\n\n", NULL, ARGS("--base-url", mock_server_url(S), "--token-file", "-", "me", "retrieve"));
    CHECK_EXIT(r, 2);
    CHECK_HAS(r.err, "--token-file");
    run_free(&r);
    r = cli_run(NULL, NULL, ARGS("--base-url", mock_server_url(S), "--token-file", "/nonexistent/tok", "me", "retrieve"));
    CHECK_EXIT(r, 2);
    CHECK_HAS(r.err, "/nonexistent/tok");
    run_free(&r);
    r = cli_run("{}", NULL, ARGS("--base-url", mock_server_url(S), "--token-file", "-", "--data", "-", "me", "retrieve"));
    CHECK_EXIT(r, 2);
    run_free(&r);
    r = cli_run(NULL, NULL, ARGS("--base-url", mock_server_url(S), "--token", "a", "--token-file", path, "me", "retrieve"));
    CHECK_EXIT(r, 2);
    run_free(&r);
    CHECK(mock_server_request_count(S) == before);
    unlink(path);
    /* no token at all: the message names the options and the variable, not the C struct */
    r = cli_run(NULL, NULL, ARGS("--base-url", mock_server_url(S), "me", "retrieve"));
    CHECK_EXIT(r, 2);
    CHECK_HAS(r.err, "--token-file");
    CHECK_HAS(r.err, "--token ");
    CHECK_HAS(r.err, "INTERCOM_TEST_1_BEARER_TOKEN");
    CHECKF(!strstr(r.err, "intercom_client_options"), "%s", r.err);
    run_free(&r);
    r = cli_run(NULL, "INTERCOM_TEST_1_BEARER_TOKEN=env-tok", ARGS("--base-url", mock_server_url(S), "me", "retrieve"));
    CHECK_EXIT(r, 0);
    run_free(&r);
    /* the help says --token is visible in ps */
    r = cli_run(NULL, NULL, ARGS("--help"));
    CHECK_HAS(r.out, "--token-file");
    CHECK_HAS(r.out, "ps");
    run_free(&r);
}

static void test_timeouts(void) {
    fresh();
    const char *bad[] = {"inf", "nan", "1e16", "1e300", "-1", "x"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        for (int k = 0; k < 2; k++) {
            const char *opt = k ? "--read-timeout" : "--timeout";
            run r = cli_run(NULL, NULL, ARGS("--base-url", mock_server_url(S), "--token", "t", opt, bad[i], "me", "retrieve"));
            CHECK_EXIT(r, 2);
            CHECK_HAS(r.err, opt);
            run_free(&r);
        }
    }
    CHECK(mock_server_request_count(S) == 0);
    /* read-timeout: sub-second, the wait for the next bytes */
    mock_response d = MOCK_RESPONSE_INIT;
    d.body = ME;
    d.delay_body_ms = 1500;
    mock_server_set_default(S, &d);
    run r = cli_run(NULL, NULL, ARGS("--base-url", mock_server_url(S), "--token", "t", "--max-retries", "0", "--read-timeout",
                                     "0.3", "me", "retrieve"));
    CHECK_EXIT(r, 4);
    CHECK_HAS(r.err, "(--read-timeout)"); /* the flag, not the library's option name */
    run_free(&r);
    /* a header libcurl frames is refused before any traffic, naming the flag */
    r = cli_run(NULL, NULL, ARGS("--base-url", mock_server_url(S), "--token", "t", "-H", "Content-Length: 5", "me",
                                 "retrieve"));
    CHECK_EXIT(r, 2);
    CHECK_HAS(r.err, "intercom: invalid argument: --header: \"Content-Length\" may not be set");
    run_free(&r);
}

/* --all on a server that repeats its cursor, and --limit */
static int REPEAT;

static void pages_handler(const mock_request *q, mock_response *r, void *payload) {
    (void)payload;
    static _Thread_local char buf[512];
    const char *c = strstr(q->target, "starting_after=c");
    int n = c ? atoi(c + 16) : 0;
    snprintf(buf, sizeof buf,
             "{\"type\":\"list\",\"data\":[{\"type\":\"contact\",\"id\":\"p%da\"},{\"type\":\"contact\",\"id\":\"p%db\"}],"
             "\"pages\":{\"type\":\"pages\",\"next\":{\"starting_after\":\"c%d\"}}}",
             n, n, REPEAT ? 7 : n + 1);
    r->body = buf;
}

static size_t lines(const char *s) {
    size_t n = 0;
    for (; s && (s = strchr(s, '\n')); s++) n++;
    return n;
}

static void test_all_ends(void) {
    fresh();
    mock_server_set_handler(S, pages_handler, NULL);
    REPEAT = 1;
    run r = cli_run(NULL, NULL, ARGS("--base-url", mock_server_url(S), "--token", "t", "contacts", "list", "--all"));
    CHECK_EXIT(r, 18); /* decode error: the walk cannot go on */
    CHECK_HAS(r.err, "repeats");
    CHECKF(lines(r.out) == 4, "%zu lines", lines(r.out)); /* the two pages before the repeat */
    CHECK(mock_server_request_count(S) == 2);
    run_free(&r);
    /* --limit: an endless (well-behaved) walk stops after N items */
    mock_server_reset(S);
    REPEAT = 0;
    r = cli_run(NULL, NULL, ARGS("--base-url", mock_server_url(S), "--token", "t", "contacts", "list", "--all", "--limit", "5"));
    CHECK_EXIT(r, 0);
    CHECKF(lines(r.out) == 5, "%zu lines", lines(r.out));
    CHECK(mock_server_request_count(S) == 3);
    run_free(&r);
    const char *bad[] = {"0", "-3", "x", "1e3"};
    for (size_t i = 0; i < 4; i++) {
        r = cli_run(NULL, NULL, ARGS("--base-url", mock_server_url(S), "--token", "t", "contacts", "list", "--all", "--limit", bad[i]));
        CHECK_EXIT(r, 2);
        CHECK_HAS(r.err, "--limit");
        run_free(&r);
    }
    r = cli_run(NULL, NULL, ARGS("--base-url", mock_server_url(S), "--token", "t", "contacts", "list", "--limit", "2"));
    CHECK_EXIT(r, 2);
    CHECK_HAS(r.err, "--all");
    run_free(&r);
    mock_server_set_handler(S, NULL, NULL);
}

/* Server-controlled text on a terminal: escape sequences shown escaped, never written raw. */
static void test_terminal_text(void) {
    fresh();
    mock_response e = MOCK_RESPONSE_INIT;
    e.status = 400;
    e.headers = "X-Evil: \x1b]0;pwned\x07tail\r\n";
    e.body = "{\"status\":400,\"error\":\"bad \\u001b[31mred\\u001b[0m \\u009b2J text\"}";
    mock_server_set_default(S, &e);
    char *out = NULL;
    int st = cli_tty(&out, ARGS("--base-url", mock_server_url(S), "--token", "t", "--max-retries", "0", "--raw", "me",
                                "retrieve"));
    CHECK(st == 10);
    CHECKF(out && !strchr(out, '\x1b') && !strchr(out, '\x07') && !strstr(out, "\xc2\x9b"), "raw control bytes: %s", out ? out : "(null)");
    CHECKF(out && strstr(out, "bad \\x1b[31mred"), "%s", out ? out : "");  /* the error message, escaped */
    CHECKF(out && strstr(out, "\\x1b]0;pwned\\x07tail"), "%s", out ? out : ""); /* the header with --raw, escaped */
    CHECKF(out && strstr(out, "\\u009b2J"), "%s", out ? out : "");
    free(out);
    /* a body with control bytes (not valid JSON: a decode error quoting it) on a terminal: escaped too */
    mock_response b = MOCK_RESPONSE_INIT;
    b.body = "{\"type\":\"admin\",\"id\":\"1\",\"name\":\"x\x1b[2Jy\"}";
    mock_server_set_default(S, &b);
    st = cli_tty(&out, ARGS("--base-url", mock_server_url(S), "--token", "t", "--max-retries", "0", "me", "retrieve"));
    CHECKF(out && !strchr(out, '\x1b') && strstr(out, "x\\x1b[2Jy"), "%s", out ? out : "");
    free(out);
    /* not a terminal: the bytes as they came (a pipe or file gets the data unchanged) */
    run r = cli_run(NULL, NULL, ARGS("--base-url", mock_server_url(S), "--token", "t", "--max-retries", "0", "me", "retrieve"));
    CHECKF(strstr(r.err, "x\x1b[2Jy") != NULL, "%s", r.err);
    run_free(&r);
}

/* An HTTP/0.9 reply is a connection (protocol) error, never a usage error. */
static void test_protocol_error(void) {
    fresh();
    mock_response r0 = MOCK_RESPONSE_INIT;
    r0.raw = "not http at all\n";
    mock_server_set_default(S, &r0);
    run r = cli_run(NULL, NULL, ARGS("--base-url", mock_server_url(S), "--token", "t", "--max-retries", "0", "me", "retrieve"));
    CHECK_EXIT(r, 3);
    CHECKF(!strstr(r.err, "usage"), "%s", r.err);
    run_free(&r);
    /* a base URL with credentials: refused (exit 2) without printing them */
    char url[128];
    snprintf(url, sizeof url, "http://u:s3cr3t@127.0.0.1:%d", mock_server_port(S));
    r = cli_run(NULL, NULL, ARGS("--base-url", url, "--token", "t", "me", "retrieve"));
    CHECK_EXIT(r, 2);
    CHECKF(!strstr(r.err, "s3cr3t"), "%s", r.err);
    run_free(&r);
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: test_cli_hostile PATH_TO_INTERCOM [TEST...]\n");
        return 2;
    }
    CLI = argv[1];
    char *w = getenv("TEST_CLI_WRAPPER") ? strdup(getenv("TEST_CLI_WRAPPER")) : NULL, *save = NULL;
    int nw = 0;
    for (char *t = w ? strtok_r(w, " ", &save) : NULL; t && nw < 15; t = strtok_r(NULL, " ", &save)) wrapper[nw++] = t;
    S = mock_server_start();
    if (!S) return 1;
    static const ic_test tests[] = {
        {"token_file", test_token_file},
        {"timeouts", test_timeouts},
        {"all_ends", test_all_ends},
        {"terminal_text", test_terminal_text},
        {"protocol_error", test_protocol_error},
        {NULL, NULL},
    };
    int rc = ic_test_run(tests, argc - 1, argv + 1);
    mock_server_stop(S);
    free(w);
    return rc;
}
