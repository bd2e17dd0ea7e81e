/* SPDX-License-Identifier: MIT */
/*
 * bench_tenants.c - one client for many workspaces (issue 9 part 4).
 *
 * A local keep-alive server (tests/support/mock_server.c) runs in a forked child, so only the client's
 * CPU is counted (getrusage RUSAGE_SELF). It answers `GET /me` with a small admin and the rate-limit
 * headers of a roomy window (so pacing keeps one window per workspace and never holds a request).
 *
 * For pacing off and on, one sync client sends N requests of intercom_me_retrieve() (typed, decoded),
 * in interleaved chunks of 1000:
 *   baseline  the client's own token (no per-request options)
 *   tenants   a per-request bearer_token, cycling through 10,000 workspace tokens
 * and prints the CPU per request of each and their ratio (target: tenants within 1.1x of baseline),
 * the memory per workspace (growth of the resident set over the first use of the 10,000 tokens, and the
 * bytes of the in-process store of windows), and the file descriptors in use: with one client, and
 * with one client per workspace (measured on 200 clients).
 *
 * Usage: bench_tenants [--quick] [--n N] [--same-token] [--phase P]   (--quick: N=10000, CI; default N=30000;
 *        --same-token: every per-request token the same, which isolates the cost of 10,000 windows;
 *        --phase off-base|off-tenants|on-base|on-tenants: after the warm-up and the first use of every
 *        workspace, only N requests of that variant, in bench_phase(), and nothing printed but a line: for
 *        profiling, e.g. valgrind --tool=callgrind --collect-atstart=no --toggle-collect=bench_phase)
 * The last line starts with "BENCH_TENANTS" (machine-readable). Exit 1 when a request failed.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include <intercom/intercom.h>

#include "mock_server.h"

#define WORKSPACES 10000
#define CHUNK 1000

static const char ME_BODY[] = "{\"type\":\"admin\",\"id\":\"991267460\",\"name\":\"Ciaran\",\"email\":\"a@b.c\","
                              "\"app\":{\"type\":\"app\",\"id_code\":\"x1\",\"name\":\"App\"}}";

static double cpu_s(void) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
           (double)ru.ru_stime.tv_usec / 1e6;
}

static long rss_kb(void) {
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kb = -1;
    while (f && fgets(line, sizeof line, f))
        if (!strncmp(line, "VmRSS:", 6)) kb = strtol(line + 6, NULL, 10);
    if (f) fclose(f);
    return kb;
}

static int fds(void) {
    DIR *d = opendir("/proc/self/fd");
    int n = 0;
    struct dirent *e;
    while (d && (e = readdir(d)))
        if (e->d_name[0] != '.') n++;
    if (d) closedir(d);
    return n - 1; /* the directory's own */
}

static void server_child(int port_wr, int ctl_rd) {
#ifdef __linux__
    prctl(PR_SET_PDEATHSIG, SIGKILL);
#endif
    signal(SIGPIPE, SIG_IGN);
    mock_server *s = mock_server_start();
    int port = -1;
    if (s) {
        mock_server_set_record(s, 0);
        mock_response r = MOCK_RESPONSE_INIT;
        r.headers = "Content-Type: application/json\r\nX-RateLimit-Limit: 1000000\r\n"
                    "X-RateLimit-Remaining: 1000000\r\nX-RateLimit-Reset: 4102444800\r\n";
        r.body = ME_BODY;
        mock_server_set_default(s, &r);
        port = mock_server_port(s);
    }
    if (write(port_wr, &port, sizeof port) != (ssize_t)sizeof port || !s) _exit(3);
    char c;
    while (read(ctl_rd, &c, 1) < 0 && errno == EINTR) {}
    mock_server_stop(s);
    _exit(0);
}

static long failures;
static char tokens[WORKSPACES][24];

static void one(intercom_client *c, const char *token) {
    intercom_request_options ro = INTERCOM_REQUEST_OPTIONS_INIT;
    ro.bearer_token = token;
    intercom_admin_with_app *me = NULL;
    intercom_error err = INTERCOM_ERROR_INIT;
    if (intercom_me_retrieve(c, token ? &ro : NULL, &me, &err) != INTERCOM_OK || !me || !me->id) {
        if (failures++ < 5) fprintf(stderr, "bench_tenants: request failed: %s\n", err.message ? err.message : "?");
    }
    intercom_model_free(me);
    intercom_error_clear(&err);
}

/* N requests of one variant (--phase): a function of its own, to profile just these. */
__attribute__((noinline)) static void bench_phase(intercom_client *c, long n, int tenants) {
    for (long i = 0; i < n; i++) one(c, tenants ? tokens[i % WORKSPACES] : NULL);
}

static intercom_client *make_client(const char *url, int pace) {
    intercom_client_options o = INTERCOM_CLIENT_OPTIONS_INIT;
    o.bearer_token = "tok-platform-default";
    o.base_url = url;
    o.max_retries = 0;
    o.pace_rate_limit = pace;
    intercom_client *c = NULL;
    intercom_error err = INTERCOM_ERROR_INIT;
    if (intercom_client_new(&c, &o, &err)) fprintf(stderr, "bench_tenants: client: %s\n", err.message);
    intercom_error_clear(&err);
    return c;
}

