# SPDX-License-Identifier: MIT
# Runtime cleanups (session 4, branch rtc). Included from tests/CMakeLists.txt.
#   rtc   tests/test_rtc.c: ic_astrndup's overflow guard; intercom_rate_limit_parse against the engine's
#         header path (generated blocks, fuzz/corpus_headers) and without a copy; extra_body merged into a
#         typed body without a parse (scripted server); a webhook item decoded once (internal: linked
#         statically; yajl_parse and json_loadb wrapped to count the parses of a text)
add_executable(test_rtc test_rtc.c)
target_include_directories(test_rtc PRIVATE ${CMAKE_SOURCE_DIR}/src)
target_compile_definitions(test_rtc PRIVATE FIXTURES_DIR="${CMAKE_CURRENT_SOURCE_DIR}/fixtures/webhooks"
                                            CORPUS_DIR="${CMAKE_SOURCE_DIR}/fuzz/corpus_headers")
target_link_libraries(test_rtc PRIVATE intercom_static mock_server PkgConfig::JANSSON)
target_link_options(test_rtc PRIVATE "LINKER:--wrap=yajl_parse" "LINKER:--wrap=json_loadb")
add_test(NAME rtc COMMAND test_rtc)
set_tests_properties(rtc PROPERTIES TIMEOUT 120)
