# SPDX-License-Identifier: MIT
"""Stage 1, load: the description(s), the seed's operation names and the project's overrides."""
import copy
import json
from collections import OrderedDict
import re
from dataclasses import dataclass

from .model import Operation
from .util import GenError

HTTP_METHODS = ("get", "put", "post", "delete", "patch")


@dataclass(frozen=True)
class SeedName:
    """One line of the seed's operations.tsv."""
    method: str
    path211: str
    name: str
    path216: str
    opid: str


def load_seed(path):
    seed = []
    with open(path) as fh:
        for line in fh.read().splitlines()[1:]:
            p = line.split("\t")
            if len(p) >= 5:
                seed.append(SeedName(p[0], p[1], p[2], p[3], p[4]))
    return seed


class NotHere(GenError):
    """An override naming what a second description (the Preview) does not have: reported, not fatal."""


def norm_path(p):
    return re.sub(r"\{[^}]*\}", "{}", p)


def apply_overrides(spec, ov, report, lenient=False):
    """Apply overrides.json. lenient (a second description): an operation is matched by method and path with
    the parameter names dropped, and an entry naming an operation, parameter or schema the description does not
    have is reported as not applicable instead of failing."""
    schemas = spec["components"]["schemas"]
    paths = spec["paths"]
    if lenient:
        for k in ("parameters", "add_query_parameters", "responses", "schemas"):
            for e in ov.get(k, []):
                one = OrderedDict(ov)
                for k2 in ("parameters", "add_query_parameters", "responses", "schemas"):
                    one[k2] = [e] if k2 == k else []
                one["path_parameters_as_strings"] = {}
                try:
                    apply_overrides(spec, one, report)
                except GenError as x:
                    report.append("not applicable here: %s" % str(x).replace("overrides.json: ", ""))
        if ov.get("path_parameters_as_strings", {}).get("value"):
            report.append("every path parameter is a string (`const char *`)")
        return

    def find_op(key):
        method, path = key.split(" ", 1)
        if path not in paths:
            hit = [p for p in paths if norm_path(p) == norm_path(path) and method.lower() in paths[p]]
            if len(hit) == 1:
                path = hit[0]
        try:
            return paths[path], paths[path][method.lower()]
        except KeyError:
            raise GenError("overrides.json: no operation %s" % key)

    def op_params(pi, o):
        """The operation's own parameter list, with the path-level ones copied in."""
        own = o.setdefault("parameters", [])
        have = {(x.get("name"), x.get("in")) for x in own}
        for x in pi.get("parameters", []):
            if (x.get("name"), x.get("in")) not in have:
                own.append(copy.deepcopy(x))
        return own

    if ov.get("path_parameters_as_strings", {}).get("value"):
        report.append("every path parameter is a string (`const char *`), also the 38 declared integer")
    for e in ov.get("parameters", []):
        pi, o = find_op(e["operation"])
        ps = op_params(pi, o)
        hit = [x for x in ps if x.get("name") == e["name"]]
        if not hit:
            raise GenError("overrides.json: %s has no parameter %s" % (e["operation"], e["name"]))
        for x in hit:
            x.update(e["set"])
        report.append("%s: parameter %s %s" % (e["operation"], e["name"], json.dumps(e["set"], sort_keys=True)))
    for e in ov.get("add_query_parameters", []):
        pi, o = find_op(e["operation"])
        ps = op_params(pi, o)
        names = {x.get("name") for x in ps}
        added = []
        for p in e["parameters"]:
            if p["name"] in names:
                continue
            q = dict(p)
            q["in"] = "query"
            q["required"] = False
            ps.append(q)
            added.append(p["name"])
        report.append("%s: adds query %s" % (e["operation"], ", ".join(added) or "(already declared)"))
    for e in ov.get("responses", []):
        pi, o = find_op(e["operation"])
        rs = o.setdefault("responses", {})
        rs["200"] = {"description": "successful (codegen/overrides.json)",
                     "content": {"application/json": {"schema": copy.deepcopy(e["schema"])}}}
        report.append("%s: 200 response %s" % (e["operation"], json.dumps(e["schema"])))
    for e in ov.get("schemas", []):
        s = schemas.get(e["schema"])
        if s is None:
            raise GenError("overrides.json: no schema %s" % e["schema"])
        props = s.setdefault("properties", {})
        if "property" in e:
            p = e["property"]
            if "add" in e:
                props[p] = copy.deepcopy(e["add"])
                report.append("%s.%s: added" % (e["schema"], p))
            if "replace" in e:
                if p not in props:
                    raise GenError("overrides.json: %s has no property %s" % (e["schema"], p))
                props[p] = copy.deepcopy(e["replace"])
                report.append("%s.%s: replaced by %s" % (e["schema"], p, e["replace"].get("type")))
            if "set" in e:
                if p not in props:
                    raise GenError("overrides.json: %s has no property %s" % (e["schema"], p))
                props[p].update(copy.deepcopy(e["set"]))
                report.append("%s.%s: %s" % (e["schema"], p, json.dumps(e["set"])))
        for p in e.get("nullable", []):
            if p not in props:
                raise GenError("overrides.json: %s has no property %s" % (e["schema"], p))
            props[p]["nullable"] = True
            report.append("%s.%s: nullable" % (e["schema"], p))
        for p in e.get("optional", []):
            if p in s.get("required", []):
                s["required"] = [r for r in s["required"] if r != p]
            report.append("%s.%s: optional" % (e["schema"], p))


