"""Emitter: docs/api.md."""
import re
from collections import OrderedDict

from .naming import ACTION_PREFIXES, ACTION_SEGMENTS
from .util import GEN_LINE


def emit_docs(ops, hits, misses, clashes, override_report, renamed, dedup=None):
    out = ["<!-- %s -->\n" % GEN_LINE, "# libintercom API\n\n",
           "Every operation of the Intercom API %s (%d operations, plus the seed's deprecated "
           "`conversations.run_assignment_rules.create`, which 2.16 dropped): the operation's name, its "
           "C function and async twin, HTTP method and path, params struct and what it returns. Declarations are "
           "in `<intercom/generated/<resource>.h>` (the first word of the name; all included by `<intercom/intercom.h>`).\n\n"
           % ("2.16", len([o for o in ops if o.source == "2.16"])),
           "Every function returns an `intercom_code`; `params` is `const <params> *`; the typed result comes "
           "back through `out` and is freed with its `_free` function. Async twins take "
           "`(intercom_callback cb, void *payload)` instead of `out, err`.\n\n",
           "## Names\n\n",
           "The seed's 108 operations keep the seed's names (`../shared/seed/operations.tsv`, matched on method "
           "and 2.16 path). The other %d follow the rule the seed's names follow:\n\n"
           % len([o for o in ops if not o.seed_name]),
           "- the resource is the path's non-parameter segments joined by `.` (`/contacts/{contact_id}/tags` -> "
           "`contacts.tags`), with the seed's vocabulary (`/events` -> `data_events`);\n",
           "- a last segment that is an action (%s, or one starting with %s) is the method itself "
           "(`POST /contacts/{contact_id}/archive` -> `contacts.archive`);\n"
           % (", ".join("`%s`" % a for a in sorted(ACTION_SEGMENTS)), ", ".join("`%s`" % p for p in ACTION_PREFIXES)),
           "- otherwise the method comes from the HTTP verb: `GET` a path ending in a parameter -> `retrieve` "
           "(`list` when it returns a paged list), `GET` a collection -> `list` (`retrieve` when it returns a "
           "single object, as `GET /me`), `POST` -> `create`, `PUT`/`PATCH` -> `update`, `DELETE` -> `delete`;\n",
           "- when operations would get the same name, one with a required query parameter gets `_by_<it>`; "
           "of the others, the one with the fewest path parameters keeps the name and the rest get "
           "`_by_<their last path parameter>` (here: %s).\n\n" % ("; ".join(clashes) or "none"),
           "Applied to the seed's own 108 operations the rule gives the seed's name for %d; the seed's name differs "
           "for: %s.\n\n" % (len(hits), ", ".join("`%s` (rule: `%s`)" % m for m in sorted(misses))),
           "The C function is `intercom_` + the name with `.` -> `_`; the async twin `intercom_async_...`.\n\n"]
    groups = OrderedDict()
    for o in ops:
        groups.setdefault(o.name.split(".")[0], []).append(o)
    out.append("## Operations\n\n")
    for gname in sorted(groups):
        out.append("### %s\n\n" % gname)
        out.append("| operation | C function | async twin | method | path | params | returns |\n"
                   "| --- | --- | --- | --- | --- | --- | --- |\n")
        for o in groups[gname]:
            ret = ("`intercom_%s *`" % o.rtype) if o.rtype else (
                "raw `%s` body" % o.accept if o.raw else "(no body)")
            name = "`%s`" % o.name
            if o.deprecated:
                name += " (deprecated; sent as Intercom-Version %s)" % o.api_version if o.api_version else \
                    " (deprecated)"
            out.append("| %s | `intercom_%s` | `intercom_async_%s` | %s | `%s` | %s | %s |\n"
                       % (name, o.fn, o.fn, o.method, o.path,
                          "`intercom_%s_params`" % o.fn if o.params else "-", ret))
        out.append("\n")
    paged = [o for o in sorted(ops, key=lambda o: o.name) if o.paging]
    kinds = {"CURSOR": "cursor: `pages.next.starting_after` -> query `starting_after`",
             "NUMBER": "numbered: query `page` until `pages.total_pages`",
             "SEARCH": "search: body `pagination.starting_after`",
             "SCROLL": "scroll: `scroll_param` until an empty page"}
    out.append("## Pagination\n\n%d operations paginate; each has `intercom_<op>_pager()`, `intercom_<op>_next()`, "
               "`intercom_<op>_next_page()` and `intercom_async_<op>_pages()` (include/intercom/pagination.h). "
               "`per_page` above the maximum is refused before any request.\n\n"
               "| operation | kind | items | per_page max |\n| --- | --- | --- | --- |\n" % len(paged))
    for o in paged:
        k, items, mx = o.paging.kind, o.paging.items, o.paging.per_page_max
        out.append("| `%s` | %s | `%s` | %s |\n" % (o.name, kinds[k], items, mx or "not stated"))
    out.append("\n")
    if renamed:
        out.append("## Named types\n\n"
                   "Types `codegen/overrides.json` (`type_names`) names, where the description's name would clash with "
                   "the hand-written API or double a word, or to name a group of identical inline schemas: %s.\n\n"
                   % ", ".join("`%s` -> `intercom_%s`" % r for r in renamed))
    if dedup is not None:
        out.append("## One type per shape\n\n"
                   "Inline schemas with one canonical shape are one type (`codegen/FORMAT.md`); an inline schema shaped "
                   "like a component schema is that component's type. %d inline types were merged this way (%d groups "
                   "of identical generated types before, %d after).\n\n"
                   % (len(dedup.merged), dedup.groups_before, dedup.groups_after))
        out.append("What stays duplicated is what the description itself declares twice: component schemas with "
                   "one shape, kept because each is its own `$ref` target (a response or property names it) and "
                   "merging would rename one of them (types that differ only in what a field requires, allows as null or fixes "
                   "to one value are different shapes, not listed):\n\n")
        for grp in dedup.component_twins:
            out.append("- %s\n" % ", ".join("`intercom_%s`" % n for n in grp))
        out.append("\nEach merged inline type and the type it is now:\n\n| inline schema (name by the rule) | type |\n"
                   "| --- | --- |\n")
        for old in sorted(dedup.merged):
            out.append("| `intercom_%s` | `intercom_%s` |\n" % (old, dedup.merged[old]))
        out.append("\n")
    out.append("## Corrections to the description\n\n"
               "Applied from `codegen/overrides.json` (each entry there says why):\n\n")
    for r in override_report:
        out.append("- %s\n" % r.replace("|", "\\|"))
    return "".join(out)


