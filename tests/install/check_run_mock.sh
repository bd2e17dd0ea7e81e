#!/usr/bin/env bash
# scripts/run --mock: Prism is started on a free port, the command runs against it, Prism is
# stopped afterwards -- after a success and after a failing command.
#   check_run_mock.sh SOURCE_DIR INTERCOM_EXE STATE_DIR    exit 77 (skipped) without the
#   description (../shared or scripts/fetch-spec) or Node.js/Prism
set -uo pipefail
src=$1 exe=$2 state=$3/run_mock
rm -rf "$state"
mkdir -p "$state"
export PRISM_STATE_DIR=$state INTERCOM_RUN_EXE=$exe
unset INTERCOM_BASE_URL INTERCOM_TEST_1_BEARER_TOKEN
fail() { echo "run_mock: FAIL: $*"; exit 1; }
stopped() { # the Prism this run started (its pid from scripts/prism's "started pid N") is gone
  local pid
  [ -z "$(ls "$state"/prism-*.pid 2>/dev/null)" ] || fail "$1: a Prism pid file is left: $(ls "$state")"
  pid=$(sed -n 's/^prism: started pid \([0-9]*\).*/\1/p' "$state/err" | tail -1)
  [ -n "$pid" ] || { cat "$state/err"; fail "$1: no Prism was started"; }
  grep -q "^prism: stopped pid $pid\$" "$state/err" || { cat "$state/err"; fail "$1: Prism $pid not stopped"; }
  if [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q prism; then
    fail "$1: Prism pid $pid is still running"
  fi
}

out=$("$src/scripts/run" --mock me retrieve 2>"$state/err")
rc=$?
if [ $rc = 3 ] || [ $rc = 4 ]; then
  cat "$state/err"
  echo "run_mock: SKIPPED: no description or no Node.js/Prism (scripts/prism exit $rc)"
  exit 77
fi
[ $rc = 0 ] || { cat "$state/err"; fail "scripts/run --mock me retrieve exited $rc"; }
printf '%s' "$out" | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["type"]=="admin", d' ||
  fail "not an admin: $out"
stopped "after success"
echo "run_mock: ok: me retrieve against the mock -> $(printf '%s' "$out" | head -c 80)"

"$src/scripts/run" --mock contacts retrieve >/dev/null 2>"$state/err"   # missing --contact-id
rc=$?
[ $rc = 2 ] || { cat "$state/err"; fail "a usage error exited $rc, want the CLI's 2"; }
stopped "after a failing command"
echo "run_mock: ok: a failing command keeps its exit status (2) and Prism is stopped"
