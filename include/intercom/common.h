/* SPDX-License-Identifier: MIT */
/**
 * @file common.h
 * @brief Export macros, version, and small shared types of libintercom.
 */
#ifndef INTERCOM_COMMON_H
#define INTERCOM_COMMON_H

#include <stddef.h>
#include <stdint.h>

/**
 * @def INTERCOM_EXTERN
 * Marks a public function. On Windows it is `__declspec(dllexport)` while the library itself is
 * built (INTERCOM_BUILDING_LIBRARY, set by its build), `__declspec(dllimport)` for programs using the
 * DLL, and empty with INTERCOM_STATICLIB (define it when linking the static library, as
 * CURL_STATICLIB for libcurl; the CMake target intercom::intercom_static defines it). Elsewhere it is
 * `visibility("default")` (the library is built with hidden visibility), or empty.
 */
#if defined(_WIN32) || defined(__CYGWIN__)
#  if defined(INTERCOM_STATICLIB)
#    define INTERCOM_EXTERN
#  elif defined(INTERCOM_BUILDING_LIBRARY)
#    define INTERCOM_EXTERN __declspec(dllexport)
#  else
#    define INTERCOM_EXTERN __declspec(dllimport)
#  endif
#elif defined(__GNUC__) && __GNUC__ >= 4
#  define INTERCOM_EXTERN __attribute__((visibility("default")))
#else
#  define INTERCOM_EXTERN
#endif

/**
 * @def INTERCOM_DEPRECATED
 * Marks a declaration the OpenAPI description deprecates: the compiler warns where it is used.
 */
#if defined(__GNUC__)
#  define INTERCOM_DEPRECATED __attribute__((deprecated))
#else
#  define INTERCOM_DEPRECATED
#endif

#define INTERCOM_VERSION_MAJOR 0          /**< major version of these headers (the SONAME's number) */
#define INTERCOM_VERSION_MINOR 1          /**< minor version of these headers */
#define INTERCOM_VERSION_PATCH 0          /**< patch version of these headers */
#define INTERCOM_VERSION_STRING "0.1.0"   /**< "MAJOR.MINOR.PATCH" of these headers */

/** Default `Intercom-Version` header sent with every request. */
#define INTERCOM_DEFAULT_API_VERSION "2.16"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * A key/value pair of borrowed strings, used for headers and query parameters.
 * Arrays of them end with an entry whose `key` is NULL.
 */
typedef struct intercom_kv {
    const char *key;   /**< header name or query parameter name; NULL ends an array */
    const char *value; /**< its value (NUL-terminated UTF-8); NULL is sent as an empty value */
} intercom_kv;

/**
 * The version of the library actually linked (may differ from ::INTERCOM_VERSION_STRING, the
 * headers' version, when a newer shared library is installed).
 * @return e.g. "0.1.0"; static storage, never NULL, never freed
 */
INTERCOM_EXTERN const char *intercom_version(void);

#ifdef __cplusplus
}
#endif
#endif
