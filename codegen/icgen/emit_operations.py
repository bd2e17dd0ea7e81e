# SPDX-License-Identifier: MIT
"""Emitter: C operations. One unit per operation (params struct + INIT + descriptor, sync function, async
twin, pager functions; its ic_operation table and wrappers), written into one generated/<resource>.h per
resource (the first word of the operation's name), the umbrella generated/operations.h, and operations.c."""
from collections import OrderedDict

from .cgen import comment, doxy, emit_type_tables, fit, macro, member_decl, wrap_decl
from .emit_models import close_header, open_header
from .util import HEADER, c_string, doc1, docs_file, namespace, table_symbol


def op_signature(o, P, async_=False):
    pdecl = "const %s%s_params *params, " % (P, o.fn) if o.params else ""
    if async_:
        return ("intercom_code %sasync_%s(intercom_async_client *client, %sconst intercom_request_options *ro, "
                "intercom_callback cb, void *payload)" % (P, o.fn, pdecl))
    out = "%s%s **out, " % (P, o.rtype) if o.rtype else ""
    return ("intercom_code %s%s(intercom_client *client, %sconst intercom_request_options *ro, %sintercom_error *err)"
            % (P, o.fn, pdecl, out))


def op_decls(g, o, P):
    fn, pt = o.fn, o.params
    dep = "INTERCOM_DEPRECATED " if o.deprecated else ""
    h = []
    if pt:
        n = "%s%s_params" % (P, fn)
        h.append(comment("Parameters of %s%s() (`%s %s`). Start from %s_INIT; set scalars with INTERCOM_SET()."
                         % (P, fn, o.method, o.path, n.upper())))
        h.append("typedef struct %s {\n" % n)
        # params structs (written by the caller, one per call): each presence member right after its value
        h.append("".join(member_decl(f, P) for f in pt.fields))
        h.append("} %s;\n" % n)
        h.append(comment("Descriptor of %s." % n) + fit("INTERCOM_EXTERN extern const intercom_type %s_descriptor;" % n))
        h.append(comment("Initializer of %s: everything absent (C and C++)." % n))
        h.append(macro("%s_INIT" % n.upper(), "INTERCOM_PARAMS_INIT(%s)" % n) + "\n")
    summary = doxy(doc1(o.summary, 160))
    lines = ["/**", " * %s (`%s %s`)%s." % (summary.rstrip("."), o.method, o.path,
                                            (", deprecated: sent with Intercom-Version %s" if o.deprecated else
                                             ", sent with Intercom-Version %s") % o.api_version
                                            if o.api_version else "")]
    if o.deprecated and o.source == "2.11":
        lines.append(" * @deprecated Removed from the API after 2.11; kept for the seed's users.")
    lines.append(" * @param client the client")
    if pt:
        req = [f.json for f in pt.fields if f.required]
        lines.append(" * @param params %s" % ("required: " + ", ".join(req) if req else "optional fields"))
    lines.append(" * @param ro     per-request options, or NULL")
    if o.rtype:
        lines.append(" * @param out    receives a new %s%s; free with %s%s_free()" % (P, o.rtype, P, o.rtype))
    elif o.raw:
        lines.append(" * The %s body is not decoded: read it with ro->raw_response or ro->on_body." % o.accept)
    else:
        lines.append(" * The 2xx response has no JSON body (ro->raw_response gives the response).")
    lines.append(" * @param err    details on failure, or NULL")
    lines.append(" * @return INTERCOM_OK, or the error code (err says why)\n */")
    h.append(wrap_comment_lines(lines))
    h.append(wrap_decl("%sINTERCOM_EXTERN %s;" % (dep, op_signature(o, P))))
    h.append(comment("Async %s%s(): @p cb receives %s. @param client the async client%s @param ro per-request "
                     "options, or NULL @param cb the callback @param payload passed to @p cb @return INTERCOM_OK "
                     "when queued" % (P, fn, "an %s%s * (owned by the callback)" % (P, o.rtype) if o.rtype
                                      else "NULL as result", " @param params as for the sync call" if pt else "")))
    h.append(wrap_decl("%sINTERCOM_EXTERN %s;" % (dep, op_signature(o, P, True))))
    h.append("\n")
    pg = o.paging
    if pg:
        item = o.paging_item
        pp = "const %s%s_params *params, " % (P, fn)
        h.append(comment("A pager over every %s of %s%s() (%s pages%s; see pagination.h). Free with "
                         "intercom_pager_free(). @param out receives the pager @param client the client "
                         "@param params as for %s%s() @param ro per-request options, or NULL @param err details on "
                         "failure, or NULL @return INTERCOM_OK or the error code"
                         % (pg.items, P, fn, pg.kind.lower(),
                            ", per_page at most %d" % pg.per_page_max if pg.per_page_max else "", P, fn)))
        h.append(wrap_decl("INTERCOM_EXTERN intercom_code %s%s_pager(intercom_pager **out, intercom_client *client, %s"
                           "const intercom_request_options *ro, intercom_error *err);" % (P, fn, pp)))
        h.append(comment("The next %s%s of the pager (borrowed, valid until the pager fetches another page). "
                         "@param pager the pager @param item receives the item @param err details on failure, "
                         "or NULL @return 1 with an item; 0 at the end or on error (err->code)" % (P, item)))
        h.append(wrap_decl("INTERCOM_EXTERN int %s%s_next(intercom_pager *pager, %s%s **item, intercom_error *err);"
                           % (P, fn, P, item)))
        h.append(comment("The next whole page (owned: %s%s_free()), or NULL after the last. @param pager the pager "
                         "@param page receives the page @param err details on failure, or NULL "
                         "@return INTERCOM_OK or the error code" % (P, o.rtype)))
        h.append(wrap_decl("INTERCOM_EXTERN intercom_code %s%s_next_page(intercom_pager *pager, %s%s **page, "
                           "intercom_error *err);" % (P, fn, P, o.rtype)))
        h.append(comment("Every page, one after another, through the async client (see intercom_async_pages()). "
                         "@param client the async client @param params as for %s%s() @param ro per-request options, "
                         "or NULL @param cb called with each page @param payload passed to @p cb "
                         "@return INTERCOM_OK when queued" % (P, fn)))
        h.append(wrap_decl("INTERCOM_EXTERN intercom_code %sasync_%s_pages(intercom_async_client *client, %s"
                           "const intercom_request_options *ro, intercom_page_callback cb, void *payload);"
                           % (P, fn, pp)))
        h.append("\n")
    return "".join(h)


