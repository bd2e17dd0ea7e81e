/* SPDX-License-Identifier: MIT */
/*
 * bench_core.c - core overhead of libintercom against bare libcurl, in one run.
 *
 * A mock HTTP/1.1 keep-alive server (tests/support/mock_server.c) runs in a
 * forked child process, so only the client's CPU is counted (getrusage
 * RUSAGE_SELF in the parent).  Every variant fetches the same `GET /me` body
 * (an admin_with_app JSON document) from it:
 *
 *   seq   libintercom   intercom_me_retrieve() on a sync client, one at a time
 *   seq   bare easy     one CURL * reused, curl_easy_perform(), body discarded
 *   async libintercom   intercom_async_me_retrieve(), K in flight (default 64),
 *                       driven by intercom_async_run(); the callback submits the next
 *   async bare multi    curl_multi with K easy handles reused, body discarded
 *
 * Each round warms every variant up, then measures N requests of each, the
 * libintercom variant interleaved with its bare baseline in chunks (order
 * flipped every chunk, so drifts of the machine hit both alike): C requests
 * for the sequential pair, max(4C, 16K) for the async pair (each async chunk
 * ramps up to K in flight and drains, alike on both sides).  With several
 * rounds the median of each figure is reported.  The last line of output is
 * machine-readable and starts with "BENCH_CORE".
 *
 * The bare baselines send the same request headers as libintercom, give or
 * take (Authorization: Bearer, Accept, Intercom-Version and a User-Agent as
 * long as libintercom's default one; not its Accept-Encoding), so the ratios
 * measure per-call overhead rather than header choices.  --minimal-bare sends
 * only Authorization and Accept instead.
 *
 * Usage: bench_core [--n N] [--quick] [--inflight K] [--warmup W] [--rounds R] [--chunk C]
 *                   [--minimal-bare] [--only V]
 * (--only runs one variant, e.g. under perf: ic-seq, bare-seq, ic-async, bare-multi)
 * Exit status: 0 when every request succeeded (whether or not a target was
 * met), 1 on any request failure or a wrong decoded body, 2 on setup errors.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include <curl/curl.h>
#include <intercom/intercom.h>

#include "bare_yajl.h"
#include "intercom_headers.h"
#include "mock_server.h"

/* ------------------------------------------------------------------ fixture */

#define EXPECTED_ID "991267460"
#define EXPECTED_ID_CODE "this_is_an_id1_that_should_be_at_least_40"

static const char ME_BODY[] =
    "{\"type\":\"admin\",\"id\":\"" EXPECTED_ID "\",\"email\":\"ciaran.lee@example.com\","
    "\"name\":\"Ciaran Lee\",\"email_verified\":true,"
    "\"app\":{\"type\":\"app\",\"id_code\":\"" EXPECTED_ID_CODE "\",\"name\":\"MyApp 1\","
    "\"created_at\":1734537243,\"secure\":false,\"identity_verification\":false,"
    "\"timezone\":\"America/Los_Angeles\",\"region\":\"US\"},"
    "\"avatar\":{\"type\":\"avatar\","
    "\"image_url\":\"https://static.intercomassets.com/assets/default-avatars/admins/128.png\"},"
    "\"has_inbox_seat\":true,\"team_ids\":[814865,814866,814867]}";

#define TOKEN "bench"

/* ------------------------------------------------------------------ helpers */

/* The measured loops stay separate functions, so profilers can select them
 * (e.g. valgrind --tool=callgrind --collect-atstart=no --toggle-collect='ic_seq_batch*'). */
#define NOINLINE __attribute__((noinline))

static double now_s(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static double cpu_s(void) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
           (double)ru.ru_stime.tv_usec / 1e6;
}

typedef struct meas {
    double wall, cpu; /* seconds */
    long n;
    long vcsw, ivcsw; /* context switches: voluntary (the client blocked, e.g. in poll), involuntary (preempted) */
} meas;

typedef struct probe {
    double w0, c0;
    long v0, iv0;
} probe;

static void csw(long *v, long *iv) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    *v = ru.ru_nvcsw;
    *iv = ru.ru_nivcsw;
}

static probe probe_start(void) {
    probe p;
    csw(&p.v0, &p.iv0);
    p.c0 = cpu_s();
    p.w0 = now_s();
    return p;
}

static meas probe_stop(probe p, long n) {
    meas m;
    m.wall = now_s() - p.w0;
    m.cpu = cpu_s() - p.c0;
    m.n = n;
    csw(&m.vcsw, &m.ivcsw);
    m.vcsw -= p.v0;
    m.ivcsw -= p.iv0;
    return m;
}

