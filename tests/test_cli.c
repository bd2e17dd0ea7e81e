/* SPDX-License-Identifier: MIT */
/* The `intercom` program, run as a child process against the scripted local server
 * (tests/support): every exit status, --data from stdin / a file / the argument, flags of every
 * kind, usage errors (exit 2 naming the flag, and no request received), --raw, non-JSON bodies,
 * --all over 205 cursor pages (the cursor on the wire, every item once, the progress line only on
 * a terminal), help for every operation of the table, completion scripts.
 *
 *   test_cli PATH_TO_INTERCOM [TEST_NAME_SUBSTRING...]
 *   TEST_CLI_WRAPPER="valgrind --error-exitcode=9 -q"  runs every child under that command (words
 *                                                      split at spaces); IC_TEST_TIME_FACTOR=N
 *                                                      stretches the time limits */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <pty.h>
#include <stdint.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <intercom/intercom.h>

#include "../cli/extras.h" /* the table of the commands beyond the operations */
#include "mock_server.h"
#include "testutil.h"

extern char **environ;

static const char *CLI;
static mock_server *S;
static int broken_stdout; /* cli_run: the child's stdout a pipe nobody reads, SIGPIPE ignored (writes fail, EPIPE) */
static char *wrapper[16]; /* TEST_CLI_WRAPPER, split at spaces */
static double time_factor = 1;

typedef struct run {
    int status; /* exit status, or 128 + signal */
    char *out, *err;
    size_t out_len, err_len;
    double secs;
} run;

static void run_free(run *r) {
    free(r->out);
    free(r->err);
    memset(r, 0, sizeof *r);
}

static char *slurp(int fd, size_t *len) {
    ic_test_buf b = {0};
    char chunk[65536];
    ssize_t n;
    lseek(fd, 0, SEEK_SET);
    while ((n = read(fd, chunk, sizeof chunk)) > 0) ic_test_buf_add(&b, chunk, (size_t)n);
    ic_test_buf_add(&b, "", 0);
    *len = b.len;
    return b.data;
}

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The environment of the child: ours without INTERCOM_*, plus @p extra ("K=V", NULL-terminated). */
static char **child_env(const char *const *extra) {
    size_t n = 0, k = 0;
    while (environ[n]) n++;
    for (const char *const *e = extra; e && *e; e++) n++;
    char **env = calloc(n + 1, sizeof *env);
    for (char **e = environ; *e; e++)
        if (strncmp(*e, "INTERCOM_", 9)) env[k++] = *e;
    for (const char *const *e = extra; e && *e; e++) env[k++] = (char *)*e;
    return env;
}

/* Run the CLI. @p in: its stdin (NULL: empty); @p base: prepend --base-url <server> --token test
 * --max-retries 0; @p args NULL-terminated. */
static run cli_run(const char *in, const char *const *env_extra, int base, const char *const *args) {
    run r = {0};
    const char *argv[80];
    int n = 0;
    for (char **w = wrapper; *w; w++) argv[n++] = *w;
    argv[n++] = CLI;
    if (base) {
        argv[n++] = "--base-url", argv[n++] = mock_server_url(S);
        argv[n++] = "--token", argv[n++] = "test", argv[n++] = "--max-retries", argv[n++] = "0";
    }
    for (const char *const *a = args; *a && n < 79; a++) argv[n++] = *a;
    argv[n] = NULL;
    FILE *fi = tmpfile(), *fo = tmpfile(), *fe = tmpfile();
    if (in) fputs(in, fi);
    fflush(fi);
    rewind(fi);
    char **env = child_env(env_extra);
    double t0 = now();
    pid_t pid = fork();
    if (pid == 0) {
        dup2(fileno(fi), 0), dup2(fileno(fo), 1), dup2(fileno(fe), 2);
        int p[2];
        if (broken_stdout && pipe(p) == 0) dup2(p[1], 1), close(p[0]), close(p[1]), signal(SIGPIPE, SIG_IGN);
        if (wrapper[0]) execvpe(argv[0], (char *const *)argv, env);
        else execve(CLI, (char *const *)argv, env);
        _exit(127);
    }
    int st = 0;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
    }
    r.secs = now() - t0;
    r.status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    r.out = slurp(fileno(fo), &r.out_len);
    r.err = slurp(fileno(fe), &r.err_len);
    fclose(fi), fclose(fo), fclose(fe);
    free(env);
    return r;
}

#define ARGS(...) ((const char *const[]){__VA_ARGS__, NULL})
#define RUN(...) cli_run(NULL, NULL, 1, ARGS(__VA_ARGS__))      /* against the server */
#define RUN_IN(in, ...) cli_run(in, NULL, 1, ARGS(__VA_ARGS__)) /* with stdin */
#define RUN_BARE(...) cli_run(NULL, NULL, 0, ARGS(__VA_ARGS__)) /* no server options */

#define CHECK_EXIT(r, want) \
    CHECKF((r).status == (want), "exit %d, want %d; stderr: %s", (r).status, (want), (r).err)
#define CHECK_HAS(s, sub) CHECKF(strstr((s), (sub)) != NULL, "\"%s\" not in: %s", (sub), (s))

/* Whether @p text has a line that is @p word. */
static int has_line(const char *text, const char *word) {
    size_t n = strlen(word);
    for (const char *p = text; (p = strstr(p, word)); p++)
        if ((p == text || p[-1] == '\n') && p[n] == '\n') return 1;
    return 0;
}
#define CHECK_WORD(text, word) CHECKF(has_line((text), (word)), "no line \"%s\" in: %s", (word), (text))

/* Whether one line of @p text holds @p a and, after it, @p b. */
static int line_has(const char *text, const char *a, const char *b) {
    for (const char *p = text; (p = strstr(p, a)); p++) {
        const char *eol = strchr(p, '\n'), *q = strstr(p, b);
        if (q && (!eol || q < eol)) return 1;
    }
    return 0;
}
#define CHECK_LINE(text, a, b) CHECKF(line_has((text), (a), (b)), "no line with \"%s\" ... \"%s\" in: %s", (a), (b), (text))

/* The i-th request the server received (release with mock_request_clear). */
static mock_request req(size_t i) {
    mock_request q;
    memset(&q, 0, sizeof q);
    if (mock_server_request(S, i, &q)) q.target = NULL;
    return q;
}

static json_t *req_body(size_t i) {
    mock_request q = req(i);
    json_t *b = q.body_len ? json_loads(q.body, 0, NULL) : NULL;
    mock_request_clear(&q);
    return b;
}

static const char ME[] = "{\"type\":\"admin\",\"id\":\"1\",\"email\":\"a@b.c\",\"undocumented\":[1,2]}";

static void serve(int status, const char *headers, const char *body) {
    mock_response r = MOCK_RESPONSE_INIT;
    r.status = status;
    r.headers = headers;
    r.body = body;
    mock_server_push(S, &r);
}

/* ---------- help and completion ---------- */

static void test_help(void) {
    run r = RUN_BARE("--help");
    CHECK_EXIT(r, 0);
    CHECK_HAS(r.out, "  contacts ");
    CHECK_HAS(r.out, "--base-url URL");
    CHECK_HAS(r.out, "Exit status:");
    CHECK_HAS(r.out, "18  decode error");
    run_free(&r);
    r = RUN_BARE("contacts", "--help");
    CHECK_EXIT(r, 0);
    CHECK_HAS(r.out, "  tags create ");
    CHECK_HAS(r.out, "Add tag to a contact");
    run_free(&r);
    r = RUN_BARE("contacts", "create", "--help");
    CHECK_EXIT(r, 0);
    CHECK_HAS(r.out, "POST /contacts");
    CHECK_HAS(r.out, "--custom-attributes");
    CHECK_LINE(r.out, "--signed-up-at ", " integer ");
    run_free(&r);
    r = RUN_BARE("--token", "x", "conversations", "reply", "create", "-h");
    CHECK_EXIT(r, 0);
    CHECK_LINE(r.out, "--conversation-id ", " string ");
    CHECK_LINE(r.out, "--conversation-id ", " path, required\n");
    CHECK_LINE(r.out, "--message-type ", " comment|note|quick_reply ");
    CHECK_LINE(r.out, "--message-type ", " body, required\n");
    CHECK_LINE(r.out, "--attachment-urls ", " string,... ");
    CHECK_LINE(r.out, "--body ", " body\n");
    run_free(&r);
    r = RUN_BARE("contacts", "list", "--help");
    CHECK_HAS(r.out, "Paginated: --all");
    CHECK_LINE(r.out, "--per-page ", " query\n");
    const char *pp = strstr(r.out, "\n  --per-page "), *doc = pp ? strchr(pp + 1, '\n') : NULL; /* its description, once */
    const char *eol = doc ? strchr(doc + 1, '\n') : NULL, *m = doc ? strstr(doc, "150") : NULL;
    CHECKF(m && m < eol && !(strstr(m + 1, "150") && strstr(m + 1, "150") < eol), "the maximum said once: %s", r.out);
    run_free(&r);
    r = cli_run(NULL, NULL, 0, ARGS(NULL));
    CHECK_EXIT(r, 2);
    CHECK_HAS(r.err, "usage: intercom");
    run_free(&r);
    r = RUN_BARE("nope", "--help");
    CHECK_EXIT(r, 2);
    CHECK_HAS(r.err, "unknown resource \"nope\"");
    run_free(&r);

    /* every operation of the generated table is reachable by its words */
    int n = 0, ok = 0;
    for (const intercom_operation *o; (o = intercom_operations_at((size_t)n)) != NULL; n++) {
        char name[256], *words[12], *save = NULL;
        int k = 0;
        snprintf(name, sizeof name, "%s", o->name);
        for (char *w = strtok_r(name, ".", &save); w && k < 10; w = strtok_r(NULL, ".", &save)) words[k++] = w;
        words[k++] = "--help";
        words[k] = NULL;
        r = cli_run(NULL, NULL, 0, (const char *const *)words);
        char want[512];
        snprintf(want, sizeof want, "%s %s", o->method, o->path);
        int good = r.status == 0 && strstr(r.out, want);
        CHECKF(good, "%s: exit %d, \"%s\" not in the help", o->name, r.status, want);
        ok += good;
        /* the params' type and location columns start at the same column on every line of the page */
        long type_col = -1, where_col = -1;
        for (const char *l = strstr(r.out, "\nParams:\n"); l && (l = strstr(l + 1, "\n  --")) && strncmp(l, "\n  --data @", 11);) {
            const char *end = strchr(l + 1, '\n'), *t = l + 3 + strcspn(l + 3, " "), *w = NULL;
            while (*t == ' ') t++;
            for (const char *const *loc = (const char *const[]){" body", " path", " query", " header", NULL}; *loc; loc++) {
                const char *q = strstr(t, *loc);
                if (q && q < end && (!w || q < w)) w = q;
            }
            CHECKF(w != NULL, "%s: no location in: %.*s", o->name, (int)(end - l - 1), l + 1);
            if (!w) break;
            if (type_col < 0) type_col = t - l, where_col = w - l;
            CHECKF(t - l == type_col && w - l == where_col, "%s: columns not aligned: %.*s", o->name, (int)(end - l - 1), l + 1);
        }
        run_free(&r);
    }
    printf("    help of %d/%d operations\n", ok, n);
    CHECK(n == 232);
}

