#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Only intercom_* symbols are global in the shipped libraries (issue 11): the dynamic symbols of
# libintercom.so and the global symbols of libintercom.a (whose internals, ic_*, are made local by
# the prelink in CMakeLists.txt). Symbols the sanitizers add to instrumented objects are ignored.
#   check_symbols.sh NM LIBINTERCOM_SO LIBINTERCOM_A
set -euo pipefail
nm=$1 so=$2 ar=$3
rc=0
san='^(__odr_asan|__asan|__ubsan|__sancov|___asan_gen|__start_|__stop_)'
check() { # NAME LIST-OF-"TYPE NAME"
  local name=$1 list=$2 n bad
  n=$(printf '%s\n' "$list" | grep -c ' intercom_' || true)
  bad=$(printf '%s\n' "$list" | awk 'NF' | grep -v ' intercom_' | awk '{print $2}' | grep -Ev "$san" || true)
  if [ "$n" -lt 100 ]; then echo "symbols: FAIL: $name: only $n intercom_* symbols (wrong file?)"; rc=1; fi
  if [ -n "$bad" ]; then
    echo "symbols: FAIL: $name defines $(printf '%s\n' "$bad" | wc -l) global symbols outside intercom_*:"
    printf '%s\n' "$bad" | head -20 | sed 's/^/  /'
    rc=1
  else
    echo "symbols: ok: $name: $n global symbols, all intercom_*"
  fi
}
# (the version script's node, LIBINTERCOM_0, is an absolute symbol naming the version, not code or data)
check "$(basename "$so") (dynamic)" "$("$nm" -D --defined-only "$so" | awk '{print $(NF-1), $NF}' |
  awk '!($1 == "A" && $2 ~ /^LIBINTERCOM_[0-9.]+$/)')"
check "$(basename "$ar")" "$("$nm" -g --defined-only "$ar" 2>/dev/null | awk 'NF==3 {print $2, $3}')"
# the internals are still there, as local symbols (so the check above looked at the real archive)
all=$("$nm" --defined-only "$ar" 2>/dev/null)
if ! grep -Eq ' [tTdDbBrR] ic_log$' <<<"$all"; then
  echo "symbols: FAIL: ic_log not found in $ar at all"; rc=1
fi
exit $rc
