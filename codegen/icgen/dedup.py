# SPDX-License-Identifier: MIT
"""Stage 2b, structural deduplication: one type per canonical shape.

Inline schemas (and inline enums) whose canonical shape is identical become one type; an inline type
identical to a component schema becomes that component's type. Two component schemas with one shape
stay two types (the description declares them twice): `Dedup.component_twins` lists them for docs/api.md.
The group's name: the component's, else overrides.json `type_names` (keyed by any member's name), else
the shortest member name (then the first in byte order)."""
from dataclasses import dataclass, field
from typing import Dict, List


@dataclass
class Dedup:
    merged: Dict[str, str] = field(default_factory=dict)            # old type name -> the type it became
    component_twins: List[List[str]] = field(default_factory=list)  # groups of identical component types
    groups_before: int = 0
    groups_after: int = 0


def signature(t, rep):
    """The canonical shape of a type, nested types by their representative's name."""
    if t.kind == "enum":
        return ("enum", tuple(t.values))
    return ("object", t.discriminator,
            tuple((f.json, f.c, f.kind, f.array, rep.get(f.tname, f.tname), f.nullable, f.required, f.where,
                   f.deprecated, f.fixed) for f in t.fields),
            tuple((v.label, v.tag, tuple(v.required)) for v in t.variants))


def groups_of(types, rep):
    out = {}
    for t in types.values():
        if t.kind in ("enum", "object"):
            out.setdefault(signature(t, rep), []).append(t.name)
    return [g for g in out.values() if len(g) > 1]


def deduplicate(g, ops):
    types = g.types
    comps = set(g.comp_cname.values())
    named = g.names.type_names
    res = Dedup(groups_before=len(groups_of(types, {})))
    rep = {}                                 # type name -> representative name
    while True:
        changed = False
        for grp in groups_of(types, rep):
            live = sorted({rep.get(n, n) for n in grp})
            if len(live) < 2:
                continue
            cs = [n for n in live if n in comps]
            inl = [n for n in live if n not in comps]
            if not inl:
                continue                     # only components: the description's own twins
            if cs:
                target = cs[0]
            else:
                override = sorted(named[n] for n in inl if n in named)
                g.names.used_type_names.update(n for n in inl if n in named)
                target = override[0] if override else min(inl, key=lambda n: (len(n), n.encode()))
            for n in inl:
                if n != target:
                    for k, v in list(rep.items()):
                        if v == n:
                            rep[k] = target
                    rep[n] = target
                    changed = True
            if target not in types:          # an overrides name for a group of inline types
                first = inl[0]
                g.names.rename(first, target, "deduplicated type")
                types[target] = types.pop(first)
                types[target].name = target
                for k, v in list(rep.items()):
                    if v == first:
                        rep[k] = target
                rep.pop(target, None)
                rep[first] = target
                changed = True
        if not changed:
            break
    for old, new in rep.items():
        if old != new and old in types:
            del types[old]
    for t in list(types.values()) + [o.params for o in ops if o.params]:
        for f in t.fields:
            if f.tname in rep:
                f.tname = rep[f.tname]
    for o in ops:
        if o.rtype in rep:
            o.rtype = rep[o.rtype]
    res.merged = {k: v for k, v in rep.items() if k != v}
    res.component_twins = sorted(sorted(grp) for grp in groups_of(types, {}))
    res.groups_after = len(res.component_twins)
    return res
