/* SPDX-License-Identifier: MIT */
/* Response shapes the description gets wrong (issue 8 items 14-18 and the "Also" paragraph),
 * against the scripted local server: lists under another key than declared, paging the
 * description does not declare (companies' contacts, events' next URL), events typed as real
 * events, per_page without a stated maximum, strict mode's report of an undeclared list, and the
 * search commands' --per-page / --starting-after flags of the CLI.
 *
 * Usage: test_shapes PATH_TO_INTERCOM [TEST...] */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <intercom/intercom.h>

#include "mock_server.h"
#include "testutil.h"

extern char **environ;

static mock_server *S;
static const char *CLI;
static char NEXT_URL[512]; /* pages.next of page 1 of GET /events */

static intercom_client *client(int strict) {
    intercom_client_options o = INTERCOM_CLIENT_OPTIONS_INIT;
    o.bearer_token = "t";
    o.base_url = mock_server_url(S);
    o.strict = strict;
    o.max_retries = 0;
    intercom_client *c = NULL;
    CHECK(intercom_client_new(&c, &o, NULL) == INTERCOM_OK);
    return c;
}

static void push(const char *body) {
    mock_response r = MOCK_RESPONSE_INIT;
    r.headers = "Content-Type: application/json\r\n";
    r.body = body;
    mock_server_push(S, &r);
}

static char *target(size_t i) {
    mock_request q;
    if (mock_server_request(S, i, &q)) return strdup("(none)");
    char *t = strdup(q.target);
    mock_request_clear(&q);
    return t;
}

static char *body_of(size_t i) {
    mock_request q;
    if (mock_server_request(S, i, &q)) return strdup("");
    char *t = strdup(q.body ? q.body : "");
    mock_request_clear(&q);
    return t;
}

/* The typed model written back as JSON (what the structs hold, not the raw body). */
static char *typed_json(const void *m) {
    char *s = NULL;
    size_t n = 0;
    if (intercom_to_json(m, 0, &s, &n, NULL) != INTERCOM_OK) return NULL;
    return s;
}

/* ---------- item 14: ticket_type_attributes.data ---------- */

static const char TICKET_TYPE[] =
    "{\"type\":\"ticket_type\",\"id\":\"42\",\"name\":\"Bug\",\"ticket_type_attributes\":{\"type\":\"list\","
    "\"data\":[{\"type\":\"ticket_type_attribute\",\"id\":\"a1\",\"name\":\"_default_title_\",\"data_type\":\"string\"},"
    "{\"type\":\"ticket_type_attribute\",\"id\":\"a2\",\"name\":\"Severity\",\"data_type\":\"list\"}]}}";

static void test_ticket_type_attributes_data(void) {
    for (int strict = 0; strict < 2; strict++) {
        mock_server_reset(S);
        intercom_client *c = client(strict);
        push(TICKET_TYPE);
        intercom_ticket_types_retrieve_params p = INTERCOM_TICKET_TYPES_RETRIEVE_PARAMS_INIT;
        p.ticket_type_id = "42";
        intercom_ticket_type *tt = NULL;
        intercom_error err = INTERCOM_ERROR_INIT;
        CHECK_CODE(intercom_ticket_types_retrieve(c, &p, NULL, &tt, &err), INTERCOM_OK);
        CHECKF(tt && tt->ticket_type_attributes, "strict %d: %s", strict, err.message ? err.message : "");
        if (tt && tt->ticket_type_attributes) {
            CHECK(tt->ticket_type_attributes->has_data == INTERCOM_FIELD_PRESENT);
            CHECKF(tt->ticket_type_attributes->data_count == 2, "strict %d: %zu", strict,
                   tt->ticket_type_attributes->data_count);
            if (tt->ticket_type_attributes->data_count == 2) {
                CHECK_STR(tt->ticket_type_attributes->data[0]->name, "_default_title_");
                CHECK_STR(tt->ticket_type_attributes->data[1]->id, "a2");
            }
            char *js = typed_json(tt);
            CHECKF(js && strstr(js, "\"Severity\""), "%s", js ? js : "(null)");
            free(js);
        }
        intercom_model_free(tt);
        intercom_error_clear(&err);
        intercom_client_free(c);
    }
}

