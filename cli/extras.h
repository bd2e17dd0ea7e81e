/* SPDX-License-Identifier: MIT */
/* The `intercom` commands beyond the REST operations: webhooks, identity, oauth (cli/extras.c). */
#ifndef INTERCOM_CLI_EXTRAS_H
#define INTERCOM_CLI_EXTRAS_H

/* Non-zero when argv[1] names one of these commands; ic_cli_extras() then runs it and returns the exit status. */
int ic_cli_is_extra(int argc, char **argv);
int ic_cli_extras(int argc, char **argv);
/* The --help text of "webhooks", "identity" or "oauth" (static), or NULL for another name. */
const char *ic_cli_extras_help(const char *cmd);

#endif
