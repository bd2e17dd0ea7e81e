# SPDX-License-Identifier: MIT
# The public surface and its packaging (issues 7 and 11). Included from tests/CMakeLists.txt.
#   options      tests/test_options.c: versioned options structs, an older struct accepted
#   extern_*     INTERCOM_EXTERN as Windows sees it (import, export, static)
#   symbols      only intercom_* global symbols in libintercom.so and libintercom.a
#   install      install, move the prefix, build + run the README example via pkg-config
#                (shared, --static, C++17) and find_package (shared, static)
#   fetch_spec   scripts/fetch-spec offline: ../shared verifies; a file:// mirror downloads+verifies
#   spdx_script  scripts/spdx on a scratch repository
#   doxygen      docs/Doxyfile over the public headers, warnings as errors (skipped without doxygen)
#   run_mock     scripts/run --mock me retrieve against Prism (skipped without ../shared or Node)

# options: uses the internal size-table mechanism too (src/runtime/options.h), so links the
# in-tree archive with internal symbols
add_executable(test_options ${CMAKE_CURRENT_LIST_DIR}/test_options.c)
target_include_directories(test_options PRIVATE ${CMAKE_SOURCE_DIR}/src)
target_link_libraries(test_options PRIVATE intercom_static mock_server)
add_test(NAME options COMMAND test_options)
set_tests_properties(options PROPERTIES TIMEOUT 120)

foreach(_v "import;__declspec(dllimport);" "export;__declspec(dllexport);INTERCOM_BUILDING_LIBRARY"
           "static;;INTERCOM_STATICLIB")
  list(GET _v 0 _name)
  list(GET _v 1 _want)
  list(GET _v 2 _def)
  add_executable(test_extern_${_name} ${CMAKE_CURRENT_LIST_DIR}/extern_check.c)
  target_include_directories(test_extern_${_name} PRIVATE ${CMAKE_SOURCE_DIR}/include)
  target_compile_definitions(test_extern_${_name} PRIVATE "EXPECT=\"${_want}\"" ${_def})
  add_test(NAME extern_${_name} COMMAND test_extern_${_name})
endforeach()
unset(_v)
unset(_name)
unset(_want)
unset(_def)

find_program(INTERCOM_NM NAMES nm)
add_test(NAME symbols COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/install/check_symbols.sh ${INTERCOM_NM}
         $<TARGET_FILE:intercom> $<TARGET_FILE:intercom_static_dist>)

set(_extra "")
if(INTERCOM_SANITIZE)
  set(_extra "-fsanitize=${INTERCOM_SANITIZE}")
endif()
add_test(NAME install COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/install/check_install.sh ${CMAKE_SOURCE_DIR}
         ${CMAKE_BINARY_DIR} ${CMAKE_COMMAND} ${CMAKE_C_COMPILER} "${_extra}" ${CMAKE_CXX_COMPILER})
unset(_extra)
set_tests_properties(install PROPERTIES TIMEOUT 300)

find_program(INTERCOM_DOXYGEN NAMES doxygen)
add_test(NAME doxygen COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/install/check_doxygen.sh ${CMAKE_SOURCE_DIR}
         ${CMAKE_CURRENT_BINARY_DIR}/doxygen "${INTERCOM_DOXYGEN}")
set_tests_properties(doxygen PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 300)

add_test(NAME fetch_spec COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/install/check_fetch_spec.sh ${CMAKE_SOURCE_DIR})
set_tests_properties(fetch_spec PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 300)

if(TARGET intercom_cli)
  add_test(NAME run_mock COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/install/check_run_mock.sh ${CMAKE_SOURCE_DIR}
           $<TARGET_FILE:intercom_cli> ${CMAKE_CURRENT_BINARY_DIR})
  set_tests_properties(run_mock PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 300 RESOURCE_LOCK prism)
endif()

add_test(NAME spdx_script COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/install/check_spdx.sh ${CMAKE_SOURCE_DIR})