def gather_operations(spec, spec211, seed):
    """Every operation of the description, plus the seed's operations it dropped, taken from 2.11."""
    ops = []
    for path, pi in spec["paths"].items():
        for m in HTTP_METHODS:
            if m in pi:
                ops.append(Operation(method=m.upper(), path=path, op=pi[m], pi=pi, api_version=None,
                                     deprecated=bool(pi[m].get("deprecated")), source="2.16"))
    by_key = {(o.method, o.path): o for o in ops}
    # the seed's operation 2.16 dropped
    extra = []
    for s in seed:
        if (s.method, s.path216) in by_key:
            continue
        for path, pi in spec211["paths"].items():
            for m in HTTP_METHODS:
                if m not in pi or m.upper() != s.method:
                    continue
                nm_path = re.sub(r"\{[^}]*\}", "{}", path)
                if nm_path == re.sub(r"\{[^}]*\}", "{}", s.path211):
                    o = Operation(method=m.upper(), path=path, op=pi[m], pi=pi, api_version="2.11",
                                  deprecated=True, source="2.11", seed=s.name)
                    extra.append(o)
        if not any(e.seed == s.name for e in extra):
            raise GenError("seed operation %s %s not found in 2.16 nor 2.11" % (s.method, s.name))
    for e in extra:
        # its schemas are 2.11's: only $refs to components 2.16 also has are allowed
        for x in json.dumps(e.op).split('"$ref": "')[1:]:
            n = x.split('"')[0].split("/")[-1]
            if n not in spec["components"]["schemas"]:
                raise GenError("2.11 operation %s uses schema %s absent from 2.16" % (e.path, n))
    ops += extra
    return ops


@dataclass
class Inputs:
    """What the load stage reads: the description (overrides applied), the operations, the seed's names."""
    spec: dict
    operations: list
    seed: list
    report: list                  # the overrides applied, one line each
    path_ids_as_strings: bool
    type_names: dict = None       # overrides.json type_names: schema or inline name -> C name (no prefix)
    entries: list = None          # every override entry: (where, what, why), for docs/api.md
    shapes: dict = None           # overrides.json shapes: what is typed, the survey, what was left alone
    lenient: bool = False         # a second description: overrides it lacks the target of are not errors


