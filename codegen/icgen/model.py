# SPDX-License-Identifier: MIT
"""The typed data passed between the stages: fields, types, variants, operations, paging."""
from dataclasses import dataclass, field
from typing import Any, List, Optional

from .util import cname


@dataclass(eq=False)
class Field:
    """One member of a generated struct (model or params)."""
    json: str                     # the JSON (or parameter) name
    kind: str                     # STRING INT NUMBER BOOL OBJECT JSON ENUM
    array: bool = False
    tname: Optional[str] = None   # nested object or enum type (without the prefix)
    nullable: bool = False
    required: bool = False
    where: str = "BODY"           # BODY PATH QUERY HEADER
    doc: str = ""
    deprecated: bool = False
    c: str = ""                   # C member name (cname(json) unless changed by layout)
    aux: Optional[str] = None     # member of the count (arrays) or the string (enums)
    state: Optional[str] = None   # presence member
    example: Any = None           # parameters: the declared example
    schema: Any = None            # the schema it came from (examples)
    also_query: bool = False      # a path parameter the description also declares in the query
    fixed: Optional[str] = None   # a string the description restricts to one value (sent when required and NULL)
    group: Optional[tuple] = None  # query fields from a form/explode object: (parameter name, required)
    wire: Optional[str] = None    # a path parameter renamed `<name>_path` (clash with a body property): `<name>`

    def __post_init__(self):
        if not self.c:
            self.c = cname(self.json)


@dataclass(eq=False)
class Leaf:
    """A leaf variant of a oneOf/anyOf schema, nested unions flattened (shapes stage)."""
    label: str                    # ref name, title, or a positional hint `v<N>`
    ref: Optional[str]            # the component it references, if any
    props: dict                   # JSON name -> [schema definitions]
    required: List[str]
    schema: Any
    outer_ref: Optional[str] = None
    base_required: List[str] = field(default_factory=list)


@dataclass(eq=False)
class Variant:
    """One variant of a oneOf/anyOf type."""
    label: str                    # constant suffix
    tag: Optional[str]            # discriminator value(s), `|`-joined, or None
    required: List[str]           # JSON names the variant requires
    title: str                    # the variant's ref name / title / hint


@dataclass(eq=False)
class Type:
    """A generated type: an object (model struct), an enum, or an operation's params."""
    name: str                     # C name without the prefix
    kind: str                     # object enum params
    doc: str = ""
    fields: List[Field] = field(default_factory=list)
    values: List[str] = field(default_factory=list)          # enums
    value_consts: List[str] = field(default_factory=list)
    unknown_const: Optional[str] = None
    variants: List[Variant] = field(default_factory=list)
    variant_consts: List[str] = field(default_factory=list)
    variant_unknown: Optional[str] = None
    discriminator: Optional[str] = None
    origin: str = ""              # component name, or a description of where it comes from


@dataclass(frozen=True)
class Paging:
    """How an operation paginates (see paging.py)."""
    kind: str                     # SEARCH SCROLL CURSOR NUMBER
    items: str                    # JSON name of the items array in the response
    per_page_max: int             # 0: not stated


@dataclass(eq=False)
class Operation:
    """One HTTP operation, filled stage by stage."""
    method: str
    path: str
    op: dict                      # the OpenAPI operation object
    pi: dict                      # its path item
    api_version: Optional[str]
    deprecated: bool
    source: str                   # "2.16" or "2.11"
    seed: Optional[str] = None    # the seed name of an operation taken from 2.11
    # naming
    rule: str = ""
    name: str = ""
    seed_name: bool = False
    fn: str = ""
    # operations
    params: Optional[Type] = None
    has_body: bool = False
    body_required: bool = False
    multipart: bool = False       # the body is multipart/form-data (IC_OP_MULTIPART)
    body_schema: Any = None
    body_media: Any = None
    accept: Optional[str] = None
    raw: bool = False
    redirect: bool = False        # the success answer is a documented 3xx with a Location (IC_OP_REDIRECT)
    rtype: Optional[str] = None
    summary: str = ""
    # paging
    paging: Optional[Paging] = None
    paging_item: Optional[str] = None
