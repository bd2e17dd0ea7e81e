/* SPDX-License-Identifier: MIT */
/* libFuzzer target: error bodies (intercom_error_from_body(): Intercom's error list, the other JSON
 * shapes, HTML from a proxy, plain text). Input: byte 0 picks the status, the rest is the body.
 * Checked: a message is always produced, starts with "HTTP <status>", holds no NUL before its
 * end and stays bounded (a body's text is cut at 500 bytes); errors[] is consistent. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <intercom/intercom.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static const int statuses[] = {400, 401, 403, 404, 422, 429, 500, 502, 503, 418};
    if (size < 1) return 0;
    intercom_error err = INTERCOM_ERROR_INIT;
    int status = statuses[data[0] % (sizeof statuses / sizeof *statuses)];
    intercom_code rc = intercom_error_from_body(status, data + 1, size - 1, &err);
    if (rc != intercom_code_from_status(status) && rc != INTERCOM_E_NOMEM) abort();
    if (err.code != rc || err.status != status) abort();
    if (err.message) { /* NULL only when even "HTTP error" could not be allocated */
        if (strncmp(err.message, "HTTP ", 5)) abort();
        if (strlen(err.message) > 1100) abort();
    }
    for (size_t i = 0; i < err.errors_count; i++) /* every entry readable */
        if (err.errors[i].code && !*err.errors[i].code && err.errors[i].message && strlen(err.errors[i].message) > size)
            abort();
    intercom_error_clear(&err);
    return 0;
}
