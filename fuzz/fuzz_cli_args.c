/* SPDX-License-Identifier: MIT */
/* libFuzzer target: the `intercom` program's argument parsing (cli_parse) and params building
 * (build_params), compiled from cli/intercom.c without its main(). Input: the arguments,
 * separated by NUL bytes (at most 40). Nothing is sent and nothing exits: a usage error is a
 * status and a message. Files are not read (--data @FILE and --token-file are skipped), stdin
 * is /dev/null. Checked: a usage error always has a message; success names an operation (or, for
 * `intercom api`, a method and a path). */
#define INTERCOM_CLI_NO_MAIN 1
#pragma GCC diagnostic ignored "-Wunused-function"
#include "../cli/intercom.c"

#include <stdint.h>
#include <stdio.h>

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc, (void)argv;
    if (!freopen("/dev/null", "r", stdin)) abort();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    enum { MAXA = 40 };
    char *copy = malloc(size + 1), *args[MAXA + 1];
    if (!copy) return 0;
    memcpy(copy, data, size);
    copy[size] = '\0';
    int argc = 0;
    args[argc++] = "intercom";
    for (char *p = copy; p < copy + size && argc < MAXA; p += strlen(p) + 1) args[argc++] = p;
    args[argc] = NULL;
    cli_reset();
    int st = cli_parse(argc, args);
    if (st && !g.usage[0]) abort();
    if (!st && !g.version && !g.op && !(g.api && g.api_method && g.api_path)) abort();
    if (!st && !g.version && !g.api && !(g.data && g.data[0] == '@')) {
        void *params = NULL;
        st = build_params(&params);
        if (st && !g.usage[0]) abort();
        if (params) intercom_free(g.op->params, params);
    }
    cli_reset();
    free(copy);
    return 0;
}
