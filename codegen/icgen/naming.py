"""Stage 3, naming: operation names (the seed's, else the rule), type names and their clashes."""
import os
import re
from collections import OrderedDict
from dataclasses import dataclass

from .openapi import op_parameters, response_schema
from .util import GenError, cpart, refname


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


class Namer:
    """Type and constant names of one description, clash-free against each other and the hand-written API.
    `prefix` is the C prefix of every generated identifier (`intercom_`; a Preview description would use
    another), `handwritten` the names (without the prefix) the hand-written headers declare."""

    def __init__(self, schema_names, prefix="intercom_", handwritten=HANDWRITTEN):
        self.prefix = prefix
        self.schema_names = list(schema_names)
        self.idents = set(handwritten)   # lowercase identifiers taken by types and their descriptors
        self.consts = set()              # uppercase identifiers (enum constants, macros)
        self.renamed = []                # (schema, C name) where the C name is not the schema's
        self.comp_cname = {}             # component schema -> C name (without the prefix)

    @property
    def const_prefix(self):
        return self.prefix.upper()

    def name_components(self, ops):
        """Operations' names first, then component schemas, shortest first (so that of `ticket` and
        `ticket_type` it is the longer, whose name is the other's descriptor, that gets _model)."""
        for o in ops:
            for n in (o.fn, "async_" + o.fn, o.fn + "_params", o.fn + "_params_type"):
                self.idents.add(n)
        index = {n: i for i, n in enumerate(self.schema_names)}
        for name in sorted(self.schema_names, key=lambda n: (len(cpart(n)), index[n])):
            c = cpart(name)
            while self.derived(c) & self.idents:
                c += "_model"
            if c != cpart(name):
                self.renamed.append((name, c))
            self.comp_cname[name] = c
            self.idents.update(self.derived(c))

    @staticmethod
    def derived(n):
        """Every identifier a type named n declares (its descriptor, free function, tables)."""
        return {n, n + "_type", n + "_free", n + "_variant", n + "_values", n + "_fields", n + "_by_name",
                n + "_variants"}

    def new_type_name(self, base, kind):
        """A free type name for an inline schema suggested as `base`."""
        cands = [base]
        if kind == "enum":
            cands.append(base + "_enum")
        else:
            cands.append(base + "_obj")
        cands += ["%s_%d" % (base, i) for i in range(2, 100)]
        for c in cands:
            if not (self.derived(c) & self.idents):
                self.idents.update(self.derived(c))
                return c
        raise GenError("no free type name for %s" % base)

    def const(self, base):
        """A free uppercase constant name: base, else base_2, base_3..."""
        c = base
        i = 2
        while c in self.consts:
            c = "%s_%d" % (base, i)
            i += 1
        self.consts.add(c)
        return c


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
        mine |= {t.name, t.name + "_type", t.name + "_free"}
    for o in ops:
        mine |= {o.fn, "async_" + o.fn, o.fn + "_params", o.fn + "_params_type"}
    clash = sorted(mine & declared)
    if clash:
        raise GenError("generated names clash with the hand-written headers: %s (add them to HANDWRITTEN)"
                       % ", ".join(clash))