def wrap_comment_lines(lines, width=120):
    out = []
    for l in lines:
        if len(l) <= width:
            out.append(l)
            continue
        words, cur = l.split(" "), ""
        for w in words:
            if cur and len(cur) + 1 + len(w) > width:
                out.append(cur)
                cur = " *   " + w
            else:
                cur = (cur + " " + w) if cur else w
        out.append(cur)
    return "\n".join(out) + "\n"


def op_defs(g, o, P):
    fn, pt = o.fn, o.params
    c = []
    if pt:
        emit_type_tables(pt, "%s%s_params" % (P, fn), "%s_params" % fn, c, "IC_T_PARAMS",
                         "%s%s_params_descriptor" % (P, fn), "%s_params" % fn, P)
    flags = []
    if o.has_body:
        flags.append("IC_OP_HAS_BODY")
    if o.multipart:
        flags.append("IC_OP_MULTIPART")
    if o.body_required:
        flags.append("IC_OP_BODY_REQUIRED")
    if o.deprecated:
        flags.append("IC_OP_DEPRECATED")
    if o.raw:
        flags.append("IC_OP_RAW")
    if o.redirect:
        flags.append("IC_OP_REDIRECT")
    pg = o.paging
    paging = (",\n    .page_kind = IC_PAGE_%s, .page_items = %s, .per_page_max = %d"
              % (pg.kind, c_string(pg.items), pg.per_page_max)) if pg else ""
    c.append("static const ic_operation op_%s = {\n    .name = %s, .method = %s, .path = %s,\n"
             "    .api_version = %s, .params = %s, .response = %s,\n    .accept = %s, .flags = %s,\n"
             "    .summary = %s%s};\n"
             % (fn, c_string(o.name), c_string(o.method), c_string(o.path),
                c_string(o.api_version) if o.api_version else "NULL",
                "&%s%s_params_descriptor" % (P, fn) if pt else "NULL",
                "&%s%s_descriptor" % (P, o.rtype) if o.rtype else "NULL",
                c_string(o.accept) if o.accept else "NULL", " | ".join(flags) or "0",
                c_string(doc1(o.summary, 160)), paging))
    c.append("%s {\n    return ic_call(client, &op_%s, %s, ro, %s, err);\n}\n"
             % (op_signature(o, P), fn, "params" if pt else "NULL", "(void **)out" if o.rtype else "NULL"))
    c.append("%s {\n    return ic_call_async(client, &op_%s, %s, ro, cb, payload);\n}\n\n"
             % (op_signature(o, P, True), fn, "params" if pt else "NULL"))
    if pg:
        pp = "const %s%s_params *params, " % (P, fn)
        c.append("intercom_code %s%s_pager(intercom_pager **out, intercom_client *client, %s"
                 "const intercom_request_options *ro, intercom_error *err) {\n"
                 "    return ic_pager_new(out, client, &op_%s, params, ro, err);\n}\n" % (P, fn, pp, fn))
        c.append("int %s%s_next(intercom_pager *pager, %s%s **item, intercom_error *err) {\n"
                 "    return intercom_pager_next(pager, (void **)item, err);\n}\n" % (P, fn, P, o.paging_item))
        c.append("intercom_code %s%s_next_page(intercom_pager *pager, %s%s **page, intercom_error *err) {\n"
                 "    return intercom_pager_next_page(pager, (void **)page, err);\n}\n" % (P, fn, P, o.rtype))
        c.append("intercom_code %sasync_%s_pages(intercom_async_client *client, %s"
                 "const intercom_request_options *ro, intercom_page_callback cb, void *payload) {\n"
                 "    return ic_async_pages(client, &op_%s, params, ro, cb, payload);\n}\n\n" % (P, fn, pp, fn))
    return "".join(c)


