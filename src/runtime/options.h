/* SPDX-License-Identifier: MIT */
/* Versioned options structs (libgit2-style): the size of every published version of each public
 * options struct, and the upgrade of a caller's (possibly older, smaller) struct to the current one.
 * Not installed. */
#ifndef INTERCOM_OPTIONS_H
#define INTERCOM_OPTIONS_H

#include <stddef.h>

#include "intercom/intercom.h"

/* The bytes of @p type up to and including @p field: a version's size (trailing padding excluded, so
 * never more than the caller's struct of that version holds). */
#define IC_SIZE_THROUGH(type, field) (offsetof(type, field) + sizeof(((type *)0)->field))

/* One versioned struct: sizes[v - 1] is the size of version v; n_versions the current version. The
 * struct's first member is `unsigned version`. */
typedef struct ic_options_layout {
    const char *name;            /* "intercom_client_options" (for messages) */
    size_t current_size;         /* sizeof the current struct */
    const void *defaults;        /* the current struct with its defaults */
    const size_t *sizes;
    unsigned n_versions;
} ic_options_layout;

extern const ic_options_layout ic_client_options_layout __attribute__((visibility("hidden")));
extern const ic_options_layout ic_request_options_layout __attribute__((visibility("hidden")));

/* Copy the caller's struct @p src (its version read from its first member) into @p dst, a current
 * struct: fields of versions after the caller's take the defaults; dst->version becomes the current
 * version. INTERCOM_E_INVALID_ARGUMENT (with a message) for version 0 or newer than the library's. */
intercom_code ic_options_upgrade(const ic_options_layout *l, void *dst, const void *src, intercom_error *err)
    __attribute__((visibility("hidden")));

/* Defaults into @p dst for a caller's struct of version @p version (only that version's bytes are
 * written). INTERCOM_E_INVALID_ARGUMENT for a NULL @p dst or an unknown version. */
intercom_code ic_options_init(const ic_options_layout *l, void *dst, unsigned version)
    __attribute__((visibility("hidden")));

/* The request options to use: NULL stays NULL (defaults), the current version is returned as is,
 * an older one is upgraded into @p tmp. Sets *rc (INTERCOM_OK or the refusal, with err filled). */
const intercom_request_options *ic_request_options(const intercom_request_options *ro,
                                                   intercom_request_options *tmp, intercom_code *rc,
                                                   intercom_error *err) __attribute__((visibility("hidden")));

#endif
