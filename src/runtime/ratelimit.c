/* SPDX-License-Identifier: MIT */
/* Rate-limit pacing per workspace: the key of a token, and the client's in-process store of
 * windows (bounded: at most max_keys entries, least recently used dropped first, idle ones expired).
 *
 * The window of a key (the same rules as the Lua script of adapters/hiredis.h):
 *   acquire: a current window (now < reset) with remaining > 0: take one and go; remaining 0: wait
 *            until reset. No window known yet: go. A window that has passed: one probe at a time goes
 *            (its response announces the new window), the others wait a moment.
 *   release: a response's window replaces an older one (remaining = announced - requests still in
 *            flight, which the server may not have counted yet); for the same window the smaller
 *            remaining wins. Responses of an older window only end their request. */

#include <float.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <stdatomic.h>
#include <string.h>
#include <strings.h>

#include "http.h"

#define IC_RL_IDLE_S 120.0  /* an entry unused this long is dropped */
#define IC_RL_PROBE_S 5.0   /* a probe whose release never came stops blocking after this long */
#define IC_RL_RETRY_S 0.01  /* wait while another request probes the new window */

typedef struct rl_entry {
    struct rl_entry *hnext;        /* bucket chain */
    struct rl_entry *lprev, *lnext; /* LRU list, most recent first */
    double reset;                  /* epoch seconds; 0: no window known */
    double probe_until;            /* a probe of a new window is out until then */
    double last;                   /* last use (epoch seconds) */
    int64_t remaining;             /* in the current window */
    int32_t inflight;              /* acquired, not yet released */
    int32_t seen;                  /* a window was announced once */
    char key[INTERCOM_RATE_LIMIT_KEY_LEN + 1];
} rl_entry;

struct ic_rl_mem {
    const intercom_allocator *a;
    pthread_mutex_t lock;
    rl_entry **buckets;
    size_t nbuckets, count, max_keys;
    rl_entry *head, *tail;
};

intercom_code intercom_rate_limit_key(const char *token, char *out, intercom_error *err) {
    if (!token || !out) return ic_fail(err, INTERCOM_E_INVALID_ARGUMENT, "token and out are required");
    return ic_rl_key(token, out) ? ic_fail(err, INTERCOM_E_INTERNAL, "SHA-256 failed (libcrypto)") : INTERCOM_OK;
}

/* SHA-256 fetched once: OpenSSL 3 would look the algorithm up in its provider on every EVP_Digest()
 * (an implicit fetch: several microseconds, more than the rest of the per-request work of pacing). */
static pthread_once_t sha_once = PTHREAD_ONCE_INIT;
static EVP_MD *sha_md;
static void sha_fetch(void) { sha_md = EVP_MD_fetch(NULL, "SHA256", NULL); }

/* One digest context kept for the next key (a key per request with per-request tokens): taking it and
 * putting it back are one atomic exchange each; a thread that finds it taken makes its own. Allocating
 * and freeing a context was a third of the cost of a key. The one kept at exit is reachable, not leaked. */
static _Atomic(EVP_MD_CTX *) spare_ctx;

int ic_rl_key(const char *token, char out[INTERCOM_RATE_LIMIT_KEY_LEN + 1]) {
    static const char hex[] = "0123456789abcdef";
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    pthread_once(&sha_once, sha_fetch);
    EVP_MD_CTX *ctx = sha_md ? atomic_exchange(&spare_ctx, NULL) : NULL;
    if (sha_md && !ctx) ctx = EVP_MD_CTX_new();
    int ok = ctx && EVP_DigestInit_ex(ctx, sha_md, NULL) && EVP_DigestUpdate(ctx, token, strlen(token)) &&
             EVP_DigestFinal_ex(ctx, md, &n) && n >= INTERCOM_RATE_LIMIT_KEY_LEN / 2;
    EVP_MD_CTX *none = NULL;
    if (ctx && (!ok || !atomic_compare_exchange_strong(&spare_ctx, &none, ctx))) EVP_MD_CTX_free(ctx);
    if (!ok) {
        out[0] = '\0';
        return -1;
    }
    for (int i = 0; i < INTERCOM_RATE_LIMIT_KEY_LEN / 2; i++) out[2 * i] = hex[md[i] >> 4], out[2 * i + 1] = hex[md[i] & 15];
    out[INTERCOM_RATE_LIMIT_KEY_LEN] = '\0';
    return 0;
}

ic_rl_mem *ic_rl_mem_new(const intercom_allocator *a, size_t max_keys) {
    ic_rl_mem *m = ic_calloc(a, 1, sizeof *m);
    if (!m) return NULL;
    m->a = a;
    m->max_keys = max_keys ? max_keys : INTERCOM_RATE_LIMIT_MAX_KEYS;
    pthread_mutex_init(&m->lock, NULL);
    return m;
}

void ic_rl_mem_free(ic_rl_mem *m) {
    if (!m) return;
    for (rl_entry *e = m->head, *n; e; e = n) {
        n = e->lnext;
        ic_free(m->a, e);
    }
    ic_free(m->a, m->buckets);
    pthread_mutex_destroy(&m->lock);
    ic_free(m->a, m);
}

