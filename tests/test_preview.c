/* SPDX-License-Identifier: MIT */
/* The Preview namespace against the scripted server (tests/support/mock_server): every typed call sends
 * Intercom-Version: Preview unless the request options say otherwise; the multipart catalog upload
 * (POST /ecommerce/connectors/{id}/catalog) puts the right parts on the wire, a file from memory or
 * from a path, sync and async; what multipart cannot carry is refused before any traffic; a Preview
 * pager walks its pages.
 *   test_preview [NAME...]   run only the named tests */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <unistd.h>

#include <intercom/preview.h>

#include "mock_server.h"

static int failures;
#define CHECK(c)                                                                              \
    do {                                                                                      \
        if (!(c)) {                                                                           \
            fprintf(stderr, "%s:%d: %s: check failed: %s\n", __FILE__, __LINE__, __func__, #c); \
            failures++;                                                                       \
        }                                                                                     \
    } while (0)

static mock_server *srv;

static intercom_client *client_new(void) {
    intercom_client_options o = INTERCOM_CLIENT_OPTIONS_INIT;
    o.bearer_token = "tok";
    o.base_url = mock_server_url(srv);
    o.max_retries = 0;
    intercom_client *c = NULL;
    intercom_error err = INTERCOM_ERROR_INIT;
    if (intercom_client_new(&c, &o, &err) != INTERCOM_OK) {
        fprintf(stderr, "client: %s\n", err.message);
        exit(1);
    }
    return c;
}

static void push_json(int status, const char *body) {
    mock_response r = MOCK_RESPONSE_INIT;
    r.status = status;
    r.headers = "Content-Type: application/json\r\n";
    r.body = body;
    mock_server_push(srv, &r);
}

/* ---------- a minimal multipart/form-data parser (RFC 7578) ---------- */

typedef struct part {
    char name[64], filename[128], type[128];
    int has_filename, has_type;
    const char *data;
    size_t len;
} part;

static const char *memfind(const char *h, size_t hn, const char *n, size_t nn) {
    for (size_t i = 0; nn <= hn && i + nn <= hn; i++)
        if (!memcmp(h + i, n, nn)) return h + i;
    return NULL;
}

/* Split @p body by the boundary of @p ctype into at most @p max parts; -1 when malformed. */
static int parse_multipart(const char *ctype, const char *body, size_t len, part *parts, int max) {
    const char *b = ctype ? strstr(ctype, "boundary=") : NULL;
    if (!ctype || strncmp(ctype, "multipart/form-data", 19) || !b) return -1;
    char delim[200];
    snprintf(delim, sizeof delim, "--%s", b + 9);
    size_t dl = strlen(delim);
    const char *p = memfind(body, len, delim, dl), *end = body + len;
    int n = 0;
    while (p) {
        p += dl;
        if (end - p >= 2 && !memcmp(p, "--", 2)) return n; /* closing delimiter */
        if (end - p < 2 || memcmp(p, "\r\n", 2) || n == max) return -1;
        p += 2;
        const char *hend = memfind(p, (size_t)(end - p), "\r\n\r\n", 4);
        if (!hend) return -1;
        part *pt = &parts[n];
        memset(pt, 0, sizeof *pt);
        for (const char *l = p; l < hend;) {
            const char *le = memfind(l, (size_t)(hend + 2 - l), "\r\n", 2);
            if (!le) le = hend;
            char line[512];
            snprintf(line, sizeof line, "%.*s", (int)(le - l), l);
            if (!strncasecmp(line, "Content-Disposition: form-data;", 31)) {
                const char *nm = strstr(line, " name=\""), *fn = strstr(line, "filename=\"");
                if (nm) sscanf(nm + 7, "%63[^\"]", pt->name);
                if (fn) pt->has_filename = sscanf(fn + 10, "%127[^\"]", pt->filename) == 1;
            } else if (!strncasecmp(line, "Content-Type: ", 14)) {
                snprintf(pt->type, sizeof pt->type, "%.127s", line + 14);
                pt->has_type = 1;
            }
            l = le + 2;
        }
        pt->data = hend + 4;
        char next[210];
        snprintf(next, sizeof next, "\r\n%s", delim);
        const char *q = memfind(pt->data, (size_t)(end - pt->data), next, dl + 2);
        if (!q) return -1;
        pt->len = (size_t)(q - pt->data);
        n++;
        p = q + 2;
    }
    return -1;
}

static const part *find_part(const part *ps, int n, const char *name) {
    for (int i = 0; i < n; i++)
        if (!strcmp(ps[i].name, name)) return &ps[i];
    return NULL;
}

/* bytes with a NUL, CR LF and something that looks like a delimiter */
static const char CATALOG[] = "[{\"id\":\"p1\",\"title\":\"T\\u00e9\",\"url\":\"https://x/p1\"}]\r\n--x\0\xff";

/* ---------- tests ---------- */

static void test_version_header(void) {
    intercom_client *c = client_new();
    mock_server_reset(srv);
    push_json(200, "{\"type\":\"list\",\"data\":[]}");
    push_json(200, "{\"type\":\"list\",\"data\":[]}");
    intercom_error err = INTERCOM_ERROR_INIT;
    intercom_preview_tag_list *tags = NULL;
    CHECK(intercom_preview_tags_list(c, NULL, &tags, &err) == INTERCOM_OK);
    intercom_preview_tag_list_free(tags);
    tags = NULL;
    intercom_request_options ro = INTERCOM_REQUEST_OPTIONS_INIT;
    ro.api_version = "2.16";
    CHECK(intercom_preview_tags_list(c, &ro, &tags, &err) == INTERCOM_OK);
    intercom_preview_tag_list_free(tags);
    mock_request r0, r1;
    CHECK(mock_server_request(srv, 0, &r0) == 0 && mock_server_request(srv, 1, &r1) == 0);
    const char *v0 = mock_request_header(&r0, "Intercom-Version"), *v1 = mock_request_header(&r1, "Intercom-Version");
    CHECK(v0 && !strcmp(v0, "Preview"));
    CHECK(v1 && !strcmp(v1, "2.16"));
    CHECK(!strcmp(r0.target, "/tags"));
    mock_request_clear(&r0);
    mock_request_clear(&r1);
    intercom_error_clear(&err);
    intercom_client_free(c);
}

static void check_catalog_request(size_t idx, const char *want_filename, const char *want_type, int with_fields) {
    mock_request r;
    CHECK(mock_server_request(srv, idx, &r) == 0);
    CHECK(!strcmp(r.method, "POST"));
    CHECK(!strcmp(r.target, "/ecommerce/connectors/42%2F7/catalog"));
    const char *ct = mock_request_header(&r, "Content-Type"), *v = mock_request_header(&r, "Intercom-Version");
    CHECK(v && !strcmp(v, "preview")); /* its Intercom-Version parameter is the one-value enum "preview" */
    CHECK(ct && !strncmp(ct, "multipart/form-data; boundary=", 30));
    part ps[8];
    int n = parse_multipart(ct, r.body, r.body_len, ps, 8);
    CHECK(n == (with_fields ? 4 : 1));
    const part *cat = find_part(ps, n > 0 ? n : 0, "catalog");
    CHECK(cat != NULL);
    if (cat) {
        CHECK(cat->has_filename && !strcmp(cat->filename, want_filename));
        CHECK(cat->has_type && !strcmp(cat->type, want_type));
        CHECK(cat->len == sizeof CATALOG - 1 && !memcmp(cat->data, CATALOG, sizeof CATALOG - 1));
    }
    if (with_fields && n == 4) {
        const part *fin = find_part(ps, n, "finalize"), *job = find_part(ps, n, "import_job_id"),
                   *num = find_part(ps, n, "part_number");
        CHECK(fin && fin->len == 5 && !memcmp(fin->data, "false", 5) && !fin->has_filename && !fin->has_type);
        CHECK(job && job->len == 12 && !memcmp(job->data, "job_01abc123", 12));
        CHECK(num && num->len == 1 && !memcmp(num->data, "2", 1));
    }
    mock_request_clear(&r);
}

static void test_multipart_memory(void) {
    intercom_client *c = client_new();
    mock_server_reset(srv);
    push_json(200, "{\"import_job_id\":\"job_01abc123\",\"next_part_number\":3}");
    intercom_file f = INTERCOM_FILE_INIT;
    f.data = CATALOG;
    f.size = sizeof CATALOG - 1;
    f.filename = "products \"part 2\".json";
    f.content_type = "application/json";
    intercom_preview_ecommerce_connectors_catalog_create_params p =
        INTERCOM_PREVIEW_ECOMMERCE_CONNECTORS_CATALOG_CREATE_PARAMS_INIT;
    p.id = "42/7";
    p.catalog = &f;
    INTERCOM_SET(&p, finalize, INTERCOM_PREVIEW_BOOLEAN_STRING_FALSE);
    p.import_job_id = "job_01abc123";
    INTERCOM_SET(&p, part_number, 2);
    intercom_preview_ecommerce_catalog_upload_part_response *out = NULL;
    intercom_error err = INTERCOM_ERROR_INIT;
    intercom_code rc = intercom_preview_ecommerce_connectors_catalog_create(c, &p, NULL, &out, &err);
    CHECK(rc == INTERCOM_OK);
    if (rc) fprintf(stderr, "  %s\n", err.message);
    CHECK(out && out->import_job_id && !strcmp(out->import_job_id, "job_01abc123") && out->next_part_number == 3);
    intercom_preview_ecommerce_catalog_upload_part_response_free(out);
    CHECK(mock_server_request_count(srv) == 1);
    /* libcurl escapes the quotes of a filename (%22) */
    check_catalog_request(0, "products %22part 2%22.json", "application/json", 1);
    intercom_error_clear(&err);
    intercom_client_free(c);
}

static void test_multipart_path(void) {
    char path[] = "/tmp/test_preview_XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    if (fd < 0) return;
    CHECK(write(fd, CATALOG, sizeof CATALOG - 1) == (ssize_t)(sizeof CATALOG - 1));
    close(fd);
    intercom_client *c = client_new();
    mock_server_reset(srv);
    push_json(202, "{\"import_job_id\":\"job_9\",\"status\":\"processing\"}");
    intercom_file f = INTERCOM_FILE_INIT;
    f.path = path;
    intercom_preview_ecommerce_connectors_catalog_create_params p =
        INTERCOM_PREVIEW_ECOMMERCE_CONNECTORS_CATALOG_CREATE_PARAMS_INIT;
    p.id = "42/7";
    p.catalog = &f;
    intercom_preview_ecommerce_catalog_upload_part_response *out = NULL;
    intercom_error err = INTERCOM_ERROR_INIT;
    /* the 202 body is another schema than the 200 one: it decodes leniently (unknown keys kept raw) */
    intercom_code rc = intercom_preview_ecommerce_connectors_catalog_create(c, &p, NULL, &out, &err);
    CHECK(rc == INTERCOM_OK);
    intercom_preview_ecommerce_catalog_upload_part_response_free(out);
    check_catalog_request(0, strrchr(path, '/') + 1, "application/octet-stream", 0);
    intercom_error_clear(&err);
    unlink(path);

    /* refused before any traffic: a missing file, two sources, no source, a wrong version, extra_body, CR/LF, a
     * directory (fopen opens one; libcurl then sent an empty part and the call succeeded) */
    mock_server_reset(srv);
    const char *why[] = {"cannot open", "exactly one", "exactly one", "version", "extra_body", "CR/LF", "Is a directory"};
    for (int k = 0; k < 7; k++) {
        intercom_file g = INTERCOM_FILE_INIT;
        intercom_request_options ro = INTERCOM_REQUEST_OPTIONS_INIT;
        json_t *extra = NULL;
        g.path = k == 0 ? "/nonexistent/catalog.json" : NULL;
        g.data = k == 1 || k >= 3 ? CATALOG : NULL;
        g.path = k == 1 ? "/etc/hostname" : g.path;
        g.size = 3;
        if (k == 3) g.version = 99;
        if (k == 4) ro.extra_body = extra = json_pack("{s:s}", "x", "y");
        if (k == 5) g.content_type = "text/plain\r\nX-Evil: 1";
        if (k == 6) g.path = "/tmp", g.data = NULL;
        p.catalog = &g;
        intercom_error e2 = INTERCOM_ERROR_INIT;
        rc = intercom_preview_ecommerce_connectors_catalog_create(c, &p, &ro, &out, &e2);
        CHECK(rc == INTERCOM_E_INVALID_ARGUMENT);
        CHECK(e2.message && strstr(e2.message, why[k]) && strstr(e2.message, "ecommerce.connectors.catalog.create"));
        if (!e2.message || !strstr(e2.message, why[k])) fprintf(stderr, "  case %d: %s\n", k, e2.message);
        json_decref(extra);
        intercom_error_clear(&e2);
    }
    CHECK(mock_server_request_count(srv) == 0);
    intercom_client_free(c);
}

typedef struct done_state {
    int calls;
    intercom_code code;
    char job[32];
} done_state;

static void on_done(intercom_code code, void *result, const intercom_error *err, void *payload) {
    (void)err;
    done_state *d = payload;
    d->calls++;
    d->code = code;
    intercom_preview_ecommerce_catalog_upload_part_response *r = result;
    if (r && r->import_job_id) snprintf(d->job, sizeof d->job, "%s", r->import_job_id);
    intercom_preview_ecommerce_catalog_upload_part_response_free(r);
}

static void test_multipart_async(void) {
    intercom_client_options o = INTERCOM_CLIENT_OPTIONS_INIT;
    o.bearer_token = "tok";
    o.base_url = mock_server_url(srv);
    o.max_retries = 0;
    intercom_async_client *ac = NULL;
    intercom_error err = INTERCOM_ERROR_INIT;
    CHECK(intercom_async_client_new(&ac, &o, &err) == INTERCOM_OK);
    if (!ac) return;
    mock_server_reset(srv);
    push_json(200, "{\"import_job_id\":\"job_async\",\"next_part_number\":2}");
    /* the bytes live in a heap buffer freed (and overwritten) right after submission: they were copied */
    char *buf = malloc(sizeof CATALOG);
    memcpy(buf, CATALOG, sizeof CATALOG);
    intercom_file f = INTERCOM_FILE_INIT;
    f.data = buf;
    f.size = sizeof CATALOG - 1;
    f.filename = "a.json";
    f.content_type = "application/json";
    intercom_preview_ecommerce_connectors_catalog_create_params p =
        INTERCOM_PREVIEW_ECOMMERCE_CONNECTORS_CATALOG_CREATE_PARAMS_INIT;
    p.id = "42/7";
    p.catalog = &f;
    done_state d = {0};
    CHECK(intercom_preview_async_ecommerce_connectors_catalog_create(ac, &p, NULL, on_done, &d) == INTERCOM_OK);
    memset(buf, 'z', sizeof CATALOG);
    free(buf);
    intercom_async_run_until_idle(ac);
    CHECK(d.calls == 1 && d.code == INTERCOM_OK && !strcmp(d.job, "job_async"));
    check_catalog_request(0, "a.json", "application/json", 0);
    intercom_async_client_free(ac);
    intercom_error_clear(&err);
}

static void test_preview_pager(void) {
    intercom_client *c = client_new();
    mock_server_reset(srv);
    push_json(200, "{\"type\":\"list\",\"data\":[{\"type\":\"contact_activity\",\"id\":\"a1\"},"
                   "{\"type\":\"contact_activity\",\"id\":\"a2\"}],"
                   "\"pages\":{\"type\":\"pages\",\"per_page\":2,\"next\":{\"starting_after\":\"cur/2\"}}}");
    push_json(200, "{\"type\":\"list\",\"data\":[{\"type\":\"contact_activity\",\"id\":\"a3\"}],"
                   "\"pages\":{\"type\":\"pages\",\"per_page\":2}}");
    intercom_preview_contacts_activities_list_params p = INTERCOM_PREVIEW_CONTACTS_ACTIVITIES_LIST_PARAMS_INIT;
    INTERCOM_SET(&p, per_page, 2);
    intercom_pager *pg = NULL;
    intercom_error err = INTERCOM_ERROR_INIT;
    CHECK(intercom_preview_contacts_activities_list_pager(&pg, c, &p, NULL, &err) == INTERCOM_OK);
    char ids[64] = "";
    intercom_preview_contact_activity *a = NULL;
    int rc, n = 0;
    while ((rc = intercom_preview_contacts_activities_list_next(pg, &a, &err)) == 1) {
        strncat(ids, a->id ? a->id : "?", sizeof ids - strlen(ids) - 2);
        strcat(ids, ",");
        n++;
    }
    CHECK(rc == 0);
    CHECK(n == 3 && !strcmp(ids, "a1,a2,a3,"));
    intercom_pager_free(pg);
    CHECK(mock_server_request_count(srv) == 2);
    mock_request r1;
    CHECK(mock_server_request(srv, 1, &r1) == 0);
    CHECK(strstr(r1.target, "/contacts/activities?") == r1.target && strstr(r1.target, "starting_after=cur%2F2"));
    const char *v = mock_request_header(&r1, "Intercom-Version");
    CHECK(v && !strcmp(v, "Preview"));
    mock_request_clear(&r1);
    intercom_error_clear(&err);
    intercom_client_free(c);
}


/* A client allocator that fails its Nth allocation from now on (0: never). */
typedef struct failing {
    long n, count;
} failing;
static void *f_malloc(size_t n, void *pl) {
    failing *f = pl;
    return f->n && ++f->count == f->n ? NULL : malloc(n);
}
static void *f_realloc(void *p, size_t n, void *pl) {
    failing *f = pl;
    return f->n && ++f->count == f->n ? NULL : realloc(p, n);
}
static void f_free(void *p, void *pl) {
    (void)pl;
    free(p);
}

/* The multipart body under memory failure: each failing allocation of the call gives INTERCOM_E_NOMEM
 * (or a request that still completes), never a crash or a leak (ASan, valgrind), and nothing half-sent. */
static void test_multipart_nomem(void) {
    failing fl = {0, 0};
    intercom_allocator a = {f_malloc, f_realloc, f_free, &fl};
    intercom_client_options o = INTERCOM_CLIENT_OPTIONS_INIT;
    o.bearer_token = "tok";
    o.base_url = mock_server_url(srv);
    o.max_retries = 0;
    o.allocator = &a;
    intercom_client *c = NULL;
    CHECK(intercom_client_new(&c, &o, NULL) == INTERCOM_OK);
    if (!c) return;
    intercom_file f = INTERCOM_FILE_INIT;
    f.data = CATALOG;
    f.size = sizeof CATALOG - 1;
    intercom_preview_ecommerce_connectors_catalog_create_params p =
        INTERCOM_PREVIEW_ECOMMERCE_CONNECTORS_CATALOG_CREATE_PARAMS_INIT;
    p.id = "42";
    p.catalog = &f;
    p.import_job_id = "job_1";
    int nomem = 0, ok = 0, other = 0;
    for (long n = 1; n < 400 && !ok; n++) {
        mock_server_reset(srv);
        push_json(200, "{\"import_job_id\":\"job_1\",\"next_part_number\":2}");
        fl.n = n;
        fl.count = 0;
        intercom_preview_ecommerce_catalog_upload_part_response *out = NULL;
        intercom_error err = INTERCOM_ERROR_INIT;
        intercom_code rc = intercom_preview_ecommerce_connectors_catalog_create(c, &p, NULL, &out, &err);
        fl.n = 0;
        if (rc == INTERCOM_E_NOMEM) nomem++;
        else if (rc == INTERCOM_OK && fl.count < n) ok = 1; /* the call made fewer than n allocations */
        else if (rc != INTERCOM_OK) other++, fprintf(stderr, "  n=%ld: %s\n", n, err.message ? err.message : "?");
        intercom_preview_ecommerce_catalog_upload_part_response_free(out);
        intercom_error_clear(&err);
    }
    if (getenv("TEST_PREVIEW_VERBOSE")) printf("  multipart_nomem: %d failing allocations gave NOMEM\n", nomem);
    CHECK(ok && nomem > 5 && other == 0);
    intercom_client_free(c);
}

/* The namespace through the public reflection API: its own count and order, found as "preview:<op>",
 * its multipart operation and file field described, callable at run time with Intercom-Version: Preview;
 * the stable API's list unchanged by it. */
static void test_namespace(void) {
    size_t n = intercom_namespace_operations_count("preview");
    CHECK(n == 256);
    CHECK(intercom_namespace_operations_count("") == intercom_operations_count());
    CHECK(intercom_namespace_operations_count(NULL) == intercom_operations_count());
    CHECK(intercom_operations_count() == 232); /* the stable list does not grow by the Preview's */
    CHECK(intercom_namespace_operations_count("nosuch") == 0);
    CHECK(intercom_namespace_operations_at("nosuch", 0) == NULL);
    CHECK(intercom_namespace_operations_at("preview", n) == NULL);
    CHECK(intercom_namespace_operations_at(NULL, 0) == intercom_operations_at(0));
    int sorted = 1, preview_versions = 1;
    for (size_t i = 0; i < n; i++) {
        const intercom_operation *o = intercom_namespace_operations_at("preview", i);
        if (!o) {
            sorted = 0;
            break;
        }
        if (i && strcmp(intercom_namespace_operations_at("preview", i - 1)->name, o->name) >= 0) sorted = 0;
        if (!o->api_version || strcasecmp(o->api_version, "Preview")) preview_versions = 0;
    }
    CHECK(sorted && preview_versions);
    const intercom_operation *op = NULL, *st = NULL;
    intercom_error err = INTERCOM_ERROR_INIT;
    CHECK(intercom_operation_find("preview:teams.update", &op, &err) == INTERCOM_OK && op &&
          !strcmp(op->method, "PUT") && !strcmp(op->path, "/teams/{id}"));
    CHECK(intercom_operation_find("teams.update", &st, &err) == INTERCOM_E_INVALID_ARGUMENT && !st); /* new in Preview */
    intercom_error_clear(&err);
    CHECK(intercom_operation_find("preview:contacts.retrieve", &op, NULL) == INTERCOM_OK &&
          intercom_operation_find("contacts.retrieve", &st, NULL) == INTERCOM_OK && op != st &&
          !strcmp(op->path, "/contacts/{id}") && !strcmp(st->path, "/contacts/{contact_id}"));
    CHECK(intercom_operation_find("preview:ecommerce.connectors.catalog.create", &op, NULL) == INTERCOM_OK);
    CHECK(op && (op->flags & INTERCOM_OP_MULTIPART) && (op->flags & INTERCOM_OP_HAS_BODY));
    const intercom_field *cf = op ? intercom_type_field(op->params, "catalog", 7) : NULL;
    CHECK(cf && cf->kind == INTERCOM_KIND_FILE && cf->in == INTERCOM_IN_BODY);
    /* called at run time, as the CLI does: the Preview's version on the wire */
    intercom_client *c = client_new();
    mock_server_reset(srv);
    push_json(200, "{\"type\":\"team\",\"id\":\"7\",\"name\":\"Ops\"}");
    CHECK(intercom_operation_find("preview:teams.retrieve", &op, NULL) == INTERCOM_OK);
    void *params = op ? calloc(1, op->params->size) : NULL, *out = NULL;
    const intercom_field *idf = op ? intercom_type_field(op->params, "id", 2) : NULL;
    CHECK(params && idf && idf->kind == INTERCOM_KIND_STRING);
    if (params && idf) *(const char **)((char *)params + idf->offset) = "7";
    CHECK(op && intercom_operation_call(c, op, params, NULL, &out, &err) == INTERCOM_OK && out);
    intercom_model_free(out);
    free(params);
    mock_request r;
    CHECK(mock_server_request(srv, 0, &r) == 0);
    const char *v = mock_request_header(&r, "Intercom-Version");
    CHECK(v && !strcmp(v, "Preview") && !strcmp(r.target, "/teams/7"));
    mock_request_clear(&r);
    intercom_error_clear(&err);
    intercom_client_free(c);
}

/* POST /contacts/{id}/companies: the Preview's path parameter `id` (the contact) and body property `id`
 * (the company) share a name; the path one is `id_path` (C member, params JSON, --id-path), each goes
 * to its own place on the wire, and params JSON can set both. */
static void test_path_body_clash(void) {
    intercom_client *c = client_new();
    mock_server_reset(srv);
    push_json(200, "{\"type\":\"company\",\"id\":\"co9\"}");
    intercom_preview_contacts_companies_create_params p = INTERCOM_PREVIEW_CONTACTS_COMPANIES_CREATE_PARAMS_INIT;
    INTERCOM_SET(&p, id_path, "ct/1");
    INTERCOM_SET(&p, id, "co9");
    intercom_preview_company *co = NULL;
    intercom_error err = INTERCOM_ERROR_INIT;
    CHECK(intercom_preview_contacts_companies_create(c, &p, NULL, &co, &err) == INTERCOM_OK && co);
    intercom_model_free(co);
    mock_request r;
    CHECK(mock_server_request(srv, 0, &r) == 0);
    CHECK(r.target && !strcmp(r.target, "/contacts/ct%2F1/companies"));
    CHECK(r.body && !strcmp(r.body, "{\"id\":\"co9\"}"));
    mock_request_clear(&r);
    /* params JSON names both */
    const intercom_operation *op = NULL;
    CHECK(intercom_operation_find("preview:contacts.companies.create", &op, NULL) == INTERCOM_OK);
    static const char js[] = "{\"id_path\":\"ct2\",\"id\":\"co8\"}";
    void *params = NULL;
    CHECK(op && intercom_from_json(op->params, js, strlen(js), 1, &params, &err) == INTERCOM_OK);
    const intercom_preview_contacts_companies_create_params *pp = params;
    CHECK(pp && pp->id_path && !strcmp(pp->id_path, "ct2") && pp->id && !strcmp(pp->id, "co8"));
    if (params) intercom_free(op->params, params);
    /* no path value: refused before traffic, the body's id is not used in its place */
    mock_server_reset(srv);
    intercom_preview_contacts_companies_create_params q = INTERCOM_PREVIEW_CONTACTS_COMPANIES_CREATE_PARAMS_INIT;
    INTERCOM_SET(&q, id, "co9");
    CHECK(intercom_preview_contacts_companies_create(c, &q, NULL, &co, &err) == INTERCOM_E_INVALID_ARGUMENT);
    CHECK(mock_server_request_count(srv) == 0);
    intercom_error_clear(&err);
    intercom_client_free(c);
}

/* ---------- the CLI: intercom preview <resource> <method> ---------- */

/* Run the CLI ($IC_CLI) with @p args (shell words); its stdout into @p out; the exit status. */
static int run_cli(const char *args, char *out, size_t outn) {
    const char *cli = getenv("IC_CLI");
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "'%s' %s 2>/dev/null", cli, args);
    FILE *f = popen(cmd, "r");
    if (!f) return -1;
    size_t n = fread(out, 1, outn - 1, f);
    out[n] = '\0';
    int st = pclose(f);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void test_cli(void) {
    if (!getenv("IC_CLI")) {
        printf("skip cli: IC_CLI not set\n");
        return;
    }
    static char out[65536];
    char args[1024];
    /* help, completion and usage errors: as for the stable commands */
    CHECK(run_cli("preview --help", out, sizeof out) == 0 && strstr(out, "preview <resource> <method>") &&
          strstr(out, "  folders "));
    CHECK(run_cli("preview teams update --help", out, sizeof out) == 0 && strstr(out, "PUT /teams/{id}") &&
          strstr(out, "--admin-ids"));
    CHECK(run_cli("__complete preview teams", out, sizeof out) == 0 && strstr(out, "update\n") &&
          strstr(out, "metrics\n"));
    CHECK(run_cli("__complete", out, sizeof out) == 0 && strstr(out, "preview\n"));
    CHECK(run_cli("__complete preview ecommerce connectors catalog create", out, sizeof out) == 0 &&
          strstr(out, "--catalog\n"));
    CHECK(run_cli("preview nosuch thing", out, sizeof out) == 2);
    CHECK(run_cli("--token t preview ecommerce connectors catalog create --id 1 --catalog /nonexistent/x",
                  out, sizeof out) == 2);
    CHECK(run_cli("--token t --base-url http://127.0.0.1:1 preview ecommerce connectors catalog create --id 1 --catalog /tmp",
                  out, sizeof out) == 2); /* refused before any traffic (else: a connection error, 3) */
    /* a file part from a path, on the wire; --api-version overrides Preview */
    char path[] = "/tmp/test_preview_cli_XXXXXX.json";
    int fd = mkstemps(path, 5);
    CHECK(fd >= 0);
    if (fd < 0) return;
    CHECK(write(fd, CATALOG, sizeof CATALOG - 1) == (ssize_t)(sizeof CATALOG - 1));
    close(fd);
    mock_server_reset(srv);
    push_json(200, "{\"import_job_id\":\"job_cli\",\"next_part_number\":2}");
    snprintf(args, sizeof args, "--base-url %s --token t --max-retries 0 preview ecommerce connectors catalog create "
             "--id 42/7 --catalog %s", mock_server_url(srv), path);
    CHECK(run_cli(args, out, sizeof out) == 0 && strstr(out, "job_cli"));
    CHECK(mock_server_request_count(srv) == 1);
    check_catalog_request(0, strrchr(path, '/') + 1, "application/json", 0);
    mock_server_reset(srv);
    push_json(200, "{\"type\":\"list\",\"data\":[]}");
    snprintf(args, sizeof args, "--base-url %s --token t --api-version 2.16 preview tags list", mock_server_url(srv));
    CHECK(run_cli(args, out, sizeof out) == 0);
    mock_request r;
    CHECK(mock_server_request(srv, 0, &r) == 0);
    const char *v = mock_request_header(&r, "Intercom-Version");
    CHECK(v && !strcmp(v, "2.16"));
    mock_request_clear(&r);
    /* --id-path (the path's {id}) and --id (the body's) of POST /contacts/{id}/companies */
    mock_server_reset(srv);
    push_json(200, "{\"type\":\"company\",\"id\":\"co9\"}");
    snprintf(args, sizeof args, "--base-url %s --token t preview contacts companies create --id-path ct1 --id co9",
             mock_server_url(srv));
    CHECK(run_cli(args, out, sizeof out) == 0);
    CHECK(mock_server_request(srv, 0, &r) == 0);
    CHECK(!strcmp(r.target, "/contacts/ct1/companies") && r.body && !strcmp(r.body, "{\"id\":\"co9\"}"));
    mock_request_clear(&r);
    /* --all over a Preview pager */
    mock_server_reset(srv);
    push_json(200, "{\"type\":\"list\",\"data\":[{\"type\":\"contact_activity\",\"id\":\"a1\"}],"
                   "\"pages\":{\"type\":\"pages\",\"next\":{\"starting_after\":\"c2\"}}}");
    push_json(200, "{\"type\":\"list\",\"data\":[{\"type\":\"contact_activity\",\"id\":\"a2\"}],"
                   "\"pages\":{\"type\":\"pages\"}}");
    snprintf(args, sizeof args, "--base-url %s --token t --all preview contacts activities list", mock_server_url(srv));
    CHECK(run_cli(args, out, sizeof out) == 0 && strstr(out, "\"a1\"") && strstr(out, "\"a2\""));
    CHECK(mock_server_request_count(srv) == 2);
    CHECK(mock_server_request(srv, 1, &r) == 0);
    v = mock_request_header(&r, "Intercom-Version");
    CHECK(v && !strcmp(v, "Preview") && strstr(r.target, "/contacts/activities?"));
    mock_request_clear(&r);
    unlink(path);
}

int main(int argc, char **argv) {
    static const struct {
        const char *name;
        void (*fn)(void);
    } tests[] = {{"version_header", test_version_header},   {"multipart_memory", test_multipart_memory},
                 {"multipart_path", test_multipart_path},   {"multipart_async", test_multipart_async},
                 {"preview_pager", test_preview_pager},     {"namespace", test_namespace},
                 {"path_body_clash", test_path_body_clash},
                 {"multipart_nomem", test_multipart_nomem},
                 {"cli", test_cli}};
    srv = mock_server_start();
    if (!srv) return 1;
    for (size_t i = 0; i < sizeof tests / sizeof *tests; i++) {
        int run = argc < 2;
        for (int k = 1; k < argc; k++) run |= !strcmp(argv[k], tests[i].name);
        if (!run) continue;
        int before = failures;
        tests[i].fn();
        printf("%s %s\n", failures == before ? "ok  " : "FAIL", tests[i].name);
    }
    mock_server_stop(srv);
    return failures ? 1 : 0;
}