/* ---------- strict mode: a declared list absent, an undeclared array present ---------- */

static void test_strict_reports_undeclared_list(void) {
    static const char body[] = "{\"type\":\"list\",\"items\":[{\"type\":\"company\",\"id\":\"c1\"}],\"total_count\":1}";
    intercom_error err = INTERCOM_ERROR_INIT;
    void *m = NULL;
    CHECK_CODE(intercom_from_json(&intercom_contact_attached_companies_descriptor, body, strlen(body), 1, &m, &err),
               INTERCOM_E_DECODE);
    CHECKF(err.message && strstr(err.message, "\"companies\"") && strstr(err.message, "\"items\""), "%s",
           err.message ? err.message : "(null)");
    CHECK(m == NULL);
    intercom_error_clear(&err);
    /* tolerant: decoded, the undeclared array reachable through the raw JSON */
    CHECK_CODE(intercom_from_json(&intercom_contact_attached_companies_descriptor, body, strlen(body), 0, &m, &err),
               INTERCOM_OK);
    CHECK(m && intercom_field_state(m, "companies") == INTERCOM_FIELD_ABSENT);
    json_t *raw = m ? intercom_model_raw_json(m) : NULL;
    CHECK(raw && json_array_size(json_object_get(raw, "items")) == 1);
    intercom_model_free(m);
    m = NULL;
    /* nested: the path names the object */
    static const char nested[] = "{\"type\":\"ticket_type\",\"id\":\"1\",\"ticket_type_attributes\":{\"type\":\"list\","
                                 "\"attrs\":[{\"id\":\"a\"}]}}";
    CHECK_CODE(intercom_from_json(&intercom_ticket_type_descriptor, nested, strlen(nested), 1, &m, &err),
               INTERCOM_E_DECODE);
    CHECKF(err.message && strstr(err.message, "\"attrs\"") && strstr(err.message, "at ticket_type_attributes"), "%s",
           err.message ? err.message : "(null)");
    intercom_error_clear(&err);
    /* no report when a declared list is there, or when the extra key holds no array */
    static const char fine[] = "{\"type\":\"list\",\"data\":[],\"items\":[1],\"total_count\":0}";
    static const char fine2[] = "{\"type\":\"list\",\"items\":{\"a\":[1]},\"total_count\":0}";
    CHECK_CODE(intercom_from_json(&intercom_contact_attached_companies_descriptor, fine, strlen(fine), 1, &m, &err),
               INTERCOM_OK);
    intercom_model_free(m);
    m = NULL;
    CHECK_CODE(intercom_from_json(&intercom_contact_attached_companies_descriptor, fine2, strlen(fine2), 1, &m, &err),
               INTERCOM_OK);
    intercom_model_free(m);
    intercom_error_clear(&err);
}

/* ---------- item 17: a contact's companies under data ---------- */

static void test_contact_companies_data(void) {
    mock_server_reset(S);
    intercom_client *c = client(1);
    push("{\"type\":\"list\",\"data\":[{\"type\":\"company\",\"id\":\"c1\",\"name\":\"Acme\"},"
         "{\"type\":\"company\",\"id\":\"c2\",\"name\":\"Beta\"}],"
         "\"pages\":{\"type\":\"pages\",\"next\":null,\"page\":1,\"per_page\":50,\"total_pages\":1},\"total_count\":2}");
    intercom_contacts_companies_list_params p = INTERCOM_CONTACTS_COMPANIES_LIST_PARAMS_INIT;
    p.contact_id = "ct1";
    intercom_pager *pg = NULL;
    intercom_error err = INTERCOM_ERROR_INIT;
    CHECK_CODE(intercom_pager_new(&pg, c, "contacts.companies.list", &p, NULL, &err), INTERCOM_OK);
    void *item;
    int n = 0;
    while (intercom_pager_next(pg, &item, &err)) {
        char *js = typed_json(item);
        CHECKF(js && strstr(js, n ? "\"Beta\"" : "\"Acme\""), "%s", js ? js : "(null)");
        free(js);
        n++;
    }
    CHECKF(n == 2 && err.code == INTERCOM_OK, "%d items, %s", n, err.message ? err.message : "");
    CHECK(mock_server_request_count(S) == 1);
    intercom_pager_free(pg);
    intercom_error_clear(&err);
    intercom_client_free(c);
}

