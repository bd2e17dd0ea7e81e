/* SPDX-License-Identifier: MIT */
/**
 * @file file.h
 * @brief A file part of a multipart/form-data request body (the Preview's catalog upload,
 *        `intercom_preview_ecommerce_connectors_catalog_create`): from a path or from memory.
 */
#ifndef INTERCOM_FILE_H
#define INTERCOM_FILE_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Version of ::intercom_file this header describes. */
#define INTERCOM_FILE_VERSION 1u

/**
 * A file sent as one part of a multipart/form-data body. Set exactly one source: `path` (opened when
 * the call is made, to report a missing file or a directory as INTERCOM_E_INVALID_ARGUMENT before any traffic, and
 * read by libcurl while the request is sent: it must stay in place until the call completes) or
 * `data`/`size` (copied when the call is made: the caller may free it as soon as the call returns,
 * also for async calls). The struct itself is only read during the call. Nothing here is owned by the
 * library.
 */
typedef struct intercom_file {
    unsigned version;         /**< INTERCOM_FILE_VERSION */
    const char *path;         /**< file to send, or NULL to send `data` */
    const void *data;         /**< bytes to send when `path` is NULL (non-NULL, also for 0 bytes) */
    size_t size;              /**< number of bytes at `data` */
    const char *filename;     /**< the part's filename; NULL: the last component of `path`, or "upload" */
    const char *content_type; /**< the part's Content-Type; NULL: "application/octet-stream" */
} intercom_file;

/** Initializer of ::intercom_file: version set, no source. */
#define INTERCOM_FILE_INIT {INTERCOM_FILE_VERSION, NULL, NULL, 0, NULL, NULL}

#ifdef __cplusplus
}
#endif
#endif