def load_inputs(spec_path, spec211_path, seed_path, overrides_path):
    with open(spec_path) as fh:
        spec = json.load(fh, object_pairs_hook=OrderedDict)
    with open(spec211_path) as fh:
        spec211 = json.load(fh, object_pairs_hook=OrderedDict)
    with open(overrides_path) as fh:
        ov = json.load(fh, object_pairs_hook=OrderedDict)
    seed = load_seed(seed_path)
    report = []
    apply_overrides(spec, ov, report)
    ops = gather_operations(spec, spec211, seed)
    names = OrderedDict()
    for e in ov.get("type_names", []):
        names[e["name"]] = e["as"]
        report.append("type %s is named `%s`" % (e["name"], e["as"]))
    return Inputs(spec, ops, seed, report, bool(ov.get("path_parameters_as_strings", {}).get("value")), names,
                  override_entries(ov), ov.get("shapes"))


def override_entries(ov):
    """Every entry of overrides.json that corrects the description: (where, what, why)."""
    out = []
    for e in ov.get("parameters", []):
        out.append((e["operation"], "parameter `%s`: %s" % (e["name"], json.dumps(e["set"], sort_keys=True)), e["why"]))
    for e in ov.get("add_query_parameters", []):
        out.append((e["operation"], "adds query " + ", ".join("`%s`" % p["name"] for p in e["parameters"]), e["why"]))
    for e in ov.get("responses", []):
        out.append((e["operation"], "200 response " + json.dumps(e["schema"]), e["why"]))
    for e in ov.get("schemas", []):
        what = []
        if "property" in e:
            what += ["`%s` %s" % (e["property"], k) for k in ("add", "replace", "set") if k in e]
        what += ["`%s` nullable" % p for p in e.get("nullable", [])]
        what += ["`%s` optional" % p for p in e.get("optional", [])]
        out.append(("schema `%s`" % e["schema"], ", ".join(what), e["why"]))
    return out


def declared_version(spec, op, default):
    """The Intercom-Version an operation declares with a one-value enum (the Preview spells it `preview` in the
    8 operations whose header parameter is `intercom_version_preview`, `Preview` everywhere else), else default."""
    for x in op.get("parameters", []):
        if x.get("name") == "Intercom-Version" and x.get("in") == "header":
            s = x.get("schema", {})
            if "$ref" in s:
                s = spec["components"]["schemas"].get(s["$ref"].split("/")[-1], {})
            if len(s.get("enum", [])) == 1:
                return s["enum"][0]
    return default


def load_preview_inputs(spec_path, stable_ops, overrides_path, api_version="Preview"):
    """A second description (the Preview): overrides.json applied where they apply, no 2.11 operations, every
    operation sent with `Intercom-Version: <api_version>`, and an operation that is the same endpoint as a stable
    one (method + path, parameter names aside) given the stable operation's name (through Operation.seed)."""
    with open(spec_path) as fh:
        spec = json.load(fh, object_pairs_hook=OrderedDict)
    with open(overrides_path) as fh:
        ov = json.load(fh, object_pairs_hook=OrderedDict)
    report = []
    apply_overrides(spec, ov, report, lenient=True)
    stable = {}
    for o in stable_ops:
        if o.source == "2.16":
            stable[(o.method, norm_path(o.path))] = o.name
    ops = []
    for path, pi in spec["paths"].items():
        for m in HTTP_METHODS:
            if m in pi:
                ops.append(Operation(method=m.upper(), path=path, op=pi[m], pi=pi,
                                     api_version=declared_version(spec, pi[m], api_version),
                                     deprecated=bool(pi[m].get("deprecated")), source="Preview",
                                     seed=stable.get((m.upper(), norm_path(path)))))
    names = OrderedDict()
    for e in ov.get("type_names", []):
        names[e["name"]] = e["as"]
        report.append("type %s is named `%s`" % (e["name"], e["as"]))
    inp = Inputs(spec, ops, [], report, bool(ov.get("path_parameters_as_strings", {}).get("value")), names)
    inp.lenient = True
    return inp
