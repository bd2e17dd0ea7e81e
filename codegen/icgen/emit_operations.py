"""Emitter: C operations (params structs, functions, async twins, pagers, ic_operation tables)."""
from .cgen import emit_type_tables, member_decl
from .util import HEADER, c_string, doc1


def op_signature(o, async_=False):
    pdecl = "const intercom_%s_params *params, " % o.fn if o.params else ""
    if async_:
        return ("intercom_code intercom_async_%s(intercom_async_client *client, %sconst intercom_request_options *ro,\n"
                "    intercom_callback cb, void *payload)" % (o.fn, pdecl))
    out = "intercom_%s **out, " % o.rtype if o.rtype else ""
    return ("intercom_code intercom_%s(intercom_client *client, %sconst intercom_request_options *ro,\n"
            "    %sintercom_error *err)" % (o.fn, pdecl, out))


def emit_ops(g, ops):
    h = [HEADER, "/**\n * @file operations.h\n * @brief Every operation of the Intercom API (%d): a params struct, a "
                 "sync function and an async twin each.\n *\n * See docs/api.md for the list and codegen/FORMAT.md for "
                 "the rules. Params structs start zeroed\n * (`= {0}` in C, `{}` in C++); strings and values in them are "
                 "borrowed for the call.\n */\n" % len(ops),
         "#ifndef INTERCOM_GENERATED_OPERATIONS_H\n#define INTERCOM_GENERATED_OPERATIONS_H\n\n",
         '#include "../async.h"\n#include "../client.h"\n#include "../pagination.h"\n#include "models.h"\n\n#ifdef __cplusplus\nextern "C" {\n#endif\n\n']
    c = [HEADER, "#include <stddef.h>\n#include \"../runtime/internal.h\"\n\n"]
    for o in ops:
        fn = o.fn
        pt = o.params
        dep = "INTERCOM_DEPRECATED " if o.deprecated else ""
        if pt:
            h.append("/** Parameters of intercom_%s() (`%s %s`). */\ntypedef struct intercom_%s_params {\n"
                     % (fn, o.method, o.path, fn))
            for f in pt.fields:
                h.append(member_decl(f))
            h.append("    uint8_t %s; /**< 1: send; 2: send null (nullable fields); 0: omit */\n"
                     % ", ".join(f.state for f in pt.fields))
            h.append("} intercom_%s_params;\n" % fn)
            h.append("INTERCOM_EXTERN extern const intercom_type intercom_%s_params_type;\n\n" % fn)
        summary = doc1(o.summary, 160)
        lines = ["/** %s (`%s %s`)%s." % (summary.rstrip("."), o.method, o.path,
                                          ", deprecated: sent with Intercom-Version %s" % o.api_version
                                          if o.api_version else "")]
        if o.deprecated:
            lines.append(" * @deprecated Removed from the API after 2.11; kept for the seed's users.")
        if pt:
            req = [f.json for f in pt.fields if f.required]
            lines.append(" * @param params %s" % ("required: " + ", ".join(req) if req else "optional fields"))
        lines.append(" * @param ro     per-request options, or NULL")
        if o.rtype:
            lines.append(" * @param out    receives a new intercom_%s; free with intercom_%s_free()" % (o.rtype, o.rtype))
        elif o.raw:
            lines.append(" * The %s body is not decoded: read it with ro->raw_response or ro->on_body." % o.accept)
        else:
            lines.append(" * The 2xx response has no JSON body (ro->raw_response gives the response).")
        lines.append(" * @param err    details on failure, or NULL\n */")
        h.append("\n".join(lines) + "\n")
        h.append("%sINTERCOM_EXTERN %s;\n" % (dep, op_signature(o)))
        h.append("/** Async intercom_%s(): @p cb receives %s. */\n"
                 % (fn, "an intercom_%s * (owned by the callback)" % o.rtype if o.rtype else "NULL as result"))
        h.append("%sINTERCOM_EXTERN %s;\n\n" % (dep, op_signature(o, True)))
        pg = o.paging
        if pg:
            item = o.paging_item
            pp = "const intercom_%s_params *params, " % fn
            h.append("/** A pager over every %s of intercom_%s() (%s pages%s; see pagination.h).\n"
                     " * Free with intercom_pager_free(). */\n"
                     "INTERCOM_EXTERN intercom_code intercom_%s_pager(intercom_pager **out, intercom_client *client, %s"
                     "const intercom_request_options *ro, intercom_error *err);\n"
                     % (pg.items, fn, pg.kind.lower(), ", per_page at most %d" % pg.per_page_max if pg.per_page_max else "", fn, pp))
            h.append("/** The next intercom_%s (borrowed, valid until the pager fetches another page); 0 at the end or "
                     "on error (err->code). */\n"
                     "INTERCOM_EXTERN int intercom_%s_next(intercom_pager *pager, intercom_%s **item, intercom_error *err);\n"
                     % (item, fn, item))
            h.append("/** The next whole page (owned: intercom_%s_free()), or NULL after the last. */\n"
                     "INTERCOM_EXTERN intercom_code intercom_%s_next_page(intercom_pager *pager, intercom_%s **page, "
                     "intercom_error *err);\n" % (o.rtype, fn, o.rtype))
            h.append("/** Every page, one after another, through the async client (see intercom_async_pages()). */\n"
                     "INTERCOM_EXTERN intercom_code intercom_async_%s_pages(intercom_async_client *client, %s"
                     "const intercom_request_options *ro, intercom_page_callback cb, void *payload);\n\n" % (fn, pp))
        if pt:
            emit_type_tables(pt, "intercom_%s_params" % fn, "%s_params" % fn, c, "IC_T_PARAMS",
                             "intercom_%s_params_type" % fn)
        flags = []
        if o.has_body:
            flags.append("IC_OP_HAS_BODY")
        if o.body_required:
            flags.append("IC_OP_BODY_REQUIRED")
        if o.deprecated:
            flags.append("IC_OP_DEPRECATED")
        if o.raw:
            flags.append("IC_OP_RAW")
        pg = o.paging
        paging = (",\n    .page_kind = IC_PAGE_%s, .page_items = %s, .per_page_max = %d"
                  % (pg.kind, c_string(pg.items), pg.per_page_max)) if pg else ""
        c.append("static const ic_operation op_%s = {\n    .name = %s, .method = %s, .path = %s,\n"
                 "    .api_version = %s, .params = %s, .response = %s,\n    .accept = %s, .flags = %s,\n"
                 "    .summary = %s%s};\n"
                 % (fn, c_string(o.name), c_string(o.method), c_string(o.path),
                    c_string(o.api_version) if o.api_version else "NULL",
                    "&intercom_%s_params_type" % fn if pt else "NULL",
                    "&intercom_%s_type" % o.rtype if o.rtype else "NULL",
                    c_string(o.accept) if o.accept else "NULL", " | ".join(flags) or "0",
                    c_string(doc1(o.summary, 160)), paging))
        c.append("%s {\n    return ic_call(client, &op_%s, %s, ro, %s, err);\n}\n"
                 % (op_signature(o), fn, "params" if pt else "NULL", "(void **)out" if o.rtype else "NULL"))
        c.append("%s {\n    return ic_call_async(client, &op_%s, %s, ro, cb, payload);\n}\n\n"
                 % (op_signature(o, True), fn, "params" if pt else "NULL"))
        if o.paging:
            pp = "const intercom_%s_params *params, " % fn
            c.append("intercom_code intercom_%s_pager(intercom_pager **out, intercom_client *client, %s"
                     "const intercom_request_options *ro, intercom_error *err) {\n"
                     "    return ic_pager_new(out, client, &op_%s, params, ro, err);\n}\n" % (fn, pp, fn))
            c.append("int intercom_%s_next(intercom_pager *pager, intercom_%s **item, intercom_error *err) {\n"
                     "    return intercom_pager_next(pager, (void **)item, err);\n}\n" % (fn, o.paging_item))
            c.append("intercom_code intercom_%s_next_page(intercom_pager *pager, intercom_%s **page, intercom_error *err) {\n"
                     "    return intercom_pager_next_page(pager, (void **)page, err);\n}\n" % (fn, o.rtype))
            c.append("intercom_code intercom_async_%s_pages(intercom_async_client *client, %s"
                     "const intercom_request_options *ro, intercom_page_callback cb, void *payload) {\n"
                     "    return ic_async_pages(client, &op_%s, params, ro, cb, payload);\n}\n\n" % (fn, pp, fn))
    h.append("#ifdef __cplusplus\n}\n#endif\n#endif\n")
    c.append("/* every operation, sorted by name: the CLI's table */\n")
    c.append("const ic_operation *const ic_all_operations[] = {\n%s    NULL,\n};\n"
             % "".join("    &op_%s,\n" % o.fn for o in ops))
    return "".join(h), "".join(c)
