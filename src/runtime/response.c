/* SPDX-License-Identifier: MIT */
/* Raw responses: headers as received, rate-limit data, lazy JSON, parse(). */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http.h"

intercom_response *ic_response_new(const intercom_allocator *a) {
    ic_response_box *box = ic_calloc(a, 1, sizeof *box);
    if (!box) return NULL;
    box->alloc = IC_ALLOC(a);
    intercom_response *r = &box->pub;
    r->rate_limit = (intercom_rate_limit){-1, -1, -1};
    return r;
}

static void trim(const char **s, size_t *n) {
    while (*n && (**s == ' ' || **s == '\t')) (*s)++, (*n)--;
    while (*n && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t' || (*s)[*n - 1] == '\r' || (*s)[*n - 1] == '\n'))
        (*n)--;
}

/* How a line of a raw header block reads (the one reading of the engine and of
 * intercom_rate_limit_parse): the line runs up to and with its '\n' (or to @p end); its name is what
 * precedes its first ':' (none, or ':' first: not a header, *name NULL), name and value trimmed of
 * spaces and tabs, and at their ends of CR and LF. Returns where the next line starts. */
const char *ic_header_line(const char *p, const char *end, const char **name, size_t *nlen, const char **val,
                           size_t *vlen) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    size_t ll = nl ? (size_t)(nl - p) + 1 : (size_t)(end - p);
    const char *colon = memchr(p, ':', ll);
    *name = NULL;
    if (colon && colon != p) {
        *name = p;
        *nlen = (size_t)(colon - p);
        *val = colon + 1;
        *vlen = ll - *nlen - 1;
        trim(name, nlen);
        trim(val, vlen);
    }
    return p + ll;
}

/* A non-negative decimal header value s[0..n); -1 when absent or empty, not only digits, or out of
 * range ("99999999999999999999" is not clamped to INT64_MAX, "-5" and " 5" are not numbers). */
int64_t ic_header_decimal(const char *s, size_t n) {
    if (!s || !n) return -1;
    int64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') return -1;
        int d = s[i] - '0';
        if (v > (INT64_MAX - d) / 10) return -1; /* out of range */
        v = v * 10 + d;
    }
    return v;
}

/* The headers of a response from the raw header block of its attempt, as libcurl delivered it
 * (lines "Name: value\r\n", each ending in '\n'; lines without a name are skipped). The array and
 * every name and value go into ONE allocation, owned through r->headers; the rate-limit data and
 * the request id are parsed from it here. Called once per response, only when a response is
 * handed out or needed (the engine keeps the raw block per attempt, issue 12). */
static int64_t parse_i64(const char *s);

int ic_response_set_header_block(intercom_response *r, const char *blk, size_t len) {
    if (!blk || !len) return 0; /* no headers (and no arithmetic on a NULL block) */
    size_t lines = 0;
    for (const char *p = blk, *end = blk + len; p < end; lines++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        p = nl ? nl + 1 : end;
    }
    if (!lines) return 0;
    /* every name and value gets a NUL: at most the line's own bytes plus one */
    size_t sz = lines * sizeof(intercom_header) + len + lines;
    intercom_header *h = ic_malloc(ic_response_alloc(r), sz);
    if (!h) return -1;
    char *out = (char *)(h + lines);
    size_t n = 0;
    /* the headers the response struct exposes parsed, found while splitting: the first of each
     * name counts, as intercom_response_header() would return it */
    const char *rl_limit = NULL, *rl_remaining = NULL, *rl_reset = NULL, *request_id = NULL;
    for (const char *p = blk, *end = blk + len; p < end;) {
        const char *name, *val;
        size_t nlen, vlen;
        p = ic_header_line(p, end, &name, &nlen, &val, &vlen);
        if (!name) continue;
        memcpy(out, name, nlen);
        out[nlen] = '\0';
        h[n].name = out;
        out += nlen + 1;
        memcpy(out, val, vlen);
        out[vlen] = '\0';
        h[n].value = out;
        out += vlen + 1;
        if (nlen == 12 && !request_id && !strncasecmp(name, "X-Request-Id", 12)) request_id = h[n].value;
        else if (nlen >= 17 && !strncasecmp(name, "X-RateLimit-", 12)) {
            if (nlen == 17 && !rl_limit && !strncasecmp(name + 12, "Limit", 5)) rl_limit = h[n].value;
            else if (nlen == 17 && !rl_reset && !strncasecmp(name + 12, "Reset", 5)) rl_reset = h[n].value;
            else if (nlen == 21 && !rl_remaining && !strncasecmp(name + 12, "Remaining", 9)) rl_remaining = h[n].value;
        }
        n++;
    }
    r->headers = h;
    r->headers_count = n;
    r->rate_limit.limit = parse_i64(rl_limit);
    r->rate_limit.remaining = parse_i64(rl_remaining);
    r->rate_limit.reset = parse_i64(rl_reset);
    r->request_id = request_id;
    return 0;
}

/* A value as copied into r->headers (NUL-terminated) */
static int64_t parse_i64(const char *s) { return ic_header_decimal(s, s ? strlen(s) : 0); }

const char *intercom_response_header_nth(const intercom_response *resp, const char *name, size_t n) {
    if (!resp || !name) return NULL;
    for (size_t i = 0; i < resp->headers_count; i++)
        if (!strcasecmp(resp->headers[i].name, name) && n-- == 0) return resp->headers[i].value;
    return NULL;
}

const char *intercom_response_header(const intercom_response *resp, const char *name) {
    return intercom_response_header_nth(resp, name, 0);
}

void intercom_response_free(intercom_response *r) {
    if (!r) return;
    const intercom_allocator *a = ic_response_alloc(r);
    ic_free(a, r->headers); /* names and values live in the same block */
    ic_free(a, r->body);
    ic_free(a, (char *)r - offsetof(ic_response_box, pub));
}

json_t *intercom_response_json(const intercom_response *resp, intercom_error *err) {
    if (!resp) {
        ic_fail(err, INTERCOM_E_INVALID_ARGUMENT, "response is NULL");
        return NULL;
    }
    json_error_t je;
    ic_json_oom_take();
    json_t *j = json_loadb(resp->body ? resp->body : "", resp->body_len, JSON_DECODE_ANY, &je);
    if (ic_json_oom_take()) {
        json_decref(j);
        ic_fail(err, INTERCOM_E_NOMEM, "out of memory parsing the response body");
        return NULL;
    }
    if (!j) ic_fail(err, INTERCOM_E_DECODE, "response body is not JSON: %s (offset %d)", je.text, je.position);
    return j;
}

intercom_code intercom_response_parse(const intercom_response *resp, const intercom_type *type, int strict,
                                      void **out, intercom_error *err) {
    if (!resp || !type || !out) return ic_fail(err, INTERCOM_E_INVALID_ARGUMENT, "response, type and out are required");
    *out = NULL;
    return ic_decode_buffer(ic_response_alloc(resp), type, strict, resp->body ? resp->body : "", resp->body_len, out, err);
}