static void test_completion(void) {
    run r = RUN_BARE("completion", "bash");
    CHECK_EXIT(r, 0);
    CHECK_HAS(r.out, "complete -o default -F _intercom intercom");
    run_free(&r);
    r = RUN_BARE("completion", "zsh");
    CHECK_EXIT(r, 0);
    CHECK_HAS(r.out, "compdef _intercom intercom");
    run_free(&r);
    r = RUN_BARE("completion", "fish");
    CHECK_EXIT(r, 2);
    run_free(&r);
    r = RUN_BARE("__complete");
    CHECK_HAS(r.out, "\ncontacts\n");
    CHECK_HAS(r.out, "\n--token\n");
    run_free(&r);
    r = RUN_BARE("__complete", "--environment", "eu", "contacts");
    CHECK_HAS(r.out, "\ncreate\n");
    CHECK_HAS(r.out, "\ntags\n");
    CHECKF(!strstr(r.out, "\ntags\ntags\n"), "%s", "segments listed once");
    run_free(&r);
    r = RUN_BARE("__complete", "contacts", "create");
    CHECK_HAS(r.out, "--email\n");
    CHECK_HAS(r.out, "--custom-attributes\n");
    run_free(&r);
    r = RUN_BARE("__complete", "conversations", "reply", "create", "--message-type");
    CHECK_HAS(r.out, "comment\nnote\n");
    run_free(&r);
    r = RUN_BARE("__complete", "me", "retrieve", "--format");
    CHECK_STR(r.out, "json\npretty\n"); /* one per line: zsh takes a line as one candidate */
    run_free(&r);
    /* --null FIELD: the method's nullable params, as --null takes them */
    r = RUN_BARE("__complete", "contacts", "update", "--contact-id", "c1", "--null");
    CHECK_WORD(r.out, "custom-attributes");
    CHECKF(!has_line(r.out, "email") && !strstr(r.out, "--"), "not nullable, or a flag, offered: %s", r.out);
    run_free(&r);
    r = RUN_BARE("__complete", "--null");
    CHECK_STR(r.out, "");
    run_free(&r);
    r = RUN_BARE("__complete", "webhooks", "listen", "--port");
    CHECK_STR(r.out, ""); /* a value */
    run_free(&r);
    /* api METHOD PATH: --query and every global option (which all apply to api); after --query, its value */
    r = RUN_BARE("__complete", "api", "GET", "/contacts");
    CHECK_WORD(r.out, "--query");
    CHECK_WORD(r.out, "--verbose");
    CHECK_WORD(r.out, "--data");
    CHECKF(!has_line(r.out, "GET") && !has_line(r.out, "contacts"), "a method or resource offered: %s", r.out);
    run_free(&r);
    r = RUN_BARE("__complete", "api", "POST", "/tags", "--data", "{}", "--query");
    CHECK_STR(r.out, "");
    run_free(&r);
    r = RUN_BARE("__complete", "api");
    CHECK_WORD(r.out, "PATCH");
    CHECKF(!strstr(r.out, "--"), "a flag before METHOD: %s", r.out);
    run_free(&r);

    /* one table (cli/extras.h): every command offered; each subcommand's flags completed (nothing else) and
     * in its help as --NAME METAVAR */
    run top = RUN_BARE("__complete");
    for (const ic_cli_command *c = IC_CLI_COMMANDS; c->name; c++) {
        CHECK_WORD(top.out, c->name);
        run sr = RUN_BARE("__complete", c->name), help = RUN_BARE("help", c->name);
        for (const ic_cli_flag *f = c->flags; f->name; f++) {
            char want[128];
            snprintf(want, sizeof want, "--%s %s", f->name, f->metavar);
            CHECKF(strstr(help.out, want) != NULL, "%s: \"%s\" not in its help: %s", c->name, want, help.out);
        }
        for (const ic_cli_sub *sub = c->subs; sub->name; sub++) {
            CHECK_WORD(sr.out, sub->name);
            if (!sub->flags[0].name) continue;
            run fr = RUN_BARE("__complete", c->name, sub->name);
            int n = 0;
            for (const ic_cli_flag *f = sub->flags; f->name; f++, n++) {
                char want[128];
                snprintf(want, sizeof want, "--%s", f->name);
                CHECK_WORD(fr.out, want);
                snprintf(want, sizeof want, "--%s %s", f->name, f->metavar);
                CHECKF(strstr(help.out, want) != NULL, "%s %s: \"%s\" not in its help: %s", c->name, sub->name, want, help.out);
            }
            size_t lines = 0;
            for (const char *p = fr.out; *p; p++) lines += *p == '\n';
            CHECKF(lines == (size_t)n, "%s %s: %zu words offered, %d flags: %s", c->name, sub->name, lines, n, fr.out);
            run_free(&fr);
        }
        run_free(&sr);
        run_free(&help);
    }
    run_free(&top);

    /* the bash script, sourced by bash, completes through the binary */
    if (access("/bin/bash", X_OK) == 0) {
        char cmd[4096];
        snprintf(cmd, sizeof cmd,
                 "/bin/bash -c 'source <(\"%s\" completion bash); COMP_LINE=\"%s conversations rep\"; COMP_POINT=${#COMP_LINE}; "
                 "_intercom; echo \"${COMPREPLY[*]}\"; COMP_LINE=\"%s contacts create --custom-a\"; COMP_POINT=${#COMP_LINE}; "
                 "_intercom; echo \"${COMPREPLY[*]}\"'",
                 CLI, CLI, CLI);
        FILE *p = popen(cmd, "r");
        char line1[256] = "", line2[256] = "";
        if (p) {
            if (!fgets(line1, sizeof line1, p)) line1[0] = '\0';
            if (!fgets(line2, sizeof line2, p)) line2[0] = '\0';
            pclose(p);
        }
        CHECK_STR(line1, "reply\n");
        CHECK_STR(line2, "--custom-attributes\n");
    }
}

/* ---------- success, output ---------- */

static void test_success(void) {
    mock_server_reset(S);
    serve(200, "Content-Type: application/json\r\n", ME);
    run r = RUN("me", "retrieve");
    CHECK_EXIT(r, 0);
    CHECK_STR(r.out, "{\"type\":\"admin\",\"id\":\"1\",\"email\":\"a@b.c\",\"undocumented\":[1,2]}\n");
    CHECK_STR(r.err, "");
    run_free(&r);
    mock_request q = req(0);
    CHECK_STR(q.method, "GET");
    CHECK_STR(q.target, "/me");
    CHECK_STR(mock_request_header(&q, "Authorization"), "Bearer test");
    CHECK_STR(mock_request_header(&q, "Intercom-Version"), INTERCOM_DEFAULT_API_VERSION);
    mock_request_clear(&q);

    serve(200, NULL, ME);
    r = RUN("--api-version", "2.14", "--format", "pretty", "me", "retrieve");
    CHECK_EXIT(r, 0);
    CHECK_HAS(r.out, "{\n  \"type\": \"admin\",\n  \"id\": \"1\",");
    CHECK_HAS(r.out, "\"undocumented\": [");
    run_free(&r);
    q = req(1);
    CHECK_STR(mock_request_header(&q, "Intercom-Version"), "2.14");
    mock_request_clear(&q);

    /* the token and the base URL from the environment */
    char url[128];
    snprintf(url, sizeof url, "INTERCOM_BASE_URL=%s", mock_server_url(S));
    serve(200, NULL, ME);
    r = cli_run(NULL, ARGS(url, "INTERCOM_TEST_1_BEARER_TOKEN=from-env"), 0, ARGS("me", "retrieve"));
    CHECK_EXIT(r, 0);
    run_free(&r);
    q = req(2);
    CHECK_STR(mock_request_header(&q, "Authorization"), "Bearer from-env");
    mock_request_clear(&q);

    /* an empty body (a 200 with no JSON body declared) prints nothing */
    serve(200, NULL, "");
    r = RUN("ai", "content_import_sources", "delete", "--source-id", "s1");
    CHECK_EXIT(r, 0);
    CHECK(r.out_len == 0);
    run_free(&r);
    q = req(3);
    CHECK_STR(q.method, "DELETE");
    CHECK_STR(q.target, "/ai/content_import_sources/s1");
    mock_request_clear(&q);
    CHECK(mock_server_request_count(S) == 4);
}

