/* SPDX-License-Identifier: MIT */
/* The request engine: every request, sync or async, is a small state machine on a libcurl
 * multi handle:
 *
 *   submit -> [attempt: add easy handle -> headers -> body (streamed into the decoder)]
 *          -> classify (this file) -> retry? (retry.c decides; wait in the `waiting` list)
 *          -> complete (exactly one call of the done function, also on cancel/teardown)
 *
 * The engine is driven either by its own loop (ic_engine_step: curl_multi_perform +
 * curl_multi_poll; used by the sync client and intercom_async_run) or by the caller's event
 * loop through socket/timer hooks (curl_multi_socket_action). */

#include <errno.h>
#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "http.h"

/* What a pooled easy handle was last set to (configure() skips options that did not change). */
typedef struct easy_cache {
    int bound;                       /* the per-request pointers (PRIVATE, *DATA, ERRORBUFFER) point at this ic_req */
    const struct curl_slist *headers;
    long timeout_ms, connect_ms, noprogress;
    int get;                         /* the last request was a plain GET (CUSTOMREQUEST NULL, HTTPGET 1) */
} easy_cache;

struct ic_req {
    ic_req *prev, *next;  /* in e->active or e->waiting */
    ic_engine *eng;
    uint64_t id;
    ic_req_spec spec;
    CURL *easy;
    ic_done_fn done;
    void *payload;
    int attempt;          /* attempts started */
    int in_waiting;
    double t_submit, t_attempt, due;
    /* the current attempt */
    intercom_response *resp; /* built from `hdr` only when needed (attempt_response); the body is in `body` */
    ic_buf hdr;           /* the raw header lines of the current header block, as received */
    ic_buf body;
    int status;
    int headers_done;
    int in_headers;       /* a status line arrived, its header block has not ended */
    int too_large, stream_stopped, streamed;
    /* read_timeout / write_timeout: the longest wait for the next byte, enforced by the engine's timer */
    int io_armed;         /* the connection is up and the request is being sent: idle time counts */
    int idle_fired;       /* 1 read_timeout, 2 write_timeout expired (the attempt was stopped) */
    int idle_on;          /* read_timeout or write_timeout set: t_io is kept up to date */
    easy_cache ec;        /* kept with the easy handle when the request is pooled */
    int cancel_pending;   /* cancelled from inside a libcurl callback (on_body): completed right after it */
    double t_io;          /* monotonic time of the last byte sent or received */
    curl_off_t ul_seen, dl_seen;
    ic_decoder *dec;
    ic_decoder *dec_spare; /* a finished decoder kept for the next attempt or request (ic_decoder_recycle) */
    int dec_failed;
    curl_mime *mime;      /* multipart/form-data body (spec.multipart), built once for every attempt */
    char errbuf[CURL_ERROR_SIZE];
    intercom_error preset; /* a request that failed validation: reported from the loop */
    int rl_acquired;       /* the rate-limit store counted this attempt: release it once */
    double pace_deadline;  /* held by pacing until at most this time (monotonic), 0: not held */
};

#define EASY_POOL 64

struct ic_engine {
    const ic_config *cfg;
    ic_shared *shared;    /* the client's: pacing window, libcurl share */
    CURLM *multi;
    ic_req *active, *waiting;
    ic_req *due;          /* taken from `waiting`, about to start (start_due): still cancellable */
    size_t pending;
    uint64_t next_id;
    ic_req *pool[EASY_POOL]; /* finished requests, each keeping its easy handle and header buffer */
    size_t npool;
    int external;
    intercom_loop_hooks hooks;
    double curl_due;      /* external loop: when libcurl wants its timeout call, < 0 none */
    int in_curl;          /* inside curl_multi_perform / socket_action: a handle cannot be removed now */
    size_t n_idle;        /* submitted requests with a read_timeout or write_timeout (idle_on) */
    int cancels;          /* a request may have cancel_pending set (flush_cancels looks) */
    int added;            /* an attempt was added to the multi handle since the last perform */
};

static void list_add(ic_req **head, ic_req *r) {
    r->prev = NULL;
    r->next = *head;
    if (*head) (*head)->prev = r;
    *head = r;
}

static void list_del(ic_req **head, ic_req *r) {
    if (r->prev) r->prev->next = r->next;
    else *head = r->next;
    if (r->next) r->next->prev = r->prev;
    r->prev = r->next = NULL;
}

/* ---------- libcurl callbacks (never call user code except on_body) ---------- */

static size_t on_header(char *p, size_t sz, size_t n, void *ud) {
    ic_req *r = ud;
    size_t len = sz * n;
    if (r->idle_on) r->t_io = ic_now();
    if (r->cancel_pending) return 0;
    if (len >= 5 && !memcmp(p, "HTTP/", 5)) { /* a new status line: 1xx, or the final response */
        r->hdr.len = 0;
        r->headers_done = 0;
        r->in_headers = 1;
        return len;
    }
    if (len <= 2 && (p[0] == '\r' || p[0] == '\n')) { /* end of a header block */
        r->in_headers = 0;
        long code = 0;
        curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &code);
        r->status = (int)code;
        if (r->status >= 200) {
            r->headers_done = 1;
            curl_off_t cl = -1;
            curl_easy_getinfo(r->easy, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &cl);
            /* one allocation for a body of announced size (within the cap) */
            if (cl > 0 && (size_t)cl < r->eng->cfg->max_response_size && !r->body.cap && !r->spec.on_body &&
                (r->body.data = ic_malloc(r->body.a, (size_t)cl + 1))) {
                r->body.cap = (size_t)cl + 1;
                r->body.data[0] = '\0'; /* a body that never comes is still a string */
            }
            if (r->status < 300 && r->spec.rtype && !r->spec.skip_decode) {
                size_t hint = cl > 0 ? (size_t)cl : 0;
                if (r->dec_spare && !ic_decoder_reuse(r->dec_spare, r->spec.rtype, r->spec.strict, hint)) {
                    r->dec = r->dec_spare; /* the previous request's decoder, its yajl handle and frames */
                    r->dec_spare = NULL;
                } else if (!(r->dec = ic_decoder_new(r->eng->cfg->alloc, r->spec.rtype, r->spec.strict, hint))) {
                    return 0;
                }
            }
            if (r->dec) ic_decoder_set_memory_factor(r->dec, r->eng->cfg->decoded_memory_factor);
        }
        return len;
    }
    /* every header is kept, also of a 2xx: a body that then fails to decode or is cut off
     * reports them (request id, rate limit) like any other failure. Kept raw, one line after
     * the other (each ending in '\n'); split into intercom_response headers only when a
     * response is handed out or looked at (attempt_response). */
    if (ic_buf_append(&r->hdr, p, len) || (p[len - 1] != '\n' && ic_buf_append(&r->hdr, "\n", 1))) return 0;
    return len;
}

