/* SPDX-License-Identifier: MIT */
/* Versioned options structs: a per-version size table for each public options struct.
 *
 * Appending a field to intercom_client_options (or intercom_request_options):
 *   1. add it at the END of the struct in include/intercom/client.h, and its default at the end of
 *      the _INIT macro;
 *   2. bump INTERCOM_CLIENT_OPTIONS_VERSION (INTERCOM_REQUEST_OPTIONS_VERSION);
 *   3. add a row below: IC_SIZE_THROUGH(intercom_client_options, <the new last field>), and name that
 *      field in CLIENT_CURRENT_SIZE (REQUEST_CURRENT_SIZE).
 * A caller's struct of an older version is then still accepted: the fields it does not have take
 * their defaults (tests/test_options.c declares the version-1 struct and checks this). */

#include <string.h>

#include "core.h"
#include "options.h"

/* the size of the current version: through the struct's last field (keep these two in step) */
#define CLIENT_CURRENT_SIZE IC_SIZE_THROUGH(intercom_client_options, rate_limit_store)
#define REQUEST_CURRENT_SIZE IC_SIZE_THROUGH(intercom_request_options, base_url)

static const size_t client_sizes[] = {
    /* 1: libintercom 0.1.0 (5dbf568) */
    IC_SIZE_THROUGH(intercom_client_options, pace_rate_limit),
    /* 2: decoded_memory_factor, allocator */
    IC_SIZE_THROUGH(intercom_client_options, allocator),
    /* 3: rate_limit_store (many workspaces) */
    IC_SIZE_THROUGH(intercom_client_options, rate_limit_store),
};
static const size_t request_sizes[] = {
    /* 1: libintercom 0.1.0 (5dbf568) */
    IC_SIZE_THROUGH(intercom_request_options, async_id),
    /* 2: bearer_token, environment, base_url (many workspaces) */
    IC_SIZE_THROUGH(intercom_request_options, base_url),
};

/* A field appended without a new version (and a new row) would be ignored for every caller:
 * the current version must reach the end of the struct (only trailing padding may follow). */
_Static_assert(sizeof(intercom_client_options) - CLIENT_CURRENT_SIZE < _Alignof(intercom_client_options),
               "intercom_client_options has fields after CLIENT_CURRENT_SIZE: bump the version, add a row");
_Static_assert(sizeof(intercom_request_options) - REQUEST_CURRENT_SIZE < _Alignof(intercom_request_options),
               "intercom_request_options has fields after REQUEST_CURRENT_SIZE: bump the version, add a row");

_Static_assert(sizeof client_sizes / sizeof *client_sizes == INTERCOM_CLIENT_OPTIONS_VERSION,
               "intercom_client_options: one size per version (add a row to client_sizes)");
_Static_assert(sizeof request_sizes / sizeof *request_sizes == INTERCOM_REQUEST_OPTIONS_VERSION,
               "intercom_request_options: one size per version (add a row to request_sizes)");

static const intercom_client_options client_defaults = INTERCOM_CLIENT_OPTIONS_INIT;
static const intercom_request_options request_defaults = INTERCOM_REQUEST_OPTIONS_INIT;

const ic_options_layout ic_client_options_layout = {"intercom_client_options", sizeof(intercom_client_options),
                                                    &client_defaults, client_sizes,
                                                    INTERCOM_CLIENT_OPTIONS_VERSION};
const ic_options_layout ic_request_options_layout = {"intercom_request_options", sizeof(intercom_request_options),
                                                     &request_defaults, request_sizes,
                                                     INTERCOM_REQUEST_OPTIONS_VERSION};

static intercom_code bad_version(const ic_options_layout *l, unsigned v, intercom_error *err) {
    return ic_fail(err, INTERCOM_E_INVALID_ARGUMENT,
                   "%s.version is %u; this libintercom accepts versions 1 to %u (start from the _INIT macro "
                   "or the _init() function)",
                   l->name, v, l->n_versions);
}

intercom_code ic_options_upgrade(const ic_options_layout *l, void *dst, const void *src, intercom_error *err) {
    unsigned v;
    memcpy(&v, src, sizeof v);
    if (v < 1 || v > l->n_versions) return bad_version(l, v, err);
    memcpy(dst, l->defaults, l->current_size);
    memcpy((char *)dst + sizeof v, (const char *)src + sizeof v, l->sizes[v - 1] - sizeof v);
    return INTERCOM_OK;
}

intercom_code ic_options_init(const ic_options_layout *l, void *dst, unsigned version) {
    if (!dst || version < 1 || version > l->n_versions) return INTERCOM_E_INVALID_ARGUMENT;
    memcpy(dst, l->defaults, l->sizes[version - 1]);
    memcpy(dst, &version, sizeof version);
    return INTERCOM_OK;
}

const intercom_request_options *ic_request_options(const intercom_request_options *ro,
                                                   intercom_request_options *tmp, intercom_code *rc,
                                                   intercom_error *err) {
    *rc = INTERCOM_OK;
    if (!ro || ro->version == INTERCOM_REQUEST_OPTIONS_VERSION) return ro;
    *rc = ic_options_upgrade(&ic_request_options_layout, tmp, ro, err);
    return *rc ? NULL : tmp;
}

intercom_code intercom_client_options_init(intercom_client_options *opts, unsigned int version) {
    return ic_options_init(&ic_client_options_layout, opts, version);
}

intercom_code intercom_request_options_init(intercom_request_options *ro, unsigned int version) {
    return ic_options_init(&ic_request_options_layout, ro, version);
}
