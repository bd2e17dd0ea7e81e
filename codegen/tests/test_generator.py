#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Tests of the generator's stages (codegen/icgen): the naming rule against the seed, clash rules,
paging detection, determinism. Run by CTest (tests/codegen.cmake); exit 77 (skipped) without ../shared."""
import os
import re
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
sys.dont_write_bytecode = True

from icgen import main as pipeline  # noqa: E402
from icgen.load import load_inputs, load_preview_inputs  # noqa: E402
from icgen.naming import Namer, by_name_of, check_handwritten, join_words  # noqa: E402
from icgen.util import GenError, cname, cpart  # noqa: E402

PATHS = pipeline.default_paths()
_CACHE = {}


def result():
    """One full run of the pipeline over the real description (shared by the tests)."""
    if "r" not in _CACHE:
        inp = load_inputs(PATHS["spec"], PATHS["spec_211"], PATHS["seed"], PATHS["overrides"])
        _CACHE["r"] = pipeline.run(inp)
    return _CACHE["r"]


def op(name):
    return next(o for o in result().ops if o.name == name)


# The seed names the rule does not reproduce (docs/api.md lists them): seed name -> the rule's name.
KNOWN_MISSES = {
    "admins.set_away": "admins.away.update",
    "articles.remove": "articles.delete",
    "companies.retrieve_list": "companies.list",
    "conversations.reply.create": "conversations.reply",
    "data_events.summaries": "data_events.summaries.create",
    "data_exports.content_data": "export.content.data.create",
    "tags.create_or_update": "tags.create",
    "tickets.retrieve_by_id": "tickets.retrieve",
    "tickets.tags.remove": "tickets.tags.delete",
    "tickets.update_by_id": "tickets.update",
}


class NamingRule(unittest.TestCase):
    def test_seed_reproduction(self):
        r = result()
        self.assertEqual(len(r.names.hits) + len(r.names.misses), 108)
        self.assertEqual(len(r.names.hits), 98)
        self.assertEqual(dict(r.names.misses), KNOWN_MISSES)

    def test_every_seed_name_kept(self):
        r = result()
        self.assertEqual(len([o for o in r.ops if o.seed_name]), 108)
        self.assertEqual(len(r.ops), 232)

    def test_rule_on_examples(self):
        self.assertEqual(op("contacts.archive").rule, "contacts.archive")           # action segment
        self.assertEqual(op("me.retrieve").rule, "me.retrieve")                     # GET single object
        self.assertEqual(op("contacts.list").rule, "contacts.list")                 # GET paged list
        self.assertEqual(op("data_events.list").path, "/events")                    # resource alias

    def test_clash_rule(self):
        self.assertEqual(by_name_of("custom_object_instances.delete", "external_id"),
                         "custom_object_instances.delete_by_external_id")
        clashes = result().names.clashes
        self.assertIn("`DELETE /custom_object_instances/{custom_object_type_identifier}` -> "
                      "`custom_object_instances.delete_by_external_id`", clashes)
        fns = [o.fn for o in result().ops]
        self.assertEqual(len(fns), len(set(fns)))

    def test_cnames(self):
        self.assertEqual(cname("operator"), "operator_")
        self.assertEqual(cpart("operator"), "operator")
        self.assertEqual(cname("1st-value"), "_1st_value")
        self.assertEqual(cname("a--b"), "a_b")

    def test_namer_collisions_fail(self):
        n = Namer([], handwritten={"error"})
        self.assertEqual(n.new_type_name("thing", "object"), "thing")
        with self.assertRaises(GenError):
            n.new_type_name("thing", "object")               # no _obj/_2 patch: a collision is an error
        with self.assertRaises(GenError):
            n.new_type_name("error", "object")               # a hand-written name
        with self.assertRaises(GenError):
            n.new_type_name("ticket_type_type", "enum")      # a doubled word
        self.assertEqual(n.const("X"), "X")
        with self.assertRaises(GenError):
            n.const("X")
        m = Namer(["error"], handwritten={"error"})
        with self.assertRaises(GenError):
            m.name_components([])                            # the `error` schema needs an overrides name
        m = Namer(["error"], handwritten={"error"}, type_names={"error": "api_error"})
        m.name_components([])
        self.assertEqual(m.comp_cname["error"], "api_error")

    def test_join_words(self):
        self.assertEqual(join_words("conversation_attribute", "attribute_value"), "conversation_attribute_value")
        self.assertEqual(join_words("contact", "role"), "contact_role")
        self.assertEqual(join_words("visitor_tags", "tags"), "visitor_tags_tags")   # left for overrides to name

    def test_handwritten_collision_fails(self):
        r = result()
        with tempfile.TemporaryDirectory() as d:
            t = next(iter(r.gen.types.values()))
            with open(os.path.join(d, "x.h"), "w") as fh:
                fh.write("int intercom_%s(void);\n" % t.name)
            with self.assertRaises(GenError):
                check_handwritten(r.gen, r.ops, d)


class Paging(unittest.TestCase):
    EXPECTED = {
        "contacts.list": ("CURSOR", "data", 150),
        "contacts.search": ("SEARCH", "data", 150),
        "companies.scroll": ("SCROLL", "data", 0),
        "companies.list": ("NUMBER", "data", 60),
        "conversations.list": ("CURSOR", "conversations", 150),
        "tickets.search": ("SEARCH", "tickets", 150),
        "messages.status.list": ("CURSOR", "events", 100),
        # issue 8 items 15-17 (codegen/overrides.json): paging the description does not declare
        "companies.contacts.list": ("CURSOR", "data", 0),
        "contacts.companies.list": ("NUMBER", "data", 0),
        "data_events.list": ("URL", "events", 0),
    }

    def test_detection(self):
        for name, (kind, items, mx) in self.EXPECTED.items():
            p = op(name).paging
            self.assertIsNotNone(p, name)
            self.assertEqual((p.kind, p.items, p.per_page_max), (kind, items, mx), name)

    def test_shapes_overrides(self):
        """Lists under another key than declared (issue 8 items 14, 16, 17): the real key is declared."""
        t = types()
        self.assertIn("data", {f.json for f in t["ticket_type_attribute_list"].fields})
        self.assertIn("data", {f.json for f in t[op("contacts.companies.list").rtype].fields})
        ev = t[op("data_events.list").rtype]
        self.assertIn("pages", {f.json for f in ev.fields})
        item = {f.json for f in t[op("data_events.list").paging_item].fields}
        self.assertTrue({"event_name", "created_at", "id", "metadata", "name", "count"} <= item, item)
        cc = {f.json for f in op("companies.contacts.list").params.fields}
        self.assertTrue({"per_page", "starting_after"} <= cc, cc)

    def test_count_and_non_paged(self):
        self.assertEqual(len([o for o in result().ops if o.paging]), 25)
        self.assertIsNone(op("contacts.retrieve").paging)
        self.assertIsNone(op("me.retrieve").paging)


def types():
    return result().gen.types


class Surface(unittest.TestCase):
    """One type per shape, names a user would guess, the enum rules (codegen/FORMAT.md)."""

    def test_contact_responses_share_one_type(self):
        for n in ("contacts.create", "contacts.retrieve", "contacts.update", "contacts.merge",
                  "contacts.find_by_external_id"):
            self.assertEqual(op(n).rtype, "contact", n)
        self.assertEqual(op("contacts.list").paging_item, "contact")
        self.assertEqual(op("contacts.search").paging_item, "contact")

    def test_dedup(self):
        d = result().gen.dedup
        self.assertEqual(d.groups_before, 56)
        self.assertEqual(d.groups_after, len(d.component_twins))
        self.assertEqual(d.groups_after, 10)
        for grp in d.component_twins:                        # what stays duplicated: component schemas only
            for n in grp:
                self.assertIn(n, result().gen.comp_cname.values())
        self.assertEqual(d.merged["contacts_retrieve_response"], "contact")
        self.assertEqual(d.merged["admin_with_app_avatar"], "contact_avatar")
        sets = [tuple(t.values) for t in types().values() if t.kind == "enum"]
        self.assertEqual(len(sets), len(set(sets)), "two enums with one value set")
        self.assertEqual(types()["reply_message_type"].values, ["comment", "note", "quick_reply"])

    def test_names_after_schemas(self):
        self.assertEqual(types()["ticket_type"].origin, "ticket_type")   # the ticket-type model, not a descriptor
        self.assertEqual(types()["api_error"].origin, "error")
        self.assertEqual(types()["api_version"].origin, "intercom_version")
        for n in types():
            self.assertFalse(n.endswith(("_type_model", "_error_model", "_enum", "_obj")) or n.startswith("intercom_"), n)
            w = n.split("_")
            self.assertFalse(any(a == b for a, b in zip(w, w[1:])), n)
        for t in list(types().values()) + [o.params for o in result().ops if o.params]:
            for f in t.fields:
                self.assertFalse(f.state.startswith("has_has_"), (t.name, f.state))
        self.assertEqual(next(f.state for f in types()["admin"].fields if f.json == "has_inbox_seat"),
                         "has_inbox_seat_state")

    def test_enum_sentinel_distinct(self):
        seen_unknown = 0
        for t in types().values():
            if t.kind != "enum":
                continue
            self.assertTrue(t.unknown_const.endswith("_UNLISTED"), t.name)
            self.assertNotIn(t.unknown_const, t.value_consts)
            if "unknown" in t.values:
                seen_unknown += 1
                self.assertIn("INTERCOM_%s_UNKNOWN" % t.name.upper(), t.value_consts)
        self.assertGreater(seen_unknown, 0)

    def test_single_value_enums_are_strings(self):
        self.assertFalse([t.name for t in types().values() if t.kind == "enum" and len(t.values) < 2])
        f = next(f for f in types()["contact_list"].fields if f.json == "type")
        self.assertEqual((f.kind, f.fixed), ("STRING", "list"))

    def test_oneof_branch_enum(self):
        f = next(f for f in op("data_attributes.create").params.fields if f.json == "data_type")
        self.assertEqual(f.kind, "ENUM")
        self.assertIn("string", types()[f.tname].values)
        self.assertIn("options", types()[f.tname].values)

    def test_headers_within_120_columns(self):
        for rel, text in result().files.items():
            if rel.endswith(".h") and rel.startswith("include/"):
                for line in text.split("\n"):
                    self.assertLessEqual(len(line), 120, (rel, line))


def preview():
    """The Preview description through the same stages (namespace intercom_preview_)."""
    if "p" not in _CACHE:
        inp = load_preview_inputs(PATHS["preview"], result().ops, PATHS["overrides"])
        _CACHE["p"] = pipeline.run_preview(inp, result())
    return _CACHE["p"]


def pop(name):
    return next(o for o in preview().ops if o.name == name)


@unittest.skipUnless(os.path.exists(PATHS["preview"]), "no Preview description")
class Namespace(unittest.TestCase):
    def test_second_prefix(self):
        """A second description (the Preview one) goes through the same stages under its own prefix, into its
        own files."""
        r = preview()
        models = r.files["include/intercom/preview/models_contacts.h"]
        self.assertIn("typedef struct intercom_preview_contact {", models)
        self.assertIn("INTERCOM_PREVIEW_CONTACT_INIT", models)
        self.assertIn("INTERCOM_EXTERN extern const intercom_type intercom_preview_contact_descriptor;", models)
        self.assertIn("#ifndef INTERCOM_PREVIEW_MODELS_CONTACTS_H", models)
        ops = r.files["include/intercom/preview/contacts.h"]
        self.assertIn("intercom_preview_contacts_retrieve(intercom_client *client", ops)
        self.assertIn("intercom_preview_async_contacts_retrieve(intercom_async_client *client", ops)
        self.assertNotIn("intercom_contacts_retrieve(", ops)
        self.assertIn("INTERCOM_PREVIEW_REPLY_MESSAGE_TYPE_COMMENT", r.files["include/intercom/preview/types.h"])
        self.assertFalse([f for f in r.files if f.startswith("include/intercom/generated/") or f == "docs/api.md"
                          or f in result().files])
        self.assertIn("const ic_operation *const ic_preview_all_operations[]", r.files["src/generated/preview_operations.c"])
        self.assertIn("const intercom_type *const ic_preview_all_types[]", r.files["src/generated/preview_models.c"])
        self.assertIn("preview_conformance_cases[]", r.files["tests/generated/preview_conformance_cases.c"])
        self.assertNotIn("preview", "".join(result().files["include/intercom/intercom.h"]
                                            if "include/intercom/intercom.h" in result().files else ""))

    def test_every_operation_sends_preview(self):
        r = preview()
        self.assertEqual(len(r.ops), 256)
        # the 8 operations whose Intercom-Version parameter is the one-value enum `preview` send it as declared
        self.assertEqual({o.api_version for o in r.ops}, {"Preview", "preview"})
        c = r.files["src/generated/preview_operations.c"]
        self.assertEqual(c.count('.api_version = "Preview"'), 248)
        self.assertEqual(c.count('.api_version = "preview"'), 8)
        self.assertEqual(pop("content.search").api_version, "preview")

    def test_same_endpoint_same_name(self):
        """`/contacts/{contact_id}` in 2.16 is `/contacts/{id}` in the Preview: one endpoint, one name."""
        self.assertEqual(op("contacts.retrieve").path, "/contacts/{contact_id}")
        self.assertEqual(pop("contacts.retrieve").path, "/contacts/{id}")
        stable = {(o.method, re.sub(r"\{[^}]*\}", "{}", o.path)): o.name for o in result().ops if o.source == "2.16"}
        same = [o for o in preview().ops if (o.method, re.sub(r"\{[^}]*\}", "{}", o.path)) in stable]
        self.assertEqual(len(same), 229)
        for o in same:
            self.assertEqual(o.name, stable[(o.method, re.sub(r"\{[^}]*\}", "{}", o.path))], o.path)
        self.assertEqual(len(preview().ops) - len(same), 27)

    def test_docs_mark_the_new(self):
        d = preview().files["docs/api-preview.md"]
        self.assertEqual(d.count(" **new** |"), 27)
        self.assertIn("| `teams.update` **new** | `intercom_preview_teams_update` | `intercom_preview_async_teams_update` "
                      "| PUT | `/teams/{id}` |", d)

    def test_multipart_catalog(self):
        o = pop("ecommerce.connectors.catalog.create")
        self.assertTrue(o.multipart)
        kinds = {f.json: f.kind for f in o.params.fields}
        self.assertEqual(kinds["catalog"], "FILE")
        self.assertEqual(kinds["part_number"], "INT")
        c = preview().files["src/generated/preview_operations.c"]
        self.assertIn("IC_OP_HAS_BODY | IC_OP_MULTIPART", c)
        self.assertIn("const intercom_file *catalog;", preview().files["include/intercom/preview/ecommerce.h"])

    def test_path_body_clash(self):
        """`POST /contacts/{id}/companies`: path `id` and body `id` are two params fields with two names."""
        f = {(x.where, x.json): x for x in pop("contacts.companies.create").params.fields}
        self.assertEqual(set(f), {("PATH", "id_path"), ("BODY", "id")})
        self.assertEqual(f[("PATH", "id_path")].wire, "id")
        self.assertEqual(f[("PATH", "id_path")].c, "id_path")

    def test_preview_files_fresh(self):
        for rel, text in preview().files.items():
            with open(os.path.join(PATHS["root"], rel), encoding="utf-8") as fh:
                self.assertEqual(fh.read(), text, rel)


class Determinism(unittest.TestCase):
    def test_same_bytes(self):
        inp = load_inputs(PATHS["spec"], PATHS["spec_211"], PATHS["seed"], PATHS["overrides"])
        again = pipeline.run(inp)
        self.assertEqual(list(again.files), list(result().files))
        for k in again.files:
            self.assertEqual(again.files[k], result().files[k], k)

    def test_committed_files_are_fresh(self):
        for rel, text in result().files.items():
            with open(os.path.join(PATHS["root"], rel), encoding="utf-8") as fh:
                self.assertEqual(fh.read(), text, rel)


if __name__ == "__main__":
    if not os.path.exists(PATHS["spec"]):
        print("test_generator: %s absent: skipped" % PATHS["spec"])
        sys.exit(77)
    unittest.main()
