/* SPDX-License-Identifier: MIT */
/* Identity verification: user_hash and Messenger JWT known answers. The expected values were
 * computed independently with Python (hmac, hashlib, base64, json; see the comments);
 * tests/test_cli_extras.sh recomputes them live through the CLI. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <intercom/intercom.h>

#include "testutil.h"

static const char SECRET[] = "identity-secret";

static void test_user_hash_known_answers(void) {
    char hex[65];
    /* hmac.new(b'identity-secret', b'u-42', hashlib.sha256).hexdigest() */
    CHECK_CODE(intercom_identity_user_hash(SECRET, "u-42", hex, NULL), INTERCOM_OK);
    CHECK_STR(hex, "b9d22952825978c3b0f3c4fc572c209c7aa90dfc9c88a90e43b023eef8d99053");
    /* hmac.new(b'identity-secret', b'joe@example.com', hashlib.sha256).hexdigest() */
    CHECK_CODE(intercom_identity_user_hash(SECRET, "joe@example.com", hex, NULL), INTERCOM_OK);
    CHECK_STR(hex, "882cd6a8837ee2f12a281501444197caec32e626c78a538d85b66fb3b2f823c6");
    CHECK(strlen(hex) == 64);
    for (int i = 0; i < 64; i++) CHECK((hex[i] >= '0' && hex[i] <= '9') || (hex[i] >= 'a' && hex[i] <= 'f'));
}

static void test_user_hash_arguments(void) {
    char hex[65] = "unchanged";
    intercom_error err = INTERCOM_ERROR_INIT;
    CHECK_CODE(intercom_identity_user_hash(NULL, "u", hex, &err), INTERCOM_E_INVALID_ARGUMENT);
    CHECK(hex[0] == '\0' && err.message && strstr(err.message, "secret"));
    CHECK_CODE(intercom_identity_user_hash("", "u", hex, &err), INTERCOM_E_INVALID_ARGUMENT);
    CHECK_CODE(intercom_identity_user_hash(SECRET, "", hex, &err), INTERCOM_E_INVALID_ARGUMENT);
    CHECK_CODE(intercom_identity_user_hash(SECRET, NULL, hex, &err), INTERCOM_E_INVALID_ARGUMENT);
    CHECK_CODE(intercom_identity_user_hash(SECRET, "u", NULL, &err), INTERCOM_E_INVALID_ARGUMENT);
    intercom_error_clear(&err);
}

static void test_jwt_known_answers(void) {
    intercom_identity_jwt_options o = INTERCOM_IDENTITY_JWT_OPTIONS_INIT;
    o.email = "joe@example.com";
    o.issued_at = 1700000000;
    char *jwt = NULL;
    /* h = b64url('{"alg":"HS256","typ":"JWT"}'); p = b64url(json.dumps({"user_id":"u-42","email":"joe@example.com",
     * "iat":1700000000,"exp":1700003600}, separators=(',',':'))); h.p.b64url(hmac-sha256(secret, h.p)) */
    CHECK_CODE(intercom_identity_jwt(SECRET, "u-42", &o, &jwt, NULL), INTERCOM_OK);
    CHECK_STR(jwt, "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ1c2VyX2lkIjoidS00MiIsImVtYWlsIjoiam9lQGV4YW1wbGUuY29tIiwia"
                   "WF0IjoxNzAwMDAwMDAwLCJleHAiOjE3MDAwMDM2MDB9.odVss8fCWsPPFmNGm22YFtLR68hjR1u646Qo2RxM3fU");
    intercom_free_string(jwt);
    /* extra claims (non-ASCII, nested), no email, 60 s expiry; a claim named like a reserved one is overridden */
    json_t *claims = json_pack("{s:s, s:{s:s}, s:s}", "name", "J\xc3\xb6" "e", "plan", "tier", "pro", "user_id", "spoofed");
    intercom_identity_jwt_options o2 = INTERCOM_IDENTITY_JWT_OPTIONS_INIT;
    o2.claims = claims;
    o2.expires_in = 60;
    o2.issued_at = 1700000000;
    CHECK_CODE(intercom_identity_jwt(SECRET, "u-42", &o2, &jwt, NULL), INTERCOM_OK);
    CHECK_STR(jwt, "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJuYW1lIjoiSsO2ZSIsInBsYW4iOnsidGllciI6InBybyJ9LCJ1c2VyX2lkIjo"
                   "idS00MiIsImlhdCI6MTcwMDAwMDAwMCwiZXhwIjoxNzAwMDAwMDYwfQ.x_sAToEDOPBhBxnI0Xi2af5Et7rMMBhdBRdck9pLOWo");
    intercom_free_string(jwt);
    CHECK_STR(json_string_value(json_object_get(claims, "user_id")), "spoofed"); /* the caller's object untouched */
    json_decref(claims);
}

