#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Compile (and link against the built library) EVERY ```c block of README.md. Warnings are errors.
# Usage: readme_snippets.sh <source dir> <libintercom.so> <C compiler> [sanitizers]
#
# The wrapper each block is compiled in (README blocks are fragments of a program):
#   - The file starts with <stdio.h>, <stdlib.h> and <intercom/intercom.h>, nothing else: a block that
#     uses another header (Jansson's json_pack, json_t: <jansson.h>) must #include it itself, as the
#     README then tells the reader.
#   - File-scope code of a block: lines at column 0 beginning with #include, typedef, struct or static;
#     one ending with "{" (and maybe a comment) runs to the next line that is exactly "}". It goes above the function.
#   - Everything else runs inside `int snippet(...)`, in a block of its own (so a block may declare
#     its own `client`, `err`, `me`, ...), where these are in scope: intercom_client *client,
#     intercom_client_options opts, intercom_error err, intercom_admin_with_app *me, and the webhook/
#     identity/OAuth inputs secret, body, body_len, sig_header, identity_secret, client_id,
#     client_secret, state, code. The program is linked and run (main does not call snippet()).
set -euo pipefail
SRC=$1 LIB=$2 CC=$3 SAN=${4:-}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
flags=(-std=c11 -Wall -Wextra -Werror -I"$SRC/include" $(pkg-config --cflags jansson))
[ -n "$SAN" ] && flags+=(-fsanitize="$SAN")
# "Many workspaces" also shows the header-only Redis store (adapters/hiredis.h): linked with hiredis
# when pkg-config finds it, else that block is reported as skipped
HIREDIS_LIBS=()
if pkg-config --exists hiredis; then
  flags+=($(pkg-config --cflags hiredis))
  HIREDIS_LIBS=($(pkg-config --libs hiredis))
fi
# every ```c block, with the README line it starts on and the section it is in
awk -v out="$T/snip" '
  /^##/ { sec = $0 }
  /^```c$/ { inb = 1; k++; printf "%d\t%s\n", NR, sec > (out "_" k ".where"); next }
  inb && /^```$/ { inb = 0; next }
  inb { print > (out "_" k ".body") }
' "$SRC/README.md"
count=$(ls "$T"/snip_*.body 2>/dev/null | wc -l)
[ "$count" -ge 15 ] || { echo "FAIL: only $count C blocks found in README.md"; exit 1; }
n=0
for k in $(seq 1 "$count"); do
  b=$T/snip_$k.body
  [ -f "$b" ] || continue
  n=$((n + 1))
  where=$(cat "$T/snip_$k.where")
  if grep -q hiredis "$b" && [ ${#HIREDIS_LIBS[@]} = 0 ]; then
    echo "skipped README.md C block $n (line ${where%%$'\t'*}): needs hiredis (libhiredis-dev)"
    continue
  fi
  awk -v top="$T/top.c" -v body="$T/body.c" '
    BEGIN { printf "" > top; printf "" > body }
    intop { print > top; if ($0 == "}") intop = 0; next }
    /^(#include|typedef|struct|static)/ { print > top; if ($0 ~ /\{[ \t]*(\/\*.*\*\/)?[ \t]*$/) intop = 1; next }
    { print > body }
  ' "$b"
  {
    cat <<'HEAD'
#include <stdio.h>
#include <stdlib.h>
#include <intercom/intercom.h>
HEAD
    cat "$T/top.c"
    cat <<'HEAD'
int snippet(intercom_client *client, const char *secret, const char *body, size_t body_len, const char *sig_header,
            const char *identity_secret, const char *client_id, const char *client_secret, const char *state,
            const char *code);
int snippet(intercom_client *client, const char *secret, const char *body, size_t body_len, const char *sig_header,
            const char *identity_secret, const char *client_id, const char *client_secret, const char *state,
            const char *code) {
    intercom_client_options opts = INTERCOM_CLIENT_OPTIONS_INIT;
    intercom_error err = INTERCOM_ERROR_INIT;
    intercom_admin_with_app *me = NULL;
    (void)client, (void)secret, (void)body, (void)body_len, (void)sig_header, (void)identity_secret;
    (void)client_id, (void)client_secret, (void)state, (void)code, (void)opts, (void)me;
    {
HEAD
    cat "$T/body.c"
    cat <<'TAIL'
    }
    intercom_error_clear(&err);
    return 0;
}
int main(void) { return 0; }
TAIL
  } >"$T/s$n.c"
  if ! "$CC" "${flags[@]}" "$T/s$n.c" -o "$T/s$n" "$LIB" -Wl,-rpath,"$(dirname "$LIB")" $(pkg-config --libs jansson) \
      "${HIREDIS_LIBS[@]}" 2>"$T/err"; then
    echo "FAIL: README.md C block $n (line ${where%%$'\t'*}, section \"${where#*$'\t'}\") does not compile:"
    cat -n "$T/s$n.c"
    cat "$T/err"
    exit 1
  fi
  "$T/s$n" || { echo "FAIL: snippet program $n"; exit 1; }
done
echo "$n README C blocks compiled and linked (all of README.md)"
