#!/usr/bin/env bash
# Compile (and link against the built library) every ```c snippet of the README sections named
# below, each inside a function that provides the variables the snippets use. Warnings are errors.
# Usage: readme_snippets.sh <source dir> <libintercom.so> <C compiler> [sanitizers]
set -euo pipefail
SRC=$1 LIB=$2 CC=$3 SAN=${4:-}
SECTIONS=("### Webhooks" "### Identity verification (Messenger)" "### OAuth for public apps" "### Many workspaces")
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
flags=(-std=c11 -Wall -Wextra -Werror -I"$SRC/include" $(pkg-config --cflags jansson))
[ -n "$SAN" ] && flags+=(-fsanitize="$SAN")
# "Many workspaces" also shows the header-only Redis store: compiled with hiredis when pkg-config finds it
HIREDIS_INC="" HIREDIS_LIBS=()
if pkg-config --exists hiredis; then
  HIREDIS_INC="#include <intercom/adapters/hiredis.h>"
  flags+=($(pkg-config --cflags hiredis))
  HIREDIS_LIBS=($(pkg-config --libs hiredis))
fi
n=0
for sec in "${SECTIONS[@]}"; do
  if [ "$sec" = "### Many workspaces" ] && [ -z "$HIREDIS_INC" ]; then
    echo "skipped \"$sec\": no hiredis (libhiredis-dev)"
    continue
  fi
  # the ```c blocks between this heading and the next heading of level 2 or 3
  awk -v sec="$sec" -v out="$T/snip" '
    $0 == sec { on = 1; next }
    on && /^##/ { on = 0 }
    on && /^```c$/ { inb = 1; k++; next }
    on && inb && /^```$/ { inb = 0; next }
    on && inb { print > (out "_" k ".c.body") }
  ' "$SRC/README.md"
  count=$(ls "$T"/snip_*.c.body 2>/dev/null | wc -l)
  [ "$count" -gt 0 ] || { echo "FAIL: no C snippet under \"$sec\""; exit 1; }
  for b in "$T"/snip_*.c.body; do
    n=$((n + 1))
    {
      echo "$HIREDIS_INC"
      cat <<'HEAD'
#include <stdio.h>
#include <stdlib.h>
#include <jansson.h>
#include <intercom/intercom.h>
int snippet(const char *secret, const char *body, size_t body_len, const char *sig_header,
            const char *identity_secret, const char *client_id, const char *client_secret, const char *state,
            const char *code, intercom_client *client);
int snippet(const char *secret, const char *body, size_t body_len, const char *sig_header,
            const char *identity_secret, const char *client_id, const char *client_secret, const char *state,
            const char *code, intercom_client *client) {
    intercom_error err = INTERCOM_ERROR_INIT;
    (void)secret, (void)body, (void)body_len, (void)sig_header, (void)identity_secret, (void)client_id;
    (void)client_secret, (void)state, (void)code, (void)client;
HEAD
      cat "$b"
      cat <<'TAIL'
    intercom_error_clear(&err);
    return 0;
}
int main(void) { return 0; }
TAIL
    } >"$T/s$n.c"
    if ! "$CC" "${flags[@]}" "$T/s$n.c" -o "$T/s$n" "$LIB" -Wl,-rpath,"$(dirname "$LIB")" $(pkg-config --libs jansson) \
      "${HIREDIS_LIBS[@]}" 2>"$T/err"; then
      echo "FAIL: README snippet $n (section \"$sec\") does not compile:"
      cat -n "$T/s$n.c" | sed -n '14,200p'
      cat "$T/err"
      exit 1
    fi
    "$T/s$n" || { echo "FAIL: snippet program $n"; exit 1; }
    rm -f "$b"
  done
done
echo "$n README snippets compiled and linked"
