"""C emission helpers shared by the emitters: member declarations and descriptor tables."""
from .util import c_string, cname, doc1


CTYPE = {"STRING": "const char *", "INT": "int64_t ", "NUMBER": "double ", "BOOL": "bool ",
         "JSON": "struct json_t *"}


def member_decl(f):
    d = doc1(f.doc, 150)
    notes = []
    if f.required:
        notes.append("required")
    if f.nullable:
        notes.append("nullable")
    if f.deprecated:
        notes.append("deprecated")
    if f.where != "BODY":
        notes.append(f.where.lower() + (" `%s`" % f.json if f.c != cname(f.json) or f.c != f.json else ""))
    elif f.c != f.json:
        notes.append("`%s`" % f.json)
    info = ("[" + ", ".join(notes) + "] " if notes else "") + d
    info = info.strip()
    if f.kind == "OBJECT":
        base = "struct intercom_%s *" % f.tname
    elif f.kind == "ENUM":
        base = "intercom_%s " % f.tname
    else:
        base = CTYPE[f.kind]
    if f.array:
        elem = base if f.kind != "ENUM" else "const char *"
        return "    %s*%s; /**< %s */\n    size_t %s;\n" % (elem, f.c, info, f.aux)
    if f.kind == "ENUM":
        return "    %s%s; /**< %s */\n    const char *%s; /**< the string of %s as received or to send */\n" % (
            base, f.c, info, f.aux, f.c)
    return "    %s%s; /**< %s */\n" % (base, f.c, info)


def flags_of(f):
    fl = []
    if f.array:
        fl.append("IC_F_ARRAY")
    if f.required:
        fl.append("IC_F_REQUIRED")
    if f.nullable:
        fl.append("IC_F_NULLABLE")
    if f.deprecated:
        fl.append("IC_F_DEPRECATED")
    if f.also_query:
        fl.append("IC_F_ALSO_QUERY")
    return " | ".join(fl) or "0"


def field_rows(t, struct):
    rows = []
    for f in t.fields:
        aux = "offsetof(%s, %s)" % (struct, f.aux) if f.aux else "0"
        typ = "&intercom_%s_type" % f.tname if f.kind in ("OBJECT", "ENUM") else "NULL"
        rows.append('    {%s, IC_K_%s, %s, IC_IN_%s, offsetof(%s, %s), %s, offsetof(%s, %s), %s},\n'
                    % (c_string(f.json), f.kind, flags_of(f), f.where, struct, f.c, aux, struct, f.state, typ))
    return rows


def by_name(t):
    return sorted(range(len(t.fields)), key=lambda i: (t.fields[i].json.encode("utf-8"), i))


def emit_type_tables(t, struct, cname_prefix, out, kind_const, exported_name):
    n = t.name
    if t.fields:
        out.append("static const ic_field %s_fields[] = {\n" % cname_prefix)
        out += field_rows(t, struct)
        out.append("};\n")
        out.append("static const uint16_t %s_by_name[] = {%s};\n"
                   % (cname_prefix, ", ".join(str(i) for i in by_name(t))))
    vinit = ""
    if t.variants:
        index = {f.json: i for i, f in enumerate(t.fields)}
        for vi, v in enumerate(t.variants):
            if v.required:
                out.append("static const uint16_t %s_v%d_required[] = {%s};\n"
                           % (cname_prefix, vi + 1, ", ".join(str(index[r]) for r in v.required)))
        out.append("static const ic_variant %s_variants[] = {\n" % cname_prefix)
        for vi, v in enumerate(t.variants):
            out.append("    {%s, %d, %s}, /* %s */\n" % (
                c_string(v.tag) if v.tag else "NULL", len(v.required),
                "%s_v%d_required" % (cname_prefix, vi + 1) if v.required else "NULL", t.variant_consts[vi]))
        out.append("};\n")
        vinit = (",\n    .discriminator = %s, .variant_offset = offsetof(%s, variant), .n_variants = %d, "
                 ".variants = %s_variants" % (c_string(t.discriminator) if t.discriminator else "NULL",
                                              struct, len(t.variants), cname_prefix))
    out.append("INTERCOM_EXTERN const intercom_type %s = {\n    .name = %s, .kind = %s, .size = sizeof(%s),\n"
               "    .n_fields = %d, .fields = %s, .by_name = %s%s};\n"
               % (exported_name, c_string(n), kind_const, struct, len(t.fields),
                  "%s_fields" % cname_prefix if t.fields else "NULL",
                  "%s_by_name" % cname_prefix if t.fields else "NULL", vinit))