/* ---------- attaching a customer answers {customers: [...]}; undeclared objects now typed ---------- */

static void test_conversation_customers_and_objects(void) {
    mock_server_reset(S);
    intercom_client *c = client(1);
    push("{\"customers\":[{\"type\":\"user\",\"id\":\"6762f19b1bb69f9f2193bbd4\"},{\"type\":\"lead\",\"id\":\"l2\"}]}");
    intercom_conversations_customers_delete_params p = INTERCOM_CONVERSATIONS_CUSTOMERS_DELETE_PARAMS_INIT;
    p.conversation_id = "123";
    p.contact_id = "l2";
    p.admin_id = "991267816";
    intercom_conversation *conv = NULL;
    intercom_error err = INTERCOM_ERROR_INIT;
    CHECK_CODE(intercom_conversations_customers_delete(c, &p, NULL, &conv, &err), INTERCOM_OK);
    CHECKF(conv && conv->customers_count == 2, "%s", err.message ? err.message : "");
    if (conv && conv->customers_count == 2) {
        CHECK_STR(conv->customers[0]->id, "6762f19b1bb69f9f2193bbd4");
        CHECK_STR(conv->customers[1]->type, "lead");
    }
    intercom_model_free(conv);
    /* contact's opted_in/opted_out_subscription_types, conversation topics, message owner: in the struct */
    static const char contact[] = "{\"type\":\"contact\",\"id\":\"c1\",\"opted_in_subscription_types\":{\"type\":\"list\","
                                  "\"data\":[{\"id\":\"s1\"}],\"total_count\":1},\"opted_out_subscription_types\":{\"type\":\"list\","
                                  "\"data\":[]}}";
    void *m = NULL;
    CHECK_CODE(intercom_from_json(&intercom_contact_descriptor, contact, strlen(contact), 1, &m, &err), INTERCOM_OK);
    CHECK(m && intercom_field_state(m, "opted_in_subscription_types") == INTERCOM_FIELD_PRESENT &&
          intercom_field_state(m, "opted_out_subscription_types") == INTERCOM_FIELD_PRESENT);
    char *js = m ? typed_json(m) : NULL;
    CHECKF(js && strstr(js, "\"s1\""), "%s", js ? js : "(null)");
    free(js);
    intercom_model_free(m);
    m = NULL;
    static const char topics[] = "{\"type\":\"conversation\",\"id\":\"1\",\"topics\":{\"type\":\"topic.list\"}}";
    CHECK_CODE(intercom_from_json(&intercom_conversation_descriptor, topics, strlen(topics), 1, &m, &err), INTERCOM_OK);
    CHECK(m && intercom_field_state(m, "topics") == INTERCOM_FIELD_PRESENT);
    intercom_model_free(m);
    m = NULL;
    static const char msg[] = "{\"type\":\"admin_message\",\"id\":\"1\",\"owner\":{\"type\":\"admin\",\"id\":\"9\"}}";
    CHECK_CODE(intercom_from_json(&intercom_message_descriptor, msg, strlen(msg), 0, &m, &err), INTERCOM_OK);
    CHECK(m && intercom_field_state(m, "owner") == INTERCOM_FIELD_PRESENT);
    intercom_model_free(m);
    intercom_error_clear(&err);
    intercom_client_free(c);
}

/* ---------- item 15: companies' contacts in cursor pages ---------- */

