# SPDX-License-Identifier: MIT
# The generator's own tests (python unittest over codegen/icgen; codegen/tests/).
find_package(Python3 3.11 COMPONENTS Interpreter)
if(Python3_Interpreter_FOUND)
  add_test(NAME codegen COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/codegen/tests/test_generator.py)
  set_tests_properties(codegen PROPERTIES SKIP_RETURN_CODE 77)
endif()

# Doxygen over the generated headers is part of the one `doxygen` test (docs/Doxyfile, tests/api.cmake).
