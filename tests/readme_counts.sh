#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The counts README.md states against the generated docs they summarise (which scripts/generate keeps
# exact): the operations of 2.16 and of the Preview, the Preview's new ones, the paginated operations.
# Usage: readme_counts.sh <source dir>
set -uo pipefail
SRC=$1
fails=0
# check WHAT README_NUMBER DOCS_NUMBER
check() {
  if [ -z "$2" ] || [ "$2" != "$3" ]; then
    echo "readme_counts: FAIL: $1: README.md says '${2:-?}', the generated docs '${3:-?}'"
    fails=$((fails + 1))
  fi
}
readme=$(tr '\n' ' ' <"$SRC/README.md")
num() { grep -oE "$1" <<<"$2" | head -1 | grep -oE '[0-9]+' | head -"${3:-1}" | tail -1; }
check "2.16 operations" "$(num 'all [0-9]+ operations of Intercom' "$readme")" \
  "$(num '\(([0-9]+) operations, plus' "$(cat "$SRC/docs/api.md")")"
check "paginated operations" "$(num 'operation \(([0-9]+) of them' "$readme")" \
  "$(num '^[0-9]+ operations paginate' "$(cat "$SRC/docs/api.md")")"
preview_doc=$(cat "$SRC/docs/api-preview.md")
check "Preview operations" "$(num '[0-9]+ operations, [0-9]+ of them not in 2.16' "$readme")" \
  "$(num '[0-9]+ operations, [0-9]+ of them new' "$preview_doc")"
check "Preview operations not in 2.16" "$(num '[0-9]+ operations, [0-9]+ of them not in 2.16' "$readme" 2)" \
  "$(num '[0-9]+ operations, [0-9]+ of them new' "$preview_doc" 2)"
[ $fails = 0 ] || exit 1
echo "readme_counts: ok"
