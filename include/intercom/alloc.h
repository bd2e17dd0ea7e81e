/* SPDX-License-Identifier: MIT */
/**
 * @file alloc.h
 * @brief An injected allocator: where libintercom's memory comes from.
 *
 * **Per client.** Set intercom_client_options::allocator and every block libintercom
 * itself allocates for that client comes from it and goes back to it: the client and
 * its configuration, the request engines and their request records, URLs, request
 * bodies and header lines, receive buffers, raw responses (::intercom_response),
 * decoded models (their arena, raw body and bookkeeping), the contents of an
 * ::intercom_error, pagers, and yajl's parser and generator state (each yajl handle is
 * created with `yajl_alloc_funcs` pointing at the allocator). NULL means the process
 * default (below). The struct is borrowed: it must stay valid and unchanged until the
 * client and every object made through it (models, responses, error records, pagers)
 * are freed, because those objects remember it and their one free function uses it.
 *
 * **Objects remember their allocator.** A decoded model's document, an
 * ::intercom_response and a pager record the allocator they were made with;
 * intercom_model_free(), intercom_response_free() and intercom_pager_free() return the
 * memory to it. An ::intercom_error records it in intercom_error::allocator: a call
 * that fills the record first releases what it holds with the old allocator, then
 * fills it from its own; intercom_error_clear() uses the recorded one.
 *
 * **Client-less entry points** (intercom_from_json(), intercom_to_json(),
 * intercom_to_json_as(), the pieces of intercom_response_parse() that are not the
 * response's) use the process default allocator; intercom_response_parse() uses the
 * response's allocator for the model it makes. Strings from intercom_to_json() are
 * released by intercom_free_string() with the process default allocator.
 *
 * **Process default and process-wide hooks.** Without intercom_global_allocator_set()
 * the process default is the C library's malloc/realloc/free. Two dependencies only
 * offer process-wide hooks without a payload, so a per-client allocator cannot cover
 * them:
 *  - Jansson (`json_set_alloc_funcs`): every `json_t` (free-form values in models such
 *    as custom attributes, intercom_model_raw_json(), intercom_response_json(), error
 *    bodies while they are parsed, extra_body merging). Jansson has no realloc hook.
 *  - libcurl (`curl_global_init_mem`): libcurl's own allocations (easy and multi
 *    handles, connection cache, header lists, escaped strings). Not the allocations of
 *    the libraries below libcurl (OpenSSL, nghttp2, zlib, brotli, libidn2, c-ares), which
 *    keep their own allocators.
 * intercom_global_allocator_set() routes both, and becomes the process default for
 * client-less entry points and clients whose options leave the allocator NULL.
 *
 * What those libraries do when their allocation fails (measured with Debian 12's libcurl
 * 7.88.1 and Jansson 2.14 by tests/test_oom.c, mode `global`):
 *  - libcurl mostly returns CURLE_OUT_OF_MEMORY (::INTERCOM_E_NOMEM). A failure inside its
 *    resolver is reported as "Could not resolve host" (::INTERCOM_E_CONNECTION, retried like
 *    any connection error); a failure inside its URL parser (curl_url_get) can send the
 *    request without its query string. libintercom cannot detect either.
 *  - Jansson's parser ignores some failed allocations and may return a document with bytes
 *    missing. When Jansson is on this allocator libintercom notices the failure and
 *    discards such a document (error bodies: ::INTERCOM_E_NOMEM; intercom_model_raw_json():
 *    NULL; intercom_response_json(): ::INTERCOM_E_NOMEM); with Jansson on the C library's
 *    malloc it cannot.
 *
 * A failing allocation anywhere (the allocator returning NULL) surfaces as
 * ::INTERCOM_E_NOMEM with nothing leaked and nothing half-filled reported as success.
 * Inside yajl (which does not check its own allocations, yajl 2.1) the failure is
 * contained: the allocation hook records every block the handle holds and, when a block
 * cannot be had, jumps (longjmp) back to the libintercom frame that called into yajl,
 * which frees those blocks directly and reports ::INTERCOM_E_NOMEM; yajl's state is
 * never used again.
 */
#ifndef INTERCOM_ALLOC_H
#define INTERCOM_ALLOC_H

#include "common.h"
#include "error.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * An allocator. All three functions are required. They may be called from any thread
 * that uses a client made with it (a sync client serves several threads at once), so
 * they must be thread-safe when the client is shared.
 */
typedef struct intercom_allocator {
    /** Allocate @p size bytes (never 0), aligned for any type; NULL when out of memory. */
    void *(*malloc)(size_t size, void *payload);
    /** Resize @p ptr (never NULL) to @p size bytes (never 0), as C's realloc: on NULL
        the old block stays valid and owned by the caller. */
    void *(*realloc)(void *ptr, size_t size, void *payload);
    /** Release @p ptr (never NULL), a block from this allocator. */
    void (*free)(void *ptr, void *payload);
    /** Passed to the three functions. */
    void *payload;
} intercom_allocator;

/**
 * Make @p allocator the process-wide allocator: Jansson's (`json_set_alloc_funcs`),
 * libcurl's (`curl_global_init_mem`) and libintercom's default (client-less entry
 * points, clients without their own allocator).
 *
 * When it may be called: once, at start-up, from one thread, before any other
 * libintercom call and before the program or any other library in it uses Jansson or
 * libcurl (memory allocated by the previous allocator must never reach the new one's
 * free). Jansson's hook is process-wide: it changes the allocator of every Jansson user
 * in the process. Blocks handed out for libcurl's `calloc` and `strdup` hooks are
 * built on @p allocator's malloc.
 *
 * @param allocator borrowed; must stay valid until the process ends (the struct is
 *        copied, its payload is not)
 * @param err optional
 * @return ::INTERCOM_OK; ::INTERCOM_E_INVALID_ARGUMENT when @p allocator or one of its
 *         functions is NULL, when it is called a second time, or after libintercom
 *         initialised libcurl (a client was created); ::INTERCOM_E_INTERNAL when
 *         libcurl's global initialisation fails.
 */
INTERCOM_EXTERN intercom_code intercom_global_allocator_set(const intercom_allocator *allocator, intercom_error *err);

#ifdef __cplusplus
}
#endif
#endif