static size_t on_write(char *p, size_t sz, size_t n, void *ud) {
    ic_req *r = ud;
    size_t len = sz * n;
    if (r->idle_on) r->t_io = ic_now();
    if (r->cancel_pending) return 0;
    int ok2xx = r->status >= 200 && r->status < 300;
    if (ok2xx && r->spec.on_body) {
        r->streamed = 1;
        if (r->spec.on_body(p, len, r->spec.on_body_payload)) {
            r->stream_stopped = 1;
            return 0;
        }
        return len;
    }
    if (r->body.len + len > r->eng->cfg->max_response_size) {
        r->too_large = 1;
        return 0;
    }
    if (ic_buf_append(&r->body, p, len)) return 0;
    if (r->dec && !r->dec_failed && ic_decoder_feed(r->dec, p, len)) r->dec_failed = 1; /* keep the body */
    return len;
}

/* The connection is up and the request is about to be sent: from now on the idle limits count. */
static int on_prereq(void *ud, char *ip, char *local_ip, int port, int local_port) {
    (void)ip, (void)local_ip, (void)port, (void)local_port;
    ic_req *r = ud;
    r->io_armed = 1;
    if (r->idle_on) r->t_io = ic_now();
    return CURL_PREREQFUNC_OK;
}

/* Progress: any byte sent or received refreshes the idle deadline. */
static int on_progress(void *ud, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow) {
    (void)dltotal, (void)ultotal;
    ic_req *r = ud;
    if (dlnow != r->dl_seen || ulnow != r->ul_seen) {
        r->dl_seen = dlnow, r->ul_seen = ulnow;
        r->t_io = ic_now();
    }
    return 0;
}

/* The idle limit that applies now (0: none): write_timeout while the request body is being
 * sent, read_timeout while waiting for (the next bytes of) the response. */
static double idle_limit(const ic_req *r, int *which) {
    curl_off_t up = r->ul_seen;
    if (r->spec.body && up < (curl_off_t)r->spec.body_len) curl_easy_getinfo(r->easy, CURLINFO_SIZE_UPLOAD_T, &up);
    int sending = r->spec.body && up < (curl_off_t)r->spec.body_len && !r->headers_done && !r->status;
    *which = sending ? 2 : 1;
    return sending ? r->spec.write_timeout : r->spec.read_timeout;
}

/* When the current attempt of @p r runs out of idle time, or < 0 when it cannot. */
static double idle_due(const ic_req *r) {
    int which;
    double lim = idle_limit(r, &which);
    return r->io_armed && lim > 0 ? r->t_io + lim : -1.0;
}

/* Client-side rate limiting (opt-in), per workspace: the store (ratelimit.h) says whether the
 * request's workspace (spec.pace_key) may send now; each attempt it let go is released once with the
 * window of its response. The clock of the store is the wall clock (X-RateLimit-Reset's). */
static double wall_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* 1: start the attempt now; 0: it waits (r->due moved). */
static int pace_go(const ic_config *cfg, ic_req *r, double now) {
    if (!cfg->pace_rate_limit || !r->spec.pace_key[0] || r->rl_acquired) return 1;
    double wait = 0;
    if (cfg->store.acquire(cfg->store.self, r->spec.pace_key, wall_now(), &wait)) return 1; /* the store failed: go */
    if (!(wait > 0)) {
        r->rl_acquired = 1;
        r->pace_deadline = 0;
        return 1;
    }
    if (r->pace_deadline <= 0) {
        r->pace_deadline = now + cfg->retry_after_max;
        ic_log(cfg, INTERCOM_LOG_INFO, "rate limit window of this workspace used up: holding %s %s for %.1f s",
               r->spec.method, r->spec.url, wait);
    }
    if (now >= r->pace_deadline) return 1; /* held retry_after_max in all: send, as without pacing */
    r->due = now + wait < r->pace_deadline ? now + wait : r->pace_deadline;
    return 0;
}

static void pace_release(const ic_config *cfg, ic_req *r, const intercom_response *resp) {
    if (!r->rl_acquired) return;
    r->rl_acquired = 0;
    cfg->store.release(cfg->store.self, r->spec.pace_key, resp ? &resp->rate_limit : NULL, wall_now());
}

/* ---------- attempts ---------- */

/* The request headers as sent: libcurl's "Name:" entries remove a header (Expect:), so they are not shown,
 * and "Name;" sends it empty. */
static void log_headers(const ic_config *cfg, const char *dir, const struct curl_slist *h) {
    for (; h; h = h->next) {
        size_t n = strlen(h->data);
        if (!strncasecmp(h->data, "Authorization", 13)) ic_log(cfg, INTERCOM_LOG_DEBUG, "%s Authorization: [redacted]", dir);
        else if (n && h->data[n - 1] == ';') ic_log(cfg, INTERCOM_LOG_DEBUG, "%s %.*s:", dir, (int)(n - 1), h->data);
        else if (n && h->data[n - 1] != ':') ic_log(cfg, INTERCOM_LOG_DEBUG, "%s %s", dir, h->data);
    }
}