int main(int argc, char **argv) {
    long n = 30000;
    int same_token = 0, phase = -1; /* phase: pace * 2 + tenants */
    static const char *const phases[] = {"off-base", "off-tenants", "on-base", "on-tenants"};
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--quick")) n = 10000;
        else if (!strcmp(argv[i], "--same-token")) same_token = 1;
        else if (!strcmp(argv[i], "--n") && i + 1 < argc) n = atol(argv[++i]);
        else if (!strcmp(argv[i], "--phase") && i + 1 < argc) {
            for (phase = 3; phase >= 0 && strcmp(argv[i + 1], phases[phase]); phase--) {}
            if (phase < 0) return fprintf(stderr, "bench_tenants: unknown phase %s\n", argv[i + 1]), 2;
            i++;
        } else
            return fprintf(stderr, "usage: bench_tenants [--quick] [--n N] [--same-token] [--phase P]\n"), 2;
    }
    if (n < CHUNK) n = CHUNK;
    int pp[2], cp[2];
    if (pipe(pp) || pipe(cp)) return perror("pipe"), 2;
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        close(pp[0]), close(cp[1]);
        server_child(pp[1], cp[0]);
    }
    close(pp[1]), close(cp[0]);
    int port = -1;
    if (read(pp[0], &port, sizeof port) != (ssize_t)sizeof port || port <= 0) return fprintf(stderr, "no server\n"), 2;
    close(pp[0]);
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d", port);
    for (int i = 0; i < WORKSPACES; i++) {
        int w = same_token ? 0 : i; /* --same-token: one workspace, to tell the working set of 10,000 apart */
        snprintf(tokens[i], sizeof tokens[i], "tok-ws-%05d-%08x", w, (unsigned)w * 2654435761u);
    }

    int fd0 = fds();
    double us[2][2] = {{0}}; /* [pace][baseline, tenants] CPU microseconds per request */
    double mem_ws = 0, store_ws = 0;
    int fds_one = 0;
    for (int pace = 0; pace < 2; pace++) {
        if (phase >= 0 && pace != phase / 2) continue;
        intercom_client *c = make_client(url, pace);
        if (!c) return 2;
        for (int i = 0; i < 200; i++) one(c, NULL); /* warm up: connection, handles, allocator */
        long rss0 = rss_kb();
        double t0 = cpu_s();
        for (int i = 0; i < WORKSPACES; i++) one(c, tokens[i]); /* first use of every workspace */
        double first = cpu_s() - t0;
        if (pace) {
            mem_ws = (double)(rss_kb() - rss0) * 1024.0 / WORKSPACES;
            intercom_rate_limit_stats st = {0, 0};
            if (intercom_client_rate_limit_stats(c, &st, NULL)) return 2;
            store_ws = st.entries ? (double)st.bytes / (double)st.entries : 0;
            if (!same_token && st.entries < WORKSPACES) fprintf(stderr, "bench_tenants: the store holds %zu workspaces\n", st.entries);
        }
        (void)first;
        if (phase >= 0) {
            bench_phase(c, n, phase & 1);
            intercom_client_free(c);
            close(cp[1]);
            waitpid(pid, NULL, 0);
            printf("bench_tenants: phase %s, %ld requests, %ld failed\n", phases[phase], n, failures);
            return failures ? 1 : 0;
        }
        double cpu[2] = {0, 0};
        long done[2] = {0, 0}, k = 0;
        for (long chunk = 0; done[0] < n || done[1] < n; chunk++) {
            for (int side = 0; side < 2; side++) {
                int v = (int)(chunk & 1) ? 1 - side : side; /* order flipped every chunk */
                if (done[v] >= n) continue;
                double c0 = cpu_s();
                for (int i = 0; i < CHUNK; i++) one(c, v ? tokens[k++ % WORKSPACES] : NULL);
                cpu[v] += cpu_s() - c0;
                done[v] += CHUNK;
            }
        }
        us[pace][0] = cpu[0] * 1e6 / (double)done[0];
        us[pace][1] = cpu[1] * 1e6 / (double)done[1];
        if (pace) fds_one = fds() - fd0;
        intercom_client_free(c);
    }
    /* one client per workspace, as before: fds per used client (200 of them) */
    int fdb = fds();
    intercom_client *many[200];
    for (int i = 0; i < 200; i++) {
        many[i] = make_client(url, 0);
        if (many[i]) one(many[i], NULL);
    }
    double fds_per_client = (double)(fds() - fdb) / 200.0;
    for (int i = 0; i < 200; i++) intercom_client_free(many[i]);

    close(cp[1]);
    waitpid(pid, NULL, 0);
    printf("bench_tenants: %d workspace tokens over one sync client, N=%ld requests per variant\n", WORKSPACES, n);
    printf("  CPU per request, pacing off: client token %.1f us, per-request tokens %.1f us (ratio %.3f, target <= 1.1)\n",
           us[0][0], us[0][1], us[0][1] / us[0][0]);
    printf("  CPU per request, pacing on : client token %.1f us, per-request tokens %.1f us (ratio %.3f, target <= 1.1)\n",
           us[1][0], us[1][1], us[1][1] / us[1][0]);
    printf("  memory per workspace (pacing on): %.0f bytes of resident set growth, %.0f bytes in the store of windows\n",
           mem_ws, store_ws);
    printf("  fds in use: %d with one client for %d workspaces; one client per workspace: %.1f per client "
           "(%.0f for %d)\n", fds_one, WORKSPACES, fds_per_client, fds_per_client * WORKSPACES, WORKSPACES);
    printf("BENCH_TENANTS n=%ld cpu_off_base=%.2f cpu_off_tenants=%.2f ratio_off=%.3f cpu_on_base=%.2f "
           "cpu_on_tenants=%.2f ratio_on=%.3f mem_per_ws=%.0f store_per_ws=%.0f fds_one_client=%d "
           "fds_per_client=%.1f failures=%ld\n", n, us[0][0], us[0][1], us[0][1] / us[0][0], us[1][0], us[1][1],
           us[1][1] / us[1][0], mem_ws, store_ws, fds_one, fds_per_client, failures);
    return failures ? 1 : 0;
}
