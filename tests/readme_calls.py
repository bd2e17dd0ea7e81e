#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Every call of a public function written out in README.md and docs/*.md (inline code and blocks alike,
`intercom_rate_limit_key(token, key, &err)`) has as many arguments as its declaration in include/intercom
(README said intercom_rate_limit_key(token); it takes three). Calls written with `...` or `()` are skipped.
Usage: readme_calls.py <source dir>"""
import glob
import os
import re
import sys

src = sys.argv[1]
decl = {}
for f in glob.glob(os.path.join(src, "include/intercom/**/*.h"), recursive=True):
    text = open(f, encoding="utf-8").read()
    for m in re.finditer(r"(?:INTERCOM_EXTERN|static inline)[^;{]*?\b(intercom_\w+)\s*\(([^;{]*?)\)\s*[;{]", text, re.S):
        args = m.group(2).strip()
        decl[m.group(1)] = 0 if args in ("", "void") else args.count(",") + 1


def count(args):
    depth, n = 0, 1
    for ch in args:
        depth += ch in "([{"
        depth -= ch in ")]}"
        n += ch == "," and depth == 0
    return n


docs = [os.path.join(src, "README.md")] + [d for d in glob.glob(os.path.join(src, "docs/*.md"))
                                           if not os.path.basename(d).startswith("api")]  # api*.md: generated
bad = checked = 0
for doc in docs:
    text = open(doc, encoding="utf-8").read()
    for m in re.finditer(r"\b(intercom_\w+)\(([^()]*(?:\([^()]*\)[^()]*)*)\)", text):
        name, args = m.group(1), m.group(2)
        if name not in decl or "..." in args or not args.strip():
            continue
        checked += 1
        if count(args) != decl[name]:
            line = text[: m.start()].count("\n") + 1
            print(f"readme_calls: FAIL: {os.path.relpath(doc, src)}:{line}: {m.group(0)[:100]}: "
                  f"{count(args)} arguments, {name} takes {decl[name]}")
            bad += 1
if len(decl) < 100 or checked < 50:
    print(f"readme_calls: FAIL: only {len(decl)} declarations, {checked} calls found")
    sys.exit(1)
print(f"readme_calls: {checked} calls checked, {bad} wrong")
sys.exit(1 if bad else 0)