static void contacts_pages(const mock_request *q, mock_response *r, void *payload) {
    (void)payload;
    static _Thread_local char buf[1024];
    const char *c = strstr(q->target, "starting_after=k");
    int n = c ? atoi(c + 16) : 1;
    snprintf(buf, sizeof buf,
             "{\"type\":\"list\",\"data\":[{\"type\":\"contact\",\"id\":\"p%d\"}],\"total_count\":3,"
             "\"pages\":{\"type\":\"pages\",\"page\":%d,\"per_page\":1,\"total_pages\":3%s%d%s}}",
             n, n, n < 3 ? ",\"next\":{\"per_page\":1,\"starting_after\":\"k" : "", n + 1, n < 3 ? "\"}" : "");
    if (n >= 3) { /* no next */
        snprintf(buf, sizeof buf,
                 "{\"type\":\"list\",\"data\":[{\"type\":\"contact\",\"id\":\"p%d\"}],\"total_count\":3,"
                 "\"pages\":{\"type\":\"pages\",\"page\":%d,\"per_page\":1,\"total_pages\":3}}",
                 n, n);
    }
    r->headers = "Content-Type: application/json\r\n";
    r->body = buf;
}

static void test_company_contacts_cursor(void) {
    mock_server_reset(S);
    mock_server_set_handler(S, contacts_pages, NULL);
    intercom_client *c = client(1);
    intercom_companies_contacts_list_params p = INTERCOM_COMPANIES_CONTACTS_LIST_PARAMS_INIT;
    p.company_id = "co1";
    INTERCOM_SET(&p, per_page, 1);
    intercom_pager *pg = NULL;
    intercom_error err = INTERCOM_ERROR_INIT;
    CHECK_CODE(intercom_pager_new(&pg, c, "companies.contacts.list", &p, NULL, &err), INTERCOM_OK);
    void *item;
    int n = 0;
    while (intercom_pager_next(pg, &item, &err)) {
        char want[32];
        snprintf(want, sizeof want, "\"id\":\"p%d\"", n + 1);
        char *js = typed_json(item);
        CHECKF(js && strstr(js, want), "%s", js ? js : "(null)");
        free(js);
        n++;
    }
    CHECKF(n == 3 && err.code == INTERCOM_OK, "%d items, %s", n, err.message ? err.message : "");
    CHECK(mock_server_request_count(S) == 3);
    char *t0 = target(0), *t1 = target(1), *t2 = target(2);
    CHECK_STR(t0, "/companies/co1/contacts?per_page=1");
    CHECK_STR(t1, "/companies/co1/contacts?per_page=1&starting_after=k2");
    CHECK_STR(t2, "/companies/co1/contacts?per_page=1&starting_after=k3");
    free(t0), free(t1), free(t2);
    intercom_pager_free(pg);
    intercom_error_clear(&err);
    intercom_client_free(c);
    mock_server_set_handler(S, NULL, NULL);
}

/* ---------- item 16: GET /events pages through a full next URL ---------- */

static void events_pages(const mock_request *q, mock_response *r, void *payload) {
    (void)payload;
    static _Thread_local char buf[2048];
    int second = strstr(q->target, "before=") != NULL;
    const char *next = second ? "null" : NEXT_URL;
    snprintf(buf, sizeof buf,
             "{\"type\":\"event.list\",\"events\":["
             "{\"type\":\"event\",\"event_name\":\"placed-order-%d\",\"created_at\":%d,\"id\":\"e%d\",\"user_id\":\"u1\","
             "\"intercom_user_id\":\"iu1\",\"email\":\"a@b.c\",\"metadata\":{\"order\":%d}},"
             "{\"type\":\"event\",\"event_name\":\"invited-%d\",\"created_at\":%d,\"id\":\"f%d\",\"metadata\":{}}],"
             "\"pages\":{\"next\":%s%s%s}}",
             second, 1700000000 + second, second, second, second, 1700000001 + second, second, second ? "" : "\"",
             next, second ? "" : "\"");
    r->headers = "Content-Type: application/json\r\n";
    r->body = buf;
}

