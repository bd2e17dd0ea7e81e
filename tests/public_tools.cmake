# SPDX-License-Identifier: MIT
# The public tools that replaced runtime internals in the fuzzers and benchmarks (issue 7 item 7),
# and the async OAuth code exchange (issue 9). Included from tests/CMakeLists.txt.
#   public_tools  tests/test_public_tools.c: dry-run request builder, rate-limit header parsing,
#                 error-body parsing, the in-process store's size; each against a real call to the
#                 scripted server (public API only: linked to the shared library)
add_executable(test_public_tools test_public_tools.c)
target_link_libraries(test_public_tools PRIVATE intercom mock_server PkgConfig::JANSSON Threads::Threads m)
add_test(NAME public_tools COMMAND test_public_tools)
set_tests_properties(public_tools PROPERTIES TIMEOUT 120)
#   oauth_async   tests/test_oauth_async.c: intercom_oauth_exchange_async against the scripted server
add_executable(test_oauth_async test_oauth_async.c)
target_link_libraries(test_oauth_async PRIVATE intercom mock_server PkgConfig::JANSSON)
add_test(NAME oauth_async COMMAND test_oauth_async)
set_tests_properties(oauth_async PROPERTIES TIMEOUT 120)
