# SPDX-License-Identifier: MIT
"""Emitter: C models. One unit per entity (enum, variant enum, struct, descriptor table), written into
generated/types.h (forward declarations and every enum), one generated/models_<tag>.h per tag of the
description (the structs its operations reach first) and the umbrella generated/models.h."""
import json
from collections import OrderedDict

from .cgen import comment, doxy, emit_type_tables, fit, macro, members_decl, reported_name, wrap_decl
from .util import HEADER, c_string, cname, cpart, doc1, namespace, table_symbol


def guard(prefix, rel):
    return "%s_%s" % (prefix.upper().rstrip("_"), cname(rel).upper())


def open_header(prefix, rel, brief, includes):
    g = guard(prefix, rel)
    return [HEADER, comment("@file %s @brief %s" % (rel, brief)).replace(" @brief", "\n * @brief"), "#ifndef %s\n#define %s\n\n" % (g, g),
            "".join('#include %s\n' % i for i in includes), "\n#ifdef __cplusplus\nextern \"C\" {\n#endif\n\n"]


def close_header():
    return "#ifdef __cplusplus\n}\n#endif\n#endif\n"


def enum_decl(t, P):
    d = doxy(doc1(t.doc, 400)) or "Values of %s%s." % (P, t.name)
    out = [comment(d), "typedef enum %s%s {\n" % (P, t.name)]
    out.append(fit("    %s = 0, /**< absent, or a value the description does not list (see the `_str` member) */"
                   % t.unknown_const))
    for i, (v, c) in enumerate(zip(t.values, t.value_consts)):
        line = "    %s = %d, /**< %s */\n" % (c, i + 1, doxy(doc1(json.dumps(v), 80)))
        if len(line) > 121:
            line = comment(doxy(doc1(json.dumps(v), 200)), "    ") + "    %s = %d,\n" % (c, i + 1)
        out.append(line)
    out.append("} %s%s;\n" % (P, t.name))
    out.append(comment("Descriptor of the enum %s%s (its values as strings)." % (P, t.name)))
    out.append(fit("INTERCOM_EXTERN extern const intercom_type %s%s_descriptor;" % (P, t.name)) + "\n")
    return "".join(out)


def variant_enum_decl(t, P):
    out = ["/** Which variant an %s%s is (its `variant` member). */\n" % (P, t.name),
           "typedef enum %s%s_variant {\n" % (P, t.name),
           "    %s = 0, /**< none recognised */\n" % t.variant_unknown]
    for i, (v, c) in enumerate(zip(t.variants, t.variant_consts)):
        how = ("%s = %s" % (t.discriminator, v.tag.replace("|", " or "))) if v.tag else (
            "has " + ", ".join(v.required) if v.required else "anything else")
        line = "    %s = %d, /**< %s: %s */\n" % (c, i + 1, doxy(doc1(v.title, 60)), doxy(doc1(how, 120)))
        if len(line) > 121:
            line = comment("%s: %s" % (doxy(doc1(v.title, 60)), doxy(doc1(how, 200))), "    ") + \
                "    %s = %d,\n" % (c, i + 1)
        out.append(line)
    out.append("} %s%s_variant;\n\n" % (P, t.name))
    return "".join(out)


def struct_decl(t, P):
    d = doxy(doc1(t.doc, 400)) or t.name
    origin = (" (schema `%s`)" % t.origin) if t.origin and t.origin != t.name and " " not in t.origin else ""
    n = P + t.name
    out = [comment("%s%s. A top-level one is freed with %s_free()." % (d.rstrip("."), origin, n)),
           "typedef struct %s {\n    intercom_model base; /**< descriptor and owning document */\n" % n]
    out.append(members_decl(t.fields, P))
    if t.variants:
        out.append("    int variant; /**< which variant: %s_variant */\n" % n)
    out.append("} %s;\n" % n)
    out.append(comment("Descriptor of %s (intercom_type_name() gives \"%s\")." % (n, doxy(reported_name(t)))))
    out.append(fit("INTERCOM_EXTERN extern const intercom_type %s_descriptor;" % n))
    out.append(comment("Free a top-level %s and everything it owns. NULL is a no-op. @param m the model, or NULL" % n))
    out.append(wrap_decl("INTERCOM_EXTERN void %s_free(%s *m);" % (n, n)))
    out.append(comment("Initializer of an %s you build: sets its descriptor, zeroes the rest (C and C++)." % n))
    out.append(macro("%s_INIT" % n.upper(), "INTERCOM_MODEL_INIT(%s)" % n) + "\n")
    return "".join(out)


def enum_table(t, P):
    return ("static const char *const %s_values[] = {%s};\n" % (t.name, ", ".join(c_string(v) for v in t.values))
            + "INTERCOM_EXTERN const intercom_type %s%s_descriptor = {\n    .name = %s, .kind = IC_T_ENUM, "
              ".n_values = %d, .values = %s_values};\n\n" % (P, t.name, c_string(reported_name(t)), len(t.values),
                                                             t.name))


