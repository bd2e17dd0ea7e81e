#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# scripts/fetch-spec without network: ../shared/openapi verifies; a download from a file:// mirror
# (laid out as Intercom-OpenAPI at the pinned commit, built from ../shared: JSON is YAML) converts and
# verifies into an empty directory; a mirror with one changed byte installs nothing (exit 1).
#   check_fetch_spec.sh SOURCE_DIR        exit 77 (skipped) when ../shared/openapi is absent
set -uo pipefail
src=$1
shared=$src/../shared/openapi
fs=$src/scripts/fetch-spec
if [ ! -d "$shared" ]; then echo "fetch_spec: SKIPPED: ../shared/openapi is absent"; exit 77; fi
python3 -c 'import yaml' 2>/dev/null || { echo "fetch_spec: SKIPPED: python3 has no PyYAML (python3-yaml)"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "fetch_spec: FAIL: $*"; exit 1; }

"$fs" --check || fail "../shared/openapi does not verify"
commit=$("$fs" --list | sed -n '1s/.* //p')
[ ${#commit} = 40 ] || fail "no pinned commit in --list"
m=$work/mirror/$commit
mkdir -p "$m/descriptions/2.16" "$m/descriptions/2.11" "$m/descriptions/0" "$m/fern"
cp "$shared/intercom-2.16.json" "$m/descriptions/2.16/api.intercom.io.yaml"
cp "$shared/intercom-2.11.json" "$m/descriptions/2.11/api.intercom.io.yaml"
cp "$shared/intercom-preview.json" "$m/descriptions/0/api.intercom.io.yaml"
cp "$shared/fern-openapi-overrides.yml" "$m/fern/openapi-overrides.yml"

FETCH_SPEC_SHARED=$work/none INTERCOM_SPEC_DIR=$work/out FETCH_SPEC_BASE_URL=file://$work/mirror "$fs" ||
  fail "download from the mirror failed"
"$fs" --check "$work/out" || fail "the downloaded files do not verify"
for f in intercom-2.16.json fern-openapi-overrides.yml; do cmp -s "$shared/$f" "$work/out/$f" || fail "$f differs"; done

printf '#' >>"$m/fern/openapi-overrides.yml"
FETCH_SPEC_SHARED=$work/none INTERCOM_SPEC_DIR=$work/bad FETCH_SPEC_BASE_URL=file://$work/mirror "$fs"
rc=$?
[ $rc = 1 ] || fail "a changed file: exit $rc, want 1"
[ ! -e "$work/bad" ] || fail "a changed file: something was installed"
echo "fetch_spec: ok"
