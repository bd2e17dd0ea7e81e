# SPDX-License-Identifier: MIT
"""The pipeline: load -> shapes -> naming -> paging -> emitters; the command line of scripts/generate."""
import argparse
import os
import sys
from collections import OrderedDict
from dataclasses import dataclass

from .emit_conformance import emit_conformance
from .emit_docs import emit_docs, emit_preview_docs
from .emit_models import emit_models
from .emit_operations import emit_ops
from .load import Inputs, load_inputs, load_preview_inputs
from .naming import Namer, OperationNames, check_handwritten, name_operations
from .openapi import op_parameters, response_schema
from .operations import build_operations
from .paging import assign_paging
from .shapes import Gen
from .dedup import deduplicate
from .util import HEADER, GenError, cpart, docs_file, namespace


@dataclass
class Result:
    """Everything one run derives from its inputs: the files (path -> text) and what to report."""
    files: "OrderedDict[str, str]"
    gen: Gen
    ops: list
    names: OperationNames
    problems: list


def derive(inp: Inputs, prefix="intercom_", incdir=None):
    """The stages before emission: shapes, naming, operations and paging. -> (Gen, ops, OperationNames)."""
    spec = inp.spec
    g = Gen(spec, Namer(list(spec["components"]["schemas"]), prefix=prefix, type_names=inp.type_names))
    ops = inp.operations
    onames = name_operations(ops, inp.seed, g)
    # lexical names of inline schemas: components first, then request bodies and responses
    g.names.name_components(ops)
    for name, s in spec["components"]["schemas"].items():
        g.assign_lexical(s, g.comp_cname[name])
    for o in ops:
        rb = o.op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
        if rb:
            g.assign_lexical(rb, o.fn + "_params")
        for x in op_parameters(o.pi, o.op):
            if "schema" in x:
                g.assign_lexical(x["schema"], o.fn + "_params_" + cpart(x.get("name", "")))
        rs = response_schema(o.op)
        if rs:
            g.assign_lexical(rs, o.fn + "_response")
    # every component schema, then what the operations need
    for name in spec["components"]["schemas"]:
        g.component_shape(name)
    build_operations(g, ops, inp.path_ids_as_strings)
    g.dedup = deduplicate(g, ops)
    unused = sorted(set(inp.type_names) - g.names.used_type_names - set(g.dedup.merged))
    if unused and inp.lenient:
        inp.report.append("type_names not applicable here (no such type): %s" % ", ".join(unused))
    elif unused:
        raise GenError("overrides.json type_names: %s names no type" % ", ".join(unused))
    for t in g.types.values():
        if t.kind == "object":
            g.layout(t)
    g.names.assign_constants(g.types)
    assign_paging(g, ops)
    if incdir:
        check_handwritten(g, ops, incdir)
    return g, ops, onames


def run(inp: Inputs, prefix="intercom_", incdir=None) -> Result:
    """All stages: the generated files of one description."""
    g, ops, onames = derive(inp, prefix, incdir)
    mfiles, mc = emit_models(g, ops)
    ofiles, oc = emit_ops(g, ops)
    doc = emit_docs(ops, onames.hits, onames.misses, onames.clashes, inp.report, g.names.renamed + [(k, v) for k, v in inp.type_names.items() if v in g.types and (k, v) not in g.names.renamed], g.dedup,
                     inp.entries, inp.shapes)
    ch, cc, problems = emit_conformance(g, ops)
    files = OrderedDict(list(mfiles.items()) + list(ofiles.items()) + [
        ("src/generated/models.c", mc),
        ("src/generated/operations.c", oc),
        ("docs/api.md", doc),
        ("tests/generated/conformance_cases.h", ch),
        ("tests/generated/conformance_cases.c", cc),
    ])
    ns = namespace(prefix)
    if ns:
        files = namespaced(files, ns)
    return Result(files, g, ops, onames, problems)


def namespaced(files, ns):
    """The files of a second description under their own paths: include/intercom/<ns>/ (with the umbrella
    include/intercom/<ns>.h), src/generated/<ns>_*.c, docs/api-<ns>.md, tests/generated/<ns>_conformance_cases.*"""
    out = OrderedDict()
    for rel, text in files.items():
        if rel.startswith("include/intercom/generated/"):
            rel = "include/intercom/%s/%s" % (ns, rel[len("include/intercom/generated/"):])
            text = text.replace("of the Intercom API", "of the Intercom %s API" % ns.capitalize())
            text = text.replace("@file generated/", "@file %s/" % ns).replace(
                "INTERCOM_%s_GENERATED_" % ns.upper(), "INTERCOM_%s_" % ns.upper())
        elif rel.startswith("src/generated/"):
            rel = "src/generated/%s_%s" % (ns, rel[len("src/generated/"):])
        elif rel == "docs/api.md":
            continue
        elif rel.startswith("tests/generated/"):
            rel = "tests/generated/%s_%s" % (ns, rel[len("tests/generated/"):])
        out[rel] = text
    return out


def run_preview(inp: Inputs, stable: Result, prefix="intercom_preview_") -> Result:
    """The Preview description through the same stages, plus its docs and umbrella header."""
    res = run(inp, prefix=prefix)
    ns = namespace(prefix)
    res.files[docs_file(prefix)] = emit_preview_docs(res.ops, stable.ops, res.names.clashes, inp.report)
    g = "INTERCOM_%s_H" % ns.upper()
    res.files["include/intercom/%s.h" % ns] = (
        "%s/**\n * @file %s.h\n * @brief The %s API (opt-in, %d operations): every operation of Intercom's %s "
        "description under\n *        `intercom_%s_`, sent with `Intercom-Version: Preview`. Not included by "
        "intercom.h; it can change\n *        without a version bump. See %s.\n */\n#ifndef %s\n#define %s\n\n"
        "#include \"intercom.h\"\n#include \"%s/models.h\"\n#include \"%s/operations.h\"\n\n#endif\n"
        % (HEADER, ns, ns.capitalize(), len(res.ops), ns.capitalize(), ns, docs_file(prefix), g, g, ns, ns))
    return res