static void test_raw_bodies(void) {
    mock_server_reset(S);
    /* --raw: the status line and headers on stderr, the body on stdout */
    serve(200, "X-Custom: yes\r\nContent-Type: application/json\r\n", ME);
    run r = RUN("--raw", "me", "retrieve");
    CHECK_EXIT(r, 0);
    CHECK(!strncmp(r.err, "HTTP/1.1 200\n", 13));
    CHECK_HAS(r.err, "\nX-Custom: yes\n");
    CHECK_HAS(r.out, "\"id\":\"1\"");
    run_free(&r);
    serve(404, "X-Custom: no\r\n", "{\"type\":\"error.list\",\"errors\":[{\"code\":\"not_found\",\"message\":\"Nope\"}]}");
    r = RUN("me", "retrieve", "--raw");
    CHECK_EXIT(r, 13);
    CHECK(!strncmp(r.err, "HTTP/1.1 404\n", 13));
    CHECK_HAS(r.err, "\nX-Custom: no\n");
    CHECK_HAS(r.err, "\nintercom: not found (HTTP 404): not_found: Nope\n");
    run_free(&r);

    /* binary download: the bytes as received, nothing added */
    static const char bin[] = "PK\x03\x04\x00\xff\n\x01";
    mock_response resp = MOCK_RESPONSE_INIT;
    resp.headers = "Content-Type: application/octet-stream\r\n";
    resp.body = bin;
    resp.body_len = sizeof bin - 1;
    mock_server_push(S, &resp);
    r = RUN("download", "content", "data", "retrieve", "--job-identifier", "j1");
    CHECK_EXIT(r, 0);
    CHECK(r.out_len == sizeof bin - 1 && !memcmp(r.out, bin, sizeof bin - 1));
    run_free(&r);
    mock_request q = req(2);
    CHECK_STR(q.target, "/download/content/data/j1");
    CHECK_STR(mock_request_header(&q, "Accept"), "application/octet-stream");
    mock_request_clear(&q);

    /* text/plain transcript */
    serve(200, "Content-Type: text/plain\r\n", "Agent: hello\nCustomer: hi");
    r = RUN("--format", "pretty", "calls", "transcript", "retrieve", "--call-id", "c1");
    CHECK_EXIT(r, 0);
    CHECK_STR(r.out, "Agent: hello\nCustomer: hi");
    run_free(&r);
}

/* ---------- exit statuses ---------- */

static void test_exit_statuses(void) {
    static const struct {
        int status, exit;
        const char *line;
    } cases[] = {
        {400, 10, "intercom: bad request (HTTP 400): parameter_invalid: Bad thing (request id r1)\n"},
        {401, 11, "intercom: authentication error (HTTP 401): unauthorized: Access Token Invalid (request id r1)\n"},
        {403, 12, "intercom: permission denied (HTTP 403): forbidden: No (request id r1)\n"},
        {404, 13, "intercom: not found (HTTP 404): not_found: Contact Not Found (request id r1)\n"},
        {422, 14, "intercom: unprocessable entity (HTTP 422): conflict: Exists (request id r1)\n"},
        {429, 15, "intercom: rate limit (HTTP 429): rate_limit_exceeded: Slow down (request id r1)\n"},
        {500, 16, "intercom: server error (HTTP 500): server_error: Boom (request id r1)\n"},
        {503, 16, "intercom: server error (HTTP 503): service_unavailable: Later (request id r1)\n"},
        {418, 17, "intercom: unexpected status (HTTP 418): teapot: Short and stout (request id r1)\n"},
        {302, 17, NULL},
    };
    static const char *const bodies[] = {
        "parameter_invalid\",\"message\":\"Bad thing",   "unauthorized\",\"message\":\"Access Token Invalid",
        "forbidden\",\"message\":\"No",                   "not_found\",\"message\":\"Contact Not Found",
        "conflict\",\"message\":\"Exists",                "rate_limit_exceeded\",\"message\":\"Slow down",
        "server_error\",\"message\":\"Boom",              "service_unavailable\",\"message\":\"Later",
        "teapot\",\"message\":\"Short and\\nstout",       "found\",\"message\":\"Elsewhere"};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        mock_server_reset(S);
        char body[256];
        snprintf(body, sizeof body, "{\"type\":\"error.list\",\"request_id\":\"r1\",\"errors\":[{\"code\":\"%s\"}]}", bodies[i]);
        serve(cases[i].status, cases[i].status == 302 ? "Location: https://elsewhere.example/\r\n" : NULL, body);
        run r = RUN("contacts", "retrieve", "--contact-id", "c1");
        CHECKF(r.status == cases[i].exit, "HTTP %d: exit %d, want %d (%s)", cases[i].status, r.status, cases[i].exit, r.err);
        if (cases[i].line) CHECK_STR(r.err, cases[i].line);
        CHECK(r.out_len == 0);
        CHECK(mock_server_request_count(S) == 1);
        run_free(&r);
    }

    /* 18: a 2xx body that is not the JSON the operation returns */
    mock_server_reset(S);
    serve(200, NULL, "{\"type\":\"admin\",\"id\":");
    run r = RUN("me", "retrieve");
    CHECK_EXIT(r, 18);
    CHECK_STR(r.err, "intercom: decode error (HTTP 200): invalid JSON: parse error: premature EOF (body: {\"type\":\"admin\",\"id\":)\n"); /* why, on one line, and the body */
    CHECK(r.out_len == 0);
    run_free(&r);
    mock_server_reset(S);
    serve(200, "X-Request-Id: r18\r\n", "[{\"type\":\"admin\"}]");
    r = RUN("me", "retrieve");
    CHECK_EXIT(r, 18);
    CHECK_STR(r.err, "intercom: decode error (HTTP 200): expected a JSON object, got an array (body: [{\"type\":\"admin\"}]) (request id r18)\n");
    run_free(&r);

    /* 3: nothing listens */
    mock_server *gone = mock_server_start();
    char url[64];
    snprintf(url, sizeof url, "%s", mock_server_url(gone));
    mock_server_stop(gone);
    r = RUN_BARE("--base-url", url, "--token", "t", "--max-retries", "0", "me", "retrieve");
    CHECK_EXIT(r, 3);
    CHECK(!strncmp(r.err, "intercom: connection error: ", 28));
    run_free(&r);

    /* 4: the answer comes after the timeout */
    mock_server_reset(S);
    mock_response slow = MOCK_RESPONSE_INIT;
    slow.body = ME;
    slow.delay_headers_ms = 3000;
    mock_server_push(S, &slow);
    r = RUN("--timeout", "0.2", "me", "retrieve");
    CHECK_EXIT(r, 4);
    CHECK(!strncmp(r.err, "intercom: timeout: ", 19));
    CHECKF(r.secs < 2.5 * time_factor, "took %.2fs", r.secs);
    run_free(&r);

    /* retries apply: one 503, then the answer */
    mock_server_reset(S);
    serve(503, "retry-after-ms: 10\r\n", "{}");
    serve(200, NULL, ME);
    r = RUN("--max-retries", "1", "me", "retrieve");
    CHECK_EXIT(r, 0);
    CHECK(mock_server_request_count(S) == 2);
    run_free(&r);
}

/* ---------- params ---------- */

static void test_data(void) {
    mock_server_reset(S);
    mock_response ok = MOCK_RESPONSE_INIT;
    ok.body = "{\"type\":\"contact\",\"id\":\"c1\"}";
    mock_server_set_default(S, &ok);
    const char *in = "{\"email\":\"a@b.c\",\"custom_attributes\":{\"plan\":\"pro\",\"seats\":3},\"signed_up_at\":1700000000}";
    json_t *want = json_loads(in, 0, NULL);

    run r = RUN_IN(in, "contacts", "create", "--data", "-");
    CHECK_EXIT(r, 0);
    CHECK_STR(r.out, "{\"type\":\"contact\",\"id\":\"c1\"}\n");
    run_free(&r);
    mock_request q = req(0);
    CHECK_STR(q.method, "POST");
    CHECK_STR(q.target, "/contacts");
    mock_request_clear(&q);
    json_t *b = req_body(0);
    CHECK(json_equal(b, want));
    json_decref(b);

    /* flags override the keys of --data */
    r = RUN_IN(in, "contacts", "create", "--data=-", "--email", "x@y.z", "--role", "lead");
    CHECK_EXIT(r, 0);
    run_free(&r);
    b = req_body(1);
    CHECK_STR(json_string_value(json_object_get(b, "email")), "x@y.z");
    CHECK_STR(json_string_value(json_object_get(b, "role")), "lead");
    CHECK(json_equal(json_object_get(b, "custom_attributes"), json_object_get(want, "custom_attributes")));
    json_decref(b);

    /* from a file, and as the argument */
    char path[] = "/tmp/test_cli_XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0 && write(fd, in, strlen(in)) == (ssize_t)strlen(in));
    close(fd);
    char arg[64];
    snprintf(arg, sizeof arg, "@%s", path);
    r = RUN("contacts", "create", "--data", arg);
    CHECK_EXIT(r, 0);
    run_free(&r);
    unlink(path);
    b = req_body(2);
    CHECK(json_equal(b, want));
    json_decref(b);
    r = RUN("contacts", "retrieve", "--data", "{\"contact_id\":\"a/b\"}");
    CHECK_EXIT(r, 0);
    run_free(&r);
    q = req(3);
    CHECK_STR(q.target, "/contacts/a%2Fb");
    mock_request_clear(&q);
    json_decref(want);
    CHECK(mock_server_request_count(S) == 4);
}

