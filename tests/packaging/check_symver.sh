#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# libintercom.so: SONAME libintercom.so.<major>, and every exported symbol is an intercom_* name
# versioned LIBINTERCOM_0 (src/libintercom.sym).
#   check_symver.sh LIBINTERCOM_SO
set -uo pipefail
so=$1
fail() { echo "symver: FAIL: $*"; exit 1; }
soname=$(objdump -p "$so" | awk '$1 == "SONAME" {print $2}')
[[ "$soname" =~ ^libintercom\.so\.[0-9]+$ ]] || fail "SONAME is '$soname'"
# defined dynamic symbols (not the version definition itself)
syms=$(objdump -T "$so" | awk '$2 ~ /g/ && $4 != "*UND*" && $NF != "LIBINTERCOM_0" {print $(NF-1), $NF}')
[ -n "$syms" ] || fail "no exported symbols"
bad=$(echo "$syms" | awk '$1 != "LIBINTERCOM_0" || $2 !~ /^intercom_/')
[ -z "$bad" ] || { echo "$bad" | head -20; fail "$(echo "$bad" | wc -l) exported symbols not intercom_* at LIBINTERCOM_0"; }
objdump -p "$so" | grep -qE '^ *[0-9]+ +0x[0-9a-f]+ +0x[0-9a-f]+ +LIBINTERCOM_0$' || fail "no LIBINTERCOM_0 version definition"
echo "symver: ok: SONAME $soname, $(echo "$syms" | wc -l) symbols, all intercom_* at LIBINTERCOM_0"
