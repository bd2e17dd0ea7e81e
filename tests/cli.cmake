# SPDX-License-Identifier: MIT
# Tests of the `intercom` program (cli/). Included from tests/CMakeLists.txt; the top-level
# CMakeLists.txt must have add_subdirectory(cli) before add_subdirectory(tests).
#   cli              tests/test_cli.c runs the built program against the scripted local server
#   cli_completion   tests/test_cli_completion.sh: bash and zsh completion in real shells
#   cli_conformance  tests/test_cli_prism.sh runs every operation through it against Prism
#                    (skipped, 77, when ../shared or Prism is unavailable)
if(NOT TARGET intercom_cli)
  message(STATUS "cli tests skipped: no intercom_cli target (add_subdirectory(cli) before the tests)")
  return()
endif()

add_executable(test_cli ${CMAKE_CURRENT_LIST_DIR}/test_cli.c)
target_link_libraries(test_cli PRIVATE intercom_static mock_server PkgConfig::JANSSON util)
add_dependencies(test_cli intercom_cli)
add_test(NAME cli COMMAND test_cli $<TARGET_FILE:intercom_cli>)
set_tests_properties(cli PROPERTIES TIMEOUT 300)

# cli_completion: bash and zsh completion typed into real interactive shells (tests/completion_pty.py)
add_test(NAME cli_completion COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/test_cli_completion.sh $<TARGET_FILE:intercom_cli>)
set_tests_properties(cli_completion PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 300)

set(_cli_cases ${CMAKE_CURRENT_LIST_DIR}/generated/conformance_cases.c)
if(EXISTS ${_cli_cases})
  add_executable(cli_cases ${CMAKE_CURRENT_LIST_DIR}/cli_cases.c ${_cli_cases})
  target_include_directories(cli_cases PRIVATE ${CMAKE_CURRENT_LIST_DIR}/generated)
  target_link_libraries(cli_cases PRIVATE intercom)
  add_test(NAME cli_conformance
    COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/test_cli_prism.sh ${CMAKE_SOURCE_DIR}
            $<TARGET_FILE:intercom_cli> $<TARGET_FILE:cli_cases> ${CMAKE_CURRENT_BINARY_DIR})
  set_tests_properties(cli_conformance PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 600)
endif()
unset(_cli_cases)

# Every test that starts Prism picks the first free port from 4010 on: run them one at a time.
foreach(_t conformance examples cli_conformance)
  if(TEST ${_t})
    set_tests_properties(${_t} PROPERTIES RESOURCE_LOCK prism)
  endif()
endforeach()
unset(_t)
