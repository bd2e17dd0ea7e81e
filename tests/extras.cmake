# SPDX-License-Identifier: MIT
# Webhooks, identity verification and OAuth (issue 9 parts 1-3). Included from tests/CMakeLists.txt.
#   webhook     tests/test_webhook.c: signature checks (known answers), notification parsing of
#               tests/fixtures/webhooks, the topic table (internal: linked statically)
#   identity    tests/test_identity.c: user hash and JWT known answers, arguments
#   oauth       tests/test_oauth.c: the code exchange against the scripted server, log redaction
#   cli_extras  tests/test_cli_extras.sh: intercom webhooks verify|listen, identity, oauth, checked
#               against Python's hmac/hashlib and curl
#   readme_extras  tests/readme_snippets.sh: every ```c block of README.md compiles and links
add_executable(test_webhook test_webhook.c)
target_include_directories(test_webhook PRIVATE ${CMAKE_SOURCE_DIR}/src)
target_compile_definitions(test_webhook PRIVATE FIXTURES_DIR="${CMAKE_CURRENT_SOURCE_DIR}/fixtures/webhooks")
target_link_libraries(test_webhook PRIVATE intercom_static PkgConfig::JANSSON)
add_test(NAME webhook COMMAND test_webhook)

add_executable(test_identity test_identity.c)
target_link_libraries(test_identity PRIVATE intercom PkgConfig::JANSSON)
add_test(NAME identity COMMAND test_identity)

add_executable(test_oauth test_oauth.c)
target_link_libraries(test_oauth PRIVATE intercom mock_server PkgConfig::JANSSON)
target_compile_definitions(test_oauth PRIVATE INTERCOM_CLI="$<TARGET_FILE:intercom_cli>")
add_dependencies(test_oauth intercom_cli)
add_test(NAME oauth COMMAND test_oauth)
set_tests_properties(oauth PROPERTIES TIMEOUT 120)

if(TARGET intercom_cli)
  add_test(NAME cli_extras COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/test_cli_extras.sh $<TARGET_FILE:intercom_cli>
           ${CMAKE_CURRENT_SOURCE_DIR}/fixtures/webhooks)
  set_tests_properties(cli_extras PROPERTIES TIMEOUT 300 SKIP_RETURN_CODE 77)
endif()

add_test(NAME readme_extras COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/readme_snippets.sh ${CMAKE_SOURCE_DIR}
         $<TARGET_FILE:intercom> ${CMAKE_C_COMPILER} "${INTERCOM_SANITIZE}")

# readme_counts  tests/readme_counts.sh: the counts README.md states (operations, Preview, paginated) against
#                the generated docs (README said 23 paginated operations; api.md lists 25)
add_test(NAME readme_counts COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/readme_counts.sh ${CMAKE_SOURCE_DIR})
# readme_calls   tests/readme_calls.py: every call written out in README.md and docs/*.md has its declaration's
#                number of arguments (README wrote intercom_rate_limit_key(token); it takes three)
find_package(Python3 COMPONENTS Interpreter QUIET)
if(Python3_Interpreter_FOUND)
  add_test(NAME readme_calls COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/readme_calls.py ${CMAKE_SOURCE_DIR})
endif()
