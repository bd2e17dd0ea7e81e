/* SPDX-License-Identifier: MIT */
// The public headers compile as C++ and link from a C++ program.
#include <intercom/intercom.h>
#include <cstdio>

int main() {
    intercom_client_options opts = INTERCOM_CLIENT_OPTIONS_INIT;
    opts.bearer_token = "x";
    intercom_client *c = nullptr;
    intercom_error err = INTERCOM_ERROR_INIT;
    if (intercom_client_new(&c, &opts, &err) != INTERCOM_OK) return 1;
    std::printf("%s %s\n", intercom_version(), intercom_client_base_url(c));
    intercom_client_free(c);
    return 0;
}