/* 0 when either side was not measured (--only) */
/* CPU microseconds of one bare yajl parse of the /me body (bare_yajl.h), over n parses: what
 * a typed call must spend at least, on top of a bare loop that only receives the body */
static double yajl_parse_us(long n) {
    long sink = 0;
    for (long i = 0; i < 100; i++) bare_yajl_parse(ME_BODY, sizeof ME_BODY - 1, &sink);
    double c0 = cpu_s();
    for (long i = 0; i < n; i++) bare_yajl_parse(ME_BODY, sizeof ME_BODY - 1, &sink);
    double us = (cpu_s() - c0) * 1e6 / (double)n;
    return sink == 42 ? us + 0 : us; /* sink read: the parses are not optimised away */
}

static double ratio(double a, double b) { return a > 0 && b > 0 ? a / b : 0; }

static double rps(meas m) { return m.wall > 0 ? (double)m.n / m.wall : 0; }
static double cpu_us(meas m) { return m.n ? m.cpu * 1e6 / (double)m.n : 0; }

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, int n) {
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static int g_no_decode;        /* --no-decode: libintercom variants take the raw response (skip_decode) */
static long g_failures;        /* requests that did not return INTERCOM_OK / 200 + full body */
static int g_verified;         /* decoded bodies checked against the fixture */
static int g_verify_failed;

static void report_failure(const char *what, const char *detail) {
    if (g_failures < 5) fprintf(stderr, "bench_core: %s failed: %s\n", what, detail ? detail : "(no detail)");
    g_failures++;
}

/* Check the decoded model against the fixture; loud on mismatch. */
static void verify_admin(const intercom_admin_with_app *me, const char *variant) {
    const char *why = NULL;
    if (!me) why = "no result";
    else if (!me->id || strcmp(me->id, EXPECTED_ID)) why = "admin id differs";
    else if (!me->app || !me->app->id_code || strcmp(me->app->id_code, EXPECTED_ID_CODE)) why = "app.id_code differs";
    else if (me->team_ids_count != 3 || me->team_ids[0] != 814865) why = "team_ids differ";
    else if (!me->email_verified || !me->has_inbox_seat) why = "booleans differ";
    if (why) {
        fprintf(stderr, "bench_core: FATAL: %s: decoded /me does not match the served body: %s (id=%s)\n", variant, why,
                me && me->id ? me->id : "(null)");
        g_verify_failed = 1;
    }
    g_verified++;
}

/* ------------------------------------------------------------ server child */

typedef struct server_proc {
    pid_t pid;
    int ctl_wr; /* closed by the parent to tell the child to stop */
    int port;
} server_proc;

static void server_child(int port_wr, int ctl_rd) {
#ifdef __linux__
    prctl(PR_SET_PDEATHSIG, SIGKILL); /* never outlive the benchmark */
#endif
    signal(SIGPIPE, SIG_IGN);
    int port = -1;
    mock_server *s = mock_server_start();
    if (s) {
        mock_server_set_record(s, 0);
        mock_response r = MOCK_RESPONSE_INIT;
        r.status = 200;
        r.headers = BENCH_INTERCOM_HEADERS; /* ten header lines, as api.intercom.io sends */
        r.body = ME_BODY;
        r.body_len = sizeof ME_BODY - 1;
        mock_server_set_default(s, &r);
        port = mock_server_port(s);
    }
    ssize_t w = write(port_wr, &port, sizeof port);
    close(port_wr);
    if (!s || w != (ssize_t)sizeof port) _exit(3);
    char c;
    while (read(ctl_rd, &c, 1) != 0) /* until the parent closes its end (or dies) */
        if (errno != EINTR) break;
    mock_server_stop(s);
    _exit(0);
}

static int server_fork(server_proc *sp) {
    int port_pipe[2], ctl_pipe[2];
    if (pipe(port_pipe) || pipe(ctl_pipe)) {
        perror("pipe");
        return -1;
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        perror("fork");
        return -1;
    }
    if (pid == 0) {
        close(port_pipe[0]);
        close(ctl_pipe[1]);
        server_child(port_pipe[1], ctl_pipe[0]);
    }
    close(port_pipe[1]);
    close(ctl_pipe[0]);
    int port = -1;
    ssize_t r;
    do r = read(port_pipe[0], &port, sizeof port);
    while (r < 0 && errno == EINTR);
    close(port_pipe[0]);
    sp->pid = pid;
    sp->ctl_wr = ctl_pipe[1];
    sp->port = port;
    if (r != (ssize_t)sizeof port || port <= 0) {
        fprintf(stderr, "bench_core: the server child did not start\n");
        return -1;
    }
    return 0;
}

static void server_stop(server_proc *sp) {
    if (sp->pid <= 0) return;
    close(sp->ctl_wr); /* ask for a clean stop... */
    int status;
    pid_t w = 0;
    for (int i = 0; i < 100 && (w = waitpid(sp->pid, &status, WNOHANG)) == 0; i++) usleep(10000);
    if (w == 0) { /* ...and kill it when it does not come */
        kill(sp->pid, SIGKILL);
        waitpid(sp->pid, &status, 0);
    }
    sp->pid = 0;
}

/* ------------------------------------------------------- shared config */

typedef struct cfg {
    long n, warmup, chunk, achunk;
    int inflight, rounds;
    char url[64];    /* http://127.0.0.1:PORT */
    char me_url[80]; /* .../me */
    struct curl_slist *bare_headers;
    int accept_encoding; /* send Accept-Encoding like libintercom does by default */
} cfg;

static size_t discard_cb(char *p, size_t sz, size_t n, void *ud) {
    (void)p;
    *(size_t *)ud += sz * n;
    return sz * n;
}

/* ------------------------------------------------ sequential: libintercom */

/* --no-decode: a raw response instead of a model; its status and body are checked */
static void verify_raw(const intercom_response *raw, const char *variant) {
    if (!raw || raw->status != 200 || raw->body_len != sizeof ME_BODY - 1 || memcmp(raw->body, ME_BODY, raw->body_len) ||
        !raw->request_id) {
        fprintf(stderr, "bench_core: FATAL: %s: raw /me response differs from the served one\n", variant);
        g_verify_failed = 1;
    }
    g_verified++;
}

NOINLINE static int ic_seq_batch(intercom_client *c, long n) {
    if (g_no_decode) {
        for (long i = 0; i < n; i++) {
            intercom_response *raw = NULL;
            intercom_request_options ro = INTERCOM_REQUEST_OPTIONS_INIT;
            ro.skip_decode = 1;
            ro.raw_response = &raw;
            intercom_error err = INTERCOM_ERROR_INIT;
            intercom_code rc = intercom_me_retrieve(c, &ro, NULL, &err);
            if (rc != INTERCOM_OK) report_failure("intercom_me_retrieve (skip_decode)", err.message);
            else if (i == 0 || i == n - 1) verify_raw(raw, "sync");
            intercom_response_free(raw);
            intercom_error_clear(&err);
        }
        return 0;
    }
    for (long i = 0; i < n; i++) {
        intercom_admin_with_app *me = NULL;
        intercom_error err = INTERCOM_ERROR_INIT;
        intercom_code rc = intercom_me_retrieve(c, NULL, &me, &err);
        if (rc != INTERCOM_OK) report_failure("intercom_me_retrieve", err.message);
        else if (i == 0 || i == n - 1) verify_admin(me, "sync");
        intercom_admin_with_app_free(me);
        intercom_error_clear(&err);
    }
    return 0;
}

/* ------------------------------------------------- sequential: bare easy */

static CURL *bare_easy_new(const cfg *cf, size_t *bytes) {
    CURL *h = curl_easy_init();
    if (!h) return NULL;
    curl_easy_setopt(h, CURLOPT_URL, cf->me_url);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, cf->bare_headers);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard_cb);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, bytes);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
    if (cf->accept_encoding) curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(h, CURLOPT_PRIVATE, (char *)bytes);
    return h;
}