static void log_body(const ic_config *cfg, const char *dir, const char *body, size_t len, int redact) {
    if (len && redact) ic_log(cfg, INTERCOM_LOG_DEBUG, "%s body (%zu bytes): [redacted]", dir, len);
    else if (len) ic_log(cfg, INTERCOM_LOG_DEBUG, "%s body (%zu bytes): %.*s%s", dir, len, (int)(len > 4096 ? 4096 : len),
                    body, len > 4096 ? "..." : "");
}

#define SET(opt, val) \
    if (rc == CURLE_OK) rc = curl_easy_setopt(e, opt, val)

/* Options that are the same for every request of a client: set once per easy handle
 * (again after curl_easy_reset when a curl_hook may have changed anything). */
static CURLcode configure_handle(const ic_config *cfg, CURLSH *share, CURL *e) {
    CURLcode rc = CURLE_OK;
    SET(CURLOPT_HEADERFUNCTION, on_header);
    SET(CURLOPT_WRITEFUNCTION, on_write);
    SET(CURLOPT_NOSIGNAL, 1L);
    SET(CURLOPT_PREREQFUNCTION, on_prereq);
    SET(CURLOPT_XFERINFOFUNCTION, on_progress);
    SET(CURLOPT_PROTOCOLS_STR, "http,https");
    SET(CURLOPT_FOLLOWLOCATION, 0L); /* never follow: the token must not travel to another host */
    SET(CURLOPT_PATH_AS_IS, 1L);     /* our encoded segments are final */
    SET(CURLOPT_SHARE, share);
    if (cfg->compression) SET(CURLOPT_ACCEPT_ENCODING, "");
    SET(CURLOPT_TCP_KEEPALIVE, 1L);
    SET(CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2TLS);
    if (!strncasecmp(cfg->base_url, "https:", 6)) SET(CURLOPT_PIPEWAIT, 1L); /* prefer multiplexing on HTTP/2 */
    SET(CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)cfg->max_response_size);
    if (cfg->proxy) SET(CURLOPT_PROXY, cfg->proxy);
    SET(CURLOPT_SUPPRESS_CONNECT_HEADERS, 1L); /* a proxy's CONNECT answer never reaches on_header */
    if (cfg->local_address) SET(CURLOPT_INTERFACE, cfg->local_address);
    if (cfg->ca_bundle) SET(CURLOPT_CAINFO, cfg->ca_bundle);
    SET(CURLOPT_SSL_VERIFYPEER, cfg->insecure ? 0L : 1L);
    SET(CURLOPT_SSL_VERIFYHOST, cfg->insecure ? 0L : 2L);
    return rc;
}

/* Options of this request: every one of them is set each time, so a pooled handle
 * carries nothing over from its previous request. */
/* A pooled handle stays with its ic_req (see ic_engine_submit), so the options that point at
 * the request are set once per handle, and the others only when they differ from the handle's
 * previous request (r->ec): a typical request sets its URL and nothing else. */
static CURLcode configure(ic_req *r) {
    const ic_req_spec *s = &r->spec;
    CURL *e = r->easy;
    easy_cache *ec = &r->ec;
    CURLcode rc = CURLE_OK;
    SET(CURLOPT_URL, s->url);
    if (!ec->bound) {
        SET(CURLOPT_PRIVATE, r);
        SET(CURLOPT_HEADERDATA, r);
        SET(CURLOPT_WRITEDATA, r);
        SET(CURLOPT_ERRORBUFFER, r->errbuf);
        SET(CURLOPT_PREREQDATA, r);
        SET(CURLOPT_XFERINFODATA, r);
        /* read_timeout / write_timeout are not libcurl's low-speed limit (whole seconds, an average):
         * the engine stops an attempt whose next byte is late (idle_due, check_idle) */
        SET(CURLOPT_LOW_SPEED_LIMIT, 0L);
        SET(CURLOPT_LOW_SPEED_TIME, 0L);
        *ec = (easy_cache){.bound = rc == CURLE_OK, .timeout_ms = -1, .connect_ms = -1, .noprogress = -1};
    }
    if (!ec->headers || ec->headers != s->headers) SET(CURLOPT_HTTPHEADER, s->headers);
    ec->headers = rc == CURLE_OK ? s->headers : NULL;
    /* the values were validated (finite, 0 .. IC_MAX_TIMEOUT): the conversions cannot overflow */
    long tmo = (long)ceil(s->timeout * 1000.0), cto = (long)ceil(s->connect_timeout * 1000.0);
    long noprog = s->read_timeout > 0 || s->write_timeout > 0 ? 0L : 1L; /* on_progress only when needed */
    if (tmo != ec->timeout_ms) SET(CURLOPT_TIMEOUT_MS, tmo);
    if (cto != ec->connect_ms) SET(CURLOPT_CONNECTTIMEOUT_MS, cto);
    if (noprog != ec->noprogress) SET(CURLOPT_NOPROGRESS, noprog);
    ec->timeout_ms = rc == CURLE_OK ? tmo : -1;
    ec->connect_ms = rc == CURLE_OK ? cto : -1;
    ec->noprogress = rc == CURLE_OK ? noprog : -1;
    r->idle_on = !noprog;
    int get = !strcmp(s->method, "GET"), post = !strcmp(s->method, "POST"), head = !strcmp(s->method, "HEAD");
    if (get && ec->get) return rc; /* CUSTOMREQUEST NULL and HTTPGET 1 are still set */
    ec->get = 0;
    SET(CURLOPT_CUSTOMREQUEST, get || post || head ? NULL : s->method);
    if (head) {
        SET(CURLOPT_NOBODY, 1L);
    } else if (s->multipart) {
        SET(CURLOPT_NOBODY, 0L);
        if (!r->mime && !(r->mime = ic_spec_mime(e, s))) rc = CURLE_OUT_OF_MEMORY;
        SET(CURLOPT_MIMEPOST, r->mime);
    } else if (get || (!s->body && !strcmp(s->method, "DELETE"))) {
        SET(CURLOPT_HTTPGET, 1L); /* also clears NOBODY and any previous POST */
    } else {
        SET(CURLOPT_NOBODY, 0L);
        SET(CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)(s->body ? s->body_len : 0));
        SET(CURLOPT_POSTFIELDS, s->body ? s->body : "");
    }
    ec->get = get && rc == CURLE_OK;
    return rc;
}
#undef SET

