# The Preview namespace (issue 10): tests/test_preview.c against the scripted server (Intercom-Version: Preview,
# the multipart catalog upload on the wire, a Preview pager). Included from tests/CMakeLists.txt.
add_executable(test_preview test_preview.c)
target_link_libraries(test_preview PRIVATE intercom mock_server PkgConfig::JANSSON)
add_test(NAME preview COMMAND test_preview)
if(TARGET intercom_cli)
  add_dependencies(test_preview intercom_cli)
  set_tests_properties(preview PROPERTIES ENVIRONMENT "IC_CLI=$<TARGET_FILE:intercom_cli>")
endif()
