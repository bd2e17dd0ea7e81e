/* SPDX-License-Identifier: MIT */
/* Prints every Preview conformance case (tests/generated/preview_conformance_cases.c) as one line
 * `name<TAB>method<TAB>path<TAB>params_json`, for tests/test_cli_prism.sh with CLI_NS=preview. */
#include <stdio.h>

#include "preview_conformance_cases.h"

int main(void) {
    for (const conformance_case *c = preview_conformance_cases; c->name; c++)
        printf("%s\t%s\t%s\t%s\n", c->name, c->method, c->path, c->params_json ? c->params_json : "");
    return 0;
}
