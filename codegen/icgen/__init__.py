# SPDX-License-Identifier: MIT
"""libintercom's generator, in stages (codegen/FORMAT.md says what it writes):

  load.py        description(s), seed names, overrides -> Inputs (Operation list)
  shapes.py      schemas -> Types (allOf merge, oneOf/anyOf flattening)       [Gen]
  naming.py      operation names (seed, rule, clashes); type/constant names  [Namer]
  operations.py  params and response types of each operation
  paging.py      pagination of each operation
  cgen.py        C helpers shared by the emitters
  emit_models.py, emit_operations.py, emit_docs.py, emit_conformance.py   one emitter per output family
  examples.py    example synthesis (conformance cases)
  main.py        the pipeline (derive, run) and the command line
Python 3.11 standard library only; deterministic.
"""
