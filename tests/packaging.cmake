# SPDX-License-Identifier: MIT
# Packaging of the shared library and the Debian packages (CMakeLists.txt, src/libintercom.sym):
#   symbol_versions  SONAME libintercom.so.<major>; every exported symbol intercom_* at LIBINTERCOM_0
#   deb_packages     cpack -G DEB builds libintercom0, libintercom-dev, intercom; dpkg-deb --contents checked
#                    (skipped, 77, without dpkg-deb)
if(NOT APPLE AND NOT WIN32)
  add_test(NAME symbol_versions COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/packaging/check_symver.sh $<TARGET_FILE:intercom>)
endif()
add_test(NAME deb_packages COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/packaging/check_debs.sh ${CMAKE_BINARY_DIR})
set_tests_properties(deb_packages PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 600)
