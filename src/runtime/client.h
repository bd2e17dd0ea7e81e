/* SPDX-License-Identifier: MIT */
/* Layer 4, client: clients (sync and async), typed calls, pagination, OAuth, identity, webhooks.
 * Includes http.h (and so model.h, core.h) only. The generated code (layer 5) includes this. Not installed. */
#ifndef IC_LAYER_CLIENT_H
#define IC_LAYER_CLIENT_H

#include "http.h"

/* ---------- pagination (pager.c) ---------- */

/* The operation of this name, through the registry (model.h). */
#define ic_find_operation(name) ic_registry_operation(name)
/* The allocator of a client (client.c). */
IC_HIDDEN const intercom_allocator *ic_client_alloc(const intercom_client *c);
IC_HIDDEN ic_rl_mem *ic_client_rl_mem(const intercom_client *c); /* the client's in-process store, or NULL */
/* The configured base URL of a client (client.c): scheme://host[:port][/prefix], no trailing '/'. */
IC_HIDDEN const char *ic_client_base_url(const intercom_client *c);
IC_HIDDEN const char *ic_async_client_base_url(const intercom_async_client *c);
/* A typed call of @p op whose URL is the base URL + @p rest (the path and query of a next-page URL
 * the server gave, already checked to be on the base URL by the pager): no params are encoded. */
IC_HIDDEN intercom_code ic_call_rest(intercom_client *c, const ic_operation *op, const char *rest,
                                     const intercom_request_options *ro, void **out, intercom_error *err);
IC_HIDDEN intercom_code ic_call_async_rest(intercom_async_client *c, const ic_operation *op, const char *rest,
                                           const intercom_request_options *ro, intercom_callback cb, void *payload);
IC_HIDDEN const intercom_allocator *ic_async_client_alloc(const intercom_async_client *c);
IC_HIDDEN intercom_code ic_pager_new(intercom_pager **out, intercom_client *c, const ic_operation *op,
                                     const void *params, const intercom_request_options *ro, intercom_error *err);
IC_HIDDEN intercom_code ic_async_pages(intercom_async_client *c, const ic_operation *op, const void *params,
                                       const intercom_request_options *ro, intercom_page_callback cb, void *payload);

/* ---------- typed calls (used by generated wrappers) ---------- */

/* intercom_request() without the Authorization header, whose request and response bodies never reach
 * the log (they carry secrets: oauth.c). */
IC_HIDDEN intercom_code ic_request_redacted(intercom_client *c, const char *method, const char *path, const json_t *body,
                                            const intercom_request_options *ro, intercom_response **out,
                                            intercom_error *err);
/* The same, on an async client: @p cb gets the raw 2xx response (or the error) from the loop, exactly once
 * when this returns INTERCOM_OK. */
IC_HIDDEN intercom_code ic_request_redacted_async(intercom_async_client *c, const char *method, const char *path,
                                                  const json_t *body, const intercom_request_options *ro,
                                                  intercom_callback cb, void *payload);
/* Deliver @p err (code @p code, != INTERCOM_OK; the record is taken) to @p cb from the loop, as a request
 * refused before sending: INTERCOM_OK, or INTERCOM_E_NOMEM (err cleared, no callback). */
IC_HIDDEN intercom_code ic_async_submit_error(intercom_async_client *c, intercom_code code, intercom_error *err,
                                              intercom_callback cb, void *payload);
IC_HIDDEN intercom_code ic_call(intercom_client *c, const ic_operation *op, const void *params,
                                const intercom_request_options *ro, void **out, intercom_error *err);
IC_HIDDEN intercom_code ic_call_async(intercom_async_client *c, const ic_operation *op, const void *params,
                                      const intercom_request_options *ro, intercom_callback cb, void *payload);

#endif