def struct_table(t, P):
    out = []
    emit_type_tables(t, P + t.name, t.name, out, "IC_T_OBJECT", "%s%s_descriptor" % (P, t.name), reported_name(t), P)
    out.append("void %s%s_free(%s%s *m) { intercom_model_free(m); }\n\n" % (P, t.name, P, t.name))
    return "".join(out)


def model_tags(g, ops):
    """Each struct's header: the tag (of the description's first tag) of the operation that reaches it
    most directly through its params or its response (fewest nesting steps, then the operation's name);
    `common` for structs no operation reaches."""
    best = {}
    for o in sorted(ops, key=lambda o: o.name):
        tag = cpart((o.op.get("tags") or ["common"])[0])
        todo = [(f.tname, 1) for f in (o.params.fields if o.params else []) if f.kind == "OBJECT"]
        if o.rtype:
            todo.append((o.rtype, 0))
        body = o.body_schema or {}
        if "$ref" in body and body["$ref"].split("/")[-1] in g.comp_cname:     # flattened into the params
            todo.append((g.comp_cname[body["$ref"].split("/")[-1]], 0))
        seen = set()
        while todo:
            n, depth = todo.pop(0)
            if n in seen or n not in g.types:
                continue
            seen.add(n)
            if n not in best or depth < best[n][0]:
                best[n] = (depth, tag)
            todo += [(f.tname, depth + 1) for f in g.types[n].fields if f.kind == "OBJECT"]
    tags = {n: v[1] for n, v in best.items()}
    # the rest (union variants, request schemas no operation names): the tag of the longest reached
    # type whose name starts theirs (`conversation_attribute_boolean_type` -> `conversation_attribute`)
    for n in sorted(g.types):
        if n not in tags and g.types[n].kind == "object":
            words = n.split("_")
            for k in range(len(words) - 1, 0, -1):
                stem = "_".join(words[:k])
                if stem in tags:
                    tags[n] = tags[stem]
                    break
    return tags


def emit_models(g, ops):
    """-> (OrderedDict header path -> text, models.c text)."""
    P = g.names.prefix
    enums = sorted([t for t in g.types.values() if t.kind == "enum"], key=lambda t: t.name)
    objs = sorted([t for t in g.types.values() if t.kind == "object"], key=lambda t: t.name)
    tag_of = model_tags(g, ops)
    files = OrderedDict()
    h = open_header(P, "generated/types.h", "Forward declarations of every model struct, and every enum "
                    "(%d enums, %d variant enums): see codegen/FORMAT.md." % (len(enums), len([t for t in objs if t.variants])),
                    ["<stdbool.h>", "<stddef.h>", "<stdint.h>", '"../model.h"', '"../init.h"'])
    h.append("struct json_t;\n")
    for t in objs:
        h.append("struct %s%s;\n" % (P, t.name))
    h.append("\n")
    for t in enums:
        h.append(enum_decl(t, P))
    for t in objs:
        if t.variants:
            h.append(variant_enum_decl(t, P))
    h.append(close_header())
    files["include/intercom/generated/types.h"] = "".join(h)
    tags = sorted(set(tag_of.get(t.name, "common") for t in objs))
    for tag in tags:
        mine = [t for t in objs if tag_of.get(t.name, "common") == tag]
        rel = "generated/models_%s.h" % tag
        h = open_header(P, rel, "Models first reached by the `%s` operations (%d structs): responses are freed with "
                        "their `_free` function; nested models belong to their parent." % (tag, len(mine)),
                        ['"types.h"'])
        for t in mine:
            h.append(struct_decl(t, P))
        h.append(close_header())
        files["include/intercom/" + rel] = "".join(h)
    h = open_header(P, "generated/models.h", "Every model of the Intercom API (%d structs, %d enums), by tag."
                    % (len(objs), len(enums)), ['"types.h"'] + ['"models_%s.h"' % t for t in tags])
    h.append(close_header())
    files["include/intercom/generated/models.h"] = "".join(h)

    c = [HEADER, "#include <stddef.h>\n#include \"../runtime/client.h\"\n%s\n"
         % ("#include \"intercom/%s.h\"\n" % namespace(P) if namespace(P) else ""), "/* ---------- enums ---------- */\n\n"]
    for t in enums:
        c.append(enum_table(t, P))
    c.append("/* ---------- models ---------- */\n\n")
    for t in objs:
        c.append(struct_table(t, P))
    c.append("/* every model type (objects; not enums, not params), sorted by name: for tests and fuzzers */\n")
    c.append("IC_HIDDEN extern const intercom_type *const %s[];\n" % table_symbol(P, "types"))
    c.append("const intercom_type *const %s[] = {\n%s    NULL,\n};\n"
             % (table_symbol(P, "types"), "".join("    &%s%s_descriptor,\n" % (P, t.name) for t in objs)))
    return files, "".join(c)
