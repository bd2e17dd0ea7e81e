/* SPDX-License-Identifier: MIT */
/* The operation registry (model layer): the generated code hands its tables in (ic_registry_add,
 * from a constructor of src/generated/operations.c); the runtime and the reflection API look
 * operations and types up here and never name a generated symbol (tests/check_layers.sh). */
#include <stdatomic.h>
#include <string.h>

#include "model.h"

static const ic_namespace *namespaces[IC_REGISTRY_MAX]; /* the stable namespace ("") first */
static atomic_size_t n_namespaces;

void ic_registry_add(const ic_namespace *ns) {
    size_t n = atomic_load(&n_namespaces);
    if (!ns || !ns->name || !ns->operations || !ns->types || n >= IC_REGISTRY_MAX) return;
    for (size_t i = 0; i < n; i++)
        if (namespaces[i] == ns) return;
    if (!ns->name[0]) { /* the stable namespace goes in front */
        for (size_t i = n; i > 0; i--) namespaces[i] = namespaces[i - 1];
        namespaces[0] = ns;
    } else {
        namespaces[n] = ns;
    }
    atomic_store(&n_namespaces, n + 1);
}

static const ic_operation *find_in(const ic_namespace *ns, const char *name) {
    for (const ic_operation *const *o = ns->operations; *o; o++)
        if (!strcmp((*o)->name, name)) return *o;
    return NULL;
}

const ic_operation *ic_registry_operation(const char *name) {
    if (!name) return NULL;
    size_t n = atomic_load(&n_namespaces);
    const char *colon = strchr(name, ':');
    for (size_t i = 0; i < n; i++) {
        const ic_namespace *ns = namespaces[i];
        if (!colon) {
            if (!ns->name[0]) return find_in(ns, name);
        } else if (strlen(ns->name) == (size_t)(colon - name) && !strncmp(ns->name, name, (size_t)(colon - name))) {
            return find_in(ns, colon + 1);
        }
    }
    return NULL;
}

/* The stable namespace, or NULL before the generated code registered it. */
static const ic_namespace *stable(void) {
    return atomic_load(&n_namespaces) && !namespaces[0]->name[0] ? namespaces[0] : NULL;
}

size_t ic_registry_operations_count(void) {
    static atomic_size_t cached; /* the stable table never changes once registered */
    size_t n = atomic_load(&cached);
    const ic_namespace *ns = stable();
    if (n || !ns) return n;
    while (ns->operations[n]) n++;
    atomic_store(&cached, n);
    return n;
}

const ic_operation *ic_registry_operation_at(size_t idx) {
    return idx < ic_registry_operations_count() ? stable()->operations[idx] : NULL;
}

size_t ic_registry_types_count(void) {
    static atomic_size_t cached;
    size_t n = atomic_load(&cached);
    const ic_namespace *ns = stable();
    if (n || !ns) return n;
    while (ns->types[n]) n++;
    atomic_store(&cached, n);
    return n;
}

const intercom_type *ic_registry_type_at(size_t idx) {
    return idx < ic_registry_types_count() ? stable()->types[idx] : NULL;
}

const intercom_type *ic_registry_type(const char *schema, int kind) {
    size_t n = atomic_load(&n_namespaces);
    for (size_t i = 0; schema && i < n; i++)
        for (const intercom_type *const *t = namespaces[i]->types; *t; t++)
            if ((kind < 0 || (*t)->kind == kind) && !strcmp((*t)->name, schema)) return *t;
    return NULL;
}

/* The namespace named @p name ("" or NULL: the stable one), or NULL when none is registered under it. */
static const ic_namespace *named(const char *name) {
    if (!name || !name[0]) return stable();
    size_t n = atomic_load(&n_namespaces);
    for (size_t i = 0; i < n; i++)
        if (!strcmp(namespaces[i]->name, name)) return namespaces[i];
    return NULL;
}

/* ---------- the public reflection API (include/intercom/reflection.h) ---------- */

size_t intercom_operations_count(void) { return ic_registry_operations_count(); }

const intercom_operation *intercom_operations_at(size_t index) { return ic_registry_operation_at(index); }

size_t intercom_namespace_operations_count(const char *ns) {
    if (!ns || !ns[0]) return ic_registry_operations_count();
    const ic_namespace *n = named(ns);
    size_t count = 0;
    while (n && n->operations[count]) count++;
    return count;
}

const intercom_operation *intercom_namespace_operations_at(const char *ns, size_t index) {
    if (!ns || !ns[0]) return ic_registry_operation_at(index);
    const ic_namespace *n = named(ns);
    return n && index < intercom_namespace_operations_count(ns) ? n->operations[index] : NULL;
}

size_t intercom_types_count(void) { return ic_registry_types_count(); }

const intercom_type *intercom_types_at(size_t index) { return ic_registry_type_at(index); }

intercom_code intercom_operation_find(const char *name, const intercom_operation **out, intercom_error *err) {
    if (out) *out = NULL;
    if (!name || !out) return ic_fail(err, INTERCOM_E_INVALID_ARGUMENT, "name and out are required");
    if (!(*out = ic_registry_operation(name)))
        return ic_fail(err, INTERCOM_E_INVALID_ARGUMENT, "no operation \"%.200s\"", name);
    return INTERCOM_OK;
}

intercom_code intercom_type_find(const char *schema, const intercom_type **out, intercom_error *err) {
    if (out) *out = NULL;
    if (!schema || !out) return ic_fail(err, INTERCOM_E_INVALID_ARGUMENT, "schema and out are required");
    if (!(*out = ic_registry_type(schema, IC_T_OBJECT)) && !(*out = ic_registry_type(schema, -1)))
        return ic_fail(err, INTERCOM_E_INVALID_ARGUMENT, "no type \"%.200s\"", schema);
    return INTERCOM_OK;
}

const intercom_field *intercom_type_field(const intercom_type *type, const char *name, size_t len) {
    return type && name ? ic_type_find_field(type, name, len) : NULL;
}
