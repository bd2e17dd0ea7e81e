# SPDX-License-Identifier: MIT
# The Preview namespace (issue 10): tests/test_preview.c against the scripted server (Intercom-Version: Preview,
# the multipart catalog upload on the wire, a Preview pager). Included from tests/CMakeLists.txt.
add_executable(test_preview test_preview.c)
target_link_libraries(test_preview PRIVATE intercom mock_server PkgConfig::JANSSON)
add_test(NAME preview COMMAND test_preview)
if(TARGET intercom_cli)
  add_dependencies(test_preview intercom_cli)
  set_tests_properties(preview PROPERTIES ENVIRONMENT "IC_CLI=$<TARGET_FILE:intercom_cli>")
endif()

# Doxygen over the generated Preview headers (codegen/tests/Doxyfile.preview), warnings as errors.
find_program(DOXYGEN_EXECUTABLE doxygen)
if(DOXYGEN_EXECUTABLE)
  add_test(NAME codegen_doxygen_preview COMMAND ${DOXYGEN_EXECUTABLE} Doxyfile.preview
           WORKING_DIRECTORY ${CMAKE_SOURCE_DIR}/codegen/tests)
  set_tests_properties(codegen_doxygen_preview PROPERTIES TIMEOUT 300
                       ENVIRONMENT "DOXYGEN_OUT=${CMAKE_CURRENT_BINARY_DIR}/doxygen-preview")
endif()
