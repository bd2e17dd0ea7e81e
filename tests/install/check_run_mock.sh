#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
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

# the Preview: Prism serves the Preview description (the 2.16 one answers Intercom-Version: Preview 422)
if [ -f "$src/../shared/openapi/intercom-preview.json" ] || [ -f "$src/spec/openapi/intercom-preview.json" ]; then
  out=$("$src/scripts/run" --mock --max-retries 0 preview me retrieve 2>"$state/err")
  rc=$?
  [ $rc = 0 ] || { cat "$state/err"; fail "scripts/run --mock preview me retrieve exited $rc"; }
  printf '%s' "$out" | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["type"]=="admin", d' ||
    fail "preview: not an admin: $out"
  stopped "after the Preview"
  echo "run_mock: ok: preview me retrieve against a mock of the Preview description"
fi

# Ctrl-C (SIGINT to the whole process group, as a terminal sends it). A background job of a
# non-interactive shell starts with SIGINT ignored (and bash cannot trap a signal ignored on entry):
# start scripts/run in its own process group with SIGINT back to the default, as a terminal's
# foreground job has it. The command blocks reading --data from stdin (a FIFO held open here).
fifo=$state/stdin
mkfifo "$fifo"
exec 3<>"$fifo"
start_bg() { # ERRFILE: scripts/run --mock contacts search --data - in the background; sets $pid
  python3 -c 'import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.setsid(); os.execvp(sys.argv[1], sys.argv[1:])' \
    "$src/scripts/run" --mock contacts search --data - <"$fifo" >/dev/null 2>"$1" &
  pid=$!
}
interrupt() { # NAME ERRFILE: Ctrl-C, then expect exit 130 within 30 s
  local rc=
  kill -INT -- -"$pid"
  for _ in $(seq 300); do kill -0 "$pid" 2>/dev/null || { wait "$pid"; rc=$?; break; }; sleep 0.1; done
  if [ -z "$rc" ]; then
    kill -KILL -- -"$pid" 2>/dev/null
    cat "$2"
    fail "$1: scripts/run --mock did not exit within 30 s of Ctrl-C"
  fi
  [ "$rc" = 130 ] || { cat "$2"; fail "$1: exit $rc, want 130"; }
}

# while the command runs
start_bg "$state/err3"
deadline=$((SECONDS + 180))
until grep -q '^run: --mock:' "$state/err3" 2>/dev/null; do
  if [ $SECONDS -ge $deadline ] || ! kill -0 "$pid" 2>/dev/null; then
    kill -INT -- -"$pid" 2>/dev/null; sleep 2; kill -KILL -- -"$pid" 2>/dev/null
    cat "$state/err3"; fail "the mock did not come up"
  fi
  sleep 0.1
done
sleep 0.5
interrupt "Ctrl-C while the command runs" "$state/err3"
cp "$state/err3" "$state/err"
stopped "after Ctrl-C while the command runs"
echo "run_mock: ok: Ctrl-C while the command runs: exit 130, Prism stopped"

# while Prism is still starting (its pid file is there, it does not answer yet)
rm -f "$state"/prism-*.pid
start_bg "$state/err4"
deadline=$((SECONDS + 60))
until ppid=$(cat "$state"/prism-*.pid 2>/dev/null) && [ -n "$ppid" ]; do
  [ $SECONDS -lt $deadline ] || { kill -KILL -- -"$pid" 2>/dev/null; cat "$state/err4"; fail "Prism was not launched"; }
  sleep 0.05
done
grep -q '^run: --mock:' "$state/err4" && echo "run_mock: note: Prism answered before the Ctrl-C"
interrupt "Ctrl-C while Prism starts" "$state/err4"
sleep 1
if [ -r "/proc/$ppid/cmdline" ] && tr '\0' ' ' <"/proc/$ppid/cmdline" | grep -q prism; then
  kill -TERM "$ppid"; cat "$state/err4"; fail "Ctrl-C while Prism starts: Prism pid $ppid left running"
fi
[ -z "$(ls "$state"/prism-*.pid 2>/dev/null)" ] || fail "Ctrl-C while Prism starts: a pid file is left"
exec 3>&-
echo "run_mock: ok: Ctrl-C while Prism starts: exit 130, Prism pid $ppid stopped"
