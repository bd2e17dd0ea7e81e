#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# intercom(1): `intercom __man` renders with man -l without warnings, and names every global option of
# --help, every resource and every command of the operation table, and every exit status.
#   check_man.sh INTERCOM_PROGRAM MAN_FILE_BUILT      exit 77 (skipped) without man
set -uo pipefail
prog=$1 built=$2
command -v man >/dev/null || { echo "man: SKIPPED: man is not installed (apt-get install man-db)"; exit 77; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail() { echo "man: FAIL: $*"; exit 1; }
"$prog" __man >"$tmp/intercom.1" || fail "intercom __man exited $?"
cmp -s "$tmp/intercom.1" "$built" || fail "$built (installed page) differs from intercom __man"
MANWIDTH=200 LC_ALL=C.UTF-8 man --warnings -l "$tmp/intercom.1" >"$tmp/page.txt" 2>"$tmp/warn.txt" || fail "man -l exited $?"
[ ! -s "$tmp/warn.txt" ] || { cat "$tmp/warn.txt"; fail "groff warnings"; }
for s in NAME SYNOPSIS "GLOBAL OPTIONS" COMMANDS "EXIT STATUS"; do grep -q "^$s" "$tmp/page.txt" || fail "no section $s"; done
"$prog" --help >"$tmp/help.txt" 2>&1
# every global option of --help
opts=$(grep -oE '^  --[a-z-]+' "$tmp/help.txt" | tr -d ' ')
[ -n "$opts" ] || fail "no global options in --help"
for o in $opts; do grep -qE "^ +$o( |$)" "$tmp/page.txt" || fail "global option $o missing"; done
# every resource of --help, and every command (resource method) of each resource's --help
res=$(awk '/^Resources:/{f=1;next} /^$/{f=0} f{print $1}' "$tmp/help.txt")
[ "$(echo "$res" | wc -l)" -gt 10 ] || fail "too few resources in --help"
ncmd=0
for r in $res; do
  grep -qE "^ +$r " "$tmp/page.txt" || fail "resource $r missing"
  "$prog" $r --help 2>/dev/null | awk '/^Methods:/{f=1;next} /^$/{f=0} f{print $1}' >"$tmp/m.txt"
  while read -r m; do
    ncmd=$((ncmd + 1))
    grep -qE "^ +$r $m( |$)" "$tmp/page.txt" || fail "command $r $m missing"
  done <"$tmp/m.txt"
done
# the commands beyond the operations, each with its --help text, and the environment variables
grep -q "^MORE COMMANDS" "$tmp/page.txt" || fail "no section MORE COMMANDS"
for c in api help completion webhooks identity oauth; do grep -qE "^ +$c\$" "$tmp/page.txt" || fail "command $c missing"; done
for t in "intercom webhooks verify" "intercom identity jwt" "intercom oauth exchange" "api <METHOD> <PATH>" \
         "intercom help <resource> <method>" "intercom [global options] preview resource method [params]" \
         "help [preview] [resource [method]]" "docs/api-preview.md"; do
  grep -qF -- "$t" "$tmp/page.txt" || fail "\"$t\" missing"
done
for v in INTERCOM_TEST_1_BEARER_TOKEN INTERCOM_BASE_URL INTERCOM_LOG; do grep -qE "^ +$v\$" "$tmp/page.txt" || fail "$v missing"; done
# every exit status of the --help table
for c in 0 2 3 4 10 11 12 13 14 15 16 17 18 19; do grep -qE "(^| )$c  " "$tmp/page.txt" || fail "exit status $c missing"; done
echo "man: ok: $(echo "$opts" | wc -l) global options, $(echo "$res" | wc -l) resources, $ncmd commands, 6 more commands, exit statuses"
