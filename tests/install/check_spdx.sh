#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# scripts/spdx on a scratch repository: --check lists exactly the hand-written sources lacking the
# SPDX line (not generated files, not data), the fix adds it in the right place (after #!, as a C
# comment in C) keeping the file mode, and --check then passes.
#   check_spdx.sh SOURCE_DIR
set -euo pipefail
src=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "spdx: FAIL: $*"; exit 1; }
cd "$work"
git init -q .
mkdir -p scripts src/generated src/runtime
cp "$src/scripts/spdx" scripts/spdx
printf '/* a */\nint a;\n' >src/runtime/a.c
printf '#!/bin/sh\necho hi\n' >scripts/b && chmod +x scripts/b
printf '/* generated */\nint g;\n' >src/generated/g.c
printf '{"x": 1}\n' >data.json
printf '/* SPDX-License-Identifier: MIT */\nint d;\n' >src/runtime/done.h
printf 'project(x)\n' >CMakeLists.txt
git add -A
if out=$(scripts/spdx --check 2>&1); then fail "--check passed with files lacking the line"; fi
listed=$(printf '%s\n' "$out" | sed -n 's/^  //p' | sort | tr '\n' ' ')
[ "$listed" = "CMakeLists.txt scripts/b src/runtime/a.c " ] || fail "--check listed: $listed"
scripts/spdx >/dev/null
scripts/spdx --check >/dev/null || fail "--check fails after the fix"
[ "$(head -n 1 src/runtime/a.c)" = "/* SPDX-License-Identifier: MIT */" ] || fail "a.c: $(head -n 1 src/runtime/a.c)"
[ "$(sed -n 2p src/runtime/a.c)" = "/* a */" ] || fail "a.c lost its first line"
[ "$(head -n 1 scripts/b)" = "#!/bin/sh" ] && [ "$(sed -n 2p scripts/b)" = "# SPDX-License-Identifier: MIT" ] ||
  fail "scripts/b: $(head -n 2 scripts/b | tr '\n' '|')"
[ -x scripts/b ] || fail "scripts/b lost its executable bit"
[ "$(head -n 1 src/generated/g.c)" = "/* generated */" ] || fail "a generated file was changed"
[ "$(cat data.json)" = '{"x": 1}' ] || fail "data was changed"
[ "$(grep -c SPDX src/runtime/done.h)" = 1 ] || fail "a file that had the line got it twice"
echo "spdx: ok"
