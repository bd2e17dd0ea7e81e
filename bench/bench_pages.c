/* SPDX-License-Identifier: MIT */
/* Pagination benchmark: walk 100,000 contacts over 200 cursor pages from a local server in
 * another process, and report items/s and the client's peak RSS against its RSS before the
 * walk: a pager holds only the current page, so the walk should cost about one page.
 *   bench_pages [--pages N] [--per-page K] */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <intercom/intercom.h>

#include "intercom_headers.h"
#include "mock_server.h"

static int PAGES = 200, PER = 500;

static void handler(const mock_request *q, mock_response *r, void *payload) {
    (void)payload;
    static _Thread_local char buf[1 << 21];
    const char *c = strstr(q->target, "starting_after=cur");
    int n = c ? atoi(c + 18) : 1;
    size_t l = (size_t)sprintf(buf, "{\"type\":\"list\",\"data\":[");
    for (int i = 0; i < PER; i++)
        l += (size_t)sprintf(buf + l, "%s{\"type\":\"contact\",\"id\":\"%08d%06d\",\"role\":\"user\",\"email\":\"u%d@example.com\","
                             "\"name\":\"User %d\",\"created_at\":1717415380,\"custom_attributes\":{\"plan\":\"pro\"}}",
                             i ? "," : "", n, i, i, i);
    if (n < PAGES) l += (size_t)sprintf(buf + l, "],\"pages\":{\"type\":\"pages\",\"next\":{\"starting_after\":\"cur%d\"}}}", n + 1);
    else l += (size_t)sprintf(buf + l, "],\"pages\":{\"type\":\"pages\",\"next\":null}}");
    r->body = buf;
    r->body_len = l;
    r->headers = BENCH_INTERCOM_HEADERS; /* ten header lines, as api.intercom.io sends */
}

static long maxrss_kb(void) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

int main(int argc, char **argv) {
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--pages") && i + 1 < argc) PAGES = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--per-page") && i + 1 < argc) PER = atoi(argv[++i]);
    }
    int port_pipe[2], ctl[2];
    if (pipe(port_pipe) || pipe(ctl)) return 2;
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) { /* the server, in its own process */
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        close(ctl[1]);
        mock_server *s = mock_server_start();
        mock_server_set_record(s, 0);
        mock_server_set_handler(s, handler, NULL);
        int port = mock_server_port(s);
        if (write(port_pipe[1], &port, sizeof port) != (ssize_t)sizeof port) _exit(3);
        char ch;
        while (read(ctl[0], &ch, 1) < 0 && errno == EINTR) {}
        mock_server_stop(s);
        _exit(0);
    }
    close(ctl[0]);
    int port = 0;
    if (read(port_pipe[0], &port, sizeof port) != (ssize_t)sizeof port) return 2;
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d", port);
    intercom_client_options o = INTERCOM_CLIENT_OPTIONS_INIT;
    o.bearer_token = "bench";
    o.base_url = url;
    intercom_client *c = NULL;
    intercom_error err = INTERCOM_ERROR_INIT;
    if (intercom_client_new(&c, &o, &err)) return 2;
    /* one page first, so the baseline includes the library's and libcurl's own setup */
    intercom_contact_list *first = NULL;
    if (intercom_contacts_list(c, NULL, NULL, &first, &err)) {
        fprintf(stderr, "bench_pages: %s\n", err.message);
        return 1;
    }
    intercom_contact_list_free(first);
    long before = maxrss_kb();
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    intercom_pager *it = NULL;
    intercom_contact *ct;
    long n = 0;
    if (intercom_contacts_list_pager(&it, c, NULL, NULL, &err)) return 1;
    while (intercom_contacts_list_next(it, &ct, &err)) n += ct->id != NULL;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    int rc = err.code ? 1 : 0;
    if (rc) fprintf(stderr, "bench_pages: %s\n", err.message);
    double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    long after = maxrss_kb();
    printf("bench_pages: %ld items over %d pages in %.2f s (%.0f items/s); peak RSS %ld KiB before the walk, %ld KiB "
           "after (+%ld KiB)\n", n, intercom_pager_page_number(it), s, (double)n / s, before, after, after - before);
    printf("BENCH_PAGES items=%ld pages=%d items_per_s=%.0f rss_before_kib=%ld rss_after_kib=%ld rss_growth_kib=%ld\n", n,
           intercom_pager_page_number(it), (double)n / s, before, after, after - before);
    intercom_pager_free(it);
    intercom_error_clear(&err);
    intercom_client_free(c);
    close(ctl[1]);
    waitpid(pid, NULL, 0);
    return rc || n != (long)PAGES * PER;
}
