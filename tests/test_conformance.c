/* SPDX-License-Identifier: MIT */
/* Conformance against Prism: every operation of the generated table
 * (tests/generated/conformance_cases.c) is called through its typed function against a Prism
 * mock server serving ../shared/openapi/intercom-2.16.json (scripts/prism). Prism validates
 * path, query, headers and body against the description, so a 4xx is a bug in our request (its
 * body says which rule failed). A 2xx body must decode into the typed struct and re-encode to
 * JSON equal to the body received (compared semantically: 3 == 3.0, key order irrelevant);
 * keys the typed struct does not declare are reported as "undocumented" (they stay reachable
 * through intercom_model_raw_json), anything else is a mismatch, printed as a JSON-path diff.
 * Every 10th operation also runs through its async twin, all of them in flight at once.
 *
 *   test_conformance [BASE_URL] [NAME_SUBSTRING...]
 *       BASE_URL: Prism's URL (default $INTERCOM_BASE_URL); ctest's `conformance` test starts Prism
 *       itself. By hand: url=$(scripts/prism start) && build/tests/test_conformance "$url"
 *   CONFORMANCE_STRICT=1   decode responses in strict mode (a field of the wrong JSON type fails)
 *   CONFORMANCE_QUIET=1    print only failures, known operations and the summary
 *
 * Exit: 0 all accepted and equal (modulo undocumented fields), 1 a failure, 77 (skip) when
 * ../shared or Prism is unavailable. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <intercom/intercom.h>

#ifdef CONFORMANCE_PREVIEW /* tests/test_preview_conformance.c: the Preview's cases, its own KNOWN[] */
#include <intercom/preview.h>
#include "preview_conformance_cases.h"
#define conformance_cases preview_conformance_cases
#else
#include "conformance_cases.h"
#endif

#ifndef CONFORMANCE_SPEC
#define CONFORMANCE_SPEC "../shared/openapi/intercom-2.16.json"
#endif

/* ---------- operations Prism cannot answer with a 2xx ---------- */

/* Operations for which Prism itself cannot produce a 2xx, because of the description, matched on
 * method + path template. They are reported as "known", not as failures; one that passes anyway
 * is reported so that it can leave the list. */
static const struct known_op {
    const char *method, *path, *reason;
} KNOWN[] = {
#ifdef CONFORMANCE_PREVIEW
#include "preview_conformance_known.h"
#else
    {"GET", "/calls/{call_id}/recording",
     "the description declares no 2xx response, only a 302 redirect to the recording file (plus 401, 404), "
     "so Prism answers 302; the library never follows redirects (INTERCOM_E_STATUS with the Location)"},
    {"POST", "/conversations/{conversation_id}/run_assignment_rules",
     "absent from the 2.16 description (kept, deprecated, sending Intercom-Version 2.11): Prism serves 2.16 "
     "and answers 404 (no path matched)"},
    {"POST", "/conversations",
     "create_conversation_request.from.id is declared both format: uuid (36 characters) and maxLength: 24, "
     "so no value passes Prism's validation (422 maxLength or format)"},
    {"GET", "/events",
     "the required `filter` query parameter is an object with style form, explode true, and each oneOf branch "
     "has additionalProperties: false; Prism folds every query parameter (including the required `type`) into "
     "that object, so no query string validates (checked by hand: user_id=, filter[user_id]=, filter={json}, "
     "filter=user_id,x)"},
#endif
    {NULL, NULL, NULL},
};

static const struct known_op *known_for(const conformance_case *c) {
    for (const struct known_op *k = KNOWN; k->method; k++)
        if (!strcasecmp(k->method, c->method) && !strcmp(k->path, c->path)) return k;
    return NULL;
}

/* ---------- output ---------- */

static int quiet;

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    fflush(stdout);
}