static void bare_check(CURL *h, CURLcode cc, size_t bytes, const char *what) {
    long status = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    if (cc != CURLE_OK) report_failure(what, curl_easy_strerror(cc));
    else if (status != 200) report_failure(what, "HTTP status not 200");
    else if (bytes != sizeof ME_BODY - 1) report_failure(what, "short body");
}

NOINLINE static void bare_seq_batch(CURL *h, size_t *bytes, long n) {
    for (long i = 0; i < n; i++) {
        *bytes = 0;
        CURLcode cc = curl_easy_perform(h);
        bare_check(h, cc, *bytes, "curl_easy_perform");
    }
}

/* ------------------------------------------------------ async: libintercom */

typedef struct async_run {
    intercom_async_client *c;
    long target, submitted, done;
    int verify_next;
} async_run;

static void async_me_done(intercom_code code, void *result, const intercom_error *err, void *payload);

static int async_submit_one(async_run *ar) {
    intercom_request_options ro = INTERCOM_REQUEST_OPTIONS_INIT;
    ro.skip_decode = g_no_decode;
    intercom_code rc = intercom_async_me_retrieve(ar->c, &ro, async_me_done, ar);
    if (rc != INTERCOM_OK) {
        report_failure("intercom_async_me_retrieve (submit)", intercom_strerror(rc));
        ar->done++; /* it will never call back */
        return -1;
    }
    ar->submitted++;
    return 0;
}