size_t ic_rl_mem_count(ic_rl_mem *m) {
    size_t n, bytes;
    ic_rl_mem_stats(m, &n, &bytes);
    return n;
}

size_t ic_rl_mem_bytes(ic_rl_mem *m) {
    size_t n, bytes;
    ic_rl_mem_stats(m, &n, &bytes);
    return bytes;
}

/* ---------- intercom_rate_limit_parse: one pass over the caller's block, nothing copied ----------
 * Lines are read by the engine's own reader (ic_header_line, response.c); the first line of each name
 * counts. A line holding a NUL byte is skipped (a header cannot hold one). Only the six headers the
 * result depends on are looked at; the wait goes through retry.c on a response holding just those
 * (retry.c reads them by name, the reset from rate_limit). tests/test_rtc.c compares both paths on
 * many blocks. */

enum { H_LIMIT, H_REMAINING, H_RESET, H_SHOULD_RETRY, H_RETRY_AFTER_MS, H_RETRY_AFTER, H_COUNT };
static const struct {
    const char *name;
    size_t len;
} wanted[H_COUNT] = {{"X-RateLimit-Limit", 17}, {"X-RateLimit-Remaining", 21}, {"X-RateLimit-Reset", 17},
                     {"x-should-retry", 14},    {"retry-after-ms", 14},        {"Retry-After", 11}};

intercom_code intercom_rate_limit_parse(const char *headers, size_t len, int status, intercom_rate_limit *rl,
                                       double *wait_s, intercom_error *err) {
    if (rl) *rl = (intercom_rate_limit){-1, -1, -1};
    if (wait_s) *wait_s = -1.0;
    if (!rl || (!headers && len)) return ic_fail(err, INTERCOM_E_INVALID_ARGUMENT, "rl is required, and headers unless len is 0");
    if (status < 0 || status > 999) return ic_fail(err, INTERCOM_E_INVALID_ARGUMENT, "status %d is not 0-999", status);
    const char *val[H_COUNT] = {NULL};
    size_t vlen[H_COUNT] = {0};
    for (const char *p = headers, *end = len ? headers + len : headers; p < end;) { /* no NULL + 0 */
        const char *line = p, *name, *v;
        size_t nlen, n;
        p = ic_header_line(p, end, &name, &nlen, &v, &n);
        if (!name || nlen < 11 || nlen > 21) continue; /* the shortest and longest wanted names */
        int k = 0;
        while (k < H_COUNT && (val[k] || nlen != wanted[k].len || strncasecmp(name, wanted[k].name, nlen))) k++;
        if (k == H_COUNT || memchr(line, '\0', (size_t)(p - line))) continue;
        val[k] = v;
        vlen[k] = n;
    }
    rl->limit = ic_header_decimal(val[H_LIMIT], vlen[H_LIMIT]);
    rl->remaining = ic_header_decimal(val[H_REMAINING], vlen[H_REMAINING]);
    rl->reset = ic_header_decimal(val[H_RESET], vlen[H_RESET]);
    if (!wait_s) return INTERCOM_OK;
    /* retry.c reads NUL-terminated values: the three it asks for, copied (on the stack unless long) */
    size_t need = 0;
    for (int k = H_SHOULD_RETRY; k < H_COUNT; k++) need += val[k] ? vlen[k] + 1 : 0;
    char small[256], *buf = need <= sizeof small ? small : ic_malloc(NULL, need), *b = buf;
    if (!buf) {
        *rl = (intercom_rate_limit){-1, -1, -1};
        return ic_fail(err, INTERCOM_E_NOMEM, "out of memory");
    }
    intercom_header hs[H_COUNT - H_SHOULD_RETRY];
    intercom_response r = {.status = status, .headers = hs, .rate_limit = *rl};
    for (int k = H_SHOULD_RETRY; k < H_COUNT; k++) {
        if (!val[k]) continue;
        memcpy(b, val[k], vlen[k]);
        b[vlen[k]] = '\0';
        hs[r.headers_count++] = (intercom_header){(char *)wanted[k].name, b}; /* only read */
        b += vlen[k] + 1;
    }
    ic_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.retry_after_max = DBL_MAX; /* the server's wait as asked, uncapped */
    ic_attempt_outcome o = {status ? intercom_code_from_status(status) : INTERCOM_E_CONNECTION, status, &r, 1, 1, 0};
    const char *why = NULL;
    double d = ic_retry_delay(&cfg, &o, &why);
    *wait_s = d > 0 && why && strcmp(why, "backoff") ? d : -1.0;
    if (buf != small) ic_free(NULL, buf);
    return INTERCOM_OK;
}

int ic_rl_mem_stats(ic_rl_mem *m, size_t *entries, size_t *bytes) {
    if (!m) return *entries = *bytes = 0, -1;
    pthread_mutex_lock(&m->lock);
    *entries = m->count;
    *bytes = m->count * sizeof(rl_entry) + m->nbuckets * sizeof(rl_entry *);
    pthread_mutex_unlock(&m->lock);
    return 0;
}

