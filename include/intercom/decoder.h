/* SPDX-License-Identifier: MIT */
/**
 * @file decoder.h
 * @brief Streaming decode: JSON bytes in chunks of any size, a typed model out.
 *
 * The decoder the client runs on every 2xx body, for bodies you receive yourself (a webhook
 * payload read from a socket, a file, a queue). Bytes go straight from the parser into the type's
 * struct, chunk by chunk; no JSON tree is built. intercom_from_json() (model.h) is the one-shot
 * form.
 *
 * @code
 * intercom_decoder *d;
 * if (intercom_decoder_new(&d, &intercom_contact_descriptor, 0, 0, NULL, &err) == INTERCOM_OK) {
 *     while ((n = read(fd, buf, sizeof buf)) > 0 && intercom_decoder_feed(d, buf, (size_t)n, &err) == INTERCOM_OK) {}
 *     void *contact;
 *     if (intercom_decoder_finish(d, &contact, &err) == INTERCOM_OK) intercom_model_free(contact);
 *     intercom_decoder_free(d);
 * }
 * @endcode
 */
#ifndef INTERCOM_DECODER_H
#define INTERCOM_DECODER_H

#include <stddef.h>
#include "common.h"
#include "alloc.h"
#include "error.h"
#include "model.h"

#ifdef __cplusplus
extern "C" {
#endif

/** An opaque streaming decoder of one JSON value into one type. */
typedef struct intercom_decoder intercom_decoder;

/**
 * @brief Start decoding one JSON value of @p type.
 * @param[out] out receives the decoder (free it with intercom_decoder_free()); NULL on failure.
 * @param type the type to decode into (a generated descriptor, or from reflection.h).
 * @param strict non-zero: a value whose JSON type does not fit its field fails the decode
 *        (INTERCOM_E_DECODE naming its path); 0: it is flagged INTERCOM_FIELD_INVALID and kept.
 * @param size_hint the expected length of the JSON text in bytes (a Content-Length), or 0 when unknown:
 *        sizes the model's first arena block.
 * @param alloc the allocator of the decoder and of the model it builds; NULL for the process default.
 * @param[out] err optional; filled on failure.
 * @return INTERCOM_OK; INTERCOM_E_INVALID_ARGUMENT when @p out or @p type is NULL or @p alloc is
 *         incomplete; INTERCOM_E_NOMEM.
 */
INTERCOM_EXTERN intercom_code intercom_decoder_new(intercom_decoder **out, const intercom_type *type, int strict,
                                                   size_t size_hint, const intercom_allocator *alloc,
                                                   intercom_error *err);

/**
 * @brief Bound the memory the decoded value may hold.
 * @param d the decoder (before the first intercom_decoder_feed()).
 * @param factor the value may hold at most @p factor times the bytes fed, plus 256 KiB; past that
 *        the decode fails with INTERCOM_E_RESPONSE_TOO_LARGE. 0: no bound. Default 16 (the client
 *        option decoded_memory_factor).
 * @return INTERCOM_OK; INTERCOM_E_INVALID_ARGUMENT when @p d is NULL.
 */
INTERCOM_EXTERN intercom_code intercom_decoder_set_memory_factor(intercom_decoder *d, unsigned factor);

/**
 * @brief Feed the next @p n bytes of the JSON text (chunks may split tokens anywhere).
 * @param d the decoder.
 * @param p the bytes (need not stay valid after the call).
 * @param n their number; 0 does nothing.
 * @param[out] err optional; filled on failure.
 * @return INTERCOM_OK; INTERCOM_E_DECODE (not JSON, or strict mode refused a value);
 *         INTERCOM_E_RESPONSE_TOO_LARGE (the memory bound); INTERCOM_E_NOMEM;
 *         INTERCOM_E_INVALID_ARGUMENT when @p d is NULL, or @p p is NULL with @p n > 0. After a
 *         failure the decoder stays failed: later calls return the same code.
 */
INTERCOM_EXTERN intercom_code intercom_decoder_feed(intercom_decoder *d, const char *p, size_t n, intercom_error *err);

/**
 * @brief End of input: take the decoded value.
 * @param d the decoder (free it afterwards in any case).
 * @param[out] out receives the value, owned by the caller: free it with intercom_free(type, value)
 *         (or intercom_model_free() for an object type). Its intercom_model_raw_json() is NULL: the
 *         decoder does not keep the text. NULL on failure.
 * @param[out] err optional; filled on failure.
 * @return INTERCOM_OK; INTERCOM_E_DECODE (truncated, empty, or not a value of the type);
 *         INTERCOM_E_RESPONSE_TOO_LARGE; INTERCOM_E_NOMEM; INTERCOM_E_INVALID_ARGUMENT when @p d or
 *         @p out is NULL, or the value was already taken.
 */
INTERCOM_EXTERN intercom_code intercom_decoder_finish(intercom_decoder *d, void **out, intercom_error *err);

/**
 * @brief Free a decoder (and whatever it decoded that was not taken by intercom_decoder_finish()).
 * @param d the decoder, or NULL (nothing happens).
 */
INTERCOM_EXTERN void intercom_decoder_free(intercom_decoder *d);

#ifdef __cplusplus
}
#endif

#endif
