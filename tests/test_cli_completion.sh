#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# intercom's bash and zsh completion in real interactive shells (tests/completion_pty.py types the line
# and TAB on a pseudo-terminal): the words after an option value holding ':' or '=' (--base-url
# http://127.0.0.1:4010, --format=pretty) are completed as commands, not only as global options.
#   test_cli_completion.sh INTERCOM_PROGRAM      exit 77 (skipped) without python3, bash or zsh
set -uo pipefail
prog=$(readlink -f "$1")
here=$(cd "$(dirname "$0")" && pwd)
for t in python3 bash zsh; do
  command -v $t >/dev/null || { echo "cli_completion: SKIPPED: $t is not installed (scripts/setup --test)"; exit 77; }
done
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
ln -s "$prog" "$tmp/intercom"
fails=0 n=0
# check SHELL LINE WANT: after typing LINE and TAB (twice), the terminal shows WANT
check() {
  local out
  n=$((n + 1))
  out=$(TMPDIR=$tmp timeout 60 python3 "$here/completion_pty.py" "$1" "$tmp" "$2" 2>&1)
  if ! grep -qF -- "$3" <<<"$out"; then
    echo "cli_completion: FAIL: $1: '$2<TAB>' does not show '$3'; the terminal showed:"
    sed 's/^/    /' <<<"$out" | head -30
    fails=$((fails + 1))
  fi
}
for sh in bash zsh; do
  check $sh 'intercom contacts cre' 'intercom contacts create '
  check $sh 'intercom --format=pretty contacts cre' 'intercom --format=pretty contacts create '
  check $sh 'intercom --base-url http://127.0.0.1:4010 contacts merge_h' 'contacts merge_history '
  check $sh 'intercom --base-url http://127.0.0.1:4010 contacts ' 'unarchive'
  check $sh 'intercom --base-url=http://127.0.0.1:4010 conversations rep' 'conversations reply '
  check $sh 'intercom --format=pre' 'intercom --format=pretty '
  check $sh 'intercom -H "Prefer: code=404" conversations reply create --message-type no' '--message-type note '
  check $sh 'intercom help contac' 'intercom help contacts '
  check $sh 'intercom webhooks ver' 'intercom webhooks verify '
  check $sh 'intercom api PA' 'intercom api PATCH '
  check $sh 'intercom api GET /contacts --qu' 'intercom api GET /contacts --query '   # api's flag, after METHOD PATH
  # --null offers the method's nullable params; a flag spelt with '_'; the flags of webhooks, identity, oauth
  check $sh 'intercom fin_voice register --null ' 'intercom fin_voice register --null param-data '
  check $sh 'intercom contacts update --contact-id c1 --null ' 'custom-attributes'
  check $sh 'intercom contacts list --per_' 'intercom contacts list --per-page '
  check $sh 'intercom contacts search --query {} --starting_a' '--starting-after '
  check $sh 'intercom webhooks listen --p' 'intercom webhooks listen --port '
  check $sh 'intercom webhooks listen --port 0 --h' 'intercom webhooks listen --port 0 --host '
  check $sh 'intercom identity jwt --user-id u --exp' '--expires-in '
  check $sh 'intercom oauth exchange --cl' 'intercom oauth exchange --client-id '
  check $sh 'intercom oauth authorize-url --redir' 'intercom oauth authorize-url --redirect-uri '
  touch "$tmp/out-file.json"
  check $sh "intercom me retrieve -o $tmp/out-fi" "$tmp/out-file.json"
  check $sh "intercom webhooks verify $tmp/out-fi" "$tmp/out-file.json"   # beside its flags, a FILE
done
[ $fails = 0 ] || { echo "cli_completion: $fails of $n failed"; exit 1; }
echo "cli_completion: ok: $n completions in bash and zsh"
