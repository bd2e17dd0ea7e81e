# The generator's own tests (python unittest over codegen/icgen; codegen/tests/).
find_package(Python3 3.11 COMPONENTS Interpreter)
if(Python3_Interpreter_FOUND)
  add_test(NAME codegen COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/codegen/tests/test_generator.py)
  set_tests_properties(codegen PROPERTIES SKIP_RETURN_CODE 77)
endif()

# Doxygen over the generated headers (and init.h), warnings as errors (codegen/tests/Doxyfile.generated).
find_program(DOXYGEN_EXECUTABLE doxygen)
if(DOXYGEN_EXECUTABLE)
  add_test(NAME codegen_doxygen COMMAND ${DOXYGEN_EXECUTABLE} Doxyfile.generated
           WORKING_DIRECTORY ${CMAKE_SOURCE_DIR}/codegen/tests)
  set_tests_properties(codegen_doxygen PROPERTIES TIMEOUT 300
                       ENVIRONMENT "DOXYGEN_OUT=${CMAKE_CURRENT_BINARY_DIR}/doxygen-generated")
endif()