static void reset_attempt(ic_req *r) {
    intercom_response_free(r->resp);
    r->resp = NULL;
    r->hdr.len = 0;
    r->body.len = 0;
    if (r->body.data) r->body.data[0] = '\0';
    r->status = 0;
    r->headers_done = r->in_headers = r->too_large = r->stream_stopped = r->dec_failed = 0;
    r->io_armed = r->idle_fired = 0;
    r->ul_seen = r->dl_seen = 0;
    if (r->dec && !r->dec_spare) r->dec_spare = ic_decoder_recycle(r->dec);
    else ic_decoder_free(r->dec);
    r->dec = NULL;
    r->errbuf[0] = '\0';
}

static void complete(ic_req *r, intercom_code code, void *result, intercom_response *raw, intercom_error *err);

static void start_attempt(ic_req *r) {
    ic_engine *e = r->eng;
    const ic_config *cfg = e->cfg;
    reset_attempt(r);
    r->attempt++;
    r->t_attempt = ic_now();
    intercom_error err = ic_error_init(e->cfg->alloc);
    if (cfg->curl_hook && cfg->curl_hook(r->easy, cfg->curl_hook_payload)) {
        ic_fail(&err, INTERCOM_E_INVALID_ARGUMENT, "the curl_hook refused the request");
        complete(r, err.code, NULL, NULL, &err);
        return;
    }
    if (cfg->log_level >= INTERCOM_LOG_DEBUG) {
        ic_log(cfg, INTERCOM_LOG_DEBUG, "> %s %s (attempt %d)", r->spec.method, r->spec.url, r->attempt);
        log_headers(cfg, ">", r->spec.headers);
        log_body(cfg, ">", r->spec.body, r->spec.body_len, r->spec.redact_bodies);
    }
    CURLMcode mc = curl_multi_add_handle(e->multi, r->easy);
    if (mc != CURLM_OK) {
        ic_fail(&err, INTERCOM_E_INTERNAL, "curl_multi_add_handle: %s", curl_multi_strerror(mc));
        complete(r, err.code, NULL, NULL, &err);
        return;
    }
    list_add(&e->active, r);
    e->added = 1;
}

/* The public response of the current attempt (status, headers, rate limit, request id), built on
 * first use from the raw header block: NULL when out of memory. */
static intercom_response *attempt_response(ic_req *r) {
    if (r->resp) return r->resp;
    intercom_response *resp = ic_response_new(r->eng->cfg->alloc);
    if (!resp || ic_response_set_header_block(resp, r->hdr.data, r->hdr.len)) {
        intercom_response_free(resp);
        return NULL;
    }
    resp->status = r->status;
    long hv = 0;
    curl_easy_getinfo(r->easy, CURLINFO_HTTP_VERSION, &hv);
    resp->http_version = hv == CURL_HTTP_VERSION_1_0 ? 10 : hv == CURL_HTTP_VERSION_1_1 ? 11
                         : hv == CURL_HTTP_VERSION_2_0 ? 20 : hv == CURL_HTTP_VERSION_3 ? 30 : 0;
    return r->resp = resp;
}

/* Classify a finished attempt into a code (and, for 2xx, a result). */
static intercom_code classify(ic_req *r, CURLcode cc, void **result, intercom_error *err) {
    *result = NULL;
    if (r->idle_fired)
        return ic_fail(err, INTERCOM_E_TIMEOUT, "request timed out: %s for %.3g s (%s)",
                       r->idle_fired == 2 ? "could not send the next bytes" : "no bytes received",
                       r->idle_fired == 2 ? r->spec.write_timeout : r->spec.read_timeout,
                       r->idle_fired == 2 ? "write_timeout" : "read_timeout");
    if (cc != CURLE_OK) {
        const char *detail = r->errbuf[0] ? r->errbuf : curl_easy_strerror(cc);
        if (r->too_large || cc == CURLE_FILESIZE_EXCEEDED)
            return ic_fail(err, INTERCOM_E_RESPONSE_TOO_LARGE, "response body exceeds max_response_size (%zu bytes)",
                           r->eng->cfg->max_response_size);
        if (r->stream_stopped) return ic_fail(err, INTERCOM_E_CANCELLED, "the body callback stopped the transfer");
        if (cc == CURLE_OUT_OF_MEMORY && r->in_headers && !ic_global_oom_take())
            /* libcurl 7.x refuses a header line over its limit (100 KB) with "out of memory" */
            return ic_fail(err, INTERCOM_E_RESPONSE_TOO_LARGE,
                           "response header too large (libcurl accepts at most 100 KB per header line)");
        if (cc == CURLE_WRITE_ERROR) return ic_fail(err, INTERCOM_E_NOMEM, "out of memory receiving the body");
        if (cc == CURLE_COULDNT_CONNECT || cc == CURLE_COULDNT_RESOLVE_HOST || cc == CURLE_COULDNT_RESOLVE_PROXY) {
            long oe = 0;
            curl_easy_getinfo(r->easy, CURLINFO_OS_ERRNO, &oe);
            int probe = -1;
            if (oe != EMFILE && oe != ENFILE && (probe = dup(0)) < 0 && (errno == EMFILE || errno == ENFILE)) oe = errno;
            if (probe >= 0) close(probe);
            if (oe == EMFILE || oe == ENFILE)
                return ic_fail(err, INTERCOM_E_CONNECTION, "out of file descriptors (%s): %s", strerror((int)oe), detail);
        }
        intercom_code c = ic_code_from_curl(cc);
        switch (c) {
        case INTERCOM_E_TIMEOUT: return ic_fail(err, c, "request timed out: %s", detail);
        case INTERCOM_E_NOMEM: return ic_fail(err, c, "out of memory in libcurl: %s", detail);
        case INTERCOM_E_INVALID_ARGUMENT: return ic_fail(err, c, "client configuration refused by libcurl: %s", detail);
        default: return ic_fail(err, c, "%s", detail);
        }
    }
    if (r->status >= 200 && r->status < 300) {
        if (!r->spec.rtype || r->spec.skip_decode) return INTERCOM_OK;
        intercom_code rc;
        if (!r->dec) { /* 2xx whose header block we did not see (HTTP/0.9-like) */
            if ((rc = ic_decode_buffer(r->eng->cfg->alloc, r->spec.rtype, r->spec.strict, r->body.data ? r->body.data : "", r->body.len,
                                       result, err)))
                return rc;
            return INTERCOM_OK;
        }
        if (r->body.len == 0) { /* 202/204 with no body: success, a model with every field absent */
            ic_doc *doc = ic_doc_new(r->eng->cfg->alloc, 0);
            intercom_model *m = doc ? ic_model_new(doc, r->spec.rtype) : NULL;
            if (!m) {
                ic_doc_free(doc);
                return ic_fail(err, INTERCOM_E_NOMEM, "out of memory");
            }
            m->doc = doc;
            *result = m;
            return INTERCOM_OK;
        }
        if ((rc = ic_decoder_finish(r->dec, result, err))) return rc;
        ic_doc *doc = ((intercom_model *)*result)->doc;
        doc->body = r->body.data; /* the model keeps its raw JSON */
        doc->body_len = r->body.len;
        r->body = (ic_buf){.a = r->body.a};
        return INTERCOM_OK;
    }
    intercom_code code = intercom_code_from_status(r->status);
    err->code = code;
    err->status = r->status;
    return ic_error_from_body(err, r->body.data ? r->body.data : "", r->body.len) ? INTERCOM_E_NOMEM : code;
}

