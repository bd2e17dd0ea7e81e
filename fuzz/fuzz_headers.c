/* SPDX-License-Identifier: MIT */
/* libFuzzer target: response-header parsing and the retry decision that reads it.
 * Input: byte 0 picks the status (429, 503, 500, 408, 200, 404, ...), byte 1 the attempt;
 * the rest is header lines separated by '\n' (the raw header block the engine keeps of an attempt).
 * Checked: the rate limit is -1 (absent or not a number) or a value >= 0 that was sent, and the
 * same as looked up by name afterwards (so is the request id); the
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
    if (ic_response_set_header_block(r, (const char *)data + 2, size - 2)) { /* out of memory */
        intercom_response_free(r);
        return 0;
    }
    r->status = status;
    const intercom_rate_limit *rl = &r->rate_limit;
    if (rl->limit < -1 || rl->remaining < -1 || rl->reset < -1) abort();
    intercom_rate_limit by_name;
    ic_rate_limit_parse(&by_name, r); /* the headers looked up by name: the same values */
    if (by_name.limit != rl->limit || by_name.remaining != rl->remaining || by_name.reset != rl->reset) abort();
    if (r->request_id != intercom_response_header(r, "X-Request-Id")) abort();
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