static void test_flags(void) {
    mock_server_reset(S);
    mock_response ok = MOCK_RESPONSE_INIT;
    ok.body = "{\"type\":\"list\",\"data\":[]}";
    mock_server_set_default(S, &ok);

    /* scalars by kind, int64 at both ends, JSON values, a bare boolean, the underscore form */
    run r = RUN("contacts", "create", "--email", "a@b.c", "--custom-attributes", "{\"plan\":\"pro\"}", "--signed-up-at",
                "9223372036854775807", "--last_seen_at=-9223372036854775808", "--email-verified", "--unsubscribed-from-emails",
                "false");
    CHECK_EXIT(r, 0);
    run_free(&r);
    json_t *b = req_body(0);
    CHECK_STR(json_string_value(json_object_get(b, "email")), "a@b.c");
    CHECK_STR(json_string_value(json_object_get(json_object_get(b, "custom_attributes"), "plan")), "pro");
    CHECK(json_integer_value(json_object_get(b, "signed_up_at")) == INT64_MAX);
    CHECK(json_integer_value(json_object_get(b, "last_seen_at")) == INT64_MIN);
    CHECK(json_is_true(json_object_get(b, "email_verified")));
    CHECK(json_is_false(json_object_get(b, "unsubscribed_from_emails")));
    CHECK(json_object_size(b) == 6);
    json_decref(b);

    /* query parameters */
    r = RUN("contacts", "list", "--per-page", "50", "--starting_after", "abc", "--include-merge-history=true");
    CHECK_EXIT(r, 0);
    run_free(&r);
    mock_request q = req(1);
    CHECK_STR(q.method, "GET");
    CHECK(!strncmp(q.target, "/contacts?", 10));
    CHECK_HAS(q.target, "per_page=50");
    CHECK_HAS(q.target, "starting_after=abc");
    CHECK_HAS(q.target, "include_merge_history=true");
    CHECK(q.body_len == 0);
    mock_request_clear(&q);

    /* arrays: comma-separated, repeated, a JSON array */
    r = RUN("admins", "activity_logs", "search", "--created-at-after", "1", "--event-types", "app_name_change,message_state_change",
            "--event-types", "admin_away_mode_change", "--event-types", "[\"a,b\"]");
    CHECK_EXIT(r, 0);
    run_free(&r);
    b = req_body(2);
    json_t *want = json_loads("[\"app_name_change\",\"message_state_change\",\"admin_away_mode_change\",\"a,b\"]", 0, NULL);
    CHECK(json_equal(json_object_get(b, "event_types"), want));
    CHECK(json_integer_value(json_object_get(b, "created_at_after")) == 1);
    json_decref(want);
    json_decref(b);

    /* the issue's example: path parameter, enums, strings */
    r = RUN("conversations", "reply", "create", "--conversation-id", "123", "--message-type", "comment", "--type", "admin",
            "--admin-id", "1", "--body", "hi");
    CHECK_EXIT(r, 0);
    run_free(&r);
    q = req(3);
    CHECK_STR(q.method, "POST");
    CHECK_STR(q.target, "/conversations/123/reply");
    mock_request_clear(&q);
    b = req_body(3);
    want = json_loads("{\"message_type\":\"comment\",\"type\":\"admin\",\"admin_id\":\"1\",\"body\":\"hi\"}", 0, NULL);
    CHECK(json_equal(b, want));
    json_decref(want);
    json_decref(b);

    /* a field named like a global option: --param-<name> */
    r = RUN("fin_voice", "register", "--phone-number", "+1555", "--call-id", "c1", "--source", "aws_connect", "--param-data",
            "{\"k\":[1,2]}");
    CHECK_EXIT(r, 0);
    run_free(&r);
    b = req_body(4);
    CHECK(json_integer_value(json_array_get(json_object_get(json_object_get(b, "data"), "k"), 1)) == 2);
    json_decref(b);
    CHECK(mock_server_request_count(S) == 5);
}

