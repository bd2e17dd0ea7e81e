/* SPDX-License-Identifier: MIT */
/* libFuzzer target: response-header parsing and the retry decision that reads it.
 * Input: byte 0 picks the status (429, 503, 500, 408, 200, 404, ...), byte 1 the attempt;
 * the rest is header lines separated by '\n' (as libcurl hands them over, one at a time).
 * Checked: the rate limit is -1 (absent or not a number) or a value >= 0 that was sent; the
 * wait before a retry is never NaN, never negative unless "no retry", and never above the
 * larger of retry_after_max and retry_max_delay. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static const int statuses[] = {429, 503, 500, 408, 409, 200, 404, 502, 400, 0};
    if (size < 2) return 0;
    int status = statuses[data[0] % (sizeof statuses / sizeof *statuses)];
    int attempt = 1 + data[1] % 4;
    intercom_response *r = ic_response_new(NULL);
    if (!r) return 0;
    const char *p = (const char *)data + 2, *end = (const char *)data + size;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl - p) + 1 : (size_t)(end - p);
        if (ic_response_add_header_line(r, p, n)) break; /* out of memory */
        p += n;
    }
    ic_response_finish_headers(r);
    r->status = status;
    const intercom_rate_limit *rl = &r->rate_limit;
    if (rl->limit < -1 || rl->remaining < -1 || rl->reset < -1) abort();
    ic_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.retry_initial_delay = 0.5;
    cfg.retry_max_delay = 8;
    cfg.retry_after_max = 60;
    ic_attempt_outcome o = {status ? intercom_code_from_status(status) : INTERCOM_E_CONNECTION, status, r, attempt, 3, 0};
    const char *why = NULL;
    double d = ic_retry_delay(&cfg, &o, &why);
    if (isnan(d) || (d >= 0 && (d > 60.0 || !why))) abort();
    intercom_response_free(r);
    return 0;
}