static void finish_attempt(ic_req *r, CURLcode cc) {
    ic_engine *e = r->eng;
    const ic_config *cfg = e->cfg;
    curl_multi_remove_handle(e->multi, r->easy);
    list_del(&e->active, r);
    /* the response struct only when something reads it: pacing (its window), debug logging */
    if (r->headers_done && (r->rl_acquired || cfg->log_level >= INTERCOM_LOG_DEBUG)) attempt_response(r);
    pace_release(cfg, r, r->headers_done ? r->resp : NULL);

    if (cfg->log_level >= INTERCOM_LOG_DEBUG && r->headers_done && r->resp) {
        ic_log(cfg, INTERCOM_LOG_DEBUG, "< HTTP %d", r->status);
        for (size_t i = 0; i < r->resp->headers_count; i++)
            ic_log(cfg, INTERCOM_LOG_DEBUG, "< %s: %s", r->resp->headers[i].name, r->resp->headers[i].value);
        log_body(cfg, "<", r->body.data, r->body.len, r->spec.redact_bodies);
    }
    intercom_error err = ic_error_init(e->cfg->alloc);
    void *result = NULL;
    intercom_code code = classify(r, cc, &result, &err);
    double ms = (ic_now() - r->t_attempt) * 1000.0;

    if (intercom_code_is_api_error(code)) {
        ic_attempt_outcome o = {code, r->status, r->headers_done ? attempt_response(r) : NULL, r->attempt,
                                r->spec.max_retries, r->streamed};
        const char *why;
        double delay = ic_retry_delay(cfg, &o, &why);
        if (delay >= 0) {
            ic_log(cfg, INTERCOM_LOG_INFO, "%s %s -> %s (%.1f ms); retrying in %.3f s (%s), retry %d of %d",
                   r->spec.method, r->spec.url, err.message, ms, delay, why, r->attempt, r->spec.max_retries);
            intercom_error_clear(&err);
            reset_attempt(r);
            r->due = ic_now() + delay;
            r->in_waiting = 1;
            list_add(&e->waiting, r);
            return;
        }
    }
    if (code == INTERCOM_OK) ic_log(cfg, INTERCOM_LOG_INFO, "%s %s -> %d (%.1f ms, attempt %d)", r->spec.method,
                                    r->spec.url, r->status, ms, r->attempt);
    else ic_log(cfg, INTERCOM_LOG_INFO, "%s %s -> %s (%.1f ms, attempt %d)", r->spec.method, r->spec.url,
                err.message ? err.message : intercom_strerror(code), ms, r->attempt);

    /* hand the response over: with the result (raw), or with the error (when its headers came);
     * a typed success without raw_response builds none */
    int need = code != INTERCOM_OK ? r->headers_done : r->spec.want_raw;
    intercom_response *resp = need ? attempt_response(r) : NULL;
    if (need && !resp) {
        intercom_error_clear(&err);
        err = ic_error_init(cfg->alloc);
        code = ic_fail(&err, INTERCOM_E_NOMEM, "out of memory (response headers)");
        if (result) intercom_model_free(result);
        result = NULL;
    }
    if (resp) r->resp = NULL; /* handed over; one built only for pacing or logging is freed on completion */
    if (resp) {
        resp->attempts = r->attempt;
        resp->elapsed = ic_now() - r->t_submit;
    }
    if (!resp) {
        /* nothing handed out: the body stays in r->body (freed on completion) */
    } else if (result && r->spec.want_raw) { /* the model owns the body: the raw response gets a copy */
        ic_doc *doc = ((intercom_model *)result)->doc;
        if (doc->body && !(resp->body = ic_malloc(cfg->alloc, doc->body_len + 1))) {
            code = ic_fail(&err, INTERCOM_E_NOMEM, "out of memory copying the response body"); /* never OK without it */
        } else if (doc->body) {
            memcpy(resp->body, doc->body, doc->body_len + 1);
            resp->body_len = doc->body_len;
        }
    } else if (r->body.data) {
        resp->body = r->body.data; /* moved */
        resp->body_len = r->body.len;
        r->body = (ic_buf){.a = r->body.a};
    }
    if (resp && !resp->body && (resp->body = ic_malloc(cfg->alloc, 1))) resp->body[0] = '\0';
    if (resp && !resp->body && code != INTERCOM_E_NOMEM && (code == INTERCOM_OK || r->headers_done)) /* handed out: a string */
        code = ic_fail(&err, INTERCOM_E_NOMEM, "out of memory (response body)");
    if (code != INTERCOM_OK) {
        err.attempts = r->attempt;
        err.status = r->status;
        if (resp) err.rate_limit = resp->rate_limit;
        if (!err.request_id && resp && resp->request_id) err.request_id = ic_astrdup(ic_err_alloc(&err), resp->request_id);
        if (resp && r->headers_done) err.response = resp;
        else intercom_response_free(resp);
        resp = NULL;
        if (result) intercom_model_free(result);
        result = NULL;
    } else if (!r->spec.want_raw) {
        intercom_response_free(resp);
        resp = NULL;
    }
    complete(r, code, result, resp, &err);
}

