# SPDX-License-Identifier: MIT
# The runtime's layers depend one way and name no generated symbol; the CLI uses public headers
# only (tests/check_layers.sh, docs/architecture.md). layers_selftest plants each violation in a
# copy of the tree and fails unless every one is caught.
add_test(NAME layers COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/check_layers.sh ${CMAKE_SOURCE_DIR})
add_test(NAME layers_selftest COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/check_layers.sh --selftest ${CMAKE_SOURCE_DIR})

# The reflection API, once with the shared library and once with the static archive (calling no
# generated function: the registry must still hold every operation).
foreach(_lib intercom intercom_static)
  add_executable(test_reflection_${_lib} test_reflection.c)
  target_link_libraries(test_reflection_${_lib} PRIVATE ${_lib} mock_server)
  add_test(NAME reflection_${_lib} COMMAND test_reflection_${_lib})
endforeach()

# The CLI is a client of the shared library.
if(TARGET intercom_cli)
  add_test(NAME cli_links_shared COMMAND sh -c "readelf -d \"$1\" | grep -q 'NEEDED.*libintercom\\.so'"
           sh $<TARGET_FILE:intercom_cli>)
endif()
