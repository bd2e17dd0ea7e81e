# SPDX-License-Identifier: MIT
"""Small readers of an OpenAPI operation object shared by several stages."""
import re


def response_schema(o):
    for code in sorted(o.get("responses", {})):
        if not code.startswith("2"):
            continue
        r = o["responses"][code]
        js = r.get("content", {}).get("application/json")
        if js and "schema" in js:
            return js["schema"]
    return None


def op_parameters(pi, o):
    out = []
    seen = set()
    for x in o.get("parameters", []):
        out.append(x)
        seen.add((x.get("name"), x.get("in")))
    for x in pi.get("parameters", []):
        if (x.get("name"), x.get("in")) not in seen:
            out.append(x)
    return out


def redirect_of(o):
    """-> whether the operation's success answer is a redirect: a 3xx response with a Location header and
    no 2xx response."""
    rs = o.get("responses", {})
    if any(c.startswith("2") for c in rs):
        return False
    return any(c.startswith("3") and any(h.lower() == "location" for h in (r.get("headers") or {}))
               for c, r in rs.items())


def accept_of(o):
    """-> (accept media type or None, raw?) for the 2xx body."""
    for code in sorted(o.get("responses", {})):
        if not code.startswith("2"):
            continue
        r = o["responses"][code]
        cts = list(r.get("content", {}).keys())
        if cts and "application/json" not in cts:
            return cts[0], True
    for x in o.get("parameters", []):
        if x.get("in") == "header" and x.get("name", "").lower() == "accept":
            en = x.get("schema", {}).get("enum") or [x.get("schema", {}).get("example")]
            if en and en[0]:
                return en[0], True
    d = o.get("description", "")
    m = re.search(r"Accept:\s*`?([a-z]+/[a-z0-9.+-]+)`?", d)
    if m and m.group(1) != "application/json":
        return m.group(1), True
    return None, False
