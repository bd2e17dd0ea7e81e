#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Run the examples against Prism (Intercom's own description): each must exit 0.
#   run_examples.sh SOURCE_DIR EXAMPLES_BIN_DIR STATE_DIR     (exit 77: Prism unavailable)
set -u
root=$1 bin=$2 state=$3
export PRISM_STATE_DIR=$state
url=$(PRISM_PORT=auto "$root/scripts/prism" start)
rc=$?
if [ $rc = 3 ] || [ $rc = 4 ]; then echo "examples: SKIPPED: Prism unavailable"; exit 77; fi
[ $rc = 0 ] && [ -n "$url" ] || { echo "examples: scripts/prism start failed ($rc)"; exit 1; }
trap 'PRISM_PORT=${url##*:} "$root/scripts/prism" stop >/dev/null' EXIT
fail=0
for ex in me_retrieve create_contact search_conversations reply_conversation create_ticket \
          async_own_loop async_libuv pagination raw_response; do
  if [ "$ex" = async_libuv ] && [ ! -x "$bin/$ex" ]; then
    echo "skip $ex: not built (no libuv: apt-get install libuv1-dev)"; continue
  fi
  if out=$(INTERCOM_BASE_URL=$url INTERCOM_TEST_1_BEARER_TOKEN=test timeout 60 "$bin/$ex" 2>&1); then
    echo "ok   $ex: $(printf '%s' "$out" | tr '\n' ' ' | cut -c1-200)"
  else
    echo "FAIL $ex: $out"; fail=1
  fi
done
exit $fail
