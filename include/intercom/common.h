/**
 * @file common.h
 * @brief Export macros, version, and small shared types of libintercom.
 */
#ifndef INTERCOM_COMMON_H
#define INTERCOM_COMMON_H

#include <stddef.h>
#include <stdint.h>

#if defined(_WIN32)
#  define INTERCOM_EXTERN __declspec(dllexport)
#elif defined(__GNUC__)
#  define INTERCOM_EXTERN __attribute__((visibility("default")))
#else
#  define INTERCOM_EXTERN
#endif

#if defined(__GNUC__)
#  define INTERCOM_DEPRECATED __attribute__((deprecated))
#else
#  define INTERCOM_DEPRECATED
#endif

#define INTERCOM_VERSION_MAJOR 0
#define INTERCOM_VERSION_MINOR 1
#define INTERCOM_VERSION_PATCH 0
#define INTERCOM_VERSION_STRING "0.1.0"

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
    const char *key;
    const char *value;
} intercom_kv;

/** The library version string, e.g. "0.1.0". Borrowed, static. */
INTERCOM_EXTERN const char *intercom_version(void);

#ifdef __cplusplus
}
#endif
#endif