static void test_jwt_defaults_now(void) {
    char *jwt = NULL;
    time_t before = time(NULL);
    CHECK_CODE(intercom_identity_jwt(SECRET, "u-1", NULL, &jwt, NULL), INTERCOM_OK);
    time_t after = time(NULL);
    CHECK(jwt && strchr(jwt, '=') == NULL && strchr(jwt, '+') == NULL && strchr(jwt, '/') == NULL);
    /* decode the payload (base64url) with a small table to read iat/exp */
    const char *p = jwt ? strchr(jwt, '.') + 1 : "";
    const char *q = strchr(p, '.');
    size_t n = q ? (size_t)(q - p) : 0;
    char dec[512] = {0};
    size_t k = 0;
    uint32_t acc = 0;
    int bits = 0;
    for (size_t i = 0; i < n && k < sizeof dec - 1; i++) {
        const char *t = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", *c = strchr(t, p[i]);
        if (!c) break;
        acc = acc << 6 | (uint32_t)(c - t), bits += 6;
        if (bits >= 8) dec[k++] = (char)(acc >> (bits - 8) & 0xff), bits -= 8;
    }
    json_t *j = json_loads(dec, 0, NULL);
    json_int_t iat = json_integer_value(json_object_get(j, "iat")), exp = json_integer_value(json_object_get(j, "exp"));
    CHECKF(iat >= before && iat <= after, "iat %lld", (long long)iat);
    CHECK(exp == iat + 3600);
    CHECK_STR(json_string_value(json_object_get(j, "user_id")), "u-1");
    CHECK(json_object_get(j, "email") == NULL);
    json_decref(j);
    intercom_free_string(jwt);
}

static void test_jwt_arguments(void) {
    char *jwt = (char *)1;
    intercom_error err = INTERCOM_ERROR_INIT;
    CHECK_CODE(intercom_identity_jwt(NULL, "u", NULL, &jwt, &err), INTERCOM_E_INVALID_ARGUMENT);
    CHECK(jwt == NULL);
    CHECK_CODE(intercom_identity_jwt(SECRET, "", NULL, &jwt, &err), INTERCOM_E_INVALID_ARGUMENT);
    CHECK_CODE(intercom_identity_jwt(SECRET, "u", NULL, NULL, &err), INTERCOM_E_INVALID_ARGUMENT);
    intercom_identity_jwt_options o = INTERCOM_IDENTITY_JWT_OPTIONS_INIT;
    o.expires_in = 0;
    CHECK_CODE(intercom_identity_jwt(SECRET, "u", &o, &jwt, &err), INTERCOM_E_INVALID_ARGUMENT);
    CHECK(err.message && strstr(err.message, "expires_in"));
    o = (intercom_identity_jwt_options)INTERCOM_IDENTITY_JWT_OPTIONS_INIT;
    json_t *arr = json_array();
    o.claims = arr;
    CHECK_CODE(intercom_identity_jwt(SECRET, "u", &o, &jwt, &err), INTERCOM_E_INVALID_ARGUMENT);
    json_decref(arr);
    o = (intercom_identity_jwt_options)INTERCOM_IDENTITY_JWT_OPTIONS_INIT;
    o.version = 99;
    CHECK_CODE(intercom_identity_jwt(SECRET, "u", &o, &jwt, &err), INTERCOM_E_INVALID_ARGUMENT);
    o = (intercom_identity_jwt_options)INTERCOM_IDENTITY_JWT_OPTIONS_INIT;
    o.email = "bad\xff";
    CHECK_CODE(intercom_identity_jwt(SECRET, "u", &o, &jwt, &err), INTERCOM_E_INVALID_ARGUMENT);
    CHECK_CODE(intercom_identity_jwt(SECRET, "bad\xc3", NULL, &jwt, &err), INTERCOM_E_INVALID_ARGUMENT);
    CHECK(jwt == NULL);
    intercom_error_clear(&err);
}

int main(int argc, char **argv) {
    static const ic_test tests[] = {
        {"user_hash_known_answers", test_user_hash_known_answers},
        {"user_hash_arguments", test_user_hash_arguments},
        {"jwt_known_answers", test_jwt_known_answers},
        {"jwt_defaults_now", test_jwt_defaults_now},
        {"jwt_arguments", test_jwt_arguments},
        {NULL, NULL},
    };
    return ic_test_run(tests, argc, argv);
}
