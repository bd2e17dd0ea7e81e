/* SPDX-License-Identifier: MIT */
/* Issue 12: integers are parsed by the decoder's own overflow-checked digit loop (no copy, no strtoll):
 * the whole int64 range decodes exactly, one past either end is "an integer out of range", a fraction
 * or an exponent is "a non-integer number" (strict mode: the decode fails naming the field; tolerant
 * mode: the field is INVALID and zero). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <intercom/intercom.h>

static int failures;
#define CHECK(c, ...)                                                                                   \
    do {                                                                                                \
        if (!(c)) {                                                                                     \
            failures++;                                                                                 \
            fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);                                        \
            fprintf(stderr, __VA_ARGS__);                                                               \
            fputc('\n', stderr);                                                                        \
        }                                                                                               \
    } while (0)

static void ok(const char *num, int64_t want) {
    char body[256];
    snprintf(body, sizeof body, "{\"type\":\"contact\",\"created_at\":%s}", num);
    void *m = NULL;
    intercom_error err = INTERCOM_ERROR_INIT;
    CHECK(intercom_from_json(&intercom_contact_descriptor, body, strlen(body), 1, &m, &err) == INTERCOM_OK, "%s: %s",
          num, err.message);
    const intercom_contact *c = m;
    CHECK(c && c->has_created_at == INTERCOM_FIELD_PRESENT && c->created_at == want, "%s: got %" PRId64, num,
          c ? c->created_at : 0);
    intercom_model_free(m);
    intercom_error_clear(&err);
}

static void bad(const char *num, const char *why) {
    char body[256];
    snprintf(body, sizeof body, "{\"type\":\"contact\",\"created_at\":%s,\"id\":\"x\"}", num);
    void *m = NULL;
    intercom_error err = INTERCOM_ERROR_INIT;
    CHECK(intercom_from_json(&intercom_contact_descriptor, body, strlen(body), 1, &m, &err) == INTERCOM_E_DECODE,
          "%s: strict decode passed", num);
    CHECK(err.message && strstr(err.message, why) && strstr(err.message, "created_at"), "%s: message \"%s\", want \"%s\"",
          num, err.message ? err.message : "(none)", why);
    intercom_error_clear(&err);
    CHECK(intercom_from_json(&intercom_contact_descriptor, body, strlen(body), 0, &m, &err) == INTERCOM_OK, "%s: %s",
          num, err.message);
    const intercom_contact *c = m;
    CHECK(c && c->has_created_at == INTERCOM_FIELD_INVALID && c->created_at == 0 && c->id && !strcmp(c->id, "x"),
          "%s: tolerant decode: state %d value %" PRId64, num, c ? c->has_created_at : -1, c ? c->created_at : 0);
    intercom_model_free(m);
    intercom_error_clear(&err);
}

int main(void) {
    ok("0", 0);
    ok("-0", 0);
    ok("7", 7);
    ok("-7", -7);
    ok("1717415380", 1717415380);
    ok("9223372036854775807", INT64_MAX);
    ok("-9223372036854775808", INT64_MIN);
    ok("-9223372036854775807", -INT64_MAX);
    bad("9223372036854775808", "an integer out of range");
    bad("-9223372036854775809", "an integer out of range");
    bad("18446744073709551616", "an integer out of range");
    bad("99999999999999999999999999999999999999999999999999999999999999999999999999", "an integer out of range");
    bad("1.5", "a non-integer number");
    bad("1.0", "a non-integer number");
    bad("1e3", "a non-integer number");
    bad("-2E+2", "a non-integer number");
    bad("99999999999999999999999.5", "a non-integer number");
    printf("decode ints: %d failures\n", failures);
    return failures ? 1 : 0;
}