static int walk_events(intercom_client *c, intercom_error *err, char *first_page_json, size_t fpj_len) {
    intercom_data_events_list_params p = INTERCOM_DATA_EVENTS_LIST_PARAMS_INIT;
    p.type = "user";
    p.user_id = "u1";
    INTERCOM_SET(&p, per_page, 2);
    intercom_pager *pg = NULL;
    CHECK_CODE(intercom_pager_new(&pg, c, "data_events.list", &p, NULL, err), INTERCOM_OK);
    int n = 0;
    void *page = NULL;
    while (intercom_pager_next_page(pg, &page, err) == INTERCOM_OK && page) {
        if (!n && first_page_json) {
            char *js = typed_json(page);
            snprintf(first_page_json, fpj_len, "%s", js ? js : "");
            free(js);
            CHECK(intercom_field_state(page, "pages") == INTERCOM_FIELD_PRESENT);
        }
        n += (int)((intercom_data_event_summary *)page)->events_count;
        intercom_model_free(page);
    }
    intercom_pager_free(pg);
    return n;
}

static void test_events_next_url(void) {
    mock_server_reset(S);
    mock_server_set_handler(S, events_pages, NULL);
    snprintf(NEXT_URL, sizeof NEXT_URL, "%s/events?per_page=2&before=1700000000&user_id=u1#frag", mock_server_url(S));
    intercom_client *c = client(1);
    intercom_error err = INTERCOM_ERROR_INIT;
    char js[4096] = "";
    int n = walk_events(c, &err, js, sizeof js);
    CHECKF(n == 4 && err.code == INTERCOM_OK, "%d events, %s", n, err.message ? err.message : "");
    /* the typed result: pages.next, and real events (not {}) */
    CHECKF(strstr(js, "\"pages\":{\"next\":\"http://127.0.0.1:") && strstr(js, "\"event_name\":\"placed-order-0\"") &&
               strstr(js, "\"created_at\":1700000000") && strstr(js, "\"id\":\"e0\"") &&
               strstr(js, "\"metadata\":{\"order\":0}"),
           "%s", js);
    CHECK(mock_server_request_count(S) == 2);
    char *t0 = target(0), *t1 = target(1);
    CHECK_STR(t0, "/events?user_id=u1&type=user&per_page=2");
    CHECK_STR(t1, "/events?per_page=2&before=1700000000&user_id=u1"); /* the next URL's path and query, no fragment */
    free(t0), free(t1);
    intercom_error_clear(&err);
    intercom_client_free(c);
    mock_server_set_handler(S, NULL, NULL);
}

static void test_events_next_url_elsewhere(void) {
    char url[128];
    snprintf(url, sizeof url, "%s", mock_server_url(S)); /* http://127.0.0.1:PORT */
    int port = mock_server_port(S);
    char foreign[6][400];
    snprintf(foreign[0], 400, "http://127.0.0.2:%d/events?per_page=2&before=1", port);  /* another host */
    snprintf(foreign[1], 400, "https://127.0.0.1:%d/events?per_page=2&before=1", port); /* another scheme */
    snprintf(foreign[2], 400, "http://127.0.0.1:%d/events?per_page=2&before=1", port + 1); /* another port */
    snprintf(foreign[3], 400, "http://x@127.0.0.1:%d/events?per_page=2&before=1", port); /* userinfo */
    snprintf(foreign[4], 400, "%s.evil.test/events?before=1", url);                      /* a longer host */
    snprintf(foreign[5], 400, "%s//evil.test/events?before=1", url);                     /* a network path */
    for (int i = 0; i < 6; i++) {
        mock_server_reset(S);
        mock_server_set_handler(S, events_pages, NULL);
        memcpy(NEXT_URL, foreign[i], sizeof foreign[i]);
        intercom_client *c = client(0);
        intercom_error err = INTERCOM_ERROR_INIT;
        int n = walk_events(c, &err, NULL, 0);
        CHECKF(n == 2, "%s: %d events", foreign[i], n); /* page 1 delivered */
        CHECK_CODE(err.code, INTERCOM_E_DECODE);
        CHECKF(err.message && strstr(err.message, "not a URL on the configured base URL"), "%s",
               err.message ? err.message : "(null)");
        CHECKF(mock_server_request_count(S) == 1, "%s: %zu requests", foreign[i], mock_server_request_count(S));
        intercom_error_clear(&err);
        intercom_client_free(c);
    }
    mock_server_set_handler(S, NULL, NULL);
}

