/* SPDX-License-Identifier: MIT */
/* Issue 12: integers are parsed by the decoder's own overflow-checked digit loop (no copy, no strtoll):
 * the whole int64 range decodes exactly, one past either end is "an integer out of range", a fraction
 * or an exponent is "a non-integer number" (strict mode: the decode fails naming the field; tolerant
 * mode: the field is INVALID and zero). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include <intercom/intercom.h>

#include "testutil.h"

static void ok(const char *num, int64_t want) {
    char body[256];
    snprintf(body, sizeof body, "{\"type\":\"contact\",\"created_at\":%s}", num);
    void *m = NULL;
    intercom_error err = INTERCOM_ERROR_INIT;
    CHECKF(intercom_from_json(&intercom_contact_descriptor, body, strlen(body), 1, &m, &err) == INTERCOM_OK, "%s: %s",
           num, err.message);
    const intercom_contact *c = m;
    CHECKF(c && c->has_created_at == INTERCOM_FIELD_PRESENT && c->created_at == want, "%s: got %" PRId64, num,
           c ? c->created_at : 0);
    intercom_model_free(m);
    intercom_error_clear(&err);
}

static void bad(const char *num, const char *why) {
    char body[256];
    snprintf(body, sizeof body, "{\"type\":\"contact\",\"created_at\":%s,\"id\":\"x\"}", num);
    void *m = NULL;
    intercom_error err = INTERCOM_ERROR_INIT;
    CHECKF(intercom_from_json(&intercom_contact_descriptor, body, strlen(body), 1, &m, &err) == INTERCOM_E_DECODE,
           "%s: strict decode passed", num);
    CHECKF(err.message && strstr(err.message, why) && strstr(err.message, "created_at"), "%s: message \"%s\", want \"%s\"",
           num, err.message ? err.message : "(none)", why);
    intercom_error_clear(&err);
    CHECKF(intercom_from_json(&intercom_contact_descriptor, body, strlen(body), 0, &m, &err) == INTERCOM_OK, "%s: %s",
           num, err.message);
    const intercom_contact *c = m;
    CHECKF(c && c->has_created_at == INTERCOM_FIELD_INVALID && c->created_at == 0 && c->id && !strcmp(c->id, "x"),
           "%s: tolerant decode: state %d value %" PRId64, num, c ? c->has_created_at : -1, c ? c->created_at : 0);
    intercom_model_free(m);
    intercom_error_clear(&err);
}

/* free-form integers (custom_attributes) take the same digit loop: int64 values exact as integers,
 * fractions and exponents reals as before (beyond int64: test_hostile_decode) */
static void free_form(void) {
    const char *body = "{\"type\":\"contact\",\"custom_attributes\":{\"max\":9223372036854775807,"
                       "\"min\":-9223372036854775808,\"zero\":-0,\"frac\":1.5,\"exp\":2e3,\"nz\":-0.000}}";
    void *m = NULL;
    intercom_error err = INTERCOM_ERROR_INIT;
    CHECKF(intercom_from_json(&intercom_contact_descriptor, body, strlen(body), 0, &m, &err) == INTERCOM_OK, "free-form: %s",
           err.message);
    const intercom_contact *c = m;
    json_t *ca = c ? c->custom_attributes : NULL;
    json_t *mx = json_object_get(ca, "max"), *mn = json_object_get(ca, "min"), *z = json_object_get(ca, "zero");
    CHECKF(json_is_integer(mx) && json_integer_value(mx) == INT64_MAX, "free-form max");
    CHECKF(json_is_integer(mn) && json_integer_value(mn) == INT64_MIN, "free-form min");
    CHECKF(json_is_integer(z) && json_integer_value(z) == 0, "free-form -0");
    CHECKF(json_is_real(json_object_get(ca, "frac")) && json_real_value(json_object_get(ca, "frac")) == 1.5, "free-form 1.5");
    CHECKF(json_is_real(json_object_get(ca, "exp")) && json_real_value(json_object_get(ca, "exp")) == 2000.0, "free-form 2e3");
    char *js = NULL;
    CHECKF(m && intercom_to_json(m, 0, &js, NULL, NULL) == INTERCOM_OK && js &&
              strstr(js, "\"min\":-9223372036854775808") && strstr(js, "\"max\":9223372036854775807") &&
              strstr(js, "\"nz\":-0.0"), /* a real -0 stays a real (fuzz: "-0" read back as the integer 0) */
           "free-form re-encoded: %s", js ? js : "(none)");
    intercom_free_string(js);
    intercom_model_free(m);
    intercom_error_clear(&err);
}

int main(void) {
    ic_current = "decode_ints";
    free_form();
    ok("0", 0);
    ok("-0", 0);
    ok("7", 7);
    ok("-7", -7);
    ok("1717415380", 1717415380);
    ok("999999999999999999", 999999999999999999LL);   /* 18 digits: the path without a range check */
    ok("-999999999999999999", -999999999999999999LL);
    ok("1000000000000000000", 1000000000000000000LL); /* 19 digits: the checked path */
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
    printf("decode ints: %d failures\n", ic_failures);
    return ic_failures ? 1 : 0;
}