/* The multipart body, unset from the handle first (a pooled handle must not point at it). */
static void drop_mime(ic_req *r) {
    if (!r->mime) return;
    if (r->easy) curl_easy_setopt(r->easy, CURLOPT_MIMEPOST, (curl_mime *)NULL);
    curl_mime_free(r->mime);
    r->mime = NULL;
}

/* Free a request that is not kept in the pool: its handle, header buffer and spare decoder (the one
 * place that does; the spec, body and multipart are released before). */
static void req_destroy(ic_engine *e, ic_req *r) {
    if (r->easy) curl_easy_cleanup(r->easy);
    ic_buf_free(&r->hdr);
    ic_decoder_free(r->dec_spare);
    ic_free(e->cfg->alloc, r);
}

/* Release the request and report it: exactly once per submitted request. */
static void complete(ic_req *r, intercom_code code, void *result, intercom_response *raw, intercom_error *err) {
    ic_engine *e = r->eng;
    if (!err->code && code) err->code = code;
    if (code && !err->message) err->message = ic_astrdup(ic_err_alloc(err), intercom_strerror(code));
    ic_done_fn done = r->done;
    void *payload = r->payload;
    pace_release(e->cfg, r, NULL); /* cancelled or failed while its attempt was counted */
    intercom_error_clear(&r->preset);
    reset_attempt(r);
    ic_buf_free(&r->body);
    ic_spec_clear(&r->spec);
    drop_mime(r);
    e->n_idle -= r->idle_on;
    if (r->easy && e->npool < EASY_POOL) { /* kept with its handle and header buffer for the next request */
        if (r->hdr.cap > 16384) ic_buf_free(&r->hdr); /* not a large one (a hostile header block) */
        e->pool[e->npool++] = r;
    } else {
        req_destroy(e, r);
    }
    e->pending--;
    done(NULL, code, result, raw, err, payload);
    intercom_error_clear(err);
}

static void process_done(ic_engine *e) {
    CURLMsg *m;
    int left;
    while ((m = curl_multi_info_read(e->multi, &left))) {
        if (m->msg != CURLMSG_DONE) continue;
        CURL *easy = m->easy_handle;
        CURLcode cc = m->data.result;
        ic_req *r = NULL;
        curl_easy_getinfo(easy, CURLINFO_PRIVATE, (char **)&r);
        if (r) finish_attempt(r, cc);
    }
}

static void start_due(ic_engine *e) {
    double now = ic_now();
    /* collect first: starting one may complete others, whose callbacks may cancel any request,
     * also one collected here (e->due is searched by ic_engine_cancel) */
    for (ic_req *r = e->waiting, *next; r; r = next) {
        next = r->next;
        if (r->due > now) continue;
        if (!r->preset.code && !pace_go(e->cfg, r, now)) continue; /* its workspace's window is used up */
        list_del(&e->waiting, r);
        r->in_waiting = 0;
        list_add(&e->due, r);
    }
    while (e->due) {
        ic_req *r = e->due;
        list_del(&e->due, r);
        if (r->preset.code) {
            intercom_error pe = r->preset;
            r->preset = (intercom_error)INTERCOM_ERROR_INIT;
            complete(r, pe.code, NULL, NULL, &pe);
        } else {
            start_attempt(r);
        }
    }
}

/* Stop every attempt whose next byte is later than its read_timeout / write_timeout allows. */
static void check_idle(ic_engine *e) {
    if (!e->n_idle) return; /* no request has an idle limit */
    for (;;) { /* one at a time: completing one runs callbacks that may change the list */
        double now = ic_now();
        ic_req *r = e->active;
        for (; r; r = r->next) {
            double d = idle_due(r);
            if (d >= 0 && d <= now) break;
        }
        if (!r) return;
        int which;
        idle_limit(r, &which);
        r->idle_fired = which;
        finish_attempt(r, CURLE_OPERATION_TIMEDOUT);
    }
}

static double next_idle_due(const ic_engine *e) {
    double due = -1;
    if (!e->n_idle) return due;
    for (const ic_req *r = e->active; r; r = r->next) {
        double d = idle_due(r);
        if (d >= 0 && (due < 0 || d < due)) due = d;
    }
    return due;
}

static double next_due(const ic_engine *e) {
    double due = next_idle_due(e);
    for (const ic_req *r = e->waiting; r; r = r->next)
        if (due < 0 || r->due < due) due = r->due;
    return due;
}

/* Requests cancelled from inside a libcurl callback (on_body): completed now that it returned. */
static void flush_cancels(ic_engine *e) {
    if (!e->cancels) return;
    for (;;) {
        ic_req *r = e->active;
        while (r && !r->cancel_pending) r = r->next;
        if (!r) {
            e->cancels = 0;
            return;
        }
        r->cancel_pending = 0;
        ic_engine_cancel(e, r->id);
    }
}

static void perform(ic_engine *e) {
    int running;
    e->in_curl++;
    e->added = 0;
    curl_multi_perform(e->multi, &running);
    e->in_curl--;
    flush_cancels(e);
}

/* ---------- the caller's event loop ---------- */

static void update_timer(ic_engine *e) {
    if (!e->external) return;
    double due = next_due(e);
    if (e->curl_due >= 0 && (due < 0 || e->curl_due < due)) due = e->curl_due;
    long ms = -1;
    if (due >= 0) {
        double d = (due - ic_now()) * 1000.0;
        ms = d <= 0 ? 0 : (long)ceil(d);
    }
    e->hooks.timer(ms, e->hooks.payload);
}

