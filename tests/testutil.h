/* SPDX-License-Identifier: MIT */
/* A tiny test harness: CHECK macros that count and report, and a named-test runner. */
#ifndef IC_TESTUTIL_H
#define IC_TESTUTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int ic_checks, ic_failures;
static const char *ic_current;

#define CHECKF(cond, ...)                                                                  \
    do {                                                                                   \
        ic_checks++;                                                                       \
        if (!(cond)) {                                                                     \
            ic_failures++;                                                                 \
            fprintf(stderr, "FAIL [%s] %s:%d: %s: ", ic_current, __FILE__, __LINE__, #cond); \
            fprintf(stderr, __VA_ARGS__);                                                  \
            fputc('\n', stderr);                                                           \
        }                                                                                  \
    } while (0)
#define CHECK(cond) CHECKF(cond, "%s", "")
#define CHECK_STR(a, b)                                                                      \
    do {                                                                                     \
        const char *a_ = (a), *b_ = (b);                                                     \
        CHECKF(a_ && b_ && !strcmp(a_, b_), "got \"%s\", want \"%s\"", a_ ? a_ : "(null)", b_); \
    } while (0)
#define CHECK_CODE(a, b)                                                                          \
    do {                                                                                          \
        int a_ = (int)(a), b_ = (int)(b);                                                         \
        CHECKF(a_ == b_, "got %d (%s), want %d (%s)", a_, intercom_strerror((intercom_code)a_), b_, \
               intercom_strerror((intercom_code)b_));                                             \
    } while (0)

typedef struct ic_test {
    const char *name;
    void (*fn)(void);
} ic_test;

typedef struct ic_test_buf {
    char *data;
    size_t len, cap;
    int chunks;
} ic_test_buf;

static inline int ic_test_buf_add(ic_test_buf *b, const void *p, size_t n) {
    if (b->len + n + 1 > b->cap) {
        size_t cap = (b->len + n + 1) * 2;
        char *d = (char *)realloc(b->data, cap);
        if (!d) return 1;
        b->data = d;
        b->cap = cap;
    }
    memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return 0;
}

/* Run every test whose name contains one of the arguments (all when none). */
static inline int ic_test_run(const ic_test *tests, int argc, char **argv) {
    int ran = 0;
    for (const ic_test *t = tests; t->name; t++) {
        if (argc > 1 && !strcmp(argv[1], "--list")) {
            puts(t->name);
            continue;
        }
        int match = argc < 2;
        for (int i = 1; i < argc; i++) match |= strstr(t->name, argv[i]) != NULL;
        if (!match) continue;
        ic_current = t->name;
        int before = ic_failures;
        t->fn();
        ran++;
        printf("%s %s\n", ic_failures == before ? "ok  " : "FAIL", t->name);
        fflush(stdout);
    }
    if (argc > 1 && !strcmp(argv[1], "--list")) return 0;
    printf("%d tests, %d checks, %d failures\n", ran, ic_checks, ic_failures);
    return ic_failures ? 1 : 0;
}

#ifdef INTERCOM_INTERCOM_H
/* A sync client of the scripted server at @p base_url (a test token, no retries); NULL, counted as a failed
 * check, when it is refused. */
static inline intercom_client *ic_test_client(const char *base_url) {
    intercom_client_options o = INTERCOM_CLIENT_OPTIONS_INIT;
    o.bearer_token = "t";
    o.base_url = base_url;
    o.max_retries = 0;
    intercom_client *c = NULL;
    CHECK_CODE(intercom_client_new(&c, &o, NULL), INTERCOM_OK);
    return c;
}
#endif

#endif
