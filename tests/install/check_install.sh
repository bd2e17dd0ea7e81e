#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installed use (issue 11): install libintercom into a temporary prefix, MOVE the prefix elsewhere
# (intercom.pc must be relocatable, CMake's package is), then build the README's usage example from
# outside the tree four ways -- pkg-config shared, pkg-config --static, find_package with
# intercom::intercom and with intercom::intercom_static -- and run each against a local stub
# server answering GET /me. The static programs must not need libintercom.so.
#   check_install.sh SOURCE_DIR BUILD_DIR CMAKE C_COMPILER [EXTRA_FLAGS [CXX_COMPILER]]
# EXTRA_FLAGS: e.g. -fsanitize=address,undefined when the library was built with sanitizers.
set -euo pipefail
src=$1 build=$2 cmake=$3 cc=$4 extra=${5:-} cxx=${6:-}
work=$(mktemp -d)
stub_pid=
cleanup() { [ -n "$stub_pid" ] && kill "$stub_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
fail() { echo "install: FAIL: $*" >&2; exit 1; }

"$cmake" --install "$build" --prefix "$work/first" >/dev/null
mv "$work/first" "$work/moved"
prefix=$work/moved
pcdir=$(dirname "$(find "$prefix" -name intercom.pc | head -1)")
[ -f "$pcdir/intercom.pc" ] || fail "intercom.pc not installed"
libdir=$(cd "$pcdir/.." && pwd)

# the README's usage example (the first C block after "## Usage"), wrapped in main()
{
  echo '#include <stdio.h>'
  awk '/^## Usage/{u=1} u&&/^```c$/{c=1;next} c&&/^```$/{exit} c' "$src/README.md" | sed -n '1p'
  echo 'int main(void) {'
  awk '/^## Usage/{u=1} u&&/^```c$/{c=1;next} c&&/^```$/{exit} c' "$src/README.md" | sed '1d'
  echo '    return rc == INTERCOM_OK ? 0 : 2;'
  echo '}'
} >"$work/app.c"
grep -q intercom_client_new "$work/app.c" || fail "no usage example found in README.md"

# a stub Intercom answering GET /me (no network beyond 127.0.0.1)
python3 - "$work/port" <<'PY' &
import http.server, sys
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = b'{"type":"admin","id":"4242","name":"Stub","email":"stub@example.com"}'
        self.send_response(200 if self.path == "/me" else 404)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *a): pass
s = http.server.HTTPServer(("127.0.0.1", 0), H)
open(sys.argv[1] + ".tmp", "w").write(str(s.server_port)); __import__("os").rename(sys.argv[1] + ".tmp", sys.argv[1])
s.serve_forever()
PY
stub_pid=$!
for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.1; done
[ -s "$work/port" ] || fail "stub server did not start"
export INTERCOM_BASE_URL=http://127.0.0.1:$(cat "$work/port") INTERCOM_TEST_1_BEARER_TOKEN=placeholder

run() { # NAME EXE: runs it (from another directory), expects the stub's admin id
  local out
  out=$(cd / && "$2") || fail "$1: the program failed"
  [ "$out" = 4242 ] || fail "$1: printed '$out', want 4242"
  echo "install: ok: $1"
}
no_shared() { # NAME EXE: a static link must not need libintercom.so
  ! readelf -d "$2" | grep -q 'NEEDED.*libintercom' || fail "$1: still needs libintercom.so"
}

export PKG_CONFIG_PATH=$pcdir
case "$(pkg-config --variable=prefix intercom)" in
  "$pcdir"/*) ;; *) fail "intercom.pc prefix is $(pkg-config --variable=prefix intercom), not under $pcdir" ;;
esac
# shared, via pkg-config (rpath: the moved prefix)
# shellcheck disable=SC2046
"$cc" $extra -std=c11 -Wall -Werror -o "$work/app_pc" "$work/app.c" $(pkg-config --cflags --libs intercom) \
  -Wl,-rpath,"$libdir"
readelf -d "$work/app_pc" | grep -q 'NEEDED.*libintercom.so' || fail "pkg-config shared: not linked to libintercom.so"
run "pkg-config (shared)" "$work/app_pc"
# the same program as C++17, via pkg-config (the headers and the _INIT macros are valid C++)
if [ -n "$cxx" ]; then
  # shellcheck disable=SC2046
  "$cxx" $extra -std=c++17 -Wall -Wextra -Werror -x c++ -o "$work/app_cxx" "$work/app.c" \
    $(pkg-config --cflags --libs intercom) -Wl,-rpath,"$libdir" || fail "C++17: does not compile"
  run "pkg-config (C++17)" "$work/app_cxx"
fi
# static, via pkg-config --static: libintercom.a, then what it needs
static_libs=$(pkg-config --static --libs intercom)
echo "install: pkg-config --static --libs intercom: $static_libs"
# shellcheck disable=SC2046,SC2086
"$cc" $extra -std=c11 -Wall -Werror -o "$work/app_pc_static" "$work/app.c" $(pkg-config --static --cflags intercom) \
  $(echo " $static_libs " | sed 's/ -lintercom / -l:libintercom.a /')
no_shared "pkg-config --static" "$work/app_pc_static"
run "pkg-config --static" "$work/app_pc_static"

# find_package, shared and static
mkdir -p "$work/cm"
cat >"$work/cm/CMakeLists.txt" <<CM
cmake_minimum_required(VERSION 3.16)
project(consumer C)
find_package(intercom REQUIRED)
add_executable(app_shared "$work/app.c")
target_link_libraries(app_shared PRIVATE intercom::intercom)
add_executable(app_static "$work/app.c")
target_link_libraries(app_static PRIVATE intercom::intercom_static)
CM
"$cmake" -S "$work/cm" -B "$work/cm/build" -DCMAKE_C_COMPILER="$cc" -DCMAKE_PREFIX_PATH="$prefix" \
  -DCMAKE_BUILD_TYPE=Release -DCMAKE_C_FLAGS="$extra" >/dev/null || fail "find_package: configure failed"
"$cmake" --build "$work/cm/build" >/dev/null || fail "find_package: build failed"
run "find_package intercom::intercom" "$work/cm/build/app_shared"
no_shared "find_package intercom::intercom_static" "$work/cm/build/app_static"
run "find_package intercom::intercom_static" "$work/cm/build/app_static"
echo "install: all consumers built and ran from the moved prefix $prefix"
