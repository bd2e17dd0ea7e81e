# SPDX-License-Identifier: MIT
# A hostile server and a caller's bad numbers/configuration against the engine (issue 8).
# Uses internal headers (the CURLcode table, ic_call by operation name): linked statically.
add_executable(test_hostile_engine ${CMAKE_CURRENT_LIST_DIR}/test_hostile_engine.c)
target_include_directories(test_hostile_engine PRIVATE ${CMAKE_SOURCE_DIR}/src)
target_link_libraries(test_hostile_engine PRIVATE intercom_static mock_server PkgConfig::JANSSON)
add_test(NAME hostile_engine COMMAND test_hostile_engine)
set_tests_properties(hostile_engine PROPERTIES TIMEOUT 120)

# The same against the `intercom` program (needs the intercom_cli target, like tests/cli.cmake).
if(TARGET intercom_cli)
  add_executable(test_cli_hostile ${CMAKE_CURRENT_LIST_DIR}/test_cli_hostile.c)
  target_link_libraries(test_cli_hostile PRIVATE intercom_static mock_server util)
  add_dependencies(test_cli_hostile intercom_cli)
  add_test(NAME cli_hostile COMMAND test_cli_hostile $<TARGET_FILE:intercom_cli>)
  set_tests_properties(cli_hostile PROPERTIES TIMEOUT 120)
endif()
