# SPDX-License-Identifier: MIT
# One client for many workspaces (issue 9 part 4). Included from tests/CMakeLists.txt.
#   tenants  tests/test_tenants.c: per-request tokens and regions on one connection, pacing per
#            workspace, the bounded in-process store (internal: linked statically), and the Redis-shared
#            window of four processes through include/intercom/adapters/hiredis.h (header-only: only this
#            test links hiredis; Debian libhiredis-dev and redis-server, see scripts/setup --test)
pkg_check_modules(HIREDIS QUIET IMPORTED_TARGET hiredis)
add_executable(test_tenants test_tenants.c)
target_include_directories(test_tenants PRIVATE ${CMAKE_SOURCE_DIR}/src)
target_link_libraries(test_tenants PRIVATE intercom_static mock_server PkgConfig::JANSSON)
if(HIREDIS_FOUND)
  target_compile_definitions(test_tenants PRIVATE INTERCOM_HAVE_HIREDIS)
  target_link_libraries(test_tenants PRIVATE PkgConfig::HIREDIS)
else()
  message(STATUS "tenants test: hiredis not found, the Redis-shared window is skipped")
endif()
add_test(NAME tenants COMMAND test_tenants)
set_tests_properties(tenants PROPERTIES TIMEOUT 300)
