# SPDX-License-Identifier: MIT
"""Emitter: the conformance cases (tests/generated/conformance_cases.{h,c})."""
import json
import re
from collections import OrderedDict

from .examples import Examples, first_example
from .util import HEADER, c_string, namespace


def conformance_params(g, ex, o, problems):
    pt = o.params
    if not pt:
        return None
    out = OrderedDict()
    groups_done = set()
    for f in pt.fields:
        if f.where == "BODY":
            continue
        grp = getattr(f, "group", None)
        if grp:
            if grp[1] and grp[0] not in groups_done:     # a required form/explode object: its first property
                groups_done.add(grp[0])
                out[f.json] = "123" if f.json.endswith("id") else "user@example.com"
            continue
        if not f.required:
            continue
        if f.example is not None:
            val = f.example
        else:
            val = ex.synth(f.schema or {"type": "string"}, f.json)
        if f.kind == "STRING" and not isinstance(val, str):
            val = str(val)
        if f.where == "PATH":
            val = str(val)
            if not re.match(r"^[A-Za-z0-9._~:+-]+$", val) or (
                    f.schema and f.schema.get("type") == "integer" and not re.match(r"^\d+$", val)):
                val = "123"
        out[f.json] = val
    body = o.body_schema
    if body is not None:
        given = first_example(o.body_media)
        if isinstance(given, dict):
            val = ex.fix(given, body)
        else:
            val = ex.synth(body, rich=True)
            if ex.errors(val, body):
                val = ex.synth(body)
        errs = ex.errors(val, body)
        if errs:
            problems.append("%s: example body still fails the description: %s" % (o.name, "; ".join(errs[:3])))
        if isinstance(val, dict):
            # file parts (multipart) are not JSON: the test gives them an intercom_file
            declared = {f.json for f in pt.fields if f.where == "BODY" and f.kind != "FILE"}
            for k, x in val.items():
                if k not in declared:
                    continue      # undeclared in the description: the params struct has no member for it
                if k in out and out[k] != x:
                    problems.append("%s: body property %s collides with a parameter" % (o.name, k))
                    continue
                out[k] = x
    return out


def emit_conformance(g, ops):
    """-> (cases header, cases source, problems). Another namespace (`intercom_preview_`) gets its own
    guard, umbrella header and table name (`preview_conformance_cases`), so both can link into one program."""
    P = g.names.prefix
    ns = namespace(P)
    tab = ns + "_conformance_cases" if ns else "conformance_cases"
    guard = "INTERCOM_TESTS_%s_H" % tab.upper()
    umbrella = "intercom/%s.h" % ns if ns else "intercom/intercom.h"
    ex = Examples(g)
    problems = []
    hd = [HEADER, "/* Conformance cases: every operation with realistic example params (tests/). */\n",
          "#ifndef %s\n#define %s\n\n" % (guard, guard),
          "#include \"intercom/intercom.h\"\n%s\n#ifdef" % ("#include \"%s\"\n" % umbrella if ns else ""), " __cplusplus\nextern \"C\" {\n#endif\n\n",
          "typedef struct conformance_case {\n"
          "    const char *name;                 /* \"contacts.create\" */\n"
          "    const char *method, *path;\n"
          "    const intercom_type *params_type; /* NULL when the operation has no params */\n"
          "    const char *params_json;          /* example params as a flat JSON object keyed by JSON names "
          "(path, query and body fields), or NULL */\n"
          "    intercom_code (*call)(intercom_client *c, const void *params, const intercom_request_options *ro, "
          "void **out, intercom_error *err);\n"
          "    intercom_code (*call_async)(intercom_async_client *c, const void *params, "
          "const intercom_request_options *ro, intercom_callback cb, void *payload);\n"
          "    int has_response;                 /* typed JSON response expected */\n"
          "} conformance_case;\n\n",
          "extern const conformance_case %s[]; /* terminated by {NULL} */\n\n" % tab,
          "#ifdef __cplusplus\n}\n#endif\n#endif\n"]
    c = [HEADER, "#include \"%s.h\"\n\n" % tab,
         "#if defined(__GNUC__)\n#pragma GCC diagnostic ignored \"-Wdeprecated-declarations\"\n#endif\n\n"]
    rows = []
    for o in ops:
        fn = o.fn
        pt = o.params
        pj = conformance_params(g, ex, o, problems)
        ptype = "const %s%s_params *" % (P, fn)
        c.append("static intercom_code call_%s(intercom_client *c, const void *params, "
                 "const intercom_request_options *ro, void **out, intercom_error *err) {\n" % fn)
        if not pt:
            c.append("    (void)params;\n")
        if o.rtype:
            c.append("    return %s%s(c, %sro, (%s%s **)out, err);\n}\n"
                     % (P, fn, "(%s)params, " % ptype if pt else "", P, o.rtype))
        else:
            c.append("    if (out) *out = NULL;\n    return %s%s(c, %sro, err);\n}\n"
                     % (P, fn, "(%s)params, " % ptype if pt else ""))
        c.append("static intercom_code call_async_%s(intercom_async_client *c, const void *params, "
                 "const intercom_request_options *ro, intercom_callback cb, void *payload) {\n" % fn)
        if not pt:
            c.append("    (void)params;\n")
        c.append("    return %sasync_%s(c, %sro, cb, payload);\n}\n\n"
                 % (P, fn, "(%s)params, " % ptype if pt else ""))
        js = json.dumps(pj, ensure_ascii=False, separators=(",", ":")) if pj is not None else None
        rows.append("    {%s, %s, %s, %s,\n     %s,\n     call_%s, call_async_%s, %d},\n"
                    % (c_string(o.name), c_string(o.method), c_string(o.path),
                       "&%s%s_params_descriptor" % (P, fn) if pt else "NULL",
                       c_string(js) if js is not None else "NULL", fn, fn, 1 if o.rtype else 0))
    c.append("const conformance_case %s[] = {\n" % tab)
    c += rows
    c.append("    {NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0},\n};\n")
    return "".join(hd), "".join(c), problems
