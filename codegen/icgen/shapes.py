# SPDX-License-Identifier: MIT
"""Stage 2, shapes: schemas -> types (allOf merge, oneOf/anyOf flattening into variants, one type per schema)."""
import json
import re
from collections import OrderedDict

from .model import Field, Leaf, Type, Variant
from .naming import Namer, join_words, variant_labels
from .util import C_KEYWORDS, GenError, cpart, refname


def implied_type(s):
    """`string` for an enum of strings declared without a type (oneOf branches often do), else None."""
    vals = [x for x in s.get("enum", []) if x is not None]
    return "string" if vals and all(isinstance(x, str) for x in vals) else None


class Gen:
    """The shapes stage: turns the description's schemas into Types (self.types, by C name without the prefix).
    Names come from the naming stage's Namer; a second description goes through its own Gen + Namer."""

    def __init__(self, spec, names=None):
        self.spec = spec
        self.schemas = spec["components"]["schemas"]
        self.types = OrderedDict()
        self.obj_cache = {}           # id(schema) -> type name
        self.enum_cache = {}          # id(schema) or key -> type name
        self.comp_shape_cache = {}
        self.lexical = {}             # id(schema) -> suggested type name
        self.comp_of = {}             # id(component schema) -> component name
        self.unrepresented = []
        for name in self.schemas:
            self.comp_of[id(self.schemas[name])] = name
        self.names = names or Namer(list(self.schemas))
        self.comp_cname = self.names.comp_cname

    # ---- schema helpers ----
    def deref(self, s):
        seen = 0
        while isinstance(s, dict) and "$ref" in s:
            s = self.schemas[refname(s)]
            seen += 1
            if seen > 50:
                raise GenError("$ref loop")
        return s

    def assign_lexical(self, s, prefix):
        if not isinstance(s, dict) or "$ref" in s:
            return
        if id(s) not in self.lexical:
            self.lexical[id(s)] = prefix
        for p, ps in s.get("properties", {}).items():
            self.assign_lexical(ps, join_words(prefix, cpart(p)))
        if isinstance(s.get("items"), dict):
            self.assign_lexical(s["items"], prefix)
        for k in ("allOf", "oneOf", "anyOf"):
            for v in s.get(k, []):
                self.assign_lexical(v, prefix)
        if isinstance(s.get("additionalProperties"), dict):
            self.assign_lexical(s["additionalProperties"], prefix + "_value")

    def constraint_only(self, v):
        v2 = self.deref(v)
        return (isinstance(v2, dict) and not v2.get("properties") and v2.get("type") in (None, "object")
                and not any(k in v2 for k in ("allOf", "oneOf", "anyOf", "items", "enum"))
                and ("required" in v2 or "title" in v2))

    def objectish(self, s, depth=0):
        s = self.deref(s)
        if not isinstance(s, dict) or depth > 20:
            return False
        if s.get("properties"):
            return True
        if s.get("type") not in (None, "object"):
            return False
        if any(self.objectish(p, depth + 1) for p in s.get("allOf", [])):
            return True
        for k in ("oneOf", "anyOf"):
            if k in s:
                vs = s[k]
                return (all(self.objectish(v, depth + 1) or self.constraint_only(v) for v in vs)
                        and any(self.objectish(v, depth + 1) for v in vs))
        return False

    def union_of(self, s):
        s = self.deref(s)
        return s.get("oneOf") or s.get("anyOf")

    # ---- object collection: properties, required, variants ----
    def collect(self, s):
        """-> (props: OrderedDict name -> [schema defs], required list, leaves or None, discriminator dict or None)"""
        s = self.deref(s)
        props = OrderedDict()
        req = []
        leaves = None
        disc = s.get("discriminator")
        for part in s.get("allOf", []):
            p, r, lv, d = self.collect(part)
            for k, v in p.items():
                props[k] = v          # a later part redefines (keeps the first position)
            req += r
            if lv:
                leaves = (leaves or []) + lv
            disc = disc or d
        for k, v in s.get("properties", {}).items():
            if v is None:
                continue
            props[k] = [v]
        req += [r for r in s.get("required", []) if r not in req]
        union = s.get("oneOf") or s.get("anyOf")
        if union and (self.objectish(s) or all(self.constraint_only(v) for v in union)):
            leaves = (leaves or [])
            for i, v in enumerate(union):
                leaves += self.leaves(v, "v%d" % (i + 1))
        return props, req, leaves, disc

    def leaves(self, v, hint):
        ref = refname(v) if "$ref" in v else None
        vd = self.deref(v)
        p, r, sub, disc = self.collect(v)
        label = ref or vd.get("title") or v.get("title") or hint
        if not sub:
            return [Leaf(label=label, ref=ref, props=p, required=r, schema=vd)]
        out = []
        for leaf in sub:
            props = OrderedDict(p)
            for k, defs in leaf.props.items():
                props[k] = defs
            out.append(Leaf(label=leaf.label, ref=leaf.ref, props=props,
                            required=r + [x for x in leaf.required if x not in r], schema=leaf.schema,
                            outer_ref=ref))
        return out

    # ---- shapes ----
    def peek(self, s):
        """A side-effect-free signature of a property schema, to tell whether variants agree."""
        if "$ref" in s:
            return ("REF", refname(s))
        if "allOf" in s and len(s["allOf"]) == 1 and not s.get("properties"):
            return self.peek(s["allOf"][0])
        if self.objectish(s):
            return ("OBJ", id(s))
        if s.get("oneOf") or s.get("anyOf"):
            return ("JSON",)
        t = s.get("type") or implied_type(s)
        if t == "string" and [x for x in s.get("enum", []) if x is not None]:
            return ("ENUM",)
        if t == "array":
            it = s.get("items") or {}
            return ("ARR", self.peek(it))
        if t in ("string", "integer", "number", "boolean"):
            return (t,)
        return ("JSON",)

    def component_shape(self, comp):
        if comp in self.comp_shape_cache:
            return self.comp_shape_cache[comp]
        s = self.schemas[comp]
        cn = self.comp_cname[comp]
        self.comp_shape_cache[comp] = ("OBJECT", False, cn, bool(s.get("nullable")))  # recursion guard
        if self.objectish(s):
            r = ("OBJECT", False, self.object_type(s, cn, origin=comp), bool(s.get("nullable")))
        else:
            r = self.shape(s, cn, comp=comp)
        self.comp_shape_cache[comp] = r
        return r

    def shape(self, s, hint, comp=None):
        """-> (kind, array, tname, nullable)"""
        nullable = bool(s.get("nullable"))
        if "$ref" in s:
            k, a, t, n = self.component_shape(refname(s))
            return k, a, t, nullable or n
        if "allOf" in s and len(s["allOf"]) == 1 and not s.get("properties") and not (s.get("oneOf") or s.get("anyOf")):
            k, a, t, n = self.shape(s["allOf"][0], hint)
            return k, a, t, nullable or n
        if self.objectish(s):
            return "OBJECT", False, self.object_type(s, hint), nullable
        union = s.get("oneOf") or s.get("anyOf")
        if union:
            kinds = set()
            for v in union:
                vd = self.deref(v)
                t = vd.get("type")
                if t in ("string", "integer", "number", "boolean") and not (vd.get("oneOf") or vd.get("anyOf")):
                    kinds.add(t)
                else:
                    kinds.add("mixed")
            if kinds == {"string"}:
                return "STRING", False, None, nullable
            if kinds == {"integer"}:
                return "INT", False, None, nullable
            if kinds <= {"integer", "number"}:
                return "NUMBER", False, None, nullable
            return "JSON", False, None, nullable
        t = s.get("type") or implied_type(s)
        if t is None and s.get("properties"):
            t = "object"
        if t == "string":
            vals = [x for x in s.get("enum", []) if x is not None]
            if len(set(vals)) == 1:
                return "STRING", False, None, nullable      # one value: a plain string (FORMAT.md)
            if vals:
                return "ENUM", False, self.enum_type(s, hint, comp=comp), nullable or None in s.get("enum", [])
            return "STRING", False, None, nullable
        if t == "integer":
            return "INT", False, None, nullable
        if t == "number":
            return "NUMBER", False, None, nullable
        if t == "boolean":
            return "BOOL", False, None, nullable
        if t == "array":
            it = s.get("items") or {}
            k, a, tn, _ = self.shape(it, hint)
            if a:
                return "JSON", False, None, nullable      # arrays of arrays
            if k == "ENUM":
                k, tn = "STRING", None                    # arrays of enums are arrays of strings
            return k, True, tn, nullable
        return "JSON", False, None, nullable

    # ---- types ----
    def enum_type(self, s, hint, comp=None, values=None, key=None):
        key = key or id(s)
        if key in self.enum_cache:
            return self.enum_cache[key]
        if comp is not None:
            name = self.comp_cname[comp]
        else:
            name = self.names.new_type_name(self.lexical.get(id(s), hint) if s is not None else hint, "enum")
        self.enum_cache[key] = name
        t = Type(name, "enum", (s or {}).get("description", ""))
        t.origin = comp or ""
        if values is None:
            values = []
            for x in s.get("enum", []):
                if x is not None and str(x) not in values:
                    values.append(str(x))
        t.values = values
        self.types[name] = t
        return name

    def object_type(self, s, hint, origin=None):
        if id(s) in self.obj_cache:
            return self.obj_cache[id(s)]
        comp = self.comp_of.get(id(s))
        if comp is not None and (origin is None or origin == comp):
            name = self.comp_cname[comp]
            origin = comp
        else:
            name = self.names.new_type_name(self.lexical.get(id(s), hint), "object")
        self.obj_cache[id(s)] = name
        t = Type(name, "object", s.get("description") or s.get("title") or "")
        t.origin = origin or ""
        self.types[name] = t
        props, req, leaves, disc = self.collect(s)
        self.fill_fields(t, props, req, leaves, disc, owner=name)
        return name

    def merge_defs(self, owner, pname, defs):
        """A property defined differently by several variants -> (kind, array, tname, nullable)."""
        uniq = []
        seen = set()
        for d in defs:
            k = json.dumps(d, sort_keys=True)
            if k not in seen:
                seen.add(k)
                uniq.append(d)
        nullable = any(bool(self.deref(d).get("nullable")) or bool(d.get("nullable")) for d in uniq)
        if len(uniq) == 1:
            k, a, t, n = self.shape(uniq[0], join_words(owner, cpart(pname)))
            return k, a, t, n or nullable
        sigs = [self.peek(d) for d in uniq]
        if all(sg == sigs[0] for sg in sigs) and sigs[0][0] not in ("ENUM", "OBJ"):
            k, a, t, n = self.shape(uniq[0], join_words(owner, cpart(pname)))
            return k, a, t, n or nullable
        if all(self.inline_object(d) for d in uniq):
            return "OBJECT", False, self.merged_object(owner, pname, uniq), nullable
        if all(d.get("type") == "array" and self.inline_object(d.get("items") or {}) for d in uniq):
            return "OBJECT", True, self.merged_object(owner, pname, [d["items"] for d in uniq]), nullable
        if all(sg[0] == "ENUM" for sg in sigs):
            values = []
            for d in uniq:
                for x in self.deref(d).get("enum", []):
                    if x is not None and str(x) not in values:
                        values.append(str(x))
            if len(values) == 1:
                return "STRING", False, None, nullable
            key = ("merged", owner, pname)
            t = self.enum_type(None, join_words(owner, cpart(pname)), values=values, key=key)
            self.types[t].doc = uniq[0].get("description", "")
            return "ENUM", False, t, nullable
        if all(sg[0] in ("ENUM", "string") for sg in sigs):
            return "STRING", False, None, nullable
        self.unrepresented.append("%s.%s: variants disagree on its type (json_t *)" % (owner, pname))
        return "JSON", False, None, nullable

    def inline_object(self, d):
        """A plain object schema (inline, or a component that is not a oneOf/anyOf)."""
        dd = self.deref(d)
        return not (dd.get("oneOf") or dd.get("anyOf")) and self.objectish(dd)

    def merged_object(self, owner, pname, schemas):
        """Variants define the same property as different inline objects: one struct with all their properties."""
        key = ("merged",) + tuple(id(x) for x in schemas)
        if key in self.obj_cache:
            return self.obj_cache[key]
        name = self.names.new_type_name(join_words(owner, cpart(pname)), "object")
        self.obj_cache[key] = name
        t = Type(name, "object", schemas[0].get("description", ""))
        t.origin = "%s.%s (merged from %d variants)" % (owner, pname, len(schemas))
        self.types[name] = t
        props = OrderedDict()
        common = None
        for sch in schemas:
            p, r, _, _ = self.collect(sch)
            for k, defs in p.items():
                props.setdefault(k, [])
                props[k] += defs
            common = set(r) if common is None else common & set(r)
        self.fill_fields(t, props, sorted(common or []), None, None, owner=name)
        return name

    def fill_fields(self, t, props, req, leaves, disc, owner, where="BODY", prefix_fields=None):
        names = OrderedDict()
        for k, defs in props.items():
            names[k] = list(defs)
        if leaves:
            for leaf in leaves:
                for k, defs in leaf.props.items():
                    names.setdefault(k, [])
                    for d in defs:
                        names[k].append(d)
        required = list(req)
        if leaves:
            common = None
            for leaf in leaves:
                r = set(leaf.required)
                common = r if common is None else common & r
            required += sorted(common or [])
        fields = list(prefix_fields or [])
        for k, defs in names.items():
            kind, arr, tn, nullable = self.merge_defs(owner, k, defs)
            d0 = defs[-1] if defs else {}
            f = Field(k, kind, arr, tn, nullable, k in required, where,
                      d0.get("description", "") or self.deref(d0).get("description", ""),
                      bool(d0.get("deprecated")))
            f.schema = d0
            if kind == "STRING" and not arr:
                f.fixed = self.single_value(defs)
            fields.append(f)
        t.fields = fields
        if leaves and t.kind == "object":
            self.set_variants(t, leaves, disc, names)

    def set_variants(self, t, leaves, disc, names):
        # the discriminator: declared, or a property every variant fixes to its own values
        prop = disc.get("propertyName") if disc else None
        tags = [None] * len(leaves)
        if prop:
            mapping = disc.get("mapping", {})
            for i, leaf in enumerate(leaves):
                vals = [k for k, target in mapping.items()
                        if target.split("/")[-1] in (leaf.ref, leaf.outer_ref)]
                if not vals:
                    vals = self.fixed_values(leaf, prop)
                tags[i] = "|".join(vals) if vals else None
        else:
            cands = ["type"] + [k for k in names if k != "type"]
            for c in cands:
                sets = [self.fixed_values(leaf, c) for leaf in leaves]
                if all(sets) and sum(len(x) for x in sets) == len(set(v for x in sets for v in x)):
                    prop = c
                    tags = ["|".join(x) for x in sets]
                    break
        t.discriminator = prop
        labels_short = variant_labels(leaves)
        labels = set()
        for i, leaf in enumerate(leaves):
            label = labels_short[i]
            while label in labels:
                label += "_%d" % (i + 1)
            labels.add(label)
            t.variants.append(Variant(label, tags[i], [r for r in leaf.required if r in names], leaf.label))
            missing = [r for r in leaf.required if r not in names]
            if missing:
                self.unrepresented.append("%s: variant %s requires %s, which no variant declares (ignored)"
                                          % (t.name, leaf.label, ", ".join(missing)))

    def single_value(self, defs):
        """The one value every definition restricts a string property to, or None."""
        vals = set()
        for d in defs:
            dd = self.deref(d)
            if "allOf" in dd and len(dd["allOf"]) == 1:
                dd = self.deref(dd["allOf"][0])
            vals |= {str(x) for x in dd.get("enum", []) if x is not None}
            if not dd.get("enum"):
                return None
        return vals.pop() if len(vals) == 1 else None

    def fixed_values(self, leaf, prop):
        defs = leaf.props.get(prop)
        if not defs:
            return []
        d = self.deref(defs[-1])
        vals = [str(x) for x in d.get("enum", []) if x is not None]
        return vals

    # ---- member names ----
    def layout(self, t):
        members = set()
        for f in t.fields:
            c = f.c
            i = 2
            while c in members or c in ("base", "variant"):
                c = "%s_%d" % (f.c, i)
                i += 1
            f.c = c
            members.add(c)
        def stem(c):
            return c[:-1] if c.endswith("_") and c[:-1] in C_KEYWORDS else c
        for f in t.fields:
            if f.array:
                f.aux = stem(f.c) + "_count"
            elif f.kind == "ENUM":
                f.aux = stem(f.c) + "_str"
            if f.aux:
                while f.aux in members:
                    f.aux += "_"
                members.add(f.aux)
        if t.variants:
            members.add("variant")
        for f in t.fields:
            st = "has_" + f.c      # INTERCOM_SET(p, f, v) pastes has_##f: also for keyword members (has_operator_)
            if st in members or f.c.startswith("has_"):
                st = stem(f.c) + "_state"
            while st in members:
                st += "_"
            f.state = st
            members.add(st)
