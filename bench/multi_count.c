/* SPDX-License-Identifier: MIT */
/*
 * multi_count.c - an LD_PRELOAD counter for the async loop's shape (issue 12 item 3).
 *
 * Counts, in the process that loaded it (not in forked children such as bench_core's
 * server), the libcurl multi calls and the poll(2) calls under them, and prints one line
 * to stderr at exit:
 *
 *   MULTI_COUNT perform=.. multi_poll=.. multi_timeout=..(0: ..) add=.. remove=.. done=..
 *               easy_init=.. poll_1fd=.. poll_nfd=.. poll_nfd_wait=.. blocked_s=..
 *               nvcsw=.. nivcsw=..
 *
 * poll_1fd are libcurl's own zero-timeout checks of one socket (one per transfer and
 * perform, and one per reused connection); poll_nfd are the loop's waits over all sockets,
 * poll_nfd_wait those with a timeout > 0, blocked_s the wall time spent inside those.  With
 * nvcsw (voluntary context switches) they show whether a loop ever sits idle, which timings
 * on a loaded machine cannot.  Usage:
 *
 *   LD_PRELOAD=build/bench/libmulti_count.so build/bench/bench_core --only ic-async --n 20000 --rounds 1
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

/* the wrappers must be exported (the project builds with -fvisibility=hidden) */
#define EXPORT __attribute__((visibility("default")))

static pid_t owner;
static long n_perform, n_mpoll, n_mtimeout, n_mtimeout0, n_add, n_remove, n_done, n_easy_init;
static long n_poll1, n_polln, n_polln_wait;
static double blocked_s;

/* dlsym returns an object pointer; copy it into the function pointer (ISO C has no cast between them) */
#define REAL(var, name)                            \
    do {                                           \
        if (!(var)) {                              \
            void *sym_ = dlsym(RTLD_NEXT, name);   \
            memcpy(&(var), &sym_, sizeof(var));    \
        }                                          \
    } while (0)

static double mono_s(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

__attribute__((constructor)) static void mc_init(void) { owner = getpid(); }

__attribute__((destructor)) static void mc_report(void) {
    if (getpid() != owner) return;
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    fprintf(stderr,
            "MULTI_COUNT perform=%ld multi_poll=%ld multi_timeout=%ld(0: %ld) add=%ld remove=%ld done=%ld easy_init=%ld"
            " poll_1fd=%ld poll_nfd=%ld poll_nfd_wait=%ld blocked_s=%.4f nvcsw=%ld nivcsw=%ld\n",
            n_perform, n_mpoll, n_mtimeout, n_mtimeout0, n_add, n_remove, n_done, n_easy_init, n_poll1, n_polln,
            n_polln_wait, blocked_s, ru.ru_nvcsw, ru.ru_nivcsw);
}

EXPORT int poll(struct pollfd *fds, nfds_t nfds, int timeout) {
    static int (*real)(struct pollfd *, nfds_t, int);
    REAL(real, "poll");
    if (getpid() != owner) return real(fds, nfds, timeout);
    if (nfds <= 1) {
        n_poll1++;
        return real(fds, nfds, timeout);
    }
    n_polln++;
    if (timeout == 0) return real(fds, nfds, timeout);
    n_polln_wait++;
    double t0 = mono_s();
    int rc = real(fds, nfds, timeout);
    blocked_s += mono_s() - t0;
    return rc;
}

EXPORT CURL *curl_easy_init(void) {
    static CURL *(*real)(void);
    REAL(real, "curl_easy_init");
    n_easy_init++;
    return real();
}

EXPORT CURLMcode curl_multi_perform(CURLM *m, int *running) {
    static CURLMcode (*real)(CURLM *, int *);
    REAL(real, "curl_multi_perform");
    n_perform++;
    return real(m, running);
}

EXPORT CURLMcode curl_multi_poll(CURLM *m, struct curl_waitfd extra[], unsigned int n, int timeout_ms, int *numfds) {
    static CURLMcode (*real)(CURLM *, struct curl_waitfd *, unsigned int, int, int *);
    REAL(real, "curl_multi_poll");
    n_mpoll++;
    return real(m, extra, n, timeout_ms, numfds);
}

EXPORT CURLMcode curl_multi_timeout(CURLM *m, long *ms) {
    static CURLMcode (*real)(CURLM *, long *);
    REAL(real, "curl_multi_timeout");
    n_mtimeout++;
    CURLMcode rc = real(m, ms);
    if (rc == CURLM_OK && *ms == 0) n_mtimeout0++;
    return rc;
}

EXPORT CURLMcode curl_multi_add_handle(CURLM *m, CURL *e) {
    static CURLMcode (*real)(CURLM *, CURL *);
    REAL(real, "curl_multi_add_handle");
    n_add++;
    return real(m, e);
}

EXPORT CURLMcode curl_multi_remove_handle(CURLM *m, CURL *e) {
    static CURLMcode (*real)(CURLM *, CURL *);
    REAL(real, "curl_multi_remove_handle");
    n_remove++;
    return real(m, e);
}

EXPORT CURLMsg *curl_multi_info_read(CURLM *m, int *left) {
    static CURLMsg *(*real)(CURLM *, int *);
    REAL(real, "curl_multi_info_read");
    CURLMsg *msg = real(m, left);
    if (msg && msg->msg == CURLMSG_DONE) n_done++;
    return msg;
}
