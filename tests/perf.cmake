# SPDX-License-Identifier: MIT
# issue 12: the generated one-probe field lookup (uses internal headers: linked statically)
add_executable(test_field_lookup test_field_lookup.c)
target_include_directories(test_field_lookup PRIVATE ${CMAKE_SOURCE_DIR}/src)
target_link_libraries(test_field_lookup PRIVATE intercom_static)
add_test(NAME field_lookup COMMAND test_field_lookup)
