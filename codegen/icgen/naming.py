# SPDX-License-Identifier: MIT
"""Stage 3, naming: operation names (the seed's, else the rule), type names and their clashes."""
import os
import re
from collections import OrderedDict
from dataclasses import dataclass

from .openapi import op_parameters, response_schema
from .util import C_KEYWORDS, GenError, cname, cpart, refname


# Names of the hand-written API (include/intercom/*.h, without intercom_): a schema whose C name would
# take one of them gets the suffix _model (the `error` schema: intercom_error_model). Checked again
# against the headers at generation time.
HANDWRITTEN = set("""async_cancel async_client async_client_free async_client_new async_client_set_loop async_pending
async_request async_run async_run_until_idle async_socket_action async_timeout body_fn callback client
client_base_url client_free client_new client_options client_options_init code code_from_status
code_is_api_error code_is_connection code_is_status curl_hook_fn doc error error_clear error_item field_state
field_state_t free free_string from_json header kv log_fn log_level loop_hooks model model_free model_raw_json
rate_limit request request_options request_options_init response response_free response_header
response_header_nth response_json response_parse strerror to_json to_json_as type type_name version
libuv_attach libuv_ctx libuv_free libuv_socket libevent_attach libevent_ctx libevent_free libevent_socket
page pager iterator paginate""".split())

# ---- the naming rule (derived from the seed's 108 names; see docs/api.md) ----
# A path segment that is an action rather than a resource: the operation is named after it.
ACTION_SEGMENTS = {"archive", "unarchive", "block", "merge", "convert", "redact", "search", "scroll", "list",
                   "cancel", "dismiss", "publish", "enqueue", "register", "start", "reply"}
ACTION_PREFIXES = ("get_", "find_", "list_", "change_", "set_")
# The seed's own resource vocabulary: /events is `data_events`.
RESOURCE_ALIASES = {"events": "data_events"}

ENUM_SYMBOLS = {"=": "EQ", "!=": "NE", "<": "LT", ">": "GT", "<=": "LE", ">=": "GE", "~": "CONTAINS",
                "!~": "NOT_CONTAINS", "^": "STARTS_WITH", "$": "ENDS_WITH", "": "EMPTY", "*": "ANY",
                "+": "PLUS", "-": "MINUS"}


def join_words(owner, part):
    """`owner_part` without a doubled word where they meet (`conversation_attribute` + `attribute_value` ->
    `conversation_attribute_value`, `ticket_type` + `ticket_type` -> `ticket_type`)."""
    ow, pw = owner.split("_"), part.split("_")
    for k in range(min(len(ow), len(pw) - 1), 0, -1):
        if ow[-k:] == pw[:k]:
            return "_".join(ow + pw[k:])
    return owner + "_" + part      # a part the owner's name ends with stays doubled: overrides.json names it


def doubled_word(name):
    w = [x for x in name.split("_") if x]
    return next((a for a, b in zip(w, w[1:]) if a == b), None)


