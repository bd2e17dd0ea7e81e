# SPDX-License-Identifier: MIT
"""C emission helpers shared by the emitters: documentation, member declarations, descriptor tables."""
import re

from .util import c_string, cname, doc1

CTYPE = {"STRING": "const char *", "INT": "int64_t ", "NUMBER": "double ", "BOOL": "bool ",
         "JSON": "struct json_t *", "FILE": "const intercom_file *"}
WIDTH = 120


def doxy(s):
    """Text safe inside a Doxygen comment: no commands, no HTML, no comment terminators."""
    s = s.replace("\\", "\\\\")
    s = re.sub(r"([@<>&#%$])", r"\\\1", s)
    return s


def comment(text, indent="", width=WIDTH):
    """A `/** ... */` comment of one or more lines within `width` columns."""
    words = text.split()
    first = indent + "/** "
    if len(first) + len(text) + 3 <= width and "\n" not in text:
        return "%s%s */\n" % (first, " ".join(words))
    lines, cur = [], ""
    for w in words:
        if cur and len(indent) + 3 + len(cur) + 1 + len(w) > width:
            lines.append(cur)
            cur = w
        else:
            cur = (cur + " " + w) if cur else w
    if cur:
        lines.append(cur)
    return indent + "/**\n" + "".join("%s * %s\n" % (indent, l) for l in lines) + indent + " */\n"


def wrap_decl(text, indent="    ", width=WIDTH):
    """A declaration `a(b, c, d);` wrapped at commas within `width` columns."""
    if len(text) <= width:
        return text + "\n"
    out, cur = [], ""
    head, _, rest = text.partition("(")
    parts = [head + "("] + rest.split(", ") if len(head) > 60 else text.split(", ")
    for i, p in enumerate(parts):
        piece = p + (", " if i < len(parts) - 1 and not p.endswith("(") else "")
        if cur and len(cur) + len(piece.rstrip()) > width:
            out.append(cur.rstrip())
            cur = indent + piece
        else:
            cur += piece
    out.append(cur.rstrip())
    return "\n".join(out) + "\n"


def fit(line, width=WIDTH):
    """`    decl; /**< doc */` as one line, or the doc as a comment above when too wide; long declarations
    (`extern const intercom_type name;`) break before the name."""
    if len(line) <= width:
        return line + "\n"
    indent = line[:len(line) - len(line.lstrip())]
    if "/**<" in line:
        decl, _, doc = line.partition(" /**< ")
        return comment(doc[:-3].strip(), indent) + fit(decl, width)
    head, _, name = line.rpartition(" ")
    return head + "\n" + indent + "    " + name + "\n"


def macro(name, body, width=WIDTH):
    line = "#define %s %s" % (name, body)
    return line + "\n" if len(line) <= width else "#define %s \\\n    %s\n" % (name, body)


def field_notes(f):
    notes = []
    if f.required:
        notes.append("required")
    if f.nullable:
        notes.append("nullable")
    if f.deprecated:
        notes.append("deprecated")
    if f.where != "BODY":
        notes.append(f.where.lower() + (" `%s`" % f.json if f.c != cname(f.json) or f.c != f.json else "")
                     + (" `{%s}`, `%s` in params JSON" % (f.wire, f.json) if f.wire else ""))
    elif f.c != f.json:
        notes.append("`%s`" % f.json)
    return notes


def member_parts(f, prefix="intercom_"):
    """One field's members: (its documented value, its `_str` or count member or "", its presence member)."""
    notes = field_notes(f)
    d = doc1(f.doc, 400)
    if f.fixed is not None:
        d = ("Always %s (sent when required and left NULL). " % f.fixed.join("\"\"")) + d
    info = doxy((("[" + ", ".join(notes) + "] ") if notes else "") + d).strip() or "(undocumented)"
    if f.kind == "OBJECT":
        base = "struct %s%s *" % (prefix, f.tname)
    elif f.kind == "ENUM":
        base = "%s%s " % (prefix, f.tname)
    else:
        base = CTYPE[f.kind]
    value, aux = comment(info, "    "), ""
    if f.array:
        elem = base if f.kind != "ENUM" else "const char *"
        value += fit("    %s*%s;" % (elem, f.c))
        aux = fit("    size_t %s; /**< number of elements of %s */" % (f.aux, f.c))
    elif f.kind == "ENUM":
        value += fit("    %s%s;" % (base, f.c))
        aux = fit("    const char *%s; /**< as received, or sent when %s is 0 */" % (f.aux, f.c))
    else:
        value += fit("    %s%s;" % (base, f.c))
    return value, aux, fit("    uint8_t %s; /**< intercom_field_state_t of %s */" % (f.state, f.c))


def member_decl(f, prefix="intercom_"):
    """The members of one field, its presence member right after its value."""
    return "".join(member_parts(f, prefix))


