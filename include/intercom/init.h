/* SPDX-License-Identifier: MIT */
/**
 * @file init.h
 * @brief Initialising generated structs and setting optional fields, alike in C and C++.
 *
 * Every generated model has `INTERCOM_<TYPE>_INIT` and every params struct
 * `INTERCOM_<FN>_PARAMS_INIT`; both expand to INTERCOM_MODEL_INIT() / INTERCOM_PARAMS_INIT(),
 * which compile without warnings as C11 and as C++11 to C++20 (`-Wall -Wextra -pedantic`).
 *
 * An optional scalar (integer, number, boolean) is sent only when its `has_` member says so;
 * INTERCOM_SET() sets the value and the flag in one step, so the flag cannot be forgotten:
 *
 * @code
 * intercom_contacts_list_params p = INTERCOM_CONTACTS_LIST_PARAMS_INIT;
 * INTERCOM_SET(&p, per_page, 50);           // p.per_page = 50; p.has_per_page = INTERCOM_FIELD_PRESENT;
 * @endcode
 *
 * A typed call refuses (INTERCOM_E_INVALID_ARGUMENT, naming the field) a params scalar that is
 * non-zero while its `has_` member is 0. Fields whose JSON name starts with `has_` keep their presence
 * in `<field>_state` (FORMAT.md); set those two members directly.
 */
#ifndef INTERCOM_INIT_H
#define INTERCOM_INIT_H

#include "model.h"

#if defined(__cplusplus) || defined(INTERCOM_DOXYGEN)
extern "C++" {
/** C++ helpers behind the INIT macros (not API). */
namespace intercom_detail {
/** A value-initialised T whose `base.type` is @p d. @param d the descriptor @return the model */
template <typename T> inline T model_init(const intercom_type *d) {
    T m = T();
    m.base.type = d;
    return m;
}
} /* namespace intercom_detail */
}
#endif

#ifdef __cplusplus
#define INTERCOM_MODEL_INIT(T) (::intercom_detail::model_init<T>(&T##_descriptor))
#define INTERCOM_PARAMS_INIT(T) (T())
#else
/** Initializer of a model struct @p T: `base.type = &T_descriptor`, the rest zero. */
#define INTERCOM_MODEL_INIT(T) {.base = {&T##_descriptor, NULL}}
/** Initializer of a params struct @p T: every field absent. */
#define INTERCOM_PARAMS_INIT(T) {0}
#endif

/** Set field @p f of the struct @p p points to to @p v, and its `has_` member to present. */
#define INTERCOM_SET(p, f, v) ((void)((p)->f = (v)), (void)((p)->has_##f = INTERCOM_FIELD_PRESENT))
/** Send field @p f of @p p as JSON null (nullable fields). */
#define INTERCOM_SET_NULL(p, f) ((void)((p)->has_##f = INTERCOM_FIELD_NULL))
/** Leave field @p f of @p p out again (a scalar's value is then ignored). */
#define INTERCOM_UNSET(p, f) ((void)((p)->has_##f = INTERCOM_FIELD_ABSENT))

#endif
