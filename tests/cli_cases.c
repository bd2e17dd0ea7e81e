/* SPDX-License-Identifier: MIT */
/* Prints every conformance case (tests/generated/conformance_cases.c) as one line
 * `name<TAB>method<TAB>path<TAB>params_json` (params_json empty when the operation has none),
 * for tests/test_cli_prism.sh, which runs each through the `intercom` program. */
#include <stdio.h>

#include "conformance_cases.h"

int main(void) {
    for (const conformance_case *c = conformance_cases; c->name; c++)
        printf("%s\t%s\t%s\t%s\n", c->name, c->method, c->path, c->params_json ? c->params_json : "");
    return 0;
}