def resource_of(o):
    return o.name.split(".")[0]


def emit_ops(g, ops):
    """-> (OrderedDict header path -> text, operations.c text)."""
    P = g.names.prefix
    files = OrderedDict()
    groups = OrderedDict()
    for o in ops:
        groups.setdefault(resource_of(o), []).append(o)
    for res in sorted(groups):
        rel = "generated/%s.h" % res
        h = open_header(P, rel, "The `%s` operations (%d): params structs, sync functions, async twins%s. "
                        "See %s." % (res, len(groups[res]),
                                              ", pagers" if any(o.paging for o in groups[res]) else "", docs_file(P)),
                        ['"../async.h"', '"../client.h"', '"../pagination.h"'] +
                        (['"../file.h"'] if any(o.multipart for o in groups[res]) else []) + ['"models.h"'])
        for o in groups[res]:
            h.append(op_decls(g, o, P))
        h.append(close_header())
        files["include/intercom/" + rel] = "".join(h)
    h = open_header(P, "generated/operations.h", "Every operation of the Intercom API (%d), one header per resource."
                    % len(ops), ['"%s.h"' % r for r in sorted(groups)])
    h.append(close_header())
    files["include/intercom/generated/operations.h"] = "".join(h)
    ns = namespace(P)
    tops, ttypes = table_symbol(P, "operations"), table_symbol(P, "types")
    c = [HEADER, "#include <stddef.h>\n#include \"../runtime/client.h\"\n%s\n"
         % ("#include \"intercom/%s.h\"\n" % ns if ns else "")]
    for o in ops:
        c.append(op_defs(g, o, P))
    c.append("/* every operation, sorted by name: this namespace's table, handed to the runtime's registry */\n")
    c.append("IC_HIDDEN extern const ic_operation *const %s[];\n" % tops)
    c.append("const ic_operation *const %s[] = {\n%s    NULL,\n};\n"
             % (tops, "".join("    &op_%s,\n" % o.fn for o in ops)))
    c.append("\n/* The registry (src/runtime/registry.c) receives the tables before main: the runtime names no\n"
             " * generated symbol%s. The static archive's users link this file in through\n"
             " * -Wl,--undefined=%s (intercom.pc, the intercom_static target). */\n"
             "IC_HIDDEN extern const intercom_type *const %s[];\n"
             "static const ic_namespace ic_namespace_%s = {\"%s\", %s, %s};\n"
             "__attribute__((constructor)) static void ic_register_%s(void) "
             "{ ic_registry_add(&ic_namespace_%s); }\n"
             % ("; its operations are found as \"%s:<operation>\"" % ns if ns else "", tops, ttypes,
                ns or "stable", ns, tops, ttypes, ns or "stable", ns or "stable"))
    return files, "".join(c)