/* The async walk follows the next URL as well. */
typedef struct awalk {
    int pages, events, done;
    intercom_code code;
} awalk;

static int on_page(intercom_code code, void *page, const intercom_error *err, void *payload) {
    (void)err;
    awalk *w = payload;
    if (code || !page) {
        w->code = code;
        w->done = 1;
        return 0;
    }
    w->pages++;
    w->events += (int)((intercom_data_event_summary *)page)->events_count;
    intercom_model_free(page);
    return 0;
}

static void test_events_next_url_async(void) {
    mock_server_reset(S);
    mock_server_set_handler(S, events_pages, NULL);
    snprintf(NEXT_URL, sizeof NEXT_URL, "%s/events?per_page=2&before=1700000000", mock_server_url(S));
    intercom_client_options o = INTERCOM_CLIENT_OPTIONS_INIT;
    o.bearer_token = "t";
    o.base_url = mock_server_url(S);
    intercom_async_client *ac = NULL;
    CHECK(intercom_async_client_new(&ac, &o, NULL) == INTERCOM_OK);
    intercom_data_events_list_params p = INTERCOM_DATA_EVENTS_LIST_PARAMS_INIT;
    p.type = "user";
    p.user_id = "u1";
    awalk w = {0};
    CHECK_CODE(intercom_async_pages(ac, "data_events.list", &p, NULL, on_page, &w), INTERCOM_OK);
    intercom_async_run_until_idle(ac);
    CHECKF(w.done && w.code == INTERCOM_OK && w.pages == 2 && w.events == 4, "done %d code %d pages %d events %d", w.done,
           w.code, w.pages, w.events);
    char *t1 = target(1);
    CHECK_STR(t1, "/events?per_page=2&before=1700000000");
    free(t1);
    intercom_async_client_free(ac);
    mock_server_set_handler(S, NULL, NULL);
}

/* ---------- no maximum stated: no client-side maximum ---------- */

static void test_articles_per_page_no_maximum(void) {
    mock_server_reset(S);
    intercom_client *c = client(0);
    push("{\"type\":\"list\",\"data\":[],\"total_count\":0,\"pages\":{\"type\":\"pages\",\"page\":1,\"total_pages\":1}}");
    intercom_articles_list_params p = INTERCOM_ARTICLES_LIST_PARAMS_INIT;
    INTERCOM_SET(&p, per_page, 3);
    intercom_pager *pg = NULL;
    intercom_error err = INTERCOM_ERROR_INIT;
    CHECK_CODE(intercom_pager_new(&pg, c, "articles.list", &p, NULL, &err), INTERCOM_OK);
    void *item;
    while (intercom_pager_next(pg, &item, &err)) {
    }
    CHECKF(err.code == INTERCOM_OK, "%s", err.message ? err.message : "");
    char *t0 = target(0);
    CHECK_STR(t0, "/articles?per_page=3");
    free(t0);
    intercom_pager_free(pg);
    /* below 1 is still refused, before any traffic */
    mock_server_reset(S);
    INTERCOM_SET(&p, per_page, 0);
    CHECK_CODE(intercom_pager_new(&pg, c, "articles.list", &p, NULL, &err), INTERCOM_E_INVALID_ARGUMENT);
    CHECK(mock_server_request_count(S) == 0);
    intercom_error_clear(&err);
    intercom_client_free(c);
}

/* ---------- the CLI ---------- */

typedef struct run {
    int status;
    char *out, *err;
} run;