/* A JSON value as compact text, cut to @p max characters (malloc'd). */
static char *show(const json_t *v, size_t max) {
    if (!v) return strdup("(absent)");
    char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
    if (!s) return strdup("(?)");
    if (strlen(s) > max) strcpy(s + max - 3, "...");
    return s;
}

static void print_body(const char *indent, const char *body, size_t len) {
    const size_t max = 2000;
    if (!body || !len) {
        say("%s(empty body)\n", indent);
        return;
    }
    say("%s%.*s%s\n", indent, (int)(len > max ? max : len), body, len > max ? "..." : "");
}

/* ---------- semantic comparison with classification ---------- */

typedef struct diff {
    int undocumented; /* keys of the body that the typed struct does not declare */
    int mismatches;   /* values that differ, documented fields lost, extra keys */
    char *log;        /* lines to print, cut after a few */
    size_t log_len;
    int lines;
} diff;

#define DIFF_MAX_LINES 12

static void diff_line(diff *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void diff_line(diff *d, const char *fmt, ...) {
    if (++d->lines > DIFF_MAX_LINES) return;
    char line[640];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    if ((size_t)n >= sizeof line) n = sizeof line - 1;
    char *p = realloc(d->log, d->log_len + (size_t)n + 2);
    if (!p) return;
    d->log = p;
    memcpy(d->log + d->log_len, line, (size_t)n);
    d->log_len += (size_t)n;
    d->log[d->log_len++] = '\n';
    d->log[d->log_len] = '\0';
}

/* JSON paths for diffs; a path too long to print is cut (the diff is for reading) */
static void path_key(char *out, size_t cap, const char *path, const char *key) {
    if (snprintf(out, cap, "%s%s%s", path, *path ? "." : "", key) >= (int)cap) out[cap - 1] = '\0';
}

static void path_index(char *out, size_t cap, const char *path, size_t i) {
    if (snprintf(out, cap, "%s[%zu]", path, i) >= (int)cap) out[cap - 1] = '\0';
}

static const char *P(const char *path) { return *path ? path : "(top level)"; }

static int numbers_equal(const json_t *a, const json_t *b) {
    if (json_is_integer(a) && json_is_integer(b)) return json_integer_value(a) == json_integer_value(b);
    double x = json_number_value(a), y = json_number_value(b);
    if (x == y) return 1;
    return fabs(x - y) <= 1e-12 * fmax(fabs(x), fabs(y));
}

static void mismatch(diff *d, const char *path, const char *what, const json_t *body, const json_t *enc) {
    d->mismatches++;
    char *b = show(body, 100), *e = show(enc, 100);
    diff_line(d, "    %-14s %s: body %s, re-encoded %s", what, P(path), b, e);
    free(b);
    free(e);
}

/* Compare without type information (free-form values, or where no model is known): every
 * difference is a mismatch. */
static void compare_values(const json_t *a, const json_t *b, const char *path, diff *d) {
    char sub[1024];
    if (json_is_number(a) && json_is_number(b)) {
        if (!numbers_equal(a, b)) mismatch(d, path, "value differs", a, b);
        return;
    }
    if (json_typeof(a) != json_typeof(b)) {
        mismatch(d, path, "type differs", a, b);
        return;
    }
    switch (json_typeof(a)) {
    case JSON_OBJECT: {
        const char *k;
        json_t *av, *bv;
        json_object_foreach((json_t *)a, k, av) {
            path_key(sub, sizeof sub, path, k);
            if (!(bv = json_object_get(b, k))) mismatch(d, sub, "missing", av, NULL);
            else compare_values(av, bv, sub, d);
        }
        json_object_foreach((json_t *)b, k, bv) {
            path_key(sub, sizeof sub, path, k);
            if (!json_object_get(a, k)) mismatch(d, sub, "extra", NULL, bv);
        }
        break;
    }
    case JSON_ARRAY:
        if (json_array_size(a) != json_array_size(b)) {
            char what[64];
            snprintf(what, sizeof what, "length %zu vs %zu", json_array_size(a), json_array_size(b));
            mismatch(d, path, what, a, b);
            return;
        }
        for (size_t i = 0; i < json_array_size(a); i++) {
            path_index(sub, sizeof sub, path, i);
            compare_values(json_array_get(a, i), json_array_get(b, i), sub, d);
        }
        break;
    case JSON_STRING:
        if (json_string_length(a) != json_string_length(b) ||
            memcmp(json_string_value(a), json_string_value(b), json_string_length(a)))
            mismatch(d, path, "value differs", a, b);
        break;
    default: /* true, false, null: the types already matched */
        break;
    }
}

static const intercom_field *declared_field(const intercom_type *t, const char *key) {
    if (!t || t->kind != INTERCOM_TYPE_OBJECT) return NULL;
    for (uint32_t i = 0; i < t->n_fields; i++)
        if (!strcmp(t->fields[i].name, key)) return &t->fields[i];
    return NULL;
}

static const char *state_name(intercom_field_state_t s) {
    switch (s) {
    case INTERCOM_FIELD_ABSENT: return "absent";
    case INTERCOM_FIELD_PRESENT: return "present";
    case INTERCOM_FIELD_NULL: return "null";
    case INTERCOM_FIELD_INVALID: return "invalid";
    }
    return "?";
}

/* Compare body @p a with the re-encoding @p b of model @p obj (NULL: unknown), following the
 * model's descriptor into nested models. A key of the body that the model's type does not
 * declare and that the encoder left out is "undocumented"; everything else must be equal. */
static void compare_model(const void *obj, const json_t *a, const json_t *b, const char *path, diff *d) {
    if (!obj || !json_is_object(a) || !json_is_object(b)) {
        compare_values(a, b, path, d);
        return;
    }
    const intercom_type *t = ((const intercom_model *)obj)->type;
    char sub[1024];
    const char *k;
    json_t *av, *bv;
    json_object_foreach((json_t *)a, k, av) {
        path_key(sub, sizeof sub, path, k);
        const intercom_field *f = declared_field(t, k);
        bv = json_object_get(b, k);
        if (!f) {
            if (bv) compare_values(av, bv, sub, d);
            else {
                d->undocumented++;
                char *v = show(av, 60);
                diff_line(d, "    %-14s %s (%s): %s", "undocumented", sub, intercom_type_name(t), v);
                free(v);
            }
            continue;
        }
        if (!bv) {
            intercom_field_state_t st = intercom_field_state(obj, k);
            mismatch(d, sub,
                     st == INTERCOM_FIELD_INVALID ? "invalid" /* the value does not fit the declared type */
                                                  : "lost",   /* decoded, but not written back */
                     av, NULL);
            if (st != INTERCOM_FIELD_INVALID) diff_line(d, "    %-14s field state %s", "", state_name(st));
            continue;
        }
        if (f->kind == INTERCOM_KIND_OBJECT && (f->flags & INTERCOM_FIELD_FLAG_ARRAY) && json_is_array(av) && json_is_array(bv)) {
            void *const *items = *(void *const *const *)((const char *)obj + f->offset);
            size_t n = *(const size_t *)((const char *)obj + f->aux_offset);
            if (json_array_size(av) != json_array_size(bv)) {
                compare_values(av, bv, sub, d);
                continue;
            }
            for (size_t i = 0; i < json_array_size(av); i++) {
                char el[1024];
                path_index(el, sizeof el, sub, i);
                compare_model(items && i < n ? items[i] : NULL, json_array_get(av, i), json_array_get(bv, i), el, d);
            }
        } else if (f->kind == INTERCOM_KIND_OBJECT && !(f->flags & INTERCOM_FIELD_FLAG_ARRAY)) {
            compare_model(*(void *const *)((const char *)obj + f->offset), av, bv, sub, d);
        } else {
            compare_values(av, bv, sub, d);
        }
    }
    json_object_foreach((json_t *)b, k, bv) {
        path_key(sub, sizeof sub, path, k);
        if (!json_object_get(a, k)) mismatch(d, sub, "extra", NULL, bv);
    }
}

/* Compare a decoded result with the body it came from. Returns 0 equal, 1 equal modulo
 * undocumented fields, 2 mismatch; the diff lines go to @p d. */
static int check_result(void *result, const char *body, size_t body_len, diff *d) {
    json_error_t je;
    json_t *a = json_loadb(body, body_len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &je);
    if (!a) {
        d->mismatches++;
        diff_line(d, "    the body is not JSON (%s)", je.text);
        return 2;
    }
    char *js = NULL;
    size_t jl = 0;
    intercom_error err = INTERCOM_ERROR_INIT;
    intercom_code rc = intercom_to_json(result, INTERCOM_JSON_COMPACT, &js, &jl, &err);
    json_t *b = NULL;
    if (rc != INTERCOM_OK) {
        d->mismatches++;
        diff_line(d, "    intercom_to_json: %s: %s", intercom_strerror(rc), err.message ? err.message : "");
    } else if (!(b = json_loadb(js, jl, JSON_DECODE_ANY | JSON_ALLOW_NUL, &je))) {
        d->mismatches++;
        diff_line(d, "    intercom_to_json wrote invalid JSON (%s): %.200s", je.text, js);
    } else {
        compare_model(result, a, b, "", d);
    }
    /* undocumented fields must stay reachable: the raw JSON is the whole body */
    json_t *raw = intercom_model_raw_json(result);
    if (!raw) {
        d->mismatches++;
        diff_line(d, "    intercom_model_raw_json() is NULL");
    } else if (!json_equal(raw, a)) {
        d->mismatches++;
        diff_line(d, "    intercom_model_raw_json() differs from the body");
    }
    json_decref(a);
    json_decref(b);
    intercom_free_string(js);
    intercom_error_clear(&err);
    return d->mismatches ? 2 : d->undocumented ? 1 : 0;
}

static void diff_print(const diff *d) {
    if (d->log) fputs(d->log, stdout);
    if (d->lines > DIFF_MAX_LINES) say("    ... and %d more\n", d->lines - DIFF_MAX_LINES);
    fflush(stdout);
}

static void diff_clear(diff *d) {
    free(d->log);
    memset(d, 0, sizeof *d);
}

/* ---------- running the cases ---------- */

typedef enum verdict { V_EQUAL, V_UNDOC, V_NO_BODY, V_KNOWN, V_FAIL } verdict;

typedef struct case_state {
    const conformance_case *c;
    const struct known_op *known;
    verdict sync;
    int accepted, decoded;
    /* async */
    int async_submitted, async_done, async_failed;
    void *async_params;
} case_state;

static intercom_code make_params(const conformance_case *c, void **params, intercom_error *err) {
    *params = NULL;
    if (!c->params_type) return INTERCOM_OK;
    const char *js = c->params_json ? c->params_json : "{}";
#ifdef CONFORMANCE_PREVIEW
    /* file parts (multipart bodies) are not in the JSON: one small catalog from memory */
    static const char catalog[] = "[{\"id\":\"p1\",\"title\":\"Shoe\",\"url\":\"https://example.com/p1\"}]";
    static intercom_file file = INTERCOM_FILE_INIT;
    file.data = catalog;
    file.size = sizeof catalog - 1;
    file.filename = "catalog.json";
    file.content_type = "application/json";
    intercom_code rc = intercom_from_json(c->params_type, js, strlen(js), 1 /* strict */, params, err);
    for (uint32_t i = 0; rc == INTERCOM_OK && i < c->params_type->n_fields; i++)
        if (c->params_type->fields[i].kind == INTERCOM_KIND_FILE)
            *(const intercom_file **)((char *)*params + c->params_type->fields[i].offset) = &file;
    return rc;
#else
    return intercom_from_json(c->params_type, js, strlen(js), 1 /* strict */, params, err);
#endif
}

static void print_failure(const char *indent, intercom_code rc, const intercom_error *err) {
    say("%s%s (code %d, HTTP %d): %s\n", indent, intercom_strerror(rc), (int)rc, err->status,
        err->message ? err->message : "");
    if (err->response && intercom_code_is_status(rc)) {
        say("%sthe server's body%s:\n", indent,
            err->status >= 400 && err->status < 500 ? " (Prism's validation of our request)" : "");
        print_body("      ", err->response->body, err->response->body_len);
        const char *loc = intercom_response_header(err->response, "Location");
        if (loc) say("%sLocation: %s\n", indent, loc);
    }
}

static int strict_decode;

static void run_sync(intercom_client *client, case_state *s) {
    const conformance_case *c = s->c;
    intercom_error err = INTERCOM_ERROR_INIT;
    void *params = NULL, *out = NULL;
    intercom_response *raw = NULL;
    intercom_code rc = make_params(c, &params, &err);
    if (rc != INTERCOM_OK) {
        s->sync = V_FAIL;
        say("FAIL %s (%s %s): the example params do not decode as %s: %s\n      %s\n", c->name, c->method, c->path,
            intercom_type_name(c->params_type), err.message ? err.message : intercom_strerror(rc),
            c->params_json ? c->params_json : "{}");
        intercom_error_clear(&err);
        return;
    }
    intercom_request_options ro = INTERCOM_REQUEST_OPTIONS_INIT;
    ro.raw_response = &raw;
    if (strict_decode) ro.strict = 1;
    rc = c->call(client, params, &ro, &out, &err);
    s->accepted = rc == INTERCOM_OK || rc == INTERCOM_E_DECODE; /* DECODE: Prism answered 2xx */
    if (rc != INTERCOM_OK) {
        if (s->known) {
            s->sync = V_KNOWN;
            say("known %s (%s %s): %s (HTTP %d): %s\n", c->name, c->method, c->path, intercom_strerror(rc),
                err.status, s->known->reason);
        } else {
            s->sync = V_FAIL;
            say("FAIL %s (%s %s):%s\n", c->name, c->method, c->path,
                rc == INTERCOM_E_DECODE ? " the 2xx body did not decode" : " the request was not accepted");
            print_failure("      ", rc, &err);
            if (rc == INTERCOM_E_DECODE && err.response)
                print_body("      body: ", err.response->body, err.response->body_len);
            if (c->params_json) say("      params: %s\n", c->params_json);
        }
    } else if (!c->has_response) {
        s->sync = V_NO_BODY;
        if (!quiet) say("ok   %s (HTTP %d, no typed body)\n", c->name, raw ? raw->status : 0);
    } else if (!out) {
        s->sync = V_FAIL;
        say("FAIL %s (%s %s): INTERCOM_OK without a result\n", c->name, c->method, c->path);
    } else {
        s->decoded = 1;
        diff d = {0};
        int cls = raw ? check_result(out, raw->body, raw->body_len, &d) : 2;
        if (!raw) diff_line(&d, "    ro.raw_response was not filled");
        if (cls == 0) {
            s->sync = V_EQUAL;
            if (!quiet) say("ok   %s (equal)\n", c->name);
        } else if (cls == 1) {
            s->sync = V_UNDOC;
            if (!quiet) {
                say("ok   %s (equal modulo %d undocumented field%s)\n", c->name, d.undocumented,
                    d.undocumented == 1 ? "" : "s");
                diff_print(&d);
            }
        } else {
            s->sync = V_FAIL;
            say("FAIL %s (%s %s): the re-encoded result differs from the body (%d mismatch%s, %d undocumented)\n",
                c->name, c->method, c->path, d.mismatches, d.mismatches == 1 ? "" : "es", d.undocumented);
            diff_print(&d);
        }
        diff_clear(&d);
    }
    if (s->known && rc == INTERCOM_OK)
        say("      note: %s is in the known list but Prism accepted it: remove it from KNOWN\n", c->name);
    intercom_model_free(out);
    intercom_response_free(raw);
    intercom_free(c->params_type, params);
    intercom_error_clear(&err);
}

static void on_async(intercom_code rc, void *result, const intercom_error *err, void *payload) {
    case_state *s = payload;
    const conformance_case *c = s->c;
    s->async_done++;
    if (rc != INTERCOM_OK) {
        s->async_failed = 1;
        say("FAIL %s (async): the request was not accepted\n", c->name);
        if (err) print_failure("      ", rc, err);
    } else if (c->has_response && !result) {
        s->async_failed = 1;
        say("FAIL %s (async): INTERCOM_OK without a result\n", c->name);
    } else if (c->has_response) {
        /* the body the model was decoded from is its raw JSON */
        json_t *raw = intercom_model_raw_json(result);
        char *body = raw ? json_dumps(raw, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
        diff d = {0};
        int cls = body ? check_result(result, body, strlen(body), &d) : 2;
        if (cls == 2) {
            s->async_failed = 1;
            say("FAIL %s (async): the re-encoded result differs from the body\n", c->name);
            if (!body) say("    intercom_model_raw_json() is NULL\n");
            diff_print(&d);
        }
        diff_clear(&d);
        free(body);
    }
    intercom_model_free(result);
}

/* Every 10th operation through its async twin, all submitted before the loop runs. */
static int run_async(const intercom_client_options *o, case_state *cs, size_t n, int *submitted) {
    intercom_error err = INTERCOM_ERROR_INIT;
    intercom_async_client *ac = NULL;
    *submitted = 0;
    if (intercom_async_client_new(&ac, o, &err) != INTERCOM_OK) {
        say("FAIL async client: %s\n", err.message);
        intercom_error_clear(&err);
        return 1;
    }
    int bad = 0;
    for (size_t i = 0; i < n; i += 10) {
        case_state *s = &cs[i];
        if (s->known || !s->c->call_async) continue;
        if (make_params(s->c, &s->async_params, &err) != INTERCOM_OK) {
            intercom_error_clear(&err);
            continue; /* reported by the sync run */
        }
        intercom_request_options ro = INTERCOM_REQUEST_OPTIONS_INIT;
        if (strict_decode) ro.strict = 1;
        intercom_code rc = s->c->call_async(ac, s->async_params, &ro, on_async, s);
        if (rc != INTERCOM_OK) {
            s->async_failed = 1;
            say("FAIL %s (async): submit returned %s\n", s->c->name, intercom_strerror(rc));
            continue;
        }
        s->async_submitted = 1;
        (*submitted)++;
    }
    size_t in_flight = intercom_async_pending(ac);
    intercom_async_run_until_idle(ac);
    if (in_flight != (size_t)*submitted) {
        say("FAIL async: %zu in flight after submitting %d\n", in_flight, *submitted);
        bad = 1;
    }
    for (size_t i = 0; i < n; i += 10) {
        case_state *s = &cs[i];
        if (s->async_submitted && s->async_done != 1) {
            say("FAIL %s (async): callback ran %d times\n", s->c->name, s->async_done);
            s->async_failed = 1;
        }
        intercom_free(s->c->params_type, s->async_params);
        s->async_params = NULL;
    }
    intercom_async_client_free(ac);
    return bad;
}

static int skip(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int skip(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    printf("conformance: SKIPPED: ");
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
    return 77;
}

int main(int argc, char **argv) {
    const char *url = getenv("INTERCOM_BASE_URL");
    const char **filters = calloc((size_t)argc + 1, sizeof *filters);
    int n_filters = 0;
    for (int i = 1; i < argc; i++) {
        if (!strncmp(argv[i], "http://", 7) || !strncmp(argv[i], "https://", 8)) url = argv[i];
        else filters[n_filters++] = argv[i];
    }
    quiet = getenv("CONFORMANCE_QUIET") && *getenv("CONFORMANCE_QUIET") == '1';
    strict_decode = getenv("CONFORMANCE_STRICT") && *getenv("CONFORMANCE_STRICT") == '1';
    if (access(CONFORMANCE_SPEC, R_OK) != 0) {
        free(filters);
        return skip("%s is absent (../shared not present): nothing to check against", CONFORMANCE_SPEC);
    }
    if (!url || !*url) {
        free(filters);
        return skip("no Prism URL (pass it or set INTERCOM_BASE_URL; `scripts/prism start` prints it)");
    }

    intercom_client_options o = INTERCOM_CLIENT_OPTIONS_INIT;
    o.bearer_token = "test";
    o.base_url = url;
    o.max_retries = 0;
    o.timeout = 30;
    intercom_error err = INTERCOM_ERROR_INIT;
    intercom_client *client = NULL;
    if (intercom_client_new(&client, &o, &err) != INTERCOM_OK) {
        printf("conformance: client: %s\n", err.message);
        intercom_error_clear(&err);
        free(filters);
        return 1;
    }
    /* Is Prism there? Any HTTP answer will do. */
    intercom_response *probe = NULL;
    intercom_code rc = intercom_request(client, "GET", "/me", NULL, NULL, NULL, &probe, &err);
    intercom_response_free(probe);
    if (intercom_code_is_connection(rc)) {
        int r = skip("Prism is unavailable at %s: %s", url, err.message ? err.message : intercom_strerror(rc));
        intercom_error_clear(&err);
        intercom_client_free(client);
        free(filters);
        return r;
    }
    intercom_error_clear(&err);

    size_t total = 0;
    while (conformance_cases[total].name) total++;
    case_state *cs = calloc(total ? total : 1, sizeof *cs);
    size_t n = 0;
    for (size_t i = 0; i < total; i++) {
        int match = n_filters == 0;
        for (int f = 0; f < n_filters; f++) match |= strstr(conformance_cases[i].name, filters[f]) != NULL;
        if (!match) continue;
        cs[n].c = &conformance_cases[i];
        cs[n].known = known_for(&conformance_cases[i]);
        n++;
    }
    say("conformance: %zu of %zu operations against %s\n", n, total, url);

    for (size_t i = 0; i < n; i++) run_sync(client, &cs[i]);
    intercom_client_free(client);

    int async_submitted = 0;
    int async_bad = run_async(&o, cs, n, &async_submitted);

    int accepted = 0, decoded = 0, equal = 0, undoc = 0, known = 0, failed = 0, async_failed = 0, no_body = 0;
    for (size_t i = 0; i < n; i++) {
        accepted += cs[i].accepted;
        decoded += cs[i].decoded;
        equal += cs[i].sync == V_EQUAL;
        undoc += cs[i].sync == V_UNDOC;
        known += cs[i].sync == V_KNOWN;
        no_body += cs[i].sync == V_NO_BODY;
        failed += cs[i].sync == V_FAIL || cs[i].async_failed;
        async_failed += cs[i].async_failed;
    }
    if (known) {
        say("known (Prism cannot answer 2xx because of the description):\n");
        for (size_t i = 0; i < n; i++)
            if (cs[i].sync == V_KNOWN) say("  %s %s %s: %s\n", cs[i].c->name, cs[i].c->method, cs[i].c->path, cs[i].known->reason);
    }
    say("CONFORMANCE-DETAIL no_typed_body=%d async_submitted=%d async_failed=%d\n", no_body, async_submitted,
        async_failed);
    say("CONFORMANCE accepted=%d/%zu decoded=%d equal=%d equal_modulo_undocumented=%d known=%d failed=%d\n", accepted,
        n, decoded, equal, undoc, known, failed);
    free(cs);
    free(filters);
    return failed || async_bad ? 1 : 0;
}
