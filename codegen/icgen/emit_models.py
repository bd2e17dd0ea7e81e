"""Emitter: C models (enums, structs, _INIT macros, descriptors)."""
import json

from .cgen import emit_type_tables, member_decl
from .util import HEADER, c_string, doc1


def emit_models(g):
    enums = sorted([t for t in g.types.values() if t.kind == "enum"], key=lambda t: t.name)
    objs = sorted([t for t in g.types.values() if t.kind == "object"], key=lambda t: t.name)
    h = [HEADER, "/**\n * @file models.h\n * @brief Every model of the Intercom API (%d structs, %d enums): see "
                 "codegen/FORMAT.md.\n *\n * Responses are freed with their `_free` function (or "
                 "intercom_model_free()); nested models belong to\n * their parent. Which fields the JSON held: the "
                 "`has_` members (::intercom_field_state_t).\n */\n" % (len(objs), len(enums)),
         "#ifndef INTERCOM_GENERATED_MODELS_H\n#define INTERCOM_GENERATED_MODELS_H\n\n",
         "#include <stdbool.h>\n#include <stddef.h>\n#include <stdint.h>\n#include \"../model.h\"\n\n",
         "#ifdef __cplusplus\nextern \"C\" {\n#endif\n\nstruct json_t;\n\n"]
    for t in objs:
        h.append("struct intercom_%s;\n" % t.name)
    h.append("\n/* ---------- enums ---------- */\n\n")
    for t in enums:
        d = doc1(t.doc, 160)
        h.append("/** %s */\ntypedef enum intercom_%s {\n" % (d or ("Values of " + t.name), t.name))
        h.append("    %s = 0, /**< a value the description does not list */\n" % t.unknown_const)
        for i, (v, c) in enumerate(zip(t.values, t.value_consts)):
            h.append("    %s = %d, /**< %s */\n" % (c, i + 1, doc1(json.dumps(v))))
        h.append("} intercom_%s;\n" % t.name)
        h.append("INTERCOM_EXTERN extern const intercom_type intercom_%s_type; /**< kind IC_T_ENUM */\n\n" % t.name)
    h.append("/* ---------- variants of oneOf/anyOf models ---------- */\n\n")
    for t in objs:
        if not t.variants:
            continue
        h.append("/** Which variant an intercom_%s is (its `variant` member). */\ntypedef enum intercom_%s_variant {\n"
                 % (t.name, t.name))
        h.append("    %s = 0,\n" % t.variant_unknown)
        for i, (v, c) in enumerate(zip(t.variants, t.variant_consts)):
            how = ("%s = %s" % (t.discriminator, v.tag.replace("|", " or "))) if v.tag else (
                "has " + ", ".join(v.required) if v.required else "anything else")
            h.append("    %s = %d, /**< %s: %s */\n" % (c, i + 1, doc1(v.title, 80), doc1(how, 120)))
        h.append("} intercom_%s_variant;\n\n" % t.name)
    h.append("/* ---------- models ---------- */\n\n")
    for t in objs:
        d = doc1(t.doc, 200)
        origin = (" (`%s`)" % t.origin) if t.origin and t.origin != t.name else ""
        h.append("/** %s%s\n *  Top-level: free with intercom_%s_free(). */\n"
                 % (d or t.name, origin, t.name))
        h.append("typedef struct intercom_%s {\n    intercom_model base;\n" % t.name)
        for f in t.fields:
            h.append(member_decl(f))
        if t.variants:
            h.append("    int variant; /**< intercom_%s_variant */\n" % t.name)
        if t.fields:
            h.append("    uint8_t %s; /**< intercom_field_state_t of each field */\n"
                     % ", ".join(f.state for f in t.fields))
        h.append("} intercom_%s;\n" % t.name)
        h.append("#define INTERCOM_%s_INIT {.base = {&intercom_%s_type, NULL}}\n" % (t.name.upper(), t.name))
        h.append("INTERCOM_EXTERN extern const intercom_type intercom_%s_type;\n" % t.name)
        h.append("/** Free a top-level intercom_%s and everything it owns. NULL is a no-op. */\n" % t.name)
        h.append("INTERCOM_EXTERN void intercom_%s_free(intercom_%s *m);\n\n" % (t.name, t.name))
    h.append("#ifdef __cplusplus\n}\n#endif\n#endif\n")

    c = [HEADER, "#include <stddef.h>\n#include \"../runtime/internal.h\"\n\n"]
    c.append("/* ---------- enums ---------- */\n\n")
    for t in enums:
        c.append("static const char *const %s_values[] = {%s};\n" % (t.name, ", ".join(c_string(v) for v in t.values)))
        c.append("INTERCOM_EXTERN const intercom_type intercom_%s_type = {\n    .name = %s, .kind = IC_T_ENUM, "
                 ".n_values = %d, .values = %s_values};\n\n" % (t.name, c_string(t.name), len(t.values), t.name))
    c.append("/* ---------- models ---------- */\n\n")
    for t in objs:
        emit_type_tables(t, "intercom_" + t.name, t.name, c, "IC_T_OBJECT", "intercom_%s_type" % t.name)
        c.append("void intercom_%s_free(intercom_%s *m) { intercom_model_free(m); }\n\n" % (t.name, t.name))
    c.append("/* every model type (objects; not enums, not params), sorted by name: for tests and fuzzers */\n")
    c.append("const intercom_type *const ic_all_types[] = {\n%s    NULL,\n};\n"
             % "".join("    &intercom_%s_type,\n" % t.name for t in objs))
    return "".join(h), "".join(c)
