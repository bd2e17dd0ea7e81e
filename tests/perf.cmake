# SPDX-License-Identifier: MIT
# issue 12: the generated one-probe field lookup (uses internal headers: linked statically)
add_executable(test_field_lookup test_field_lookup.c)
target_include_directories(test_field_lookup PRIVATE ${CMAKE_SOURCE_DIR}/src)
target_link_libraries(test_field_lookup PRIVATE intercom_static)
add_test(NAME field_lookup COMMAND test_field_lookup)

# issue 12: the memory a decoded page keeps (struct layout, arena chunks, the bench_decode page)
add_executable(test_decode_memory test_decode_memory.c)
target_include_directories(test_decode_memory PRIVATE ${CMAKE_SOURCE_DIR}/src)
target_link_libraries(test_decode_memory PRIVATE intercom_static)
add_test(NAME decode_memory COMMAND test_decode_memory)

# issue 12: integers without strtoll (the int64 range, out of range, non-integers)
add_executable(test_decode_ints test_decode_ints.c)
target_link_libraries(test_decode_ints PRIVATE intercom PkgConfig::JANSSON)
add_test(NAME decode_ints COMMAND test_decode_ints)

# issue 12: strings copied and checked by words (every length and position), free-form keys in a reused buffer
add_executable(test_decode_strings test_decode_strings.c)
target_link_libraries(test_decode_strings PRIVATE intercom PkgConfig::JANSSON)
add_test(NAME decode_strings COMMAND test_decode_strings)
