#!/usr/bin/env bash
# scripts/run --mock: Prism is started on a free port, the command runs against it, Prism is
# stopped afterwards -- after a success, after a failing command, and after Ctrl-C (SIGINT to the
# whole foreground process group, as a terminal sends it) while the command waits on stdin.
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

# Ctrl-C: the command blocks reading --data from stdin (a FIFO this test holds open); SIGINT goes
# to the whole process group, as a terminal sends it
fifo=$state/stdin
mkfifo "$fifo"
exec 3<>"$fifo"
# a background job of a non-interactive shell starts with SIGINT ignored (and bash cannot trap a
# signal ignored on entry): start it in its own process group with SIGINT back to the default,
# as a terminal's foreground job has it
python3 -c 'import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.setsid(); os.execvp(sys.argv[1], sys.argv[1:])' \
  "$src/scripts/run" --mock contacts search --data - <"$fifo" >/dev/null 2>"$state/err" &
pid=$!
for _ in $(seq 600); do grep -q '^run: --mock:' "$state/err" 2>/dev/null && break; sleep 0.1; done
grep -q '^run: --mock:' "$state/err" || { kill -KILL -- -"$pid" 2>/dev/null; cat "$state/err"; fail "the mock did not come up"; }
sleep 0.5
kill -INT -- -"$pid"
rc=
for _ in $(seq 300); do kill -0 "$pid" 2>/dev/null || { wait "$pid"; rc=$?; break; }; sleep 0.1; done
if [ -z "$rc" ]; then
  kill -KILL -- -"$pid" 2>/dev/null
  fail "scripts/run --mock did not exit within 30 s of Ctrl-C"
fi
exec 3>&-
[ $rc = 130 ] || { cat "$state/err"; fail "after Ctrl-C: exit $rc, want 130"; }
stopped "after Ctrl-C"
echo "run_mock: ok: Ctrl-C exits 130 and Prism is stopped"
