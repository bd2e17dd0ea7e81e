# SPDX-License-Identifier: MIT
"""Operations: params types (parameters + flattened body) and response types of every operation."""
from collections import OrderedDict

from .model import Field, Type
from .openapi import accept_of, op_parameters, redirect_of, response_schema
from .util import GenError, cpart, refname


def build_operations(g, ops, path_ids_as_strings):
    """Params type (parameters + the flattened body), flags and response type of every operation."""
    for o in ops:
        fn = o.fn
        op = o.op
        pt = Type(fn + "_params", "params", "Parameters of intercom_%s()." % fn)
        pt.origin = "%s %s" % (o.method, o.path)
        pfields = []
        for x in op_parameters(o.pi, op):
            if "$ref" in x:
                raise GenError("parameter $ref not supported (%s)" % o.path)
            if x.get("in") == "header" and x["name"].lower() in ("intercom-version", "accept"):
                continue
            sch = x.get("schema", {})
            where = {"path": "PATH", "query": "QUERY", "header": "HEADER"}[x["in"]]
            if where == "QUERY" and g.deref(sch).get("type") == "object" and x.get("explode", True) and \
                    x.get("style", "form") == "form" and g.objectish(sch):
                # form/explode object: each property is its own query parameter
                props, req, leaves, _ = g.collect(sch)
                allp = OrderedDict(props)
                for leaf in leaves or []:
                    for k, defs in leaf.props.items():
                        allp.setdefault(k, defs)
                for k, defs in allp.items():
                    kind, arr, tn, _ = g.shape(defs[-1], fn + "_params_" + cpart(k))
                    f = Field(k, kind, arr, tn, False, False, "QUERY", x.get("description", "") or
                              defs[-1].get("description", ""))
                    f.schema = defs[-1]
                    f.example = None
                    f.group = (x["name"], bool(x.get("required")))
                    pfields.append(f)
                continue
            if where == "QUERY" and g.deref(sch).get("type") == "string" and "properties" in sch:
                sch = {k: v for k, v in sch.items() if k not in ("properties", "required")}
            kind, arr, tn, _ = g.shape(sch, fn + "_params_" + cpart(x["name"]))
            if where == "PATH" and path_ids_as_strings:
                kind, arr, tn = "STRING", False, None
            if kind == "OBJECT" or (arr and kind in ("OBJECT", "JSON")):
                g.unrepresented.append("%s %s: %s parameter %s is an object (sent as JSON text)"
                                       % (o.method, o.path, x["in"], x["name"]))
            f = Field(x["name"], kind, arr, tn, False, bool(x.get("required")) or where == "PATH", where,
                      x.get("description", "") or sch.get("description", ""), bool(x.get("deprecated")))
            f.schema = sch
            f.example = x.get("example", sch.get("example"))
            f.also_query = bool(x.get("x-also-query"))
            pfields.append(f)
        body = None
        rb = op.get("requestBody")
        has_body = False
        if rb:
            js = rb.get("content", {}).get("application/json")
            if js is None and "multipart/form-data" in rb.get("content", {}):
                # multipart/form-data (the Preview's catalog upload): the body's properties are the parts;
                # a `format: binary` string is a file part (IC_K_FILE, an intercom_file)
                js = rb["content"]["multipart/form-data"]
                o.multipart = True
            if js is None:
                raise GenError("%s %s: request body is not JSON" % (o.method, o.path))
            body = js.get("schema", {})
            has_body = True
        o.has_body = has_body
        o.body_required = bool(rb and rb.get("required"))
        o.body_schema = body
        o.body_media = (rb.get("content", {}).get("application/json") or
                        rb.get("content", {}).get("multipart/form-data")) if rb else None
        if body is not None and not g.objectish(body):
            if g.deref(body).get("type") not in (None, "object"):
                raise GenError("%s %s: body is not an object" % (o.method, o.path))
        if body is not None:
            props, req, leaves, disc = g.collect(body)
            g.fill_fields(pt, props, req, leaves, disc, owner=fn + "_params", prefix_fields=pfields)
            if o.multipart:
                for f in pt.fields:
                    if f.where == "BODY" and any(g.deref(s).get("format") == "binary" for s in props.get(f.json, [])):
                        f.kind = "FILE"
            # a path/query parameter whose name a body property also has gets the suffix _path/_query
            bodyc = {f.c for f in pt.fields if f.where == "BODY"}
            bodyj = {f.json for f in pt.fields if f.where == "BODY"}
            for f in pt.fields:
                if f.where != "BODY" and f.c in bodyc:
                    f.c = f.c + "_" + f.where.lower()
                if f.where != "BODY" and f.json in bodyj:
                    # one name per params field (params JSON, the CLI's flags, the descriptor lookup): a path
                    # parameter is `<name>_path` there too, its placeholder in the path stays `{<name>}`
                    # (request.c build_url); a query parameter cannot be renamed on the wire
                    if f.where != "PATH":
                        raise GenError("%s %s: %s parameter %s is also a body property" % (o.method, o.path,
                                                                                            f.where.lower(), f.json))
                    f.wire, f.json = f.json, f.json + "_path"
        else:
            pt.fields = pfields
        g.layout(pt)
        o.params = pt if pt.fields else None
        # response
        accept, raw = accept_of(op)
        o.accept = accept
        o.raw = raw
        o.redirect = redirect_of(op)
        rs = None if raw else response_schema(op)
        rtype = None
        if rs is not None:
            if "$ref" in rs:
                k, a, tn, _ = g.component_shape(refname(rs))
                if k == "OBJECT" and not a:
                    rtype = tn
            elif g.objectish(rs):
                rtype = g.object_type(rs, fn + "_response", origin="%s %s response" % (o.method, o.path))
            elif g.deref(rs).get("type") == "array":
                # a top-level JSON array: a wrapper type with one array field named "" (see FORMAT.md)
                kind, arr, tn, _ = g.shape(g.deref(rs).get("items", {}), fn + "_response_item")
                if not arr:
                    name = g.names.new_type_name(fn + "_response", "object")
                    t = Type(name, "object", "The top-level JSON array answered by %s %s." % (o.method, o.path))
                    t.origin = "%s %s response" % (o.method, o.path)
                    f = Field("", kind, True, tn, False, False, "BODY", "The array's elements.")
                    f.c = "items"
                    t.fields = [f]
                    g.layout(t)
                    g.types[name] = t
                    rtype = name
            if rtype is None:
                g.unrepresented.append("%s %s (%s): the 2xx body is a %s, not an object: no typed response "
                                       "(read it through ro->raw_response)"
                                       % (o.method, o.path, o.name, g.deref(rs).get("type", "value")))
        o.rtype = rtype
        o.summary = op.get("summary", "") or o.name