static size_t key_hash(const char *key) { /* the key is already a hash: its first hex digits */
    size_t h = 0;
    for (int i = 0; i < 16; i++) h = h * 16 + (size_t)(key[i] <= '9' ? key[i] - '0' : key[i] - 'a' + 10);
    return h;
}

static rl_entry **slot_of(ic_rl_mem *m, const char *key) {
    rl_entry **p = &m->buckets[key_hash(key) & (m->nbuckets - 1)];
    while (*p && memcmp((*p)->key, key, INTERCOM_RATE_LIMIT_KEY_LEN)) p = &(*p)->hnext;
    return p;
}

static void lru_unlink(ic_rl_mem *m, rl_entry *e) {
    if (e->lprev) e->lprev->lnext = e->lnext;
    else m->head = e->lnext;
    if (e->lnext) e->lnext->lprev = e->lprev;
    else m->tail = e->lprev;
    e->lprev = e->lnext = NULL;
}

static void lru_front(ic_rl_mem *m, rl_entry *e) {
    e->lnext = m->head;
    if (m->head) m->head->lprev = e;
    m->head = e;
    if (!m->tail) m->tail = e;
}

static void drop(ic_rl_mem *m, rl_entry *e) {
    rl_entry **p = slot_of(m, e->key);
    if (*p == e) *p = e->hnext;
    lru_unlink(m, e);
    ic_free(m->a, e);
    m->count--;
}

static int grow(ic_rl_mem *m) {
    size_t nb = m->nbuckets ? m->nbuckets * 2 : 64;
    rl_entry **b = ic_calloc(m->a, nb, sizeof *b);
    if (!b) return -1;
    for (rl_entry *e = m->head; e; e = e->lnext) {
        size_t i = key_hash(e->key) & (nb - 1);
        e->hnext = b[i];
        b[i] = e;
    }
    ic_free(m->a, m->buckets);
    m->buckets = b;
    m->nbuckets = nb;
    return 0;
}

/* The entry of @p key, made when missing (NULL: out of memory, the request goes unpaced). */
static rl_entry *entry_get(ic_rl_mem *m, const char *key, double now, int create) {
    rl_entry *e = m->nbuckets ? *slot_of(m, key) : NULL;
    if (!create) { /* release: acquire made it the most recent already; its neighbours stay untouched */
        if (e) e->last = now; /* only ever later than the order says: expiry stays conservative */
        return e;
    }
    /* expire idle entries from the cold end (at most two per call: amortised O(1)) */
    for (int i = 0; i < 2 && m->tail && m->tail != e && m->tail->inflight <= 0 && m->tail->last + IC_RL_IDLE_S < now;
         i++)
        drop(m, m->tail);
    if (e) {
        if (m->head != e) lru_unlink(m, e), lru_front(m, e);
        e->last = now;
        return e;
    }
    if (m->count >= m->max_keys && m->tail) drop(m, m->tail); /* least recently used */
    if (m->count >= m->nbuckets && grow(m)) return NULL;
    if (!(e = ic_calloc(m->a, 1, sizeof *e))) return NULL;
    memcpy(e->key, key, INTERCOM_RATE_LIMIT_KEY_LEN);
    rl_entry **p = slot_of(m, key);
    *p = e;
    lru_front(m, e);
    e->last = now;
    m->count++;
    return e;
}

int ic_rl_mem_acquire(void *self, const char *key, double now, double *wait_s) {
    ic_rl_mem *m = self;
    *wait_s = 0;
    pthread_mutex_lock(&m->lock);
    rl_entry *e = entry_get(m, key, now, 1);
    if (!e) {
        pthread_mutex_unlock(&m->lock);
        return -1; /* go, unpaced */
    }
    if (e->reset > now) {
        if (e->remaining > 0) e->remaining--, e->inflight++;
        else *wait_s = e->reset - now;
    } else if (!e->seen) {
        e->inflight++;
    } else if (e->probe_until <= now) { /* the window passed: one request learns the next one */
        e->probe_until = now + IC_RL_PROBE_S;
        e->inflight++;
    } else {
        *wait_s = IC_RL_RETRY_S;
    }
    pthread_mutex_unlock(&m->lock);
    return 0;
}

void ic_rl_mem_release(void *self, const char *key, const intercom_rate_limit *rl, double now) {
    ic_rl_mem *m = self;
    pthread_mutex_lock(&m->lock);
    rl_entry *e = entry_get(m, key, now, 0);
    if (e) {
        if (e->inflight > 0) e->inflight--;
        e->probe_until = 0;
        if (rl && rl->reset > 0 && rl->remaining >= 0) {
            int64_t left = rl->remaining - e->inflight;
            if (left < 0) left = 0;
            e->seen = 1;
            if ((double)rl->reset > e->reset) e->reset = (double)rl->reset, e->remaining = left;
            else if ((double)rl->reset == e->reset && left < e->remaining) e->remaining = left;
        }
    }
    pthread_mutex_unlock(&m->lock);
}
