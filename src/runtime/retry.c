/* SPDX-License-Identifier: MIT */
/* The one place that decides whether a failed attempt is retried, and how long to wait.
 *
 * Retried: connection errors and timeouts, HTTP 408, 409, 429 and >= 500 -- unless the
 * response says `x-should-retry: false`; `x-should-retry: true` retries any status.
 * Never retried: attempts after max_retries, and a response whose body was already
 * streamed to the caller.
 *
 * Wait, first match wins (server-requested waits only when 0 < wait <= retry_after_max,
 * default 60 s):
 *   1. `retry-after-ms: <milliseconds>`
 *   2. `Retry-After: <seconds>` or `Retry-After: <HTTP date>`
 *   3. on a 429, `X-RateLimit-Reset: <epoch seconds>` (Intercom sends no Retry-After)
 *   4. exponential backoff with jitter:
 *        min(retry_initial_delay * 2^(attempt-1), retry_max_delay) * (1 - 0.25 * U[0,1))
 *      i.e. about 0.5 s, 1 s, 2 s, 4 s, 8 s, 8 s ... with the defaults (as the seed). */

#include <math.h>
#include <stdlib.h>
#include <strings.h>
#include <time.h>

#include "http.h"

static double jitter(void) {
    static _Thread_local uint64_t s;
    if (!s) s = (uint64_t)time(NULL) ^ (uint64_t)(uintptr_t)&s ^ 0x9e3779b97f4a7c15ull;
    s ^= s << 13, s ^= s >> 7, s ^= s << 17; /* xorshift64 */
    return (double)(s >> 11) / 9007199254740992.0;
}

static int in_cap(double w, const ic_config *cfg) { return w > 0.0 && w <= cfg->retry_after_max; }

double ic_retry_delay(const ic_config *cfg, const ic_attempt_outcome *o, const char **why) {
    *why = NULL;
    if (o->body_streamed || o->attempt > o->max_retries) return -1.0;
    const intercom_response *r = o->resp;
    const char *should = r ? intercom_response_header(r, "x-should-retry") : NULL;
    int retry;
    if (should && !strcasecmp(should, "true")) retry = 1;
    else if (should && !strcasecmp(should, "false")) retry = 0;
    else if (intercom_code_is_connection(o->code)) retry = 1;
    else retry = o->status == 408 || o->status == 409 || o->status == 429 || o->status >= 500;
    if (!retry) return -1.0;

    const char *h;
    if (r && (h = intercom_response_header(r, "retry-after-ms"))) {
        char *end;
        double w = strtod(h, &end) / 1000.0;
        if (end != h && in_cap(w, cfg)) return *why = "retry-after-ms", w;
    }
    if (r && (h = intercom_response_header(r, "Retry-After"))) {
        char *end;
        double w = strtod(h, &end);
        if (end == h || *end) { /* not a number: an HTTP date */
            time_t t = curl_getdate(h, NULL);
            w = t == -1 ? -1.0 : difftime(t, time(NULL));
        }
        if (in_cap(w, cfg)) return *why = "Retry-After", w;
    }
    if (r && o->status == 429 && r->rate_limit.reset > 0) {
        double w = difftime((time_t)r->rate_limit.reset, time(NULL));
        if (in_cap(w, cfg)) return *why = "X-RateLimit-Reset", w;
    }
    double w = cfg->retry_initial_delay * pow(2.0, o->attempt - 1);
    if (w > cfg->retry_max_delay) w = cfg->retry_max_delay;
    *why = "backoff";
    return w * (1.0 - 0.25 * jitter());
}