static void async_me_done(intercom_code code, void *result, const intercom_error *err, void *payload) {
    async_run *ar = payload;
    ar->done++;
    if (code != INTERCOM_OK) report_failure("intercom_async_me_retrieve", err && err->message ? err->message : intercom_strerror(code));
    else if (ar->verify_next) {
        if (g_no_decode) verify_raw(result, "async");
        else verify_admin(result, "async");
        ar->verify_next = 0;
    }
    if (g_no_decode) intercom_response_free(result);
    else intercom_admin_with_app_free(result);
    if (ar->submitted < ar->target) async_submit_one(ar);
}

NOINLINE static void ic_async_batch(intercom_async_client *c, long n, int inflight) {
    async_run ar = {c, n, 0, 0, 1};
    for (int i = 0; i < inflight && ar.submitted < n; i++)
        if (async_submit_one(&ar)) break;
    while (intercom_async_pending(c) > 0) intercom_async_run(c, 1000);
    if (ar.done != n) report_failure("async loop", "not every request completed");
}

/* -------------------------------------------------------- async: bare multi */

typedef struct bare_multi {
    CURLM *m;
    CURL **h;
    size_t *bytes;
    int k;
} bare_multi;

static int bare_multi_init(bare_multi *bm, const cfg *cf) {
    bm->k = cf->inflight;
    bm->m = curl_multi_init();
    bm->h = calloc((size_t)bm->k, sizeof *bm->h);
    bm->bytes = calloc((size_t)bm->k, sizeof *bm->bytes);
    if (!bm->m || !bm->h || !bm->bytes) return -1;
    for (int i = 0; i < bm->k; i++)
        if (!(bm->h[i] = bare_easy_new(cf, &bm->bytes[i]))) return -1;
    return 0;
}

static void bare_multi_free(bare_multi *bm) {
    for (int i = 0; bm->h && i < bm->k; i++) {
        if (bm->h[i]) {
            curl_multi_remove_handle(bm->m, bm->h[i]);
            curl_easy_cleanup(bm->h[i]);
        }
    }
    if (bm->m) curl_multi_cleanup(bm->m);
    free(bm->h);
    free(bm->bytes);
}

NOINLINE static void bare_multi_batch(bare_multi *bm, long n) {
    long started = 0, done = 0;
    for (int i = 0; i < bm->k && started < n; i++, started++) {
        bm->bytes[i] = 0;
        curl_multi_add_handle(bm->m, bm->h[i]);
    }
    while (done < n) {
        int running = 0, left;
        curl_multi_perform(bm->m, &running);
        CURLMsg *msg;
        while ((msg = curl_multi_info_read(bm->m, &left))) {
            if (msg->msg != CURLMSG_DONE) continue;
            CURL *h = msg->easy_handle;
            CURLcode cc = msg->data.result;
            char *priv = NULL;
            curl_easy_getinfo(h, CURLINFO_PRIVATE, &priv);
            size_t *bytes = (size_t *)priv;
            bare_check(h, cc, *bytes, "curl_multi transfer");
            done++;
            curl_multi_remove_handle(bm->m, h);
            if (started < n) {
                *bytes = 0;
                curl_multi_add_handle(bm->m, h);
                started++;
            }
        }
        if (done >= n) break;
        if (!running && started == done) break; /* nothing left: should not happen */
        curl_multi_poll(bm->m, NULL, 0, 1000, NULL);
    }
    if (done != n) report_failure("multi loop", "not every request completed");
}

/* -------------------------------------------------------------------- main */

static void usage(FILE *f) {
    fprintf(f, "usage: bench_core [--n N] [--quick] [--inflight K] [--warmup W] [--rounds R]\n"
               "  --n N        measured requests per variant per round (default 5000)\n"
               "  --quick      N=500 (CI)\n"
               "  --inflight K concurrent requests of the async variants (default 64)\n"
               "  --warmup W   warm-up requests per variant per round (default 200)\n"
               "  --rounds R   rounds; medians are reported (default 3)\n"
               "  --chunk C    sequential variants alternate every C requests (default 250), async\n"
               "               ones every max(4*C, 16*K) requests\n"
               "  --minimal-bare  bare baselines send only Authorization and Accept headers\n"
               "  --no-decode  libintercom variants take the raw response (skip_decode): the HTTP side alone\n"
               "  --only V     run one variant only (for profiling): ic-seq, bare-seq, ic-async, bare-multi\n");
}

