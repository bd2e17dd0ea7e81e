#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# CPack's Debian packages: cpack -G DEB in BUILD_DIR makes libintercom0, libintercom-dev and intercom,
# and dpkg-deb --contents shows each holds what it should (and nothing of another).
#   check_debs.sh BUILD_DIR        exit 77 (skipped) without dpkg-deb
set -uo pipefail
build=$1
for t in cpack dpkg-deb; do command -v $t >/dev/null || { echo "debs: SKIPPED: $t is not installed"; exit 77; }; done
out=$(mktemp -d); trap 'rm -rf "$out"' EXIT
fail() { echo "debs: FAIL: $*"; exit 1; }
(cd "$build" && cpack -G DEB -B "$out" >"$out/cpack.log" 2>&1) || { cat "$out/cpack.log"; fail "cpack exited $?"; }
pkg() { ls "$out"/"$1"_*.deb 2>/dev/null | head -1; }
for p in libintercom0 libintercom-dev intercom; do [ -n "$(pkg $p)" ] || fail "no $p package"; done
files() { dpkg-deb --contents "$(pkg "$1")" | awk '{print $6}' | grep -v '/$' | sed 's|^\./|/|'; }
# the list is read whole first: grep -q stopping early would make dpkg-deb die of SIGPIPE (pipefail)
has() { local l; l=$(files "$1"); grep -qE "$2" <<<"$l" || fail "$1 lacks $2"; }
hasnt() { local l; l=$(files "$1"); ! grep -qE "$2" <<<"$l" || fail "$1 must not hold $2"; }
has libintercom0 '/lib/libintercom\.so\.0$'
has libintercom0 '/lib/libintercom\.so\.0\.[0-9]+\.[0-9]+$'
hasnt libintercom0 '(include/|\.a$|\.so$|/bin/)'
has libintercom-dev '/include/intercom/intercom\.h$'
has libintercom-dev '/include/intercom/generated/contacts\.h$'
has libintercom-dev '/lib/libintercom\.so$'
has libintercom-dev '/lib/libintercom\.a$'
has libintercom-dev '/lib/pkgconfig/intercom\.pc$'
has libintercom-dev '/lib/cmake/intercom/intercomConfig\.cmake$'
hasnt libintercom-dev '\.so\.0'
has intercom '/bin/intercom$'
has intercom '/share/man/man1/intercom\.1'
hasnt intercom '(include/|/lib/)'
[ "$(dpkg-deb -f "$(pkg libintercom0)" Package)" = libintercom0 ] || fail "libintercom0: wrong Package field"
dpkg-deb -f "$(pkg libintercom-dev)" Depends | grep -q 'libintercom0 (= ' || fail "libintercom-dev does not depend on libintercom0"
for p in libintercom0 libintercom-dev intercom; do echo "debs: $p: $(files $p | wc -l) files"; done
echo "debs: ok"