static char *slurp(FILE *f) {
    ic_test_buf b = {0};
    char chunk[8192];
    size_t n;
    rewind(f);
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) ic_test_buf_add(&b, chunk, n);
    ic_test_buf_add(&b, "", 0);
    return b.data;
}

static run cli(const char *const *args) {
    run r = {0};
    const char *argv[40];
    int n = 0;
    argv[n++] = CLI;
    argv[n++] = "--base-url";
    argv[n++] = mock_server_url(S);
    for (const char *const *a = args; *a && n < 39; a++) argv[n++] = *a;
    argv[n] = NULL;
    FILE *fo = tmpfile(), *fe = tmpfile();
    char *env[256];
    size_t k = 0;
    for (char **e = environ; *e && k < 250; e++)
        if (strncmp(*e, "INTERCOM_", 9)) env[k++] = *e;
    env[k++] = "INTERCOM_TEST_1_BEARER_TOKEN=t";
    env[k] = NULL;
    fflush(stdout), fflush(stderr);
    pid_t pid = fork();
    if (pid == 0) {
        dup2(fileno(fo), 1), dup2(fileno(fe), 2);
        execve(CLI, (char *const *)argv, env);
        _exit(127);
    }
    int st = 0;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
    }
    r.status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    r.out = slurp(fo);
    r.err = slurp(fe);
    fclose(fo), fclose(fe);
    return r;
}

#define RUN(...) cli((const char *const[]){__VA_ARGS__, NULL})

static void run_free(run *r) {
    free(r->out);
    free(r->err);
}

static void test_cli_search_paging_flags(void) {
    static const char *const cmds[3][2] = {{"contacts", "/contacts/search"},
                                           {"conversations", "/conversations/search"},
                                           {"tickets", "/tickets/search"}};
    for (int i = 0; i < 3; i++) {
        mock_server_reset(S);
        push("{\"type\":\"list\",\"data\":[],\"total_count\":0}");
        run r = RUN(cmds[i][0], "search", "--query", "{\"field\":\"id\",\"operator\":\"=\",\"value\":\"1\"}", "--per-page",
                    "50", "--starting-after", "abc");
        CHECKF(r.status == 0, "%s search: exit %d: %s", cmds[i][0], r.status, r.err);
        mock_request q;
        if (!mock_server_request(S, 0, &q)) {
            CHECK_STR(q.target, cmds[i][1]);
            json_t *b = json_loads(q.body ? q.body : "", 0, NULL);
            json_t *pg = json_object_get(b, "pagination");
            CHECKF(json_integer_value(json_object_get(pg, "per_page")) == 50 &&
                       !strcmp(json_string_value(json_object_get(pg, "starting_after")) ?: "", "abc") &&
                       json_object_get(b, "query"),
                   "%s", q.body);
            json_decref(b);
            mock_request_clear(&q);
        } else {
            CHECKF(0, "%s search: no request", cmds[i][0]);
        }
        run_free(&r);
        r = RUN(cmds[i][0], "search", "--help");
        CHECKF(strstr(r.out, "--per-page") && strstr(r.out, "--starting-after") && strstr(r.out, "up to 150"), "%s", r.out);
        run_free(&r);
    }
    /* with --data: the flag's member joins the pagination --data gives */
    mock_server_reset(S);
    push("{\"type\":\"list\",\"data\":[],\"total_count\":0}");
    run r = RUN("contacts", "search", "--data",
                "{\"query\":{\"field\":\"id\",\"operator\":\"=\",\"value\":\"1\"},\"pagination\":{\"starting_after\":\"zz\"}}",
                "--per-page", "7");
    CHECKF(r.status == 0, "exit %d: %s", r.status, r.err);
    char *b = body_of(0);
    CHECKF(strstr(b, "\"per_page\":7") && strstr(b, "\"starting_after\":\"zz\""), "%s", b);
    free(b);
    run_free(&r);
    /* the advertised maximum holds, before any traffic */
    mock_server_reset(S);
    r = RUN("contacts", "search", "--query", "{\"field\":\"id\",\"operator\":\"=\",\"value\":\"1\"}", "--per-page", "151");
    CHECKF(r.status == 2 && strstr(r.err, "per_page") && mock_server_request_count(S) == 0, "exit %d: %s", r.status,
           r.err);
    run_free(&r);
    r = RUN("contacts", "search", "--query", "{}", "--per-page", "x");
    CHECKF(r.status == 2 && strstr(r.err, "--per-page"), "exit %d: %s", r.status, r.err);
    run_free(&r);
}

