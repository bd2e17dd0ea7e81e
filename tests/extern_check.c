/* SPDX-License-Identifier: MIT */
/* INTERCOM_EXTERN as the Windows preprocessor sees it (issue 7 item 8): compiled three times by
 * tests/api.cmake with _WIN32 defined by hand and EXPECT set to what the macro must expand to:
 * dllimport for a program using the DLL, dllexport while building the library
 * (INTERCOM_BUILDING_LIBRARY), nothing for a static link (INTERCOM_STATICLIB). Only the
 * preprocessor result is checked; the declarations are never compiled for Windows. */
#include <stdio.h>
#include <string.h>

#define _WIN32 1
#define __declspec(x) /* so that the declarations compile here; undefined again below */
#include <intercom/common.h>
#undef __declspec

#define IC_STR2(x) #x
#define IC_STR(x) IC_STR2(x)

int main(void) {
    const char *got = IC_STR(INTERCOM_EXTERN) "", *want = EXPECT;
    if (strcmp(got, want)) {
        fprintf(stderr, "INTERCOM_EXTERN is \"%s\", want \"%s\"\n", got, want);
        return 1;
    }
    printf("INTERCOM_EXTERN = \"%s\"\n", got);
    return 0;
}
