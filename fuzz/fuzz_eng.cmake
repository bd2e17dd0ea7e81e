# SPDX-License-Identifier: MIT
# libFuzzer targets for response headers, error bodies and the CLI's argument parsing
# (issue 8). Included from the top-level CMakeLists.txt when INTERCOM_FUZZ is on.
foreach(_f fuzz_headers fuzz_error_body fuzz_cli_args)
  add_executable(${_f} ${CMAKE_CURRENT_LIST_DIR}/${_f}.c)
  target_compile_definitions(${_f} PRIVATE _GNU_SOURCE)
  target_compile_options(${_f} PRIVATE -fsanitize=fuzzer)
  target_link_options(${_f} PRIVATE -fsanitize=fuzzer)
  target_link_libraries(${_f} PRIVATE intercom_static PkgConfig::JANSSON m)
endforeach()
unset(_f)