def default_paths():
    here = os.path.dirname(os.path.abspath(__file__))
    codegen = os.path.dirname(here)
    root = os.path.dirname(codegen)
    shared = os.path.join(root, "..", "shared")
    return dict(root=root, spec=os.path.join(shared, "openapi", "intercom-2.16.json"),
                spec_211=os.path.join(shared, "openapi", "intercom-2.11.json"),
                seed=os.path.join(shared, "seed", "operations.tsv"),
                overrides=os.path.join(codegen, "overrides.json"),
                preview=os.path.join(shared, "openapi", "intercom-preview.json"))


def main():
    d = default_paths()
    ap = argparse.ArgumentParser(description="libintercom generator: OpenAPI description -> C models, descriptor "
                                             "tables, operations, docs.")
    ap.add_argument("--spec", default=d["spec"])
    ap.add_argument("--spec-211", default=d["spec_211"])
    ap.add_argument("--seed", default=d["seed"])
    ap.add_argument("--overrides", default=d["overrides"])
    ap.add_argument("--preview-spec", default=d["preview"],
                    help="the Preview description, generated under intercom_preview_ (skipped when absent)")
    ap.add_argument("--out", default=d["root"])
    ap.add_argument("-v", "--verbose", action="store_true")
    ap.add_argument("--check", action="store_true",
                    help="write nothing; exit 1 if a committed generated file differs from a fresh run")
    a = ap.parse_args()
    if not os.path.exists(a.spec):
        msg = "generate.py: %s is absent" % a.spec
        if a.check:
            print(msg + ": check skipped")
            return 0
        print(msg, file=sys.stderr)
        return 1

    inp = load_inputs(a.spec, a.spec_211, a.seed, a.overrides)
    res = run(inp, incdir=os.path.join(a.out, "include", "intercom"))
    files, g, ops, problems, report, spec = res.files, res.gen, res.ops, res.problems, inp.report, inp.spec
    pres = None
    if os.path.exists(a.preview_spec):
        pres = run_preview(load_preview_inputs(a.preview_spec, res.ops, a.overrides), res)
        files = OrderedDict(list(files.items()) + list(pres.files.items()))
    hits, misses = res.names.hits, res.names.misses
    stale = []
    for rel, text in files.items():
        path = os.path.join(a.out, rel)
        old = None
        if os.path.exists(path):
            with open(path, "rb") as fh:
                old = fh.read()
        data = text.encode("utf-8")
        if old != data:
            stale.append(rel)
            if not a.check:
                os.makedirs(os.path.dirname(path), exist_ok=True)
                with open(path, "wb") as fh:
                    fh.write(data)
    # generated headers no run writes any more (a resource or tag that went away)
    for sub in ("generated", "preview"):
        gdir = os.path.join(a.out, "include", "intercom", sub)
        for fn in sorted(os.listdir(gdir)) if os.path.isdir(gdir) else []:
            rel = "include/intercom/%s/%s" % (sub, fn)
            if rel not in files:
                stale.append(rel + " (to delete)")
                if not a.check:
                    os.remove(os.path.join(gdir, fn))
    if a.check:
        if stale:
            print("generate.py --check: out of date (run scripts/generate): %s" % ", ".join(stale))
            return 1
        print("generate.py --check: %d generated files up to date" % len(files))
        return 0

    objs = [t for t in g.types.values() if t.kind == "object"]
    enums = [t for t in g.types.values() if t.kind == "enum"]
    unions = [t for t in objs if t.variants]
    comps = set(g.comp_cname.values())
    print("generated %d operations (%d from 2.16, %d deprecated from 2.11; %d seed names, %d by the rule)"
          % (len(ops), len([o for o in ops if o.source == "2.16"]), len([o for o in ops if o.source == "2.11"]),
             len([o for o in ops if o.seed_name]), len([o for o in ops if not o.seed_name])))
    print("types: %d structs (%d of the %d component schemas; %d oneOf/anyOf unions), %d enums, %d params structs"
          % (len(objs), len([t for t in objs if t.name in comps]), len(spec["components"]["schemas"]), len(unions),
             len(enums), len([o for o in ops if o.params])))
    print("naming rule reproduces %d of the %d seed names" % (len(hits), len(hits) + len(misses)))
    if pres:
        print("preview: %d operations under intercom_preview_ (%d with the stable name, %d by the rule), %d types"
              % (len(pres.ops), len([o for o in pres.ops if o.seed_name]), len([o for o in pres.ops if not o.seed_name]),
                 len([t for t in pres.gen.types.values() if t.kind == "object"])))
    if a.verbose:
        for m in sorted(misses):
            print("  seed %s, rule %s" % m)
        for u in g.unrepresented:
            print("  not represented: " + u)
        for p in problems:
            print("  example: " + p)
        for r in report:
            print("  override: " + r)
        for r in g.names.renamed:
            print("  renamed: schema %s -> intercom_%s" % r)
    elif problems:
        print("%d example problems (-v to list)" % len(problems))
    return 0
