#!/bin/sh
# SPDX-License-Identifier: MIT
# The runtime's layers depend one way (docs/architecture.md):
#   1 core   (core.h)   alloc.c util.c error.c options.c (options.h)
#   2 model  (model.h)  arena.c decode.c model.c registry.c webhook_topics.c
#   3 http   (http.h)   config.c engine.c multipart.c request.c response.c retry.c
#   4 client (client.h) client.c pager.c oauth.c identity.c webhook.c
#   5 generated (src/generated: includes client.h), 6 cli (public headers only)
# Fails when a runtime file includes a header of a layer above its own, includes the umbrella
# internal.h, is not in the table above (a new file must be placed in a layer), or names a
# generated symbol (the runtime reaches generated tables only through the registry, registry.c);
# and when the CLI, a fuzzer or a benchmark includes anything of src/ (they use the public API only;
# unit tests in tests/ may include src/runtime/internal.h).
# Usage: check_layers.sh [SOURCE_DIR]        (the project root; default .)
#        check_layers.sh --selftest [SOURCE_DIR]   (plants each violation in a copy: each must fail)
set -u

layer_of() {
    case "$1" in
    core.h | alloc.c | util.c | error.c | options.c | options.h) echo 1 ;;
    model.h | webhook_internal.h | arena.c | decode.c | model.c | registry.c | webhook_topics.c) echo 2 ;;
    http.h | config.c | ratelimit.c | engine.c | multipart.c | request.c | response.c | retry.c) echo 3 ;;
    client.h | internal.h | client.c | pager.c | oauth.c | identity.c | webhook.c) echo 4 ;;
    *) echo 0 ;;
    esac
}

check() {
    root=$1
    rt=$root/src/runtime
    bad=0
    for f in "$rt"/*.c "$rt"/*.h; do
        b=$(basename "$f")
        [ "$b" = internal.h ] && continue
        lf=$(layer_of "$b")
        if [ "$lf" = 0 ]; then
            echo "src/runtime/$b: in no layer (add it to tests/check_layers.sh and docs/architecture.md)"
            bad=1
            continue
        fi
        for inc in $(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$f"); do
            case "$inc" in intercom/*) continue ;; esac
            ib=$(basename "$inc")
            if [ "$ib" = internal.h ]; then
                echo "src/runtime/$b: includes the umbrella internal.h (include its own layer's header)"
                bad=1
                continue
            fi
            li=$(layer_of "$ib")
            if [ "$li" = 0 ] || [ "$li" -gt "$lf" ]; then
                echo "src/runtime/$b (layer $lf): includes $inc (layer $li): an upward include"
                bad=1
            fi
        done
    done
    # generated symbols: the ic_ identifiers the generated .c files define or use that no runtime
    # header declares, and the intercom_ identifiers of the generated headers that no hand-written
    # public header declares (descriptors, models, wrappers)
    tmp=$(mktemp -d) || exit 2
    cat "$rt"/*.h | grep -oE '\bic_[a-zA-Z0-9_]+' | sort -u >"$tmp/rt"
    cat "$root"/src/generated/*.c | grep -oE '\bic_[a-zA-Z0-9_]+' | sort -u | comm -23 - "$tmp/rt" >"$tmp/gen"
    cat "$root"/include/intercom/*.h | grep -oE '\bintercom_[a-zA-Z0-9_]+' | sort -u >"$tmp/pub"
    cat "$root"/include/intercom/generated/*.h | grep -oE '\bintercom_[a-zA-Z0-9_]+' | sort -u |
        comm -23 - "$tmp/pub" >>"$tmp/gen"
    hits=$(grep -nwFf "$tmp/gen" "$rt"/*.c "$rt"/*.h)
    rm -rf "$tmp"
    if [ -n "$hits" ]; then
        echo "runtime files naming generated symbols (go through the registry, registry.c):"
        echo "$hits"
        bad=1
    fi
    for d in cli fuzz bench; do
        [ -d "$root/$d" ] || continue
        inc=$(grep -nE '^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"](\.\./)*(src/|runtime/|internal\.h|core\.h|model\.h|http\.h|client\.h|options\.h|webhook_internal\.h)' \
            $(find "$root/$d" -maxdepth 1 -name '*.[ch]') /dev/null |
            # the one exception, by name: the parser trial (issue 12) drives the decoder's internal event
            # interface with simdjson; built only with -DINTERCOM_SIMDJSON=ON, never installed
            grep -v "^$root/bench/bench_simdjson\.c:" || true)
        if [ -n "$inc" ]; then
            echo "$d/ includes runtime internals (use the public headers, <intercom/...>):"
            echo "$inc"
            bad=1
        fi
    done
    return $bad
}

if [ "${1:-}" = --selftest ]; then
    src=${2:-.}
    fails=0
    for plant in upward umbrella unplaced generated cli fuzz bench; do
        t=$(mktemp -d) || exit 2
        mkdir -p "$t/src" "$t/include/intercom" "$t/cli" "$t/fuzz" "$t/bench"
        cp -r "$src/src/runtime" "$src/src/generated" "$t/src/"
        cp -r "$src"/include/intercom/*.h "$src/include/intercom/generated" "$t/include/intercom/"
        cp "$src"/cli/*.c "$src"/cli/*.h "$t/cli/"
        cp "$src"/fuzz/*.c "$t/fuzz/"
        cp "$src"/bench/*.c "$t/bench/"
        if ! check "$t" >/dev/null; then
            echo "selftest: the unplanted copy already fails"
            fails=1
        fi
        case $plant in
        upward) printf '#include "client.h"\n' >>"$t/src/runtime/util.c" ;;
        umbrella) printf '#include "internal.h"\n' >>"$t/src/runtime/decode.c" ;;
        unplaced) printf '#include "core.h"\n' >"$t/src/runtime/stray.c" ;;
        generated) printf 'const void *p = ic_all_types;\nconst void *q = &intercom_admin_descriptor;\n' \
                       >>"$t/src/runtime/model.c" ;;
        cli) printf '#include "runtime/internal.h"\n' >>"$t/cli/extras.c" ;;
        fuzz) printf '#include "runtime/http.h"\n' >>"$t/fuzz/fuzz_headers.c" ;;
        bench) printf '#include "internal.h"\n' >>"$t/bench/bench_tenants.c" ;;
        esac
        if check "$t" >/dev/null; then
            echo "selftest: a planted $plant violation was not caught"
            fails=1
        else
            echo "selftest: $plant violation caught"
        fi
        rm -rf "$t"
    done
    exit $fails
fi

check "${1:-.}" || exit 1
echo "layers: every runtime include points down; no runtime file names a generated symbol; the CLI, fuzzers and benchmarks use public headers"
