# SPDX-License-Identifier: MIT
# intercom(1) (cli/CMakeLists.txt builds it with `intercom __man` and installs it to share/man/man1):
#   man   man -l renders it without warnings; every global option, resource, command and exit status appears
if(TARGET intercom_cli)
  add_test(NAME man COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/man/check_man.sh $<TARGET_FILE:intercom_cli>
           ${CMAKE_BINARY_DIR}/cli/intercom.1)
  set_tests_properties(man PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 300)
endif()