def members_decl(fields, prefix="intercom_"):
    """The members of a struct's fields, grouped by size so that no padding sits between them: every
    pointer, count, integer and number (in field order), then the enum values, then the booleans, then
    the presence members (`uint8_t has_x`, one byte each). (A value followed by its own presence byte
    cost up to 7 bytes of padding per field.)"""
    wide, enums, bools, states = [], [], [], []
    for f in fields:
        value, aux, state = member_parts(f, prefix)
        if f.kind == "ENUM" and not f.array:
            enums.append(value)
            wide.append(aux)
        elif f.kind == "BOOL" and not f.array:
            bools.append(value)
        else:
            wide.append(value + aux)
        states.append(state)
    return "".join(wide + enums + bools + states)


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


def field_rows(t, struct, prefix="intercom_"):
    rows = []
    for f in t.fields:
        aux = "offsetof(%s, %s)" % (struct, f.aux) if f.aux else "0"
        typ = "&%s%s_descriptor" % (prefix, f.tname) if f.kind in ("OBJECT", "ENUM") else "NULL"
        rows.append('    {%s, IC_K_%s, %s, IC_IN_%s, offsetof(%s, %s), %s, offsetof(%s, %s), %s, %s},\n'
                    % (c_string(f.json), f.kind, flags_of(f), f.where, struct, f.c, aux, struct, f.state, typ,
                       c_string(f.fixed) if f.fixed is not None else "NULL"))
    return rows


def by_name(t):
    return sorted(range(len(t.fields)), key=lambda i: (t.fields[i].json.encode("utf-8"), i))


M64 = 0xFFFFFFFFFFFFFFFF


def key_hash(seed, key):
    """src/runtime/internal.h ic_key_hash: the first and last eight bytes as little-endian words (a shorter
    key: its bytes, then its length), mixed with the seed by two multiplications."""
    if len(key) >= 8:
        a, b = int.from_bytes(key[:8], "little"), int.from_bytes(key[-8:], "little")
    else:
        a, b = int.from_bytes(key, "little"), len(key)
    h = ((a ^ seed) * 0x9E3779B97F4A7C15) & M64
    h = ((h ^ (h >> 29) ^ b) * 0xC2B2AE3D27D4EB4F) & M64
    return h >> 32


def hash_table(t):
    """-> (seed, mask, slots): an open-addressing table over the JSON names (linear probing), a power of two
    of at least twice as many slots as fields, so a lookup compares the key with the one name in its slot
    (and, after a collision, the next): a slot holds (name length << 16) | (field index + 1), 0 when empty.
    Of the first 64 seeds, the one with the fewest probes in all (then the first)."""
    names = [f.json.encode("utf-8") for f in t.fields]
    assert all(len(n) < 65536 for n in names) and len(names) < 65535
    size = 2
    while size < 2 * len(names):
        size *= 2
    best = None
    for k in range(1, 65):
        seed = (k * 0x9E3779B9) & 0xFFFFFFFF
        slots, probes = [0] * size, 0
        for i, n in enumerate(names):
            j = key_hash(seed, n) & (size - 1)
            while slots[j]:
                j, probes = (j + 1) & (size - 1), probes + 1
            slots[j] = (len(n) << 16) | (i + 1)
        if best is None or probes < best[0]:
            best = (probes, seed, slots)
        if not probes:
            break
    return best[1], size - 1, best[2]


def emit_type_tables(t, struct, cname_prefix, out, kind_const, exported_name, reported_name, prefix="intercom_"):
    if t.fields:
        out.append("static const ic_field %s_fields[] = {\n" % cname_prefix)
        out += field_rows(t, struct, prefix)
        out.append("};\n")
        out.append("static const uint16_t %s_by_name[] = {%s};\n"
                   % (cname_prefix, ", ".join(str(i) for i in by_name(t))))
        if kind_const == "IC_T_PARAMS":  # params: one line of documentation per field (intercom_type.field_docs)
            out.append("static const char *const %s_docs[] = {\n%s};\n"
                       % (cname_prefix, "".join("    %s,\n" % c_string(doc1(f.doc, 160)) for f in t.fields)))
        table = hash_table(t)
        if table:
            # the slots, then each field's name length in declaration order (the decoder's check of
            # the field it predicts next)
            out.append("static const uint32_t %s_hash[] = {%s};\n"
                       % (cname_prefix, ", ".join(["0x%x" % s for s in table[2]]
                                                  + [str(len(f.json.encode("utf-8"))) for f in t.fields])))
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
               % (exported_name, c_string(reported_name), kind_const, struct, len(t.fields),
                  "%s_fields" % cname_prefix if t.fields else "NULL",
                  "%s_by_name" % cname_prefix if t.fields else "NULL", vinit
                  + ((",\n    .hash_seed = 0x%x, .hash_mask = %d, .hash_slots = %s_hash"
                      % (table[0], table[1], cname_prefix)) if t.fields and table else "")
                  + (",\n    .field_docs = %s_docs" % cname_prefix if t.fields and kind_const == "IC_T_PARAMS" else "")))


def reported_name(t):
    """The name intercom_type_name() reports: the description's schema name for a component."""
    return t.origin if t.origin and " " not in t.origin and "." not in t.origin else t.name