static int socket_cb(CURL *easy, curl_socket_t s, int what, void *userp, void *socketp) {
    (void)easy;
    ic_engine *e = userp;
    int ev = what == CURL_POLL_REMOVE ? 0
                                      : ((what & CURL_POLL_IN) ? INTERCOM_POLL_IN : 0) |
                                            ((what & CURL_POLL_OUT) ? INTERCOM_POLL_OUT : 0);
    void *slot = socketp;
    e->hooks.watch((int)s, ev, &slot, e->hooks.payload);
    if (ev && slot != socketp) curl_multi_assign(e->multi, s, slot);
    return 0;
}

static int timer_cb(CURLM *m, long timeout_ms, void *userp) {
    (void)m;
    ic_engine *e = userp;
    e->curl_due = timeout_ms < 0 ? -1.0 : ic_now() + (double)timeout_ms / 1000.0;
    update_timer(e);
    return 0;
}

intercom_code ic_engine_set_loop(ic_engine *e, const intercom_loop_hooks *hooks) {
    if (!hooks || hooks->version != INTERCOM_LOOP_HOOKS_VERSION || !hooks->watch || !hooks->timer || e->pending)
        return INTERCOM_E_INVALID_ARGUMENT;
    e->hooks = *hooks;
    e->external = 1;
    e->curl_due = -1;
    curl_multi_setopt(e->multi, CURLMOPT_SOCKETFUNCTION, socket_cb);
    curl_multi_setopt(e->multi, CURLMOPT_SOCKETDATA, e);
    curl_multi_setopt(e->multi, CURLMOPT_TIMERFUNCTION, timer_cb);
    curl_multi_setopt(e->multi, CURLMOPT_TIMERDATA, e);
    return INTERCOM_OK;
}

/* One step of a caller's loop: libcurl acts on a socket (or its timeout), then what finished is
 * completed and what is due is started. */
static void socket_step(ic_engine *e, curl_socket_t fd, int mask) {
    int running;
    e->in_curl++;
    curl_multi_socket_action(e->multi, fd, mask, &running);
    e->in_curl--;
    flush_cancels(e);
    process_done(e);
    check_idle(e);
    start_due(e);
    update_timer(e);
}

void ic_engine_socket_action(ic_engine *e, int fd, int events) {
    socket_step(e, (curl_socket_t)fd,
                ((events & INTERCOM_POLL_IN) ? CURL_CSELECT_IN : 0) | ((events & INTERCOM_POLL_OUT) ? CURL_CSELECT_OUT : 0));
}

void ic_engine_timeout(ic_engine *e) {
    e->curl_due = -1;
    socket_step(e, CURL_SOCKET_TIMEOUT, 0);
}

/* ---------- the engine's own loop ---------- */

/* One wait and one curl_multi_perform, as a bare multi loop does: requests submitted by
 * completion callbacks are added to the multi handle at the end of a step (start_due), and
 * libcurl then asks for no wait (curl_multi_timeout 0), so they go out with the next perform. */
size_t ic_engine_step(ic_engine *e, long timeout_ms) {
    start_due(e);
    if (!e->pending) return 0;
    double due = next_due(e);
    if (due >= 0) {
        double d = (due - ic_now()) * 1000.0;
        long ms = d <= 0 ? 0 : (long)ceil(d);
        if (ms < timeout_ms) timeout_ms = ms;
    }
    long curl_ms = -1;
    curl_multi_timeout(e->multi, &curl_ms);
    if (curl_ms >= 0 && curl_ms < timeout_ms) timeout_ms = curl_ms;
    if (e->added) timeout_ms = 0; /* new attempts: send them first */
    if (timeout_ms > 0) curl_multi_poll(e->multi, NULL, 0, timeout_ms > 1000000 ? 1000000 : (int)timeout_ms, NULL);
    perform(e);
    process_done(e);
    check_idle(e);
    start_due(e);
    return e->pending;
}

/* ---------- lifecycle ---------- */

static void share_lock(CURL *h, curl_lock_data data, curl_lock_access a, void *ud) {
    (void)h, (void)a;
    pthread_mutex_lock(&((ic_shared *)ud)->share_locks[data]);
}
static void share_unlock(CURL *h, curl_lock_data data, void *ud) {
    (void)h;
    pthread_mutex_unlock(&((ic_shared *)ud)->share_locks[data]);
}