def emit_preview_docs(ops, stable_ops, clashes, override_report):
    """docs/api-preview.md: every Preview operation (name, C function, async twin, method, path), the ones new
    against the stable description marked, and the namespace's rules."""
    stable = {(o.method, norm_path(o.path)) for o in stable_ops if o.source == "2.16"}
    new = [o for o in ops if (o.method, norm_path(o.path)) not in stable]
    out = ["<!-- %s -->\n" % GEN_LINE, "# libintercom Preview API\n\n",
           "Every operation of Intercom's **Preview** description (`../shared/openapi/intercom-preview.json`, %d "
           "operations, %d of them new against 2.16 and marked **new** below), generated by the same stages as the "
           "stable API (`docs/api.md`) under the namespace `intercom_preview_`. Opt in with "
           "`#include <intercom/preview.h>`; `<intercom/intercom.h>` does not include it, so a program that does not "
           "use the Preview pays nothing at compile time. The Preview can change any operation or schema without a "
           "version bump: these declarations may change in any release.\n\n" % (len(ops), len(new)),
           "## Rules\n\n",
           "- Functions `intercom_preview_<name>`, async twins `intercom_preview_async_<name>`, params "
           "`intercom_preview_<name>_params`, pagers `intercom_preview_<name>_pager`/`_next`/`_next_page` and "
           "`intercom_preview_async_<name>_pages`: the stable spelling (`intercom_` + [`async_`] + name) with the "
           "namespace `intercom_preview_` in place of `intercom_`, so every Preview identifier starts with "
           "`intercom_preview_` and none can be confused with (or collide with) a stable one.\n",
           "- Every call sends `Intercom-Version: Preview` (`ic_operation.api_version`) unless "
           "`intercom_request_options.api_version` says otherwise.\n",
           "- Names: an operation that is the same endpoint as a stable one (method and path, path parameter names "
           "aside: Preview renames most of them to `{id}`) has the stable name; the %d new ones are named by the "
           "stable rule (`docs/api.md`, Names)%s.\n" % (len(new), "; clashes: " + "; ".join(clashes) if clashes else ""),
           "- Types are **separate**: every schema is `intercom_preview_<schema>` with its own descriptor, even where "
           "it is identical to a stable one. The Preview can change any schema without a version bump; a shared "
           "type would make a Preview change either silently change the stable type or force a split later (an API "
           "break for Preview users), and a stable response decoded into a Preview type (or the reverse) would be "
           "the silently wrong struct the project forbids. The cost is code size, not compile time: the Preview "
           "headers are only read by programs that include them.\n",
           "- Declarations: `<intercom/preview/<resource>.h>`, models `<intercom/preview/models_<tag>.h>`, all "
           "included by `<intercom/preview.h>`; CLI: `intercom preview <resource> <method> ...`.\n\n",
           "## Operations\n\n"]
    newset = set(id(o) for o in new)
    groups = OrderedDict()
    for o in ops:
        groups.setdefault(o.name.split(".")[0], []).append(o)
    for gname in sorted(groups):
        out.append("### %s\n\n" % gname)
        out.append("| operation | C function | async twin | method | path | params | returns |\n"
                   "| --- | --- | --- | --- | --- | --- | --- |\n")
        for o in groups[gname]:
            ret = ("`intercom_preview_%s *`" % o.rtype) if o.rtype else (
                "raw `%s` body" % o.accept if o.raw else "(no body)")
            name = "`%s`%s" % (o.name, " **new**" if id(o) in newset else "")
            if o.deprecated:
                name += " (deprecated)"
            out.append("| %s | `intercom_preview_%s` | `intercom_preview_async_%s` | %s | `%s` | %s | %s |\n"
                       % (name, o.fn, o.fn, o.method, o.path,
                          "`intercom_preview_%s_params`" % o.fn if o.params else "-", ret))
        out.append("\n")
    out.append("## New against 2.16 (%d)\n\n" % len(new))
    for o in sorted(new, key=lambda o: o.name):
        out.append("- `%s` (`%s %s`)\n" % (o.name, o.method, o.path))
    out.append("\n")
    paged = [o for o in sorted(ops, key=lambda o: o.name) if o.paging]
    out.append("## Pagination\n\n%d operations paginate, as in the stable API (`include/intercom/pagination.h`):\n\n"
               "| operation | kind | items | per_page max |\n| --- | --- | --- | --- |\n" % len(paged))
    for o in paged:
        out.append("| `%s` | %s | `%s` | %s |\n" % (o.name, o.paging.kind.lower(), o.paging.items,
                                                   o.paging.per_page_max or "not stated"))
    out.append("\n## Corrections to the description\n\n"
               "`codegen/overrides.json` applied to the Preview description (where an entry names an operation, "
               "parameter or schema the Preview does not have, it says so):\n\n")
    for r in override_report:
        out.append("- %s\n" % r.replace("|", "\\|"))
    return "".join(out)


def norm_path(p):
    """A path with its parameter names dropped: `/contacts/{contact_id}` and `/contacts/{id}` are one endpoint."""
    return re.sub(r"\{[^}]*\}", "{}", p)