static long parse_long(const char *s, const char *flag, long min) {
    char *end;
    errno = 0;
    long v = s ? strtol(s, &end, 10) : 0;
    if (!s || errno || *end || v < min) {
        fprintf(stderr, "bench_core: %s needs an integer >= %ld\n", flag, min);
        exit(2);
    }
    return v;
}

enum { V_IC_SEQ, V_BARE_SEQ, V_IC_ASYNC, V_BARE_MULTI, V_COUNT };
static const char *const V_NAMES[V_COUNT] = {"libintercom sync (seq)", "bare curl easy (seq)",
                                             "libintercom async", "bare curl multi"};
static const char *const V_FLAGS[V_COUNT] = {"ic-seq", "bare-seq", "ic-async", "bare-multi"};

int main(int argc, char **argv) {
    cfg cf = {5000, 200, 250, 0, 64, 3, "", "", NULL, 0};
    int only = -1, minimal_bare = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--quick")) cf.n = 500;
        else if (!strcmp(a, "--n")) cf.n = parse_long(i + 1 < argc ? argv[++i] : NULL, "--n", 1);
        else if (!strncmp(a, "--n=", 4)) cf.n = parse_long(a + 4, "--n", 1);
        else if (!strcmp(a, "--inflight")) cf.inflight = (int)parse_long(i + 1 < argc ? argv[++i] : NULL, "--inflight", 1);
        else if (!strcmp(a, "--warmup")) cf.warmup = parse_long(i + 1 < argc ? argv[++i] : NULL, "--warmup", 0);
        else if (!strcmp(a, "--chunk")) cf.chunk = parse_long(i + 1 < argc ? argv[++i] : NULL, "--chunk", 1);
        else if (!strcmp(a, "--rounds")) cf.rounds = (int)parse_long(i + 1 < argc ? argv[++i] : NULL, "--rounds", 1);
        else if (!strcmp(a, "--minimal-bare")) minimal_bare = 1;
        else if (!strcmp(a, "--no-decode")) g_no_decode = 1;
        else if (!strcmp(a, "--only") && i + 1 < argc) {
            const char *v = argv[++i];
            for (int k = 0; k < V_COUNT; k++)
                if (!strcmp(v, V_FLAGS[k])) only = k;
            if (only < 0) {
                usage(stderr);
                return 2;
            }
        } else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            usage(stdout);
            return 0;
        } else {
            usage(stderr);
            return 2;
        }
    }
    if (cf.inflight > 1024) cf.inflight = 1024;
    cf.achunk = cf.chunk * 4 > (long)cf.inflight * 16 ? cf.chunk * 4 : (long)cf.inflight * 16;
    signal(SIGPIPE, SIG_IGN);

    /* The server first, before libcurl or any thread exists in this process. */
    server_proc sp = {0, -1, 0};
    if (server_fork(&sp)) {
        server_stop(&sp);
        return 2;
    }
    snprintf(cf.url, sizeof cf.url, "http://127.0.0.1:%d", sp.port);
    snprintf(cf.me_url, sizeof cf.me_url, "%s/me", cf.url);

    if (curl_global_init(CURL_GLOBAL_DEFAULT)) {
        fprintf(stderr, "bench_core: curl_global_init failed\n");
        server_stop(&sp);
        return 2;
    }
    /* The bare baseline sends what libintercom sends: bearer token, Accept, Intercom-Version,
     * a User-Agent as long as libintercom's default ("libintercom/<version> libcurl/<version>")
     * and, through CURLOPT_ACCEPT_ENCODING, the same Accept-Encoding (same bytes on the wire). */
    char ua[512];
    snprintf(ua, sizeof ua, "User-Agent: bare-bench/0.1.0 libcurl/%s", curl_version_info(CURLVERSION_NOW)->version);
    cf.accept_encoding = !minimal_bare;
    cf.bare_headers = curl_slist_append(cf.bare_headers, "Authorization: Bearer " TOKEN);
    cf.bare_headers = curl_slist_append(cf.bare_headers, "Accept: application/json");
    if (!minimal_bare) {
        cf.bare_headers = curl_slist_append(cf.bare_headers, "Intercom-Version: " INTERCOM_DEFAULT_API_VERSION);
        cf.bare_headers = curl_slist_append(cf.bare_headers, ua);
    }

    intercom_client_options opts = INTERCOM_CLIENT_OPTIONS_INIT;
    opts.bearer_token = TOKEN;
    opts.base_url = cf.url;
    opts.max_retries = 0;
    opts.log_level = INTERCOM_LOG_OFF;
    intercom_error err = INTERCOM_ERROR_INIT;
    intercom_client *ic = NULL;
    intercom_async_client *iac = NULL;
    if (intercom_client_new(&ic, &opts, &err) != INTERCOM_OK ||
        intercom_async_client_new(&iac, &opts, &err) != INTERCOM_OK) {
        fprintf(stderr, "bench_core: client creation failed: %s\n", err.message ? err.message : "?");
        intercom_error_clear(&err);
        intercom_client_free(ic);
        server_stop(&sp);
        return 2;
    }
    size_t easy_bytes = 0;
    CURL *easy = bare_easy_new(&cf, &easy_bytes);
    bare_multi bm = {0};
    if (!easy || bare_multi_init(&bm, &cf)) {
        fprintf(stderr, "bench_core: libcurl handle creation failed\n");
        server_stop(&sp);
        return 2;
    }

    printf("bench_core: libintercom %s, %s\n", INTERCOM_VERSION_STRING, curl_version());
    printf("server: %s (separate process, pid %ld), /me body %zu bytes\n", cf.url, (long)sp.pid, sizeof ME_BODY - 1);
    printf("N=%ld per variant per round, warm-up %ld, %d in flight (async), %d round(s), medians shown;\n"
           "pairs interleaved every %ld (seq) / %ld (async) requests; bare headers: %s\n\n",
           cf.n, cf.warmup, cf.inflight, cf.rounds, cf.chunk, cf.achunk,
           minimal_bare ? "Authorization, Accept (--minimal-bare)" : "as libintercom's (same request bytes)");

    double *v_rps[V_COUNT], *v_cpu[V_COUNT];
    for (int v = 0; v < V_COUNT; v++) {
        v_rps[v] = calloc((size_t)cf.rounds, sizeof(double));
        v_cpu[v] = calloc((size_t)cf.rounds, sizeof(double));
    }
    /* ratios are taken per round (both sides measured side by side), then the median */
    enum { R_SEQ_CPU, R_SEQ_RPS, R_ASYNC_SEQ, R_ASYNC_MULTI, R_ASYNC_CPU, R_SEQ_FLOOR, R_ASYNC_FLOOR, R_COUNT };
    double *rr[R_COUNT];
    for (int r = 0; r < R_COUNT; r++) rr[r] = calloc((size_t)cf.rounds, sizeof(double));
    double *yajl_us = calloc((size_t)cf.rounds, sizeof(double));

    /* context switches over all rounds: a loop that waits for the network (idle) blocks, and each
     * block is a voluntary switch; involuntary ones are preemptions (a loaded machine) */
    long sw_v[V_COUNT] = {0}, sw_iv[V_COUNT] = {0}, sw_n[V_COUNT] = {0};
    int rounds_done = 0;
    for (int round = 0; round < cf.rounds && !g_verify_failed; round++, rounds_done++) {
        meas m[V_COUNT] = {{0, 0, 0, 0, 0}};
        probe p;
        /* Sequential pair: interleaved in chunks (order flipped every chunk), so slow drifts of
         * the machine (frequency, a noisy neighbour) hit both sides alike. */
        int run_ic = only < 0 || only == V_IC_SEQ, run_bare = only < 0 || only == V_BARE_SEQ;
        if (run_ic) ic_seq_batch(ic, cf.warmup);
        if (run_bare) bare_seq_batch(easy, &easy_bytes, cf.warmup);
        for (long done = 0, c = 0; done < cf.n; c++) {
            long k = cf.n - done < cf.chunk ? cf.n - done : cf.chunk;
            for (int side = 0; side < 2; side++) {
                int ic_turn = (side == 0) == ((c + round) % 2 == 0);
                meas *acc = &m[ic_turn ? V_IC_SEQ : V_BARE_SEQ];
                if (ic_turn ? !run_ic : !run_bare) continue;
                p = probe_start();
                if (ic_turn) ic_seq_batch(ic, k);
                else bare_seq_batch(easy, &easy_bytes, k);
                meas one = probe_stop(p, k);
                acc->wall += one.wall;
                acc->cpu += one.cpu;
                acc->n += one.n;
                acc->vcsw += one.vcsw;
                acc->ivcsw += one.ivcsw;
            }
            done += k;
        }
        /* Async pair: interleaved too, in bigger chunks (each chunk ramps up to K in flight and
         * drains at its end, the same for both sides). */
        int run_ia = only < 0 || only == V_IC_ASYNC, run_bm = only < 0 || only == V_BARE_MULTI;
        long awarm = cf.warmup > cf.inflight ? cf.warmup : cf.inflight;
        if (run_ia) ic_async_batch(iac, awarm, cf.inflight);
        if (run_bm) bare_multi_batch(&bm, awarm);
        for (long done = 0, c = 0; done < cf.n; c++) {
            long k = cf.n - done < cf.achunk ? cf.n - done : cf.achunk;
            for (int side = 0; side < 2; side++) {
                int ic_turn = (side == 0) == ((c + round) % 2 == 0);
                meas *acc = &m[ic_turn ? V_IC_ASYNC : V_BARE_MULTI];
                if (ic_turn ? !run_ia : !run_bm) continue;
                p = probe_start();
                if (ic_turn) ic_async_batch(iac, k, cf.inflight);
                else bare_multi_batch(&bm, k);
                meas one = probe_stop(p, k);
                acc->wall += one.wall;
                acc->cpu += one.cpu;
                acc->n += one.n;
                acc->vcsw += one.vcsw;
                acc->ivcsw += one.ivcsw;
            }
            done += k;
        }
        for (int v = 0; v < V_COUNT; v++) {
            sw_v[v] += m[v].vcsw;
            sw_iv[v] += m[v].ivcsw;
            sw_n[v] += m[v].n;
            v_rps[v][round] = rps(m[v]);
            v_cpu[v][round] = cpu_us(m[v]);
        }
        yajl_us[round] = only < 0 ? yajl_parse_us(cf.n * 4) : 0;
        rr[R_SEQ_CPU][round] = ratio(v_cpu[V_IC_SEQ][round], v_cpu[V_BARE_SEQ][round]);
        rr[R_SEQ_FLOOR][round] = ratio(v_cpu[V_IC_SEQ][round], v_cpu[V_BARE_SEQ][round] + yajl_us[round]);
        rr[R_ASYNC_FLOOR][round] = ratio(v_cpu[V_IC_ASYNC][round], v_cpu[V_BARE_MULTI][round] + yajl_us[round]);
        rr[R_SEQ_RPS][round] = ratio(v_rps[V_IC_SEQ][round], v_rps[V_BARE_SEQ][round]);
        rr[R_ASYNC_SEQ][round] = ratio(v_rps[V_IC_ASYNC][round], v_rps[V_BARE_SEQ][round]);
        rr[R_ASYNC_MULTI][round] = ratio(v_rps[V_IC_ASYNC][round], v_rps[V_BARE_MULTI][round]);
        rr[R_ASYNC_CPU][round] = ratio(v_cpu[V_IC_ASYNC][round], v_cpu[V_BARE_MULTI][round]);
        if (cf.rounds > 1 && only < 0)
            printf("round %d: seq %6.0f / %6.0f req/s, %5.1f / %5.1f us CPU (x%.2f) | async %6.0f / %6.0f req/s, "
                   "%5.1f / %5.1f us CPU (x%.2f)\n",
                   round + 1, v_rps[V_IC_SEQ][round], v_rps[V_BARE_SEQ][round], v_cpu[V_IC_SEQ][round],
                   v_cpu[V_BARE_SEQ][round], rr[R_SEQ_CPU][round], v_rps[V_IC_ASYNC][round],
                   v_rps[V_BARE_MULTI][round], v_cpu[V_IC_ASYNC][round], v_cpu[V_BARE_MULTI][round],
                   rr[R_ASYNC_CPU][round]);
    }

    double med_rps[V_COUNT], med_cpu[V_COUNT];
    for (int v = 0; v < V_COUNT; v++) {
        med_rps[v] = median(v_rps[v], rounds_done);
        med_cpu[v] = median(v_cpu[v], rounds_done);
    }
    double r_seq_cpu = median(rr[R_SEQ_CPU], rounds_done);
    double r_seq_rps = median(rr[R_SEQ_RPS], rounds_done);
    double r_async_seq = median(rr[R_ASYNC_SEQ], rounds_done);
    double r_async_multi = median(rr[R_ASYNC_MULTI], rounds_done);
    double r_async_cpu = median(rr[R_ASYNC_CPU], rounds_done);
    double r_seq_floor = median(rr[R_SEQ_FLOOR], rounds_done), r_async_floor = median(rr[R_ASYNC_FLOOR], rounds_done);
    double med_yajl_us = median(yajl_us, rounds_done);

    if (cf.rounds > 1 && only < 0) printf("(each round: libintercom / bare)\n\n");
    printf("%-26s %12s %16s\n", "variant", "req/s", "CPU us/req");
    for (int v = 0; v < V_COUNT; v++)
        if (only < 0 || only == v) printf("%-26s %12.0f %16.2f\n", V_NAMES[v], med_rps[v], med_cpu[v]);
    printf("\n");
    /* issue 12's targets: /me CPU at most 1.2x the bare easy loop; async within 10% of bare multi */
    int target_met = r_seq_cpu > 0 && r_seq_cpu <= 1.20;
    int async_met = r_async_multi >= 0.90 && r_async_cpu > 0 && r_async_cpu <= 1.10;
    if (only < 0) {
        printf("%-40s x%.2f  (target <= 1.20: %s)\n", "seq CPU/req libintercom / bare:", r_seq_cpu,
               target_met ? "met" : "MISSED");
        printf("%-40s x%.2f\n", "seq req/s libintercom / bare:", r_seq_rps);
        printf("%-40s x%.2f\n", "async req/s / bare seq req/s:", r_async_seq);
        printf("%-40s x%.2f  (target >= 0.90: %s)\n", "async req/s / bare multi req/s:", r_async_multi,
               r_async_multi >= 0.90 ? "met" : "MISSED");
        printf("%-40s x%.2f  (target <= 1.10: %s)\n", "async CPU/req / bare multi CPU/req:", r_async_cpu,
               r_async_cpu > 0 && r_async_cpu <= 1.10 ? "met" : "MISSED");
        /* context, not a target: the bare loops receive the body and parse nothing, so yajl's own
         * parse of it is part of every typed call's cost above them */
        printf("%-40s %.2f us = x%.2f of bare seq CPU/req\n", "yajl's bare parse of the /me body:", med_yajl_us,
               ratio(med_yajl_us, med_cpu[V_BARE_SEQ]));
        printf("%-40s x%.2f\n", "seq CPU/req / (bare + yajl parse):", r_seq_floor);
        printf("%-40s x%.2f\n", "async CPU/req / (multi + yajl parse):", r_async_floor);
    }
    for (int v = 0; v < V_COUNT; v++)
        if (sw_n[v])
            printf("%-26s context switches per 1000 requests: voluntary (blocked) %.2f, involuntary %.1f\n",
                   V_NAMES[v], 1000.0 * (double)sw_v[v] / (double)sw_n[v], 1000.0 * (double)sw_iv[v] / (double)sw_n[v]);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("%-40s %.1f MB (whole run, client process only)\n", "peak RSS:", (double)ru.ru_maxrss / 1024.0);
    /* decoded bodies are checked only where libintercom ran */
    int need_verify = only < 0 || only == V_IC_SEQ || only == V_IC_ASYNC;
    int verify_ok = !g_verify_failed && (g_verified > 0 || !need_verify);
    printf("%-40s %ld (decoded bodies verified: %d%s)\n", "failures:", g_failures, g_verified,
           g_verify_failed ? ", MISMATCH" : "");

    printf("BENCH_CORE n=%ld rounds=%d inflight=%d minimal_bare=%d no_decode=%d"
           " seq_ic_rps=%.0f seq_bare_rps=%.0f seq_ic_cpu_us=%.2f seq_bare_cpu_us=%.2f"
           " seq_cpu_ratio=%.2f seq_rps_ratio=%.2f"
           " async_rps=%.0f async_cpu_us=%.2f multi_rps=%.0f multi_cpu_us=%.2f"
           " async_vs_bare_seq=%.2f async_vs_bare_multi=%.2f async_cpu_ratio=%.2f"
           " yajl_parse_us=%.2f seq_floor_ratio=%.2f async_floor_ratio=%.2f"
           " seq_cpu_target_met=%d async_target_met=%d peak_rss_kb=%ld failures=%ld verify_ok=%d\n",
           cf.n, rounds_done, cf.inflight, minimal_bare, g_no_decode, med_rps[V_IC_SEQ], med_rps[V_BARE_SEQ], med_cpu[V_IC_SEQ],
           med_cpu[V_BARE_SEQ], r_seq_cpu, r_seq_rps, med_rps[V_IC_ASYNC], med_cpu[V_IC_ASYNC],
           med_rps[V_BARE_MULTI], med_cpu[V_BARE_MULTI], r_async_seq, r_async_multi, r_async_cpu,
           med_yajl_us, r_seq_floor, r_async_floor, target_met, async_met, (long)ru.ru_maxrss, g_failures, verify_ok);
    fflush(stdout);

    for (int v = 0; v < V_COUNT; v++) {
        free(v_rps[v]);
        free(v_cpu[v]);
    }
    for (int r = 0; r < R_COUNT; r++) free(rr[r]);
    free(yajl_us);
    bare_multi_free(&bm);
    curl_easy_cleanup(easy);
    intercom_async_client_free(iac);
    intercom_client_free(ic);
    curl_slist_free_all(cf.bare_headers);
    curl_global_cleanup();
    server_stop(&sp);
    return (g_failures || !verify_ok) ? 1 : 0;
}
