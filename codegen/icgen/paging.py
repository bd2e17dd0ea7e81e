# SPDX-License-Identifier: MIT
"""Stage 4, paging: which operations paginate, how, over which items, with which per_page maximum."""
import re

from .model import Paging


def per_page_max(f):
    """The largest per_page an endpoint takes: the schema's maximum, else 'max(imum) N' in its text."""
    if f is None or f.schema is None:
        return 0
    s = f.schema
    if isinstance(s.get("maximum"), int):
        return s["maximum"]
    m = re.search(r"max(?:imum)?\D{0,30}?(\d+)", (s.get("description") or "") + " " + (f.doc or ""), re.I)
    return int(m.group(1)) if m else 0


def paging_of(g, pt, rtype):
    """How an operation paginates: (kind, items field JSON name, per_page maximum) or None.
    Kinds: SEARCH (body pagination.starting_after), SCROLL (scroll_param), CURSOR (query
    starting_after from pages.next.starting_after), NUMBER (query page, pages.total_pages), URL
    (pages.next is the next page's full URL: GET /events)."""
    if pt is None or rtype is None or rtype not in g.types:
        return None
    rt = g.types[rtype]
    arrays = [f for f in rt.fields if f.array and f.kind == "OBJECT"]
    if not arrays:
        return None
    items = next((f for f in arrays if f.json == "data"), arrays[0]) if len(arrays) > 1 else arrays[0]
    byname = {f.json: f for f in pt.fields}
    rnames = {f.json for f in rt.fields}
    pag = byname.get("pagination")
    if pag is not None and pag.where == "BODY" and pag.kind == "OBJECT" and pag.tname in g.types:
        inner = {f.json: f for f in g.types[pag.tname].fields}
        if "starting_after" in inner:
            return Paging("SEARCH", items.json, per_page_max(inner.get("per_page")))
    pp = per_page_max(byname.get("per_page"))
    if "scroll_param" in byname and "scroll_param" in rnames:
        return Paging("SCROLL", items.json, pp)
    if "starting_after" in byname and byname["starting_after"].where == "QUERY":
        return Paging("CURSOR", items.json, pp)
    if "page" in byname and byname["page"].where == "QUERY" and "pages" in rnames:
        return Paging("NUMBER", items.json, pp)
    pages = next((f for f in rt.fields if f.json == "pages" and f.kind == "OBJECT" and not f.array), None)
    if pages is not None and pages.tname in g.types and any(
            f.json == "next" and f.kind == "STRING" and not f.array for f in g.types[pages.tname].fields):
        return Paging("URL", items.json, pp)
    return None


def assign_paging(g, ops):
    """The paging stage: o.paging and o.paging_item (the items' type) of every operation that paginates."""
    for o in ops:
        o.paging = paging_of(g, o.params, o.rtype)
        if o.paging:
            o.paging_item = next(f.tname for f in g.types[o.rtype].fields if f.json == o.paging.items)