intercom_code ic_shared_new(ic_shared **out, const intercom_allocator *a, intercom_error *err) {
    *out = NULL;
    ic_shared *s = ic_calloc(a, 1, sizeof *s);
    if (!s) return ic_fail(err, INTERCOM_E_NOMEM, "out of memory");
    s->alloc = IC_ALLOC(a);
    for (int i = 0; i < CURL_LOCK_DATA_LAST; i++) pthread_mutex_init(&s->share_locks[i], NULL);
    if (!(s->share = curl_share_init())) {
        ic_shared_free(s);
        return ic_fail(err, INTERCOM_E_NOMEM, "out of memory");
    }
    curl_share_setopt(s->share, CURLSHOPT_LOCKFUNC, share_lock);
    curl_share_setopt(s->share, CURLSHOPT_UNLOCKFUNC, share_unlock);
    curl_share_setopt(s->share, CURLSHOPT_USERDATA, s);
    curl_share_setopt(s->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
    curl_share_setopt(s->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
    *out = s;
    return INTERCOM_OK;
}

void ic_shared_free(ic_shared *s) {
    if (!s) return;
    if (s->share) curl_share_cleanup(s->share);
    for (int i = 0; i < CURL_LOCK_DATA_LAST; i++) pthread_mutex_destroy(&s->share_locks[i]);
    ic_free(s->alloc, s);
}

ic_engine *ic_engine_new(const ic_config *cfg, ic_shared *shared) {
    ic_engine *e = ic_calloc(cfg->alloc, 1, sizeof *e);
    if (!e) return NULL;
    e->cfg = cfg;
    e->shared = shared;
    e->curl_due = -1;
    if (!(e->multi = curl_multi_init())) {
        ic_free(cfg->alloc, e);
        return NULL;
    }
    curl_multi_setopt(e->multi, CURLMOPT_PIPELINING, (long)CURLPIPE_MULTIPLEX);
    return e;
}

uint64_t ic_engine_submit(ic_engine *e, ic_req_spec *spec, ic_done_fn done, void *payload) {
    ic_req *r = NULL;
    CURL *easy = NULL;
    ic_buf hdr = {.a = e->cfg->alloc};
    if (e->npool) { /* a finished request: its easy handle is configured, its header buffer allocated */
        r = e->pool[--e->npool];
        easy = r->easy;
        hdr = r->hdr;
        hdr.len = 0;
        easy_cache ec = r->ec;
        ic_decoder *spare = r->dec_spare;
        memset(r, 0, sizeof *r);
        r->ec = ec;
        r->dec_spare = spare;
        r->hdr = hdr;
        if (e->cfg->curl_hook) { /* the hook may have set anything: start from scratch */
            r->ec.bound = 0;
            curl_easy_reset(easy);
            if (configure_handle(e->cfg, e->shared->share, easy) != CURLE_OK) {
                curl_easy_cleanup(easy);
                easy = NULL;
            }
        }
    } else if ((r = ic_calloc(e->cfg->alloc, 1, sizeof *r)) && (easy = curl_easy_init()) &&
               configure_handle(e->cfg, e->shared->share, easy) != CURLE_OK) {
        curl_easy_cleanup(easy);
        easy = NULL;
    }
    if (!r || !easy) {
        if (r) req_destroy(e, r); /* its handle, if any, was cleaned up above */
        ic_spec_clear(spec);
        return 0;
    }
    r->hdr = hdr;
    r->eng = e;
    r->body.a = e->cfg->alloc;
    r->id = ++e->next_id;
    r->spec = *spec;
    memset(spec, 0, sizeof *spec);
    r->easy = easy;
    r->done = done;
    r->payload = payload;
    r->t_submit = ic_now();
    if (configure(r) != CURLE_OK) { /* refused before anything was sent: no callback */
        drop_mime(r);
        ic_spec_clear(&r->spec);
        req_destroy(e, r);
        return 0;
    }
    e->pending++;
    e->n_idle += r->idle_on;
    /* The first attempt starts from the loop, so a callback never runs inside submit. */
    r->due = 0;
    r->in_waiting = 1;
    list_add(&e->waiting, r);
    update_timer(e);
    return r->id;
}

uint64_t ic_engine_submit_error(ic_engine *e, intercom_error *err, ic_done_fn done, void *payload) {
    ic_req *r = ic_calloc(e->cfg->alloc, 1, sizeof *r);
    if (!r) return 0;
    r->eng = e;
    r->id = ++e->next_id;
    r->done = done;
    r->payload = payload;
    r->preset = *err; /* stolen */
    *err = (intercom_error)INTERCOM_ERROR_INIT;
    e->pending++;
    list_add(&e->waiting, r);
    update_timer(e);
    return r->id;
}

size_t ic_engine_pending(const ic_engine *e) { return e->pending; }

int ic_engine_cancel(ic_engine *e, uint64_t id) {
    ic_req *r;
    for (r = e->active; r && r->id != id; r = r->next) {}
    if (r && e->in_curl) { /* from inside a libcurl callback: the handle cannot be removed yet */
        r->cancel_pending = 1;
        e->cancels = 1;
        return 0;
    }
    if (r) {
        curl_multi_remove_handle(e->multi, r->easy);
        list_del(&e->active, r);
    } else {
        ic_req **lists[] = {&e->waiting, &e->due}; /* due: about to start its attempt (start_due) */
        size_t k = 0;
        for (; k < 2; k++) {
            for (r = *lists[k]; r && r->id != id; r = r->next) {}
            if (r) break;
        }
        if (!r) return -1;
        list_del(lists[k], r);
    }
    intercom_error err = ic_error_init(e->cfg->alloc);
    ic_fail(&err, INTERCOM_E_CANCELLED, "request cancelled");
    err.attempts = r->attempt;
    complete(r, INTERCOM_E_CANCELLED, NULL, NULL, &err);
    update_timer(e);
    return 0;
}

void ic_engine_free(ic_engine *e) {
    if (!e) return;
    while (e->active || e->waiting || e->due)
        ic_engine_cancel(e, (e->active ? e->active : e->waiting ? e->waiting : e->due)->id);
    for (size_t i = 0; i < e->npool; i++) req_destroy(e, e->pool[i]);
    curl_multi_cleanup(e->multi);
    ic_free(e->cfg->alloc, e);
}

/* ---------- one request to completion (the sync path) ---------- */

typedef struct sync_state {
    int finished;
    intercom_code code;
    void *result;
    intercom_response *raw;
    intercom_error err;
} sync_state;

static void sync_done(ic_req *req, intercom_code code, void *result, intercom_response *raw, intercom_error *err,
                      void *payload) {
    (void)req;
    sync_state *st = payload;
    st->finished = 1;
    st->code = code;
    st->result = result;
    st->raw = raw;
    st->err = *err; /* steal */
    *err = (intercom_error)INTERCOM_ERROR_INIT;
}

intercom_code ic_engine_run_one(ic_engine *e, ic_req_spec *spec, void **result, intercom_response **raw,
                                intercom_error *err) {
    sync_state st = {0, INTERCOM_OK, NULL, NULL, ic_error_init(e->cfg->alloc)};
    if (!ic_engine_submit(e, spec, sync_done, &st)) return ic_fail(err, INTERCOM_E_NOMEM, "out of memory");
    while (!st.finished) ic_engine_step(e, 1000);
    if (result) *result = st.result;
    else intercom_model_free(st.result);
    if (raw) *raw = st.raw;
    else intercom_response_free(st.raw);
    if (err) {
        intercom_error_clear(err);
        *err = st.err;
    } else {
        intercom_error_clear(&st.err);
    }
    return st.code;
}
