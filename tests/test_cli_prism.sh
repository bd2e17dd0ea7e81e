#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Every operation of the generated table through the `intercom` program against Prism (the same
# mock server and example params as the conformance test): one run per operation,
#   intercom --base-url <prism> --token test <resource> <method> --data '<the case's params_json>'
# counting the runs that exit 0 (Prism accepted the request, the 2xx body decoded). The operations
# Prism cannot answer with a 2xx mirror KNOWN[] in tests/test_conformance.c.
#
#   test_cli_prism.sh SOURCE_DIR INTERCOM CLI_CASES STATE_DIR
# CLI_NS=preview: the Preview's operations as `intercom preview <resource> <method>` (PRISM_SPEC the
# Preview description; its known operations mirror tests/preview_conformance_known.h).
# Prints `CLI_CONFORMANCE accepted=N/TOTAL`. Exit: 0 every operation not known accepted, 1 a
# failure, 77 (skip) when ../shared or Prism is unavailable.
set -u
root=$1 cli=$2 cases=$3 state=$4
export PRISM_STATE_DIR=$state
for _try in 1 2 3; do # 1: e.g. another run's Prism took the free port first (scripts/prism owns_port)
  url=$(PRISM_PORT=auto "$root/scripts/prism" start)
  rc=$?
  [ $rc = 1 ] || break
done
if [ $rc = 3 ] || [ $rc = 4 ]; then
  echo "cli_conformance: SKIPPED: Prism is unavailable (scripts/prism start exited $rc, see above)"
  exit 77
elif [ $rc != 0 ] || [ -z "$url" ]; then
  echo "cli_conformance: scripts/prism start failed ($rc)"
  exit 1
fi
stop() { PRISM_PORT=${url##*:} "$root/scripts/prism" stop; }
trap stop EXIT
trap 'exit 130' INT TERM

# method + path of the operations Prism cannot answer with a 2xx (reasons: tests/test_conformance.c)
ns=${CLI_NS:-}
known() {
  if [ "$ns" = preview ]; then
    case "$1 $2" in
      "GET /calls/{id}/recording" | "POST /conversations" | "GET /events") return 0 ;;
    esac
    return 1
  fi
  case "$1 $2" in
    "GET /calls/{call_id}/recording" | "POST /conversations/{conversation_id}/run_assignment_rules" | \
    "POST /conversations" | "GET /events") return 0 ;;
  esac
  return 1
}

total=0 accepted=0 known_n=0 failed=0 pagers=0 limited=0
err=$state/cli_conformance.err
while IFS=$'\t' read -r name method path json; do
  total=$((total + 1))
  read -r -a words <<<"${name//./ }"
  args=(${ns:+"$ns"} "${words[@]}")
  [ -n "$json" ] && args+=(--data "$json")
  # the file part of the Preview's multipart upload (not in the example JSON): a small catalog file
  if [ "$ns" = preview ] && [ "$name" = ecommerce.connectors.catalog.create ]; then
    printf '[{"id":"p1","title":"Shoe","url":"https://example.com/p1"}]' >"$state/catalog.json"
    args+=(--catalog "$state/catalog.json")
  fi
  timeout -k 5 60 "$cli" --base-url "$url" --token test --max-retries 0 "${args[@]}" >/dev/null 2>"$err"
  st=$?
  if [ $st = 0 ]; then
    accepted=$((accepted + 1))
    known "$method" "$path" && echo "  $name: accepted, but listed as known: it can leave the list"
    # a paginated operation: --all --limit 1 prints one item and stops (every pager kind)
    if "$cli" "${words[@]}" --help 2>/dev/null | grep -q '^Paginated: --all'; then
      pagers=$((pagers + 1))
      timeout -k 5 60 "$cli" --base-url "$url" --token test --max-retries 0 "${args[@]}" --all --limit 1 \
        >"$state/cli_limit.out" 2>"$err"
      lst=$?
      if [ $lst = 0 ] && [ "$(wc -l <"$state/cli_limit.out")" -le 1 ]; then
        limited=$((limited + 1))
      else
        failed=$((failed + 1))
        echo "  FAIL    intercom ${words[*]} --all --limit 1: exit $lst, $(wc -l <"$state/cli_limit.out") lines: $(head -c 300 "$err")"
      fi
    fi
  elif known "$method" "$path"; then
    known_n=$((known_n + 1))
    echo "  known   $name (exit $st): $(head -c 300 "$err")"
  else
    failed=$((failed + 1))
    echo "  FAIL    intercom ${ns:+$ns }${words[*]}${json:+ --data '$json'}: exit $st: $(head -c 600 "$err")"
  fi
done < <("$cases")

echo "CLI_CONFORMANCE accepted=$accepted/$total (known: $known_n, failed: $failed)"
echo "CLI_LIMIT paginated operations stopped by --all --limit 1: $limited/$pagers"

# -H reaches Prism (Prefer: code=404 makes it answer its 404 example), intercom api sends any
# request, and the error line is one line with the exit status of its class
extra=0
run() { timeout -k 5 60 "$cli" --base-url "$url" --token test --max-retries 0 "$@" >"$state/cli_x.out" 2>"$err"; }
expect() { # expect STATUS DESCRIPTION: the last run's exit status
  if [ "$st" != "$1" ]; then
    failed=$((failed + 1)); echo "  FAIL    $2: exit $st, want $1: $(head -c 600 "$err")"
  else
    extra=$((extra + 1))
  fi
}
run -H 'Prefer: code=404' contacts retrieve --contact-id 1; st=$?; expect 13 "-H 'Prefer: code=404' contacts retrieve"
[ "$(wc -l <"$err")" = 1 ] || { failed=$((failed + 1)); echo "  FAIL    the 404 is not one line: $(cat "$err")"; }
run contacts retrieve --contact-id 1; st=$?; expect 0 "contacts retrieve (no Prefer)"
run api GET /me; st=$?; expect 0 "api GET /me"
grep -q '"type"' "$state/cli_x.out" || { failed=$((failed + 1)); echo "  FAIL    api GET /me printed no body"; }
run api POST /tags --data '{"name":"vip"}' -H 'Prefer: code=200'; st=$?; expect 0 "api POST /tags"
run api GET /contacts --query per_page=5 --header 'Prefer: code=401'; st=$?; expect 11 "api GET /contacts with Prefer: code=401"
echo "CLI_EXTRA ok=$extra/5 (-H against Prism, intercom api)"
[ "$total" -gt 0 ] && [ $failed = 0 ]