class Namer:
    """Type and constant names of one description, clash-free against each other and the hand-written API.
    `prefix` is the C prefix of every generated identifier (`intercom_`; a Preview description would use
    `intercom_preview_`), `handwritten` the names (without the prefix) the hand-written headers declare,
    `type_names` the overrides' names (schema or inline name -> C name without the prefix). A name that
    collides is an error (GenError), never patched with a suffix: overrides.json names it."""

    SUFFIXES = ("_descriptor", "_free", "_variant")

    def __init__(self, schema_names, prefix="intercom_", handwritten=HANDWRITTEN, type_names=None):
        self.prefix = prefix
        self.schema_names = list(schema_names)
        self.idents = set(handwritten)   # lowercase identifiers taken by types and their descriptors
        self.owner = {n: "the hand-written API" for n in handwritten}
        self.consts = set()              # uppercase identifiers (enum constants, macros)
        self.renamed = []                # (schema, C name) where the C name is not the schema's
        self.comp_cname = {}             # component schema -> C name (without the prefix)
        self.type_names = dict(type_names or {})
        self.used_type_names = set()

    @property
    def const_prefix(self):
        return self.prefix.upper()

    def take(self, names, who):
        clash = sorted(n for n in names if n in self.idents)
        if clash:
            raise GenError("%s: %s%s is already declared by %s (name it in overrides.json type_names)"
                           % (who, self.prefix, clash[0], self.owner.get(clash[0], "?")))
        for n in names:
            self.idents.add(n)
            self.owner[n] = who

    def name_components(self, ops):
        """Operations' identifiers first, then component schemas: a schema is named after itself
        (overrides.json type_names may name it otherwise)."""
        for o in ops:
            self.take({o.fn, "async_" + o.fn, o.fn + "_params", o.fn + "_params_descriptor", o.fn + "_pager",
                       o.fn + "_next", o.fn + "_next_page", "async_" + o.fn + "_pages"}, "operation " + o.name)
        for name in self.schema_names:
            c = self.type_names.get(name)
            if c:
                self.used_type_names.add(name)
                self.renamed.append((name, c))
            else:
                c = cpart(name)
            self.comp_cname[name] = c
            self.take(self.derived(c), "schema " + name)

    @classmethod
    def derived(cls, n):
        """Every public identifier a type named n declares (besides its INIT macro)."""
        return {n} | {n + s for s in cls.SUFFIXES}

    def new_type_name(self, base, kind):
        """The name of an inline schema suggested as `base` (the owner's name joined with the property's)."""
        if base in self.type_names:
            self.used_type_names.add(base)
            base = self.type_names[base]
        if doubled_word(base):
            raise GenError("inline %s %s%s doubles the word %s (name it in overrides.json type_names)"
                           % (kind, self.prefix, base, doubled_word(base)))
        if self.derived(base) & self.idents:
            raise GenError("inline %s %s%s collides with %s (name it in overrides.json type_names)"
                           % (kind, self.prefix, base, self.owner.get(base, "another name")))
        self.take(self.derived(base), "inline " + kind)
        return base

    def rename(self, old, new, who):
        """A deduplicated type takes its group's name: release the old identifiers, take the new."""
        for n in self.derived(old):
            self.idents.discard(n)
            self.owner.pop(n, None)
        self.take(self.derived(new), who)

    def const(self, base):
        """An uppercase constant; a collision is an error."""
        if base in self.consts:
            raise GenError("constant %s declared twice" % base)
        self.consts.add(base)
        return base

    def assign_constants(self, types):
        """Enum constants (`PREFIX_<TYPE>_<VALUE>`, sentinel `PREFIX_<TYPE>_UNLISTED`), variant constants
        (`PREFIX_<TYPE>_VARIANT_<LABEL>`, sentinel `..._VARIANT_UNLISTED`) and INIT macros, after deduplication."""
        for t in sorted(types.values(), key=lambda t: t.name):
            base = self.const_prefix + t.name.upper()
            if t.kind == "enum":
                sufs = []
                for v in t.values:
                    suf = cname(v).upper().strip("_") if re.search(r"[0-9A-Za-z]", v) else ENUM_SYMBOLS.get(v, "VALUE")
                    if suf.endswith("_") and suf[:-1].lower() in C_KEYWORDS:
                        suf = suf[:-1]
                    while suf in sufs:
                        suf += "_"
                    sufs.append(suf)
                if "UNLISTED" in sufs:
                    raise GenError("enum %s lists the value \"unlisted\": the sentinel needs another name" % t.name)
                t.unknown_const = self.const(base + "_UNLISTED")
                t.value_consts = [self.const(base + "_" + suf) for suf in sufs]
            else:
                self.const(base + "_INIT")
                if t.variants:
                    vb = base + "_VARIANT"
                    t.variant_unknown = self.const(vb + "_UNLISTED")
                    t.variant_consts = [self.const(vb + "_" + v.label) for v in t.variants]


def variant_labels(leaves):
    """Constant suffixes of a union's variants: the ref name or title (else `with_<required>`), without the
    words every variant's label shares at its start and end."""
    words = []
    for leaf in leaves:
        lab = leaf.label
        if re.match(r"^v\d+$", lab):
            own = [r for r in leaf.required if r not in leaf.base_required]
            lab = "with_" + "_".join(own) if own else lab
        words.append(cpart(lab).split("_"))
    if len(words) > 1:
        while all(len(w) > 1 for w in words) and len(set(w[0] for w in words)) == 1:
            words = [w[1:] for w in words]
        while all(len(w) > 1 for w in words) and len(set(w[-1] for w in words)) == 1:
            words = [w[:-1] for w in words]
    out = []
    for w in words:
        lab = "_".join(w).upper().strip("_") or "V%d" % (len(out) + 1)
        if lab[0].isdigit():
            lab = "V" + lab
        out.append(lab)
    return out


def list_like(g, op):
    rs = response_schema(op.op)
    if rs is None:
        return False
    s = g.deref(rs)
    if s.get("type") == "array":
        return True
    props, _, _, _ = g.collect(rs)
    if "pages" in props:
        return True
    ty = props.get("type")
    if ty:
        d = g.deref(ty[-1])
        vals = [str(x) for x in d.get("enum", [])] + [str(d.get("example", "")), str(d.get("default", ""))]
        if any(v == "list" or v.endswith(".list") for v in vals):
            return True
    name = refname(rs) if "$ref" in rs else ""
    if name.endswith("_list"):
        return True
    for k, defs in props.items():
        d = g.deref(defs[-1])
        if d.get("type") == "array" and g.objectish(d.get("items") or {}):
            return True
    return False