static void test_cli_lists(void) {
    /* articles list --per-page 3: no maximum stated, none enforced */
    mock_server_reset(S);
    push("{\"type\":\"list\",\"data\":[],\"total_count\":0,\"pages\":{\"type\":\"pages\",\"page\":1,\"total_pages\":1}}");
    run r = RUN("articles", "list", "--per-page", "3");
    CHECKF(r.status == 0, "exit %d: %s", r.status, r.err);
    char *t = target(0);
    CHECK_STR(t, "/articles?per_page=3");
    free(t);
    run_free(&r);
    /* companies contacts list: --starting-after and --all */
    mock_server_reset(S);
    mock_server_set_handler(S, contacts_pages, NULL);
    r = RUN("companies", "contacts", "list", "--company-id", "co1", "--starting-after", "k2");
    CHECKF(r.status == 0 && strstr(r.out, "\"p2\""), "exit %d: %s %s", r.status, r.out, r.err);
    t = target(0);
    CHECK_STR(t, "/companies/co1/contacts?starting_after=k2");
    free(t);
    run_free(&r);
    mock_server_reset(S);
    r = RUN("companies", "contacts", "list", "--company-id", "co1", "--all");
    CHECKF(r.status == 0 && strstr(r.out, "\"p1\"") && strstr(r.out, "\"p2\"") && strstr(r.out, "\"p3\""),
           "exit %d: %s %s", r.status, r.out, r.err);
    CHECK(mock_server_request_count(S) == 3);
    run_free(&r);
    /* events list --all follows pages.next */
    mock_server_reset(S);
    mock_server_set_handler(S, events_pages, NULL);
    snprintf(NEXT_URL, sizeof NEXT_URL, "%s/events?per_page=2&before=1700000000", mock_server_url(S));
    r = RUN("data-events", "list", "--type", "user", "--user-id", "u1", "--all");
    if (r.status == 2 && strstr(r.err, "unknown")) { /* resource spelled with '_' */
        run_free(&r);
        r = RUN("data_events", "list", "--type", "user", "--user-id", "u1", "--all");
    }
    CHECKF(r.status == 0 && strstr(r.out, "placed-order-0") && strstr(r.out, "placed-order-1"), "exit %d: %s %s",
           r.status, r.out, r.err);
    CHECK(mock_server_request_count(S) == 2);
    run_free(&r);
    mock_server_set_handler(S, NULL, NULL);
}

static const ic_test tests[] = {
    {"ticket_type_attributes_data", test_ticket_type_attributes_data},
    {"strict_reports_undeclared_list", test_strict_reports_undeclared_list},
    {"contact_companies_data", test_contact_companies_data},
    {"conversation_customers_and_objects", test_conversation_customers_and_objects},
    {"company_contacts_cursor", test_company_contacts_cursor},
    {"events_next_url", test_events_next_url},
    {"events_next_url_elsewhere", test_events_next_url_elsewhere},
    {"events_next_url_async", test_events_next_url_async},
    {"articles_per_page_no_maximum", test_articles_per_page_no_maximum},
    {"cli_search_paging_flags", test_cli_search_paging_flags},
    {"cli_lists", test_cli_lists},
    {NULL, NULL},
};

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: test_shapes PATH_TO_INTERCOM [TEST...]\n");
        return 2;
    }
    CLI = argv[1];
    S = mock_server_start();
    if (!S) return 1;
    int rc = ic_test_run(tests, argc - 1, argv + 1);
    mock_server_stop(S);
    return rc;
}