/* Usage errors: exit 2, a message naming the flag, and nothing sent. */
static void test_usage_errors(void) {
    mock_server_reset(S);
    static const struct {
        const char *args[12];
        const char *in, *named;
    } cases[] = {
        {{"contacts", "create", "--nope", "1"}, NULL, "--nope"},
        {{"contacts", "retrieve"}, NULL, "--contact-id"},
        {{"conversations", "reply", "create", "--conversation-id", "1", "--type", "admin"}, NULL, "--message-type"},
        {{"contacts", "create", "--custom-attributes", "{bad"}, NULL, "--custom-attributes"},
        {{"contacts", "create", "--data", "{\"custom_attributes\": {\"a\": }}"}, NULL, "--data"},
        {{"contacts", "create", "--data", "-"}, "{\"email\": ", "--data"},
        {{"contacts", "create", "--data", "[1]"}, NULL, "--data"},
        {{"contacts", "create", "--data", "@/nonexistent/body.json"}, NULL, "/nonexistent/body.json"},
        {{"contacts", "create", "--data", "{\"bogus\":1}"}, NULL, "\"bogus\""},
        {{"contacts", "create", "--data", "{\"email\":5}"}, NULL, "--email"},
        {{"contacts", "list", "--per-page", "abc"}, NULL, "--per-page"},
        {{"contacts", "list", "--per-page", "99999999999999999999"}, NULL, "--per-page"},
        {{"contacts", "create", "--email-verified=maybe"}, NULL, "--email-verified"},
        {{"conversations", "reply", "create", "--message-type", "shout"}, NULL, "--message-type"},
        {{"contacts", "create", "--email"}, NULL, "--email"},
        {{"contacts", "create", "extra"}, NULL, "\"extra\""},
        {{"nope", "list"}, NULL, "nope list"},
        {{"contacts"}, NULL, "contacts"},
        {{"contacts", "--email", "x"}, NULL, "contacts"},
        {{"--bogus", "me", "retrieve"}, NULL, "--bogus"},
        {{"me", "retrieve", "--timeout", "soon"}, NULL, "--timeout"},
        {{"me", "retrieve", "--max-retries", "-1"}, NULL, "--max-retries"},
        {{"me", "retrieve", "--format", "xml"}, NULL, "--format"},
        {{"me", "retrieve", "--raw=yes"}, NULL, "--raw"},
        {{"me", "retrieve", "--environment", "mars"}, NULL, "mars"},
        {{"me", "retrieve", "--data", "{\"x\":1}"}, NULL, "\"x\""},
        {{"me", "retrieve", "--all"}, NULL, "me.retrieve"},
        {{"contacts", "list", "--all", "--per-page", "1000"}, NULL, "--per-page"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        run r = cli_run(cases[i].in, NULL, 1, cases[i].args);
        CHECKF(r.status == 2, "case %zu (%s %s ...): exit %d: %s", i, cases[i].args[0], cases[i].args[1] ? cases[i].args[1] : "",
               r.status, r.err);
        CHECKF(strstr(r.err, cases[i].named) != NULL, "case %zu: \"%s\" not named in: %s", i, cases[i].named, r.err);
        CHECKF(!strncmp(r.err, "intercom: ", 10) && strchr(r.err, '\n') == r.err + r.err_len - 1, "case %zu: not one line: %s", i,
               r.err);
        CHECK(r.out_len == 0);
        run_free(&r);
    }
    /* no token anywhere */
    run r = cli_run(NULL, NULL, 0, ARGS("--base-url", mock_server_url(S), "me", "retrieve"));
    CHECK_EXIT(r, 2);
    CHECK_HAS(r.err, "INTERCOM_TEST_1_BEARER_TOKEN");
    run_free(&r);
    /* an empty --token: the CLI's words, not the library's (which speak of its options struct), even with
     * the variable set */
    r = cli_run(NULL, ARGS("INTERCOM_TEST_1_BEARER_TOKEN=env-token"), 0,
                ARGS("--base-url", mock_server_url(S), "--token", "", "me", "retrieve"));
    CHECK_EXIT(r, 2);
    CHECK_STR(r.err, "intercom: --token is empty\n");
    run_free(&r);
    r = RUN_BARE("--token=", "me", "retrieve");
    CHECK_EXIT(r, 2);
    CHECK_STR(r.err, "intercom: --token is empty\n");
    run_free(&r);
    CHECKF(mock_server_request_count(S) == 0, "%zu requests received", mock_server_request_count(S));
}

/* ---------- --all ---------- */

#define PAGES 205
static int fail_page; /* answer 500 for this page (0: none) */

/* GET /contacts: page n (0-based) is asked with starting_after=c<n>; two items each; the last
 * page has no next cursor. */
static void pages_handler(const mock_request *q, mock_response *r, void *payload) {
    (void)payload;
    static _Thread_local char buf[1024];
    const char *c = strstr(q->target, "starting_after=c");
    int n = c ? atoi(c + 16) : 0;
    if (!c && q->body && (c = strstr(q->body, "\"starting_after\":\"c"))) n = atoi(c + 19); /* a search: in the body */
    if (n == fail_page && fail_page) {
        r->status = 500;
        r->headers = "x-should-retry: false\r\n";
        r->body = "{\"type\":\"error.list\",\"errors\":[{\"code\":\"server_error\",\"message\":\"page failed\"}]}";
        return;
    }
    int l = snprintf(buf, sizeof buf,
                     "{\"type\":\"list\",\"data\":[{\"type\":\"contact\",\"id\":\"p%da\",\"x_undocumented\":%d},"
                     "{\"type\":\"contact\",\"id\":\"p%db\"}],\"total_count\":%d,\"pages\":{\"type\":\"pages\",\"page\":%d,"
                     "\"per_page\":2,\"total_pages\":%d",
                     n, n, n, 2 * PAGES, n + 1, PAGES);
    if (n + 1 < PAGES) l += snprintf(buf + l, sizeof buf - (size_t)l, ",\"next\":{\"per_page\":2,\"starting_after\":\"c%d\"}", n + 1);
    snprintf(buf + l, sizeof buf - (size_t)l, "}}");
    r->body = buf;
}

static void test_all(void) {
    mock_server_reset(S);
    mock_server_set_handler(S, pages_handler, NULL);
    fail_page = 0;
    run r = RUN("contacts", "list", "--all", "--per-page", "2");
    CHECK_EXIT(r, 0);
    CHECK_STR(r.err, ""); /* not a terminal: no progress line */
    size_t reqs = mock_server_request_count(S);
    CHECKF(reqs == PAGES, "%zu requests", reqs);
    /* the cursor on the wire: request n carries page n-1's next cursor, the first none */
    int cursors_ok = 0;
    for (size_t i = 0; i < reqs; i++) {
        mock_request q = req(i);
        const char *c = q.target ? strstr(q.target, "starting_after=") : NULL;
        char want[32];
        snprintf(want, sizeof want, "c%zu", i);
        size_t len = c ? strcspn(c + 15, "&") : 0;
        cursors_ok += i == 0 ? c == NULL : (c && len == strlen(want) && !strncmp(c + 15, want, len));
        mock_request_clear(&q);
    }
    CHECKF(cursors_ok == PAGES, "%d/%d requests carried the previous page's cursor", cursors_ok, PAGES);
    /* every item once, in order, one compact JSON per line, undocumented fields kept */
    int lines = 0, in_order = 0;
    for (char *save = NULL, *line = strtok_r(r.out, "\n", &save); line; line = strtok_r(NULL, "\n", &save), lines++) {
        char want[64];
        snprintf(want, sizeof want, "{\"type\":\"contact\",\"id\":\"p%d%c\"", lines / 2, lines % 2 ? 'b' : 'a');
        in_order += !strncmp(line, want, strlen(want)) && (lines % 2 || strstr(line, "\"x_undocumented\":"));
    }
    CHECKF(lines == 2 * PAGES && in_order == lines, "%d lines, %d as expected", lines, in_order);
    run_free(&r);

    /* an error on page 4: pages 1..3 printed, then the error and its status */
    mock_server_reset(S);
    fail_page = 3;
    r = RUN("contacts", "list", "--all");
    CHECK_EXIT(r, 16);
    size_t n = 0;
    for (const char *p = r.out; (p = strchr(p, '\n')); p++) n++;
    CHECKF(n == 6, "%zu lines before the error", n);
    CHECK_STR(r.err, "intercom: server error (HTTP 500): server_error: page failed\n");
    CHECK(mock_server_request_count(S) == 4);
    run_free(&r);
    fail_page = 0;

    /* on a terminal (stdout and stderr), a progress line on stderr */
    mock_server_reset(S);
    int master = -1;
    pid_t pid = forkpty(&master, NULL, NULL, NULL);
    if (pid == 0) {
        execl(CLI, CLI, "--base-url", mock_server_url(S), "--token", "t", "contacts", "list", "--all", (char *)NULL);
        _exit(127);
    }
    ic_test_buf tty = {0};
    char chunk[4096];
    ssize_t got;
    while ((got = read(master, chunk, sizeof chunk)) > 0 || (got < 0 && errno == EINTR))
        if (got > 0) ic_test_buf_add(&tty, chunk, (size_t)got);
    int st = 0;
    waitpid(pid, &st, 0);
    close(master);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    CHECKF(tty.data && strstr(tty.data, "205 pages, 410 items"), "%s", "no progress line on the terminal");
    free(tty.data);
    mock_server_set_handler(S, NULL, NULL);
}

/* ---------- intercom api, -H, -o, --verbose, --null, help, did you mean, request ids ---------- */

static void test_api(void) {
    mock_server_reset(S);
    serve(200, NULL, ME);
    run r = RUN("api", "get", "/me", "--query", "a=b", "--query=c=d&e", "-H", "X-One: 1");
    CHECK_EXIT(r, 0);
    CHECK_STR(r.out, "{\"type\":\"admin\",\"id\":\"1\",\"email\":\"a@b.c\",\"undocumented\":[1,2]}\n");
    run_free(&r);
    mock_request q = req(0);
    CHECK_STR(q.method, "GET");
    CHECK_STR(q.target, "/me?a=b&c=d%26e");
    CHECK_STR(mock_request_header(&q, "X-One"), "1");
    CHECK_STR(mock_request_header(&q, "Authorization"), "Bearer test");
    CHECK_STR(mock_request_header(&q, "Intercom-Version"), INTERCOM_DEFAULT_API_VERSION);
    mock_request_clear(&q);
    /* a body from stdin, every client option (--api-version, --raw, --format) */
    serve(200, "X-Request-Id: rid-9\r\n", "{\"ok\":true}");
    r = RUN_IN("{\"email\":\"a@b.c\",\"n\":[1,null]}", "--api-version", "2.14", "--raw", "--format", "pretty", "api", "POST",
               "/contacts/x%2Fy", "--data", "-");
    CHECK_EXIT(r, 0);
    CHECK_STR(r.out, "{\n  \"ok\": true\n}\n");
    CHECK_HAS(r.err, "HTTP/1.1 200\n");
    run_free(&r);
    q = req(1);
    CHECK_STR(q.method, "POST");
    CHECK_STR(q.target, "/contacts/x%2Fy");
    CHECK_STR(q.body, "{\"email\":\"a@b.c\",\"n\":[1,null]}");
    CHECK_STR(mock_request_header(&q, "Intercom-Version"), "2.14");
    mock_request_clear(&q);
    /* an error answer: the exit status of its class and the request id */
    serve(404, "X-Request-Id: rid-404\r\n", "{\"type\":\"error.list\",\"errors\":[{\"code\":\"not_found\",\"message\":\"Nope\"}]}");
    r = RUN("api", "DELETE", "/tags/1");
    CHECK_EXIT(r, 13);
    CHECK_STR(r.err, "intercom: not found (HTTP 404): not_found: Nope (request id rid-404)\n");
    run_free(&r);
    CHECK(mock_server_request_count(S) == 3);
    /* usage errors: nothing sent */
    static const struct {
        const char *args[8];
        const char *named;
    } bad[] = {
        {{"api"}, "METHOD and PATH"},
        {{"api", "GET"}, "METHOD and PATH"},
        {{"api", "FETCH", "/me"}, "\"FETCH\""},
        {{"api", "GET", "me"}, "must start with /"},
        {{"api", "GET", "/me", "extra"}, "\"extra\""},
        {{"api", "GET", "/me", "--query", "novalue"}, "--query"},
        {{"api", "GET", "/me", "--qurey", "a=b"}, "did you mean \"--query\""},
        {{"api", "POST", "/me", "--data", "{bad"}, "--data"},
        {{"api", "GET", "/me", "--all"}, "--all"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        r = cli_run(NULL, NULL, 1, bad[i].args);
        CHECKF(r.status == 2, "api case %zu: exit %d: %s", i, r.status, r.err);
        CHECKF(strstr(r.err, bad[i].named) != NULL, "api case %zu: \"%s\" not in: %s", i, bad[i].named, r.err);
        run_free(&r);
    }
    CHECK(mock_server_request_count(S) == 3);
    r = RUN_BARE("help", "api");
    CHECK_EXIT(r, 0);
    CHECK_HAS(r.out, "intercom [global options] api <METHOD> <PATH>");
    run_free(&r);
    r = RUN_BARE("api", "--help");
    CHECK_EXIT(r, 0);
    CHECK_HAS(r.out, "--query NAME=VALUE");
    run_free(&r);
    /* an answer without a body (HEAD): the status said once */
    serve(405, "X-Request-Id: rid-405\r\n", NULL);
    r = RUN("api", "HEAD", "/me");
    CHECK_EXIT(r, 17);
    CHECK_STR(r.err, "intercom: unexpected status (HTTP 405) (request id rid-405)\n");
    run_free(&r);
    serve(404, NULL, NULL);
    r = RUN("api", "GET", "/nothing");
    CHECK_EXIT(r, 13);
    CHECK_STR(r.err, "intercom: not found (HTTP 404)\n");
    run_free(&r);
}

/* calls recording retrieve: its documented answer is a 302 to the recording, whose URL is the output */
static void test_redirect(void) {
    static const char LOC[] = "https://recordings.example.com/r/c1.mp3?sig=a%2Fb&exp=9";
    char hdr[200];
    snprintf(hdr, sizeof hdr, "Location: %s\r\n", LOC);
    mock_server_reset(S);
    serve(302, hdr, NULL);
    run r = RUN("calls", "recording", "retrieve", "--call-id", "c1");
    CHECK_EXIT(r, 0);
    CHECK_STR(r.out, "https://recordings.example.com/r/c1.mp3?sig=a%2Fb&exp=9\n");
    CHECK_STR(r.err, "");
    run_free(&r);
    mock_request q = req(0);
    CHECK_STR(q.method, "GET");
    CHECK_STR(q.target, "/calls/c1/recording");
    mock_request_clear(&q);
    CHECK(mock_server_request_count(S) == 1); /* not followed */
    /* the Preview's, with --raw (the head on stderr) */
    serve(302, hdr, NULL);
    r = RUN("--raw", "preview", "calls", "recording", "retrieve", "--id", "c2");
    CHECK_EXIT(r, 0);
    CHECK_STR(r.out, "https://recordings.example.com/r/c1.mp3?sig=a%2Fb&exp=9\n");
    CHECK_HAS(r.err, "HTTP/1.1 302\n");
    run_free(&r);
    /* its errors, and another operation's 302, as before */
    serve(404, NULL, "{\"type\":\"error.list\",\"errors\":[{\"code\":\"not_found\",\"message\":\"Recording Not Found\"}]}");
    r = RUN("calls", "recording", "retrieve", "--call-id", "c3");
    CHECK_EXIT(r, 13);
    CHECK_STR(r.err, "intercom: not found (HTTP 404): not_found: Recording Not Found\n");
    CHECK_STR(r.out, "");
    run_free(&r);
    serve(302, hdr, NULL);
    r = RUN("me", "retrieve");
    CHECK_EXIT(r, 17);
    CHECK_HAS(r.err, "redirect to https://recordings.example.com/");
    CHECK_STR(r.out, "");
    run_free(&r);
    r = RUN_BARE("help", "calls", "recording", "retrieve");
    CHECK_HAS(r.out, "Answers with a redirect, as documented: its Location is printed on stdout (exit 0)");
    run_free(&r);
}

/* webhooks, identity, oauth (cli/extras.c): the messages of the fresh-user review */
static void test_extras(void) {
    static const char *const ports[] = {"99999", "65536", "-1", "http"};
    for (size_t i = 0; i < sizeof ports / sizeof *ports; i++) {
        run r = cli_run(NULL, ARGS("INTERCOM_CLIENT_SECRET=s"), 0, ARGS("webhooks", "listen", "--port", ports[i]));
        CHECK_EXIT(r, 2);
        char want[128];
        snprintf(want, sizeof want, "intercom: --port must be 1-65535 (or 0: any free port), got \"%s\"\n", ports[i]);
        CHECK_STR(r.err, want);
        run_free(&r);
    }
    /* oauth exchange: a failure worded as every command's (here: the same answer to me retrieve) */
    static const char BODY[] = "{\"type\":\"error.list\",\"errors\":[{\"code\":\"not_found\",\"message\":\"No such app\"}]}";
    mock_server_reset(S);
    serve(404, "X-Request-Id: rid-o1\r\n", BODY);
    run r = cli_run(NULL, ARGS("INTERCOM_CLIENT_SECRET=s"), 0,
                    ARGS("oauth", "exchange", "--code", "c", "--client-id", "i", "--base-url", mock_server_url(S), "--max-retries", "0"));
    CHECK_EXIT(r, 13);
    CHECK_STR(r.err, "intercom: not found (HTTP 404): not_found: No such app (request id rid-o1)\n");
    CHECK_STR(r.out, "");
    run_free(&r);
    serve(404, "X-Request-Id: rid-o1\r\n", BODY);
    r = RUN("me", "retrieve");
    CHECK_STR(r.err, "intercom: not found (HTTP 404): not_found: No such app (request id rid-o1)\n");
    run_free(&r);
    serve(500, NULL, "oops");
    r = cli_run(NULL, ARGS("INTERCOM_CLIENT_SECRET=s"), 0,
                ARGS("oauth", "exchange", "--code", "c", "--client-id", "i", "--base-url", mock_server_url(S), "--max-retries", "0"));
    CHECK_EXIT(r, 16);
    CHECK_STR(r.err, "intercom: server error (HTTP 500): oops\n");
    run_free(&r);
}

static void test_headers(void) {
    mock_server_reset(S);
    serve(200, NULL, ME);
    run r = RUN("-H", "Prefer: code=404", "me", "retrieve", "--header=X-Two:  two words", "-HX-Three:3");
    CHECK_EXIT(r, 0);
    run_free(&r);
    mock_request q = req(0);
    CHECK_STR(mock_request_header(&q, "Prefer"), "code=404");
    CHECK_STR(mock_request_header(&q, "X-Two"), "two words");
    CHECK_STR(mock_request_header(&q, "X-Three"), "3");
    mock_request_clear(&q);
    /* on every page of --all */
    mock_server_reset(S);
    mock_server_set_handler(S, pages_handler, NULL);
    fail_page = 0;
    r = RUN("contacts", "list", "--all", "--limit", "5", "-H", "X-Page: yes");
    CHECK_EXIT(r, 0);
    run_free(&r);
    size_t n = mock_server_request_count(S), with = 0;
    for (size_t i = 0; i < n; i++) {
        q = req(i);
        with += q.target && mock_request_header(&q, "X-Page") && !strcmp(mock_request_header(&q, "X-Page"), "yes");
        mock_request_clear(&q);
    }
    CHECKF(n == 3 && with == n, "%zu of %zu requests with the header", with, n);
    mock_server_set_handler(S, NULL, NULL);
    /* malformed: nothing sent */
    mock_server_reset(S);
    static const char *const bad[] = {"NoColon", ": empty name", "Two Words: x"};
    for (size_t i = 0; i < 3; i++) {
        r = RUN("-H", bad[i], "me", "retrieve");
        CHECKF(r.status == 2, "-H \"%s\": exit %d: %s", bad[i], r.status, r.err);
        run_free(&r);
    }
    CHECK(mock_server_request_count(S) == 0);
}

static void test_limit(void) {
    mock_server_reset(S);
    mock_server_set_handler(S, pages_handler, NULL);
    fail_page = 0;
    run r = RUN("contacts", "list", "--all", "--limit", "3");
    CHECK_EXIT(r, 0);
    size_t lines = 0;
    for (const char *p = r.out; (p = strchr(p, '\n')); p++) lines++;
    CHECKF(lines == 3, "%zu lines", lines);
    CHECK(mock_server_request_count(S) == 2);
    run_free(&r);
    /* a search pager (the cursor in the body): stops at the limit as well */
    mock_server_reset(S);
    r = RUN("contacts", "search", "--query", "{\"field\":\"id\",\"operator\":\"=\",\"value\":\"1\"}", "--all", "--limit=5");
    CHECK_EXIT(r, 0);
    lines = 0;
    for (const char *p = r.out; (p = strchr(p, '\n')); p++) lines++;
    CHECKF(lines == 5, "search: %zu lines", lines);
    CHECK(mock_server_request_count(S) == 3);
    run_free(&r);
    mock_server_set_handler(S, NULL, NULL);
}

static size_t count_tmp(const char *dir, const char *prefix) {
    char cmd[512];
    snprintf(cmd, sizeof cmd, "ls -a '%s' | grep -c '^%s\\.' 2>/dev/null", dir, prefix);
    FILE *p = popen(cmd, "r");
    int n = 0;
    if (p) {
        if (fscanf(p, "%d", &n) != 1) n = -1;
        pclose(p);
    }
    return (size_t)n;
}

static void test_output(void) {
    char dir[] = "/tmp/test_cli_out_XXXXXX", path[128];
    CHECK(mkdtemp(dir) != NULL);
    snprintf(path, sizeof path, "%s/me.json", dir);
    mock_server_reset(S);
    serve(200, NULL, ME);
    run r = RUN("me", "retrieve", "-o", path);
    CHECK_EXIT(r, 0);
    CHECK(r.out_len == 0);
    run_free(&r);
    size_t len = 0;
    int fd = open(path, O_RDONLY);
    char *got = fd >= 0 ? slurp(fd, &len) : NULL;
    if (fd >= 0) close(fd);
    CHECK_STR(got ? got : "", "{\"type\":\"admin\",\"id\":\"1\",\"email\":\"a@b.c\",\"undocumented\":[1,2]}\n");
    free(got);
    /* -o -: standard output (as curl's), no file named "-" */
    unlink("-");
    serve(200, NULL, ME);
    r = RUN("me", "retrieve", "-o", "-");
    CHECK_EXIT(r, 0);
    CHECK_STR(r.out, "{\"type\":\"admin\",\"id\":\"1\",\"email\":\"a@b.c\",\"undocumented\":[1,2]}\n");
    CHECK(access("-", F_OK) != 0);
    run_free(&r);
    /* a failure leaves the file as it was, and no temporary file */
    serve(500, "x-should-retry: false\r\n", "{\"type\":\"error.list\",\"errors\":[{\"code\":\"boom\"}]}");
    r = RUN("--output", path, "me", "retrieve");
    CHECK_EXIT(r, 16);
    run_free(&r);
    fd = open(path, O_RDONLY);
    got = fd >= 0 ? slurp(fd, &len) : NULL;
    if (fd >= 0) close(fd);
    CHECK_STR(got ? got : "", "{\"type\":\"admin\",\"id\":\"1\",\"email\":\"a@b.c\",\"undocumented\":[1,2]}\n");
    free(got);
    CHECKF(count_tmp(dir, "me.json") == 0, "%zu temporary files left", count_tmp(dir, "me.json"));
    /* --all failing on page 4: no partial file (pages 1-3 were written to the temporary file only) */
    snprintf(path, sizeof path, "%s/all.json", dir);
    mock_server_reset(S);
    mock_server_set_handler(S, pages_handler, NULL);
    fail_page = 3;
    r = RUN("contacts", "list", "--all", "--output=" "", "x");
    CHECK_EXIT(r, 2); /* --output= with no name */
    run_free(&r);
    r = RUN("contacts", "list", "--all", "-o", path);
    CHECK_EXIT(r, 16);
    CHECK(mock_server_request_count(S) == 4);
    run_free(&r);
    CHECK(access(path, F_OK) != 0);
    CHECKF(count_tmp(dir, "all.json") == 0, "%zu temporary files left", count_tmp(dir, "all.json"));
    fail_page = 0;
    mock_server_reset(S);
    r = RUN("contacts", "list", "--all", "-o", path);
    CHECK_EXIT(r, 0);
    run_free(&r);
    fd = open(path, O_RDONLY);
    got = fd >= 0 ? slurp(fd, &len) : NULL;
    if (fd >= 0) close(fd);
    size_t lines = 0;
    for (const char *p = got; p && (p = strchr(p, '\n')); p++) lines++;
    CHECKF(lines == 2 * PAGES, "%zu lines in the file", lines);
    free(got);
    mock_server_set_handler(S, NULL, NULL);
    /* a directory that does not exist: usage error, nothing sent */
    mock_server_reset(S);
    r = RUN("me", "retrieve", "-o", "/nonexistent/dir/x.json");
    CHECK_EXIT(r, 2);
    CHECK_HAS(r.err, "--output");
    run_free(&r);
    CHECK(mock_server_request_count(S) == 0);
    /* a directory: usage error before anything is sent */
    r = RUN("me", "retrieve", "-o", dir);
    CHECK_EXIT(r, 2);
    CHECK_HAS(r.err, "is a directory");
    run_free(&r);
    CHECK(mock_server_request_count(S) == 0);
    /* a symbolic link stays a link; the file it points at gets the output */
    char target[160], link_path[160], fifo[160];
    snprintf(target, sizeof target, "%s/target.json", dir);
    snprintf(link_path, sizeof link_path, "%s/link.json", dir);
    fd = open(target, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    CHECK(fd >= 0 && write(fd, "old\n", 4) == 4);
    if (fd >= 0) close(fd);
    CHECK(symlink("target.json", link_path) == 0);
    serve(200, NULL, ME);
    r = RUN("me", "retrieve", "-o", link_path);
    CHECK_EXIT(r, 0);
    run_free(&r);
    struct stat st;
    CHECK(lstat(link_path, &st) == 0 && S_ISLNK(st.st_mode));
    CHECK(stat(target, &st) == 0 && (st.st_mode & 0777) == 0600); /* its mode kept */
    fd = open(target, O_RDONLY);
    got = fd >= 0 ? slurp(fd, &len) : NULL;
    if (fd >= 0) close(fd);
    CHECK_STR(got ? got : "", "{\"type\":\"admin\",\"id\":\"1\",\"email\":\"a@b.c\",\"undocumented\":[1,2]}\n");
    free(got);
    /* a FIFO (as /dev/stdout or a terminal would be) is written in place, never replaced */
    snprintf(fifo, sizeof fifo, "%s/fifo", dir);
    CHECK(mkfifo(fifo, 0600) == 0);
    int rd = open(fifo, O_RDWR | O_NONBLOCK); /* a reader, so that the CLI's open does not block */
    serve(200, NULL, ME);
    r = RUN("me", "retrieve", "-o", fifo);
    CHECK_EXIT(r, 0);
    run_free(&r);
    char buf[256];
    ssize_t nr = rd >= 0 ? read(rd, buf, sizeof buf - 1) : -1;
    buf[nr > 0 ? nr : 0] = '\0';
    CHECK_STR(buf, "{\"type\":\"admin\",\"id\":\"1\",\"email\":\"a@b.c\",\"undocumented\":[1,2]}\n");
    if (rd >= 0) close(rd);
    CHECK(lstat(fifo, &st) == 0 && S_ISFIFO(st.st_mode));
    CHECKF(count_tmp(dir, "fifo") == 0 && count_tmp(dir, "target.json") == 0, "temporary files left");
    char cmd[200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    CHECK(system(cmd) == 0);
}

static void test_verbose(void) {
    static const char TOKEN[] = "tok-SECRET-5f3a9";
    mock_server_reset(S);
    serve(200, "X-Request-Id: v1\r\n", ME);
    run r = cli_run(NULL, NULL, 0,
                    ARGS("--base-url", mock_server_url(S), "--token", TOKEN, "--max-retries", "0", "--verbose", "me", "retrieve"));
    CHECK_EXIT(r, 0);
    CHECK_STR(r.out, "{\"type\":\"admin\",\"id\":\"1\",\"email\":\"a@b.c\",\"undocumented\":[1,2]}\n");
    CHECK_LINE(r.err, "> GET ", "/me");
    CHECK_HAS(r.err, "> Authorization: [redacted]\n");
    CHECK_HAS(r.err, "< HTTP 200\n");
    CHECK_HAS(r.err, "X-Request-Id: v1\n");
    CHECKF(!strstr(r.err, TOKEN) && !strstr(r.err, "SECRET"), "the token in: %s", r.err);
    run_free(&r);
    /* the token from the environment, an error answer, intercom api, and a -H value holding the token */
    char env_tok[64];
    snprintf(env_tok, sizeof env_tok, "INTERCOM_TEST_1_BEARER_TOKEN=%s", TOKEN);
    serve(401, NULL, "{\"type\":\"error.list\",\"errors\":[{\"code\":\"unauthorized\",\"message\":\"bad token\"}]}");
    char hdr[64];
    snprintf(hdr, sizeof hdr, "X-Echo: %s", TOKEN);
    r = cli_run(NULL, ARGS(env_tok), 0, ARGS("--base-url", mock_server_url(S), "--max-retries", "0", "--verbose", "-H", hdr,
                                             "api", "GET", "/me"));
    CHECK_EXIT(r, 11);
    CHECK_HAS(r.err, "< HTTP 401\n");
    CHECK_HAS(r.err, "X-Echo: [redacted]\n");
    CHECKF(!strstr(r.err, TOKEN) && !strstr(r.err, "SECRET"), "the token in: %s", r.err);
    run_free(&r);
    mock_request q = req(1);
    CHECK_STR(mock_request_header(&q, "Authorization"), "Bearer tok-SECRET-5f3a9");
    mock_request_clear(&q);
    /* without --verbose: nothing on stderr */
    serve(200, NULL, ME);
    r = RUN("me", "retrieve");
    CHECK_STR(r.err, "");
    run_free(&r);
    /* a one-letter token is redacted where it stands alone, not in every word holding that letter */
    serve(200, NULL, ME);
    r = cli_run(NULL, NULL, 0,
                ARGS("--base-url", mock_server_url(S), "--token", "a", "--max-retries", "0", "--verbose", "-H", "X-Echo: a",
                     "me", "retrieve"));
    CHECK_EXIT(r, 0);
    CHECK_HAS(r.err, "> Accept: application/json\n");
    CHECK_HAS(r.err, "> X-Echo: [redacted]\n");
    CHECK_HAS(r.err, "> Authorization: [redacted]\n");
    run_free(&r);
    /* only the headers sent: not the "Expect:" and "Content-Type:" that tell libcurl to leave its own out;
     * an empty -H value is sent (and shown) as "Name:" */
    for (int k = 0; k < 2; k++) {
        size_t before = mock_server_request_count(S);
        serve(200, NULL, "{\"type\":\"contact\",\"id\":\"c1\"}");
        r = k ? RUN("--verbose", "-H", "X-Empty:", "contacts", "create", "--email", "a@b.c")
              : RUN("--verbose", "-H", "X-Empty:", "me", "retrieve");
        CHECK_EXIT(r, 0);
        q = req(before);
        int shown = 0;
        for (const char *l = r.err; (l = strstr(l, "> ")); l++) {
            if (l != r.err && l[-1] != '\n') continue;
            const char *colon = strchr(l, ':'), *eol = strchr(l, '\n');
            if (!colon || !eol || colon > eol || memchr(l + 2, ' ', (size_t)(colon - l - 2))) continue; /* the request line */
            char name[64];
            snprintf(name, sizeof name, "%.*s", (int)(colon - l - 2), l + 2);
            CHECKF(mock_request_header(&q, name) != NULL, "\"%s\" shown but not sent: %s", name, r.err);
            shown++;
        }
        CHECKF(shown >= 5, "%d header lines in: %s", shown, r.err);
        CHECKF(!strstr(r.err, "> Expect") && !strstr(r.err, "> Content-Type:\n"), "%s", r.err);
        mock_request_clear(&q);
        run_free(&r);
    }
}

static void test_null(void) {
    mock_server_reset(S);
    serve(200, NULL, "{\"type\":\"contact\",\"id\":\"c1\"}");
    run r = RUN("contacts", "update", "--contact-id", "c1", "--null", "custom-attributes", "--name", "N");
    CHECK_EXIT(r, 0);
    run_free(&r);
    json_t *b = req_body(0);
    CHECKF(b && json_is_null(json_object_get(b, "custom_attributes")) && json_object_get(b, "custom_attributes"),
           "%s", "custom_attributes not sent as null");
    CHECK_STR(json_string_value(json_object_get(b, "name")), "N");
    json_decref(b);
    /* a null over --data's value; the string ":null" stays a string */
    serve(200, NULL, "{\"type\":\"contact\",\"id\":\"c1\"}");
    r = RUN("contacts", "update", "--contact-id", "c1", "--data", "{\"custom_attributes\":{\"a\":1}}", "--null=custom_attributes",
            "--name", "null");
    CHECK_EXIT(r, 0);
    run_free(&r);
    b = req_body(1);
    CHECK(b && json_is_null(json_object_get(b, "custom_attributes")));
    CHECK_STR(json_string_value(json_object_get(b, "name")), "null");
    json_decref(b);
    CHECK(mock_server_request_count(S) == 2);
    static const struct {
        const char *args[8];
        const char *named;
    } bad[] = {
        {{"contacts", "create", "--null", "email"}, "not nullable"},
        {{"contacts", "update", "--contact-id", "c1", "--null", "custom-atributes"}, "did you mean \"--custom-attributes\""},
        {{"contacts", "update", "--contact-id", "c1", "--null", "custom-attributes", "--custom-attributes", "{}"}, "as well"},
        {{"contacts", "update", "--contact-id", "c1", "--null"}, "--null"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        r = cli_run(NULL, NULL, 1, bad[i].args);
        CHECKF(r.status == 2, "null case %zu: exit %d: %s", i, r.status, r.err);
        CHECKF(strstr(r.err, bad[i].named) != NULL, "null case %zu: \"%s\" not in: %s", i, bad[i].named, r.err);
        run_free(&r);
    }
    CHECK(mock_server_request_count(S) == 2);
    r = RUN_BARE("help", "contacts", "update");
    CHECK_HAS(r.out, "[nullable: --null custom-attributes]");
    run_free(&r);
}

static void test_help_command(void) {
    run r = RUN_BARE("help");
    CHECK_EXIT(r, 0);
    CHECK_HAS(r.out, "  contacts ");
    CHECK_HAS(r.out, "INTERCOM_LOG=info|debug");
    CHECK_HAS(r.out, "--null FIELD");
    run_free(&r);
    r = RUN_BARE("--help");
    CHECK_HAS(r.out, "INTERCOM_LOG");
    run_free(&r);
    r = RUN_BARE("help", "contacts");
    CHECK_EXIT(r, 0);
    CHECK_HAS(r.out, "  tags create ");
    run_free(&r);
    /* a param: flag, type, location, required, then its description on the next line */
    r = RUN_BARE("help", "conversations", "reply", "create");
    CHECK_EXIT(r, 0);
    CHECK_LINE(r.out, "--conversation-id ", " path, required\n");
    const intercom_operation *op = NULL;
    for (size_t i = 0; (op = intercom_operations_at(i)) && strcmp(op->name, "conversations.reply.create"); i++) {
    }
    CHECK(op && op->params && op->params->field_docs);
    uint32_t described = 0;
    for (uint32_t i = 0; op && op->params && op->params->field_docs && i < op->params->n_fields; i++) {
        const char *d = op->params->field_docs[i];
        if (!*d) continue;
        char want[300];
        snprintf(want, sizeof want, "\n      %s\n", d);
        described += strstr(r.out, want) != NULL;
        CHECKF(strstr(r.out, want) != NULL, "description of %s not under its flag", op->params->fields[i].name);
    }
    CHECK(described >= 2);
    run_free(&r);
    r = RUN_BARE("help", "webhooks");
    CHECK_EXIT(r, 0);
    CHECK_HAS(r.out, "intercom webhooks verify");
    run_free(&r);
    r = RUN_BARE("help", "contcts");
    CHECK_EXIT(r, 2);
    CHECK_HAS(r.err, "did you mean \"contacts\"?");
    run_free(&r);
    r = RUN_BARE("help", "contacts", "lst"); /* a resource and a word that names none of its methods */
    CHECK_EXIT(r, 2);
    CHECK_HAS(r.err, "unknown method \"lst\" of contacts; did you mean \"contacts list\"?");
    run_free(&r);
    r = RUN_BARE("help", "contacts", "tags", "lst");
    CHECK_EXIT(r, 2);
    CHECK_HAS(r.err, "did you mean \"contacts tags list\"?");
    run_free(&r);
    /* the Preview's help; global options before help and completion */
    r = RUN_BARE("help", "preview", "contacts");
    CHECK_EXIT(r, 0);
    CHECK_HAS(r.out, "usage: intercom [global options] preview contacts <method>");
    run_free(&r);
    r = RUN_BARE("preview", "--help"); /* the Preview's default Intercom-Version is Preview, not 2.16 */
    CHECK_EXIT(r, 0);
    CHECK_HAS(r.out, "--api-version VERSION          Intercom-Version header (default Preview)\n");
    run_free(&r);
    r = RUN_BARE("--help");
    CHECK_HAS(r.out, "--api-version VERSION          Intercom-Version header (default " INTERCOM_DEFAULT_API_VERSION ")\n");
    run_free(&r);
    r = RUN_BARE("help", "completion");
    CHECK_EXIT(r, 0);
    CHECK_HAS(r.out, "intercom completion bash|zsh");
    run_free(&r);
    /* --help after the command, as for every other command (it was "unknown resource") */
    for (const char *const *h = (const char *const[]){"--help", "-h", NULL}; *h; h++) {
        r = RUN_BARE("completion", *h);
        CHECK_EXIT(r, 0);
        CHECK_HAS(r.out, "usage: intercom completion bash|zsh");
        CHECK_STR(r.err, "");
        run_free(&r);
    }
    r = RUN_BARE("--format", "pretty", "completion", "bash", "--help");
    CHECK_EXIT(r, 0);
    CHECK_HAS(r.out, "usage: intercom completion bash|zsh");
    run_free(&r);
    r = RUN_BARE("--verbose", "help", "contacts");
    CHECK_EXIT(r, 0);
    CHECK_HAS(r.out, "usage: intercom [global options] contacts <method>");
    run_free(&r);
    r = RUN_BARE("--format", "pretty", "completion", "bash");
    CHECK_EXIT(r, 0);
    CHECK_HAS(r.out, "# bash completion for intercom");
    run_free(&r);
    r = RUN_BARE("--verbose", "webhooks", "verfy");
    CHECK_EXIT(r, 2);
    CHECK_HAS(r.err, "did you mean \"webhooks verify\"?");
    run_free(&r);
}

/* Mistyped names: a suggestion, exit 2, nothing sent; an unknown short option is an option. */
static void test_did_you_mean(void) {
    mock_server_reset(S);
    static const struct {
        const char *args[8];
        const char *want;
    } cases[] = {
        {{"contcts", "list"}, "did you mean \"contacts\"?"},
        {{"contacts", "lst"}, "did you mean \"contacts list\"?"},
        {{"conversations", "reply", "crete"}, "did you mean \"conversations reply create\"?"},
        {{"contacts", "create", "--emial", "x"}, "did you mean \"--email\"?"},
        {{"--tokn", "t", "me", "retrieve"}, "did you mean \"--token\"?"},
        {{"me", "retrieve", "--verbsoe"}, "did you mean \"--verbose\"?"},
        {{"-x", "me", "retrieve"}, "unknown option -x "},
        {{"me", "retrieve", "-Z"}, "unknown option -Z "},
        {{"me", "retrieve", "-o"}, "-o needs a value"},
        {{"zzzzzz", "list"}, "unknown command \"zzzzzz list\" (intercom --help"},
        {{"ap", "GET", "/me"}, "did you mean \"api\"?"},
        {{"prevew", "contacts", "list"}, "did you mean \"preview\"?"},
        {{"preview", "contcts", "list"}, "did you mean \"preview contacts\"? (intercom preview --help lists"},
        {{"help", "preview", "contcts"}, "did you mean \"preview contacts\"? (intercom preview --help lists"},
        {{"preview", "zzzzzz", "list"}, "(intercom preview --help lists the resources)"},
        {{"contacts", "create", "--data", "{\"emial\":\"a@b.c\"}"},
         "--data: contacts create has no parameter \"emial\"; did you mean \"email\"? (intercom contacts create --help)"},
        {{"contacts", "create", "--data", "{\"zzzzzz\":1}"}, "has no parameter \"zzzzzz\" (intercom contacts create --help)"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        run r = cli_run(NULL, NULL, 1, cases[i].args);
        CHECKF(r.status == 2, "case %zu: exit %d: %s", i, r.status, r.err);
        CHECKF(strstr(r.err, cases[i].want) != NULL, "case %zu: \"%s\" not in: %s", i, cases[i].want, r.err);
        run_free(&r);
    }
    CHECK(mock_server_request_count(S) == 0);
}

/* Output that cannot be written fails the command with a message (exit 24), whichever command wrote it:
 * a response was exit 24 without a word; help, completion, identity and webhooks verify exited 0. */
static void test_write_errors(void) {
    mock_server_reset(S);
    serve(200, NULL, ME);
    broken_stdout = 1;
    static const struct {
        int base;
        const char *args[8];
    } cases[] = {
        {1, {"me", "retrieve"}},
        {0, {"--help"}},
        {0, {"help", "contacts", "create"}},
        {0, {"completion", "bash"}},
        {0, {"identity", "user-hash", "--user-id", "u-42"}},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        run r = cli_run(NULL, (const char *const[]){"INTERCOM_IDENTITY_SECRET=k", NULL}, cases[i].base, cases[i].args);
        CHECKF(r.status == 24, "case %zu: exit %d: %s", i, r.status, r.err);
        CHECKF(strstr(r.err, "intercom: cannot write the output: Broken pipe\n") != NULL, "case %zu: %s", i, r.err);
        run_free(&r);
    }
    broken_stdout = 0;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: test_cli PATH_TO_INTERCOM [TEST...]\n");
        return 2;
    }
    CLI = argv[1];
    char *w = getenv("TEST_CLI_WRAPPER") ? strdup(getenv("TEST_CLI_WRAPPER")) : NULL, *save = NULL;
    int nw = 0;
    for (char *t = w ? strtok_r(w, " ", &save) : NULL; t && nw < 15; t = strtok_r(NULL, " ", &save)) wrapper[nw++] = t;
    if (getenv("IC_TEST_TIME_FACTOR")) time_factor = atof(getenv("IC_TEST_TIME_FACTOR"));
    if (time_factor < 1) time_factor = 1;
    S = mock_server_start();
    if (!S) {
        fprintf(stderr, "cannot start the mock server\n");
        return 1;
    }
    static const ic_test tests[] = {
        {"help", test_help},
        {"completion", test_completion},
        {"success", test_success},
        {"raw_bodies", test_raw_bodies},
        {"exit_statuses", test_exit_statuses},
        {"data", test_data},
        {"flags", test_flags},
        {"usage_errors", test_usage_errors},
        {"all", test_all},
        {"api", test_api},
        {"redirect", test_redirect},
        {"extras", test_extras},
        {"headers", test_headers},
        {"limit", test_limit},
        {"output", test_output},
        {"verbose", test_verbose},
        {"null", test_null},
        {"help_command", test_help_command},
        {"did_you_mean", test_did_you_mean},
        {"write_errors", test_write_errors},
        {NULL, NULL},
    };
    int rc = ic_test_run(tests, argc - 1, argv + 1);
    mock_server_stop(S);
    free(w);
    return rc;
}