def rule_name(g, op):
    segs = [x for x in op.path.strip("/").split("/") if x]
    ends_param = segs[-1].startswith("{")
    words = [x for x in segs if not x.startswith("{")]
    words[0] = RESOURCE_ALIASES.get(words[0], words[0])
    last = words[-1]
    if len(words) > 1 and (last in ACTION_SEGMENTS or last.startswith(ACTION_PREFIXES)):
        return ".".join(words)
    m = op.method
    if m == "GET":
        if ends_param:
            verb = "list" if g.deref(response_schema(op.op) or {}).get("type") == "array" or \
                strong_list(g, op) else "retrieve"
        else:
            verb = "list" if list_like(g, op) else "retrieve"
    elif m == "POST":
        verb = "create"
    elif m in ("PUT", "PATCH"):
        verb = "update"
    else:
        verb = "delete"
    return ".".join(words + [verb])


def strong_list(g, op):
    rs = response_schema(op.op)
    if rs is None:
        return False
    props, _, _, _ = g.collect(rs)
    if "pages" in props:
        return True
    ty = props.get("type")
    if ty:
        d = g.deref(ty[-1])
        vals = [str(x) for x in d.get("enum", [])] + [str(d.get("example", ""))]
        return any(v == "list" or v.endswith(".list") for v in vals)
    return False


def by_name_of(n, param):
    head, verb = n.rsplit(".", 1)
    return "%s.%s_by_%s" % (head, verb, cpart(param))


@dataclass
class OperationNames:
    """What naming the operations found: the rule's hits and misses on the seed, and the clashes it resolved."""
    hits: list
    misses: list
    clashes: list


def name_operations(ops, seed, g):
    """Name every operation: the seed's name, else the rule (clashes resolved with `_by_<param>`). Sets
    o.rule, o.name, o.seed_name, o.fn; sorts ops by name."""
    seed_by_key = {(s.method, s.path216): s.name for s in seed}
    names = {}
    rule_hits = []
    rule_miss = []
    clashes = []
    for o in ops:
        o.rule = rule_name(g, o)
        sn = o.seed or seed_by_key.get((o.method, o.path))
        if sn:
            o.name = sn
            o.seed_name = True
            (rule_hits if o.rule == sn else rule_miss).append((sn, o.rule))
            if sn in names:
                raise GenError("seed name %s twice" % sn)
            names[sn] = o
    # the others: the rule. Operations the rule gives the same name (or a seed name): those with a required
    # query parameter get `_by_<it>`; of the rest, all but the one with the fewest path parameters get
    # `_by_<their last path parameter>`.
    groups = OrderedDict()
    for o in ops:
        if not o.name:
            groups.setdefault(o.rule, []).append(o)
    for n, group in groups.items():
        taken = n in names
        if len(group) == 1 and not taken:
            group[0].name = n
        else:
            rest = []
            for o in group:
                params = op_parameters(o.pi, o.op)
                rq = [x["name"] for x in params if x.get("in") == "query" and x.get("required")]
                if rq:
                    o.name = by_name_of(n, rq[0])
                else:
                    rest.append(o)
            rest.sort(key=lambda o: (o.path.count("{"), o.path))
            for i, o in enumerate(rest):
                if i == 0 and not taken:
                    o.name = n
                else:
                    last = re.findall(r"\{([^}]*)\}", o.path)
                    o.name = by_name_of(n, last[-1] if last else o.method.lower())
            for o in group:
                clashes.append("`%s %s` -> `%s`" % (o.method, o.path, o.name))
        for o in group:
            if o.name in names:
                raise GenError("name %s twice" % o.name)
            o.seed_name = False
            names[o.name] = o
    for o in ops:
        o.fn = o.name.replace(".", "_")
    fns = {}
    for o in ops:
        if o.fn in fns:
            raise GenError("C function name clash: %s" % o.fn)
        fns[o.fn] = o
    ops.sort(key=lambda o: o.name)
    return OperationNames(rule_hits, rule_miss, clashes)


def check_handwritten(g, ops, incdir):
    """No generated identifier may be one the hand-written headers declare."""
    if not os.path.isdir(incdir):
        return
    declared = set()
    for fn in sorted(os.listdir(incdir)):
        if not fn.endswith(".h"):
            continue
        with open(os.path.join(incdir, fn)) as fh:
            text = fh.read()
        text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
        text = re.sub(r"//[^\n]*", " ", text)
        declared.update(re.findall(r"\bintercom_([a-z0-9_]+)", text))
    mine = set()
    for t in g.types.values():
        mine |= Namer.derived(t.name)
    for o in ops:
        mine |= {o.fn, "async_" + o.fn, o.fn + "_params", o.fn + "_params_descriptor"}
    clash = sorted(mine & declared)
    if clash:
        raise GenError("generated names clash with the hand-written headers: %s (add them to HANDWRITTEN)"
                       % ", ".join(clash))
