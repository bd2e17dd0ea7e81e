# SPDX-License-Identifier: MIT
# Memory-failure injection (tests/test_oom.c): the Nth allocation fails, for every N, over six
# scenarios; once with a per-client allocator, once with the process-wide allocator (libcurl's
# and Jansson's allocations included). Run under ASan (leak detection) by the sanitizer build.
# Also: no runtime file allocates behind the allocator's back (tests/check_alloc_sites.sh).
# Included from tests/CMakeLists.txt.
add_executable(test_oom test_oom.c)
target_link_libraries(test_oom PRIVATE intercom mock_server Threads::Threads PkgConfig::JANSSON)
add_test(NAME oom COMMAND test_oom)
add_test(NAME oom_global COMMAND test_oom global)
set_tests_properties(oom oom_global PROPERTIES TIMEOUT 300)
add_test(NAME alloc_sites COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/check_alloc_sites.sh ${CMAKE_SOURCE_DIR}/src/runtime)
