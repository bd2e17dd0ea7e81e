/* SPDX-License-Identifier: MIT */
/* libFuzzer target: response-header parsing and the server-requested wait that the retry decision
 * reads, through the public intercom_rate_limit_parse() (the engine's own header path and retry.c).
 * Input: byte 0 picks the status (429, 503, 500, 408, 200, 404, ...), byte 1 bit 0 whether the wait is
 * asked for; the rest is the header block, lines separated by '\n'.
 * Checked: the rate limit is -1 (absent or not a number) or a value >= 0; the wait is -1 or a finite
 * value > 0, never NaN or infinite; the call fails only on out-of-memory. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <intercom/intercom.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static const int statuses[] = {429, 503, 500, 408, 409, 200, 404, 502, 400, 0};
    if (size < 2) return 0;
    int status = statuses[data[0] % (sizeof statuses / sizeof *statuses)];
    int want_wait = data[1] & 1;
    intercom_rate_limit rl;
    double wait = 0;
    intercom_code rc = intercom_rate_limit_parse((const char *)data + 2, size - 2, status, &rl, want_wait ? &wait : NULL, NULL);
    if (rc == INTERCOM_E_NOMEM) return 0;
    if (rc != INTERCOM_OK) abort();
    if (rl.limit < -1 || rl.remaining < -1 || rl.reset < -1) abort();
    if (want_wait) {
        if (isnan(wait) || isinf(wait) || (wait != -1.0 && wait <= 0)) abort();
    }
    return 0;
}
