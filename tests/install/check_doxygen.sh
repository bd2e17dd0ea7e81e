#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Doxygen over the public headers with every warning an error (docs/Doxyfile, WARN_AS_ERROR).
#   check_doxygen.sh SOURCE_DIR OUTPUT_DIR [DOXYGEN]     exit 77 (skipped) without doxygen
set -uo pipefail
src=$1 out=$2 doxygen=${3:-}
[ -n "$doxygen" ] && [ -x "$doxygen" ] || doxygen=$(command -v doxygen || true)
if [ -z "$doxygen" ]; then
  echo "doxygen: SKIPPED: doxygen is not installed (Debian: apt-get install doxygen; scripts/setup --test installs it)"
  exit 77
fi
mkdir -p "$out"
cd "$src" || exit 1
INTERCOM_DOXYGEN_OUT=$out "$doxygen" docs/Doxyfile 2>"$out/warnings.log"
rc=$?
n=$(grep -cE '(warning|error):' "$out/warnings.log" || true)
if [ "$rc" != 0 ] || [ "$n" != 0 ]; then
  cat "$out/warnings.log"
  echo "doxygen: FAIL: $n warnings (exit $rc) on the public headers; see docs/Doxyfile"
  exit 1
fi
echo "doxygen: ok: 0 warnings; HTML in $out/html"
