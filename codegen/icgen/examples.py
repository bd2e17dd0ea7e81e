# SPDX-License-Identifier: MIT
"""Example synthesis: values that satisfy the description's schemas (as Prism checks them)."""
import copy
import json
import re
from collections import OrderedDict


# Formats of synthesised example values (conformance cases).
EXAMPLE_UUID = "123e4567-e89b-12d3-a456-426614174000"
EXAMPLE_FORMATS = {"email": "user@example.com", "uuid": EXAMPLE_UUID, "date-time": "2024-01-01T00:00:00Z",
                   "date": "2024-01-01", "uri": "https://example.com", "url": "https://example.com"}

FMT_RE = {
    "email": re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$"),
    "uuid": re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"),
    "date-time": re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$", re.I),
    "date": re.compile(r"^\d{4}-\d\d-\d\d$"),
    "uri": re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:[^\s]*$"),
}


class Examples:
    """Example values that satisfy the description's schemas (as Prism checks them: OpenAPI 3.0 + formats)."""

    def __init__(self, g):
        self.g = g

    def deref(self, s):
        return self.g.deref(s)

    # -- validation (a small OpenAPI 3.0 schema checker) --
    def errors(self, v, s, path="$", depth=0):
        s = self.deref(s)
        if depth > 40:
            return []
        errs = []
        if v is None:
            if s.get("nullable") or s.get("type") is None and not s.get("allOf") and not s.get("oneOf") and \
                    not s.get("anyOf") and not s.get("properties"):
                return []
            if not s.get("nullable"):
                return ["%s: null not allowed" % path]
        for part in s.get("allOf", []):
            errs += self.errors(v, part, path, depth + 1)
        if "oneOf" in s:
            n = sum(1 for x in s["oneOf"] if not self.errors(v, x, path, depth + 1))
            if n != 1:
                errs.append("%s: matches %d of oneOf" % (path, n))
        if "anyOf" in s:
            if not any(not self.errors(v, x, path, depth + 1) for x in s["anyOf"]):
                errs.append("%s: matches none of anyOf" % path)
        t = s.get("type")
        ok = {"string": lambda x: isinstance(x, str),
              "integer": lambda x: isinstance(x, int) and not isinstance(x, bool),
              "number": lambda x: isinstance(x, (int, float)) and not isinstance(x, bool),
              "boolean": lambda x: isinstance(x, bool),
              "object": lambda x: isinstance(x, dict),
              "array": lambda x: isinstance(x, list)}
        if t in ok and not ok[t](v):
            return errs + ["%s: expected %s" % (path, t)]
        if "enum" in s and v not in s["enum"]:
            errs.append("%s: %r not in enum" % (path, v))
        if isinstance(v, str):
            fmt = s.get("format")
            if fmt in FMT_RE and not FMT_RE[fmt].match(v):
                errs.append("%s: not a %s" % (path, fmt))
            if "minLength" in s and len(v) < s["minLength"]:
                errs.append("%s: too short" % path)
            if "maxLength" in s and len(v) > s["maxLength"]:
                errs.append("%s: too long" % path)
            if "pattern" in s and not re.search(s["pattern"], v):
                errs.append("%s: does not match pattern" % path)
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            if "minimum" in s and v < s["minimum"]:
                errs.append("%s: below minimum" % path)
            if "maximum" in s and v > s["maximum"]:
                errs.append("%s: above maximum" % path)
        if isinstance(v, list):
            if "minItems" in s and len(v) < s["minItems"]:
                errs.append("%s: too few items" % path)
            if "maxItems" in s and len(v) > s["maxItems"]:
                errs.append("%s: too many items" % path)
            if isinstance(s.get("items"), dict):
                for i, x in enumerate(v):
                    errs += self.errors(x, s["items"], "%s[%d]" % (path, i), depth + 1)
        if isinstance(v, dict):
            props = s.get("properties", {})
            for r in s.get("required", []):
                if r not in v:
                    errs.append("%s: missing %s" % (path, r))
            for k, x in v.items():
                if k in props:
                    errs += self.errors(x, props[k], path + "." + k, depth + 1)
                elif s.get("additionalProperties") is False:
                    errs.append("%s: unexpected %s" % (path, k))
                elif isinstance(s.get("additionalProperties"), dict):
                    errs += self.errors(x, s["additionalProperties"], path + "." + k, depth + 1)
        return errs

    # -- synthesis --
    def synth(self, s, name="", depth=0, rich=False):
        """A value for schema s: its example if valid, else built from the required properties (and, when
        rich, the optional ones that have an example)."""
        s = self.deref(s)
        if depth > 12:
            return None
        if "example" in s and not self.errors(s["example"], s):
            return copy.deepcopy(s["example"])
        if s.get("allOf"):
            merged = self.merged(s)
            return self.synth(merged, name, depth + 1, rich)
        un = s.get("oneOf") or s.get("anyOf")
        if un:
            base = {k: v for k, v in s.items() if k not in ("oneOf", "anyOf", "discriminator")}
            for variant in un:
                cand = self.synth(self.combine(base, variant), name, depth + 1, rich)
                if not self.errors(cand, s):
                    return cand
            return self.synth(self.combine(base, un[0]), name, depth + 1, rich)
        t = s.get("type") or ("object" if s.get("properties") else None)
        if "enum" in s:
            vals = [x for x in s["enum"] if x is not None]
            if vals:
                return vals[0]
        if t == "string":
            return self.string_for(s, name)
        if t == "integer":
            return max(1, s.get("minimum", 1)) if s.get("maximum", 1) >= 1 else s.get("maximum")
        if t == "number":
            return 1.5 if s.get("maximum", 2) >= 1.5 else s.get("maximum")
        if t == "boolean":
            return True
        if t == "array":
            n = max(1, s.get("minItems", 1))
            return [self.synth(s.get("items") or {"type": "string"}, name, depth + 1) for _ in range(n)]
        if t == "object":
            out = OrderedDict()
            props = s.get("properties", {})
            for r in s.get("required", []):
                if r in props:
                    out[r] = self.synth(props[r], r, depth + 1, rich)
                else:
                    out[r] = "example"
            if rich:
                for k, ps in props.items():
                    if k in out:
                        continue
                    pd = self.deref(ps)
                    if "example" not in pd and not (pd.get("properties") and pd.get("type") in (None, "object")):
                        continue
                    val = self.synth(ps, k, depth + 1, rich)
                    if val in ({}, None):
                        continue
                    trial = OrderedDict(out)
                    trial[k] = val
                    if not self.errors(trial, s):
                        out = trial
            return out
        return "example"

    def string_for(self, s, name):
        fmt = s.get("format")
        if fmt in EXAMPLE_FORMATS:
            return EXAMPLE_FORMATS[fmt]
        if name == "email" or name.endswith("_email"):
            return "user@example.com"
        if name == "id" or name.endswith("_id") or name.endswith("_identifier"):
            return "123"
        if name == "phone" or name.endswith("phone_number"):
            return "+15551234567"
        if name in ("url", "link") or name.endswith("_url"):
            return "https://example.com"
        v = "example"
        if "minLength" in s and len(v) < s["minLength"]:
            v = v * (s["minLength"] // len(v) + 1)
        if "maxLength" in s:
            v = v[:s["maxLength"]]
        return v

    def combine(self, base, variant):
        variant = self.deref(variant)
        out = dict(self.merged(base)) if base else {}
        v = self.merged(variant)
        props = OrderedDict(out.get("properties", {}))
        for k, x in v.get("properties", {}).items():
            props[k] = x
        out["properties"] = props
        out["required"] = list(OrderedDict.fromkeys(out.get("required", []) + v.get("required", [])))
        if v.get("additionalProperties") is False:
            out["additionalProperties"] = False
        if "type" not in out and "type" in v:
            out["type"] = v["type"]
        for k in ("oneOf", "anyOf"):
            if k in v:
                out[k] = v[k]
        return out

    def merged(self, s):
        s = self.deref(s)
        if not s.get("allOf"):
            return s
        out = {"type": "object", "properties": OrderedDict(), "required": []}
        for part in s["allOf"] + [{k: v for k, v in s.items() if k != "allOf"}]:
            p = self.merged(part)
            for k, x in p.get("properties", {}).items():
                out["properties"][k] = x
            out["required"] += [r for r in p.get("required", []) if r not in out["required"]]
            for k in ("oneOf", "anyOf", "nullable", "additionalProperties"):
                if k in p:
                    out[k] = p[k]
        return out

    # -- fixing a given example so that it satisfies the schema --
    def fix(self, v, s, name="", depth=0):
        s = self.deref(s)
        if depth > 30:
            return v
        if not self.errors(v, s):
            return v
        if v is None:
            return self.synth(s, name, depth + 1)
        if s.get("allOf"):
            return self.fix(v, self.merged(s), name, depth + 1)
        un = s.get("oneOf") or s.get("anyOf")
        if un:
            base = {k: x for k, x in s.items() if k not in ("oneOf", "anyOf", "discriminator")}
            best, score = None, None
            for variant in un:
                full = self.combine(base, variant) if (base.get("properties") or self.g.objectish(variant)) \
                    else self.deref(variant)
                cand = self.fix(copy.deepcopy(v), full, name, depth + 1)
                if isinstance(cand, dict) and isinstance(v, dict):
                    kept = len(set(cand) & set(v))
                    sc = (not self.errors(cand, s), kept, -len(self.errors(cand, s)))
                else:
                    sc = (not self.errors(cand, s), 0, -len(self.errors(cand, s)))
                if score is None or sc > score:
                    best, score = cand, sc
            if isinstance(best, dict) and "oneOf" in s:
                # oneOf: drop optional keys that let another variant match too
                for k in list(best):
                    if not any(e.endswith("of oneOf") for e in self.errors(best, s)):
                        break
                    trial = OrderedDict((a, b) for a, b in best.items() if a != k)
                    if len(self.errors(trial, s)) < len(self.errors(best, s)):
                        best = trial
            return best
        t = s.get("type") or ("object" if s.get("properties") else None)
        if "enum" in s and v not in s["enum"]:
            vals = [x for x in s["enum"] if x is not None]
            if t == "string" and str(v) in vals:
                return str(v)
            return vals[0] if vals else v
        if t == "string":
            if not isinstance(v, str):
                v = json.dumps(v) if isinstance(v, (dict, list, bool)) else str(v)
            fmt = s.get("format")
            if fmt in FMT_RE and not FMT_RE[fmt].match(v):
                v = EXAMPLE_FORMATS[fmt]
            if self.errors(v, s) and not (fmt in FMT_RE and FMT_RE[fmt].match(v)):
                v = self.string_for(s, name)
            return v
        if t == "integer":
            if isinstance(v, str) and re.match(r"^-?\d+$", v):
                v = int(v)
            if not (isinstance(v, int) and not isinstance(v, bool)) or self.errors(v, s):
                v = self.synth(s, name, depth + 1)
            return v
        if t == "number":
            if isinstance(v, str):
                try:
                    v = float(v)
                except ValueError:
                    v = 1.5
            if not isinstance(v, (int, float)) or isinstance(v, bool) or self.errors(v, s):
                v = self.synth(s, name, depth + 1)
            return v
        if t == "boolean":
            return v if isinstance(v, bool) else (str(v).lower() == "true")
        if t == "array":
            if not isinstance(v, list):
                v = [v]
            it = s.get("items") or {}
            v = [self.fix(x, it, name, depth + 1) for x in v]
            if "maxItems" in s:
                v = v[:s["maxItems"]]
            while len(v) < s.get("minItems", 0):
                v.append(self.synth(it, name, depth + 1))
            return v
        if t == "object":
            if not isinstance(v, dict):
                return self.synth(s, name, depth + 1)
            props = s.get("properties", {})
            out = OrderedDict()
            for k, x in v.items():
                if k in props:
                    out[k] = self.fix(x, props[k], k, depth + 1)
                elif s.get("additionalProperties") is False:
                    continue
                elif isinstance(s.get("additionalProperties"), dict):
                    out[k] = self.fix(x, s["additionalProperties"], k, depth + 1)
                else:
                    out[k] = x
            for r in s.get("required", []):
                if r not in out:
                    out[r] = self.synth(props.get(r, {"type": "string"}), r, depth + 1)
            return out
        return v


def first_example(media):
    if not media:
        return None
    if "example" in media:
        return copy.deepcopy(media["example"])
    for ex in (media.get("examples") or {}).values():
        if isinstance(ex, dict) and "value" in ex:
            return copy.deepcopy(ex["value"])
    return None
