#!/bin/sh
# SPDX-License-Identifier: MIT
# Every allocation of the runtime goes through the injected allocator (src/runtime/alloc.c):
# no runtime file but alloc.c calls malloc, calloc, realloc, free, strdup, strndup, asprintf
# or vasprintf itself. (json_*, curl_*, yajl_* allocations belong to those libraries' hooks.)
dir=${1:-src/runtime}
bad=$(grep -nE '(^|[^_a-zA-Z0-9>.])(malloc|calloc|realloc|free|strdup|strndup|asprintf|vasprintf)[[:space:]]*\(' \
      "$dir"/*.c | grep -v "^$dir/alloc.c:" | grep -vE '^[^:]*:[0-9]+:[[:space:]]*(/?\*|//)')
if [ -n "$bad" ]; then
    echo "allocation behind the injected allocator's back (use ic_malloc/ic_free... with the object's allocator):"
    echo "$bad"
    exit 1
fi
echo "alloc_sites: every runtime allocation goes through alloc.c"
