#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""libintercom generator: OpenAPI description -> C models, descriptor tables, operations, docs.

The stages live in codegen/icgen/ (see its __init__.py); codegen/FORMAT.md says what is written.
Python 3 standard library only."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.dont_write_bytecode = True

from icgen.main import main  # noqa: E402
from icgen.util import GenError  # noqa: E402

if __name__ == "__main__":
    try:
        sys.exit(main())
    except GenError as e:
        print("generate.py: %s" % e, file=sys.stderr)
        sys.exit(1)
