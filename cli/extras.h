/* SPDX-License-Identifier: MIT */
/* The `intercom` commands beyond the REST operations (api, help, completion, webhooks, identity, oauth,
 * preview) with their subcommands and flags: the one table that dispatch, "did you mean", completion and
 * the man page read (cli/intercom.c), and that webhooks, identity and oauth parse their flags with
 * (cli/extras.c). The table is static data of this header: cli/intercom.c also builds without
 * cli/extras.c (fuzz/fuzz_cli_args.c). */
#ifndef INTERCOM_CLI_EXTRAS_H
#define INTERCOM_CLI_EXTRAS_H
#include <string.h>

#include <intercom/intercom.h>

/* What a flag's value is (every flag of these commands takes one). Completion offers no words for a
 * value: the shells then offer file names, which is what IC_ARG_FILE wants. */
typedef enum ic_cli_arg {
    IC_ARG_TEXT,   /* a string: an id, an address, a URL */
    IC_ARG_NUMBER, /* a number, checked by the command (a port, seconds, a count) */
    IC_ARG_JSON,   /* a JSON value */
    IC_ARG_FILE,   /* a file name */
    IC_ARG_HEADER  /* 'NAME: VALUE', repeatable (-H) */
} ic_cli_arg;

typedef struct ic_cli_flag {
    const char *name;    /* without the dashes: "user-id"; NULL ends a list */
    ic_cli_arg arg;      /* its value's kind */
    const char *metavar; /* the value's name in help: "ID" */
} ic_cli_flag;

#define IC_CLI_MAX_FLAGS 8
#define IC_CLI_MAX_SUBS 8

/* A subcommand (webhooks verify), or one of the words a command's first argument can be (api GET,
 * completion bash: no flags of its own). */
typedef struct ic_cli_sub {
    const char *name;                    /* NULL ends a list */
    const char *summary;                 /* one line, or NULL for a plain word */
    ic_cli_flag flags[IC_CLI_MAX_FLAGS]; /* its flags */
} ic_cli_sub;

/* Where a command is dispatched (cli/intercom.c main()). */
typedef enum ic_cli_place {
    IC_CMD_INLINE, /* api, preview: read by the option parser where they stand, after global options */
    IC_CMD_FRONT,  /* help, completion: moved in front of the global options before dispatch */
    IC_CMD_EXTRA   /* webhooks, identity, oauth: moved in front with their subcommand, run by cli/extras.c */
} ic_cli_place;

typedef struct ic_cli_command {
    const char *name;                /* NULL ends the table */
    const char *summary;             /* one line */
    ic_cli_place place;
    ic_cli_sub subs[IC_CLI_MAX_SUBS]; /* subcommands or first words */
    ic_cli_flag flags[IC_CLI_MAX_FLAGS]; /* flags of the command itself (after its words) */
} ic_cli_command;

static const ic_cli_command IC_CLI_COMMANDS[] = {
    {"api", "send any request: intercom api METHOD PATH", IC_CMD_INLINE,
     {{"GET", NULL, {{0}}}, {"POST", NULL, {{0}}}, {"PUT", NULL, {{0}}}, {"PATCH", NULL, {{0}}},
      {"DELETE", NULL, {{0}}}, {"HEAD", NULL, {{0}}}},
     {{"query", IC_ARG_TEXT, "NAME=VALUE"}}},
    {"help", "help for intercom, a resource, a method or a command", IC_CMD_FRONT, {{0}}, {{0}}},
    {"completion", "print the bash or zsh completion script", IC_CMD_FRONT,
     {{"bash", NULL, {{0}}}, {"zsh", NULL, {{0}}}}, {{0}}},
    {"webhooks", "check and receive webhook notifications", IC_CMD_EXTRA,
     {{"verify", "check a notification's signature and print it as one JSON line",
       {{"signature", IC_ARG_TEXT, "SIG"}}},
      {"listen", "receive deliveries on a local port, one JSON line each",
       {{"port", IC_ARG_NUMBER, "N"}, {"host", IC_ARG_TEXT, "ADDR"}}}},
     {{0}}},
    {"identity", "Messenger identity verification: user hash and JWT", IC_CMD_EXTRA,
     {{"user-hash", "print the user_hash of a user id or email",
       {{"user-id", IC_ARG_TEXT, "ID"}, {"email", IC_ARG_TEXT, "EMAIL"}}},
      {"jwt", "print a Messenger JWT (HS256)",
       {{"user-id", IC_ARG_TEXT, "ID"},
        {"email", IC_ARG_TEXT, "EMAIL"},
        {"expires-in", IC_ARG_NUMBER, "SECONDS"},
        {"claims", IC_ARG_JSON, "JSON"}}}},
     {{0}}},
    {"oauth", "OAuth: the authorize URL and the code exchange", IC_CMD_EXTRA,
     {{"exchange", "trade an authorization code for an access token",
       {{"code", IC_ARG_TEXT, "CODE"},
        {"client-id", IC_ARG_TEXT, "ID"},
        {"base-url", IC_ARG_TEXT, "URL"},
        {"environment", IC_ARG_TEXT, "ENV"},
        {"max-retries", IC_ARG_NUMBER, "N"},
        {"timeout", IC_ARG_NUMBER, "SECONDS"},
        {"header", IC_ARG_HEADER, "'NAME: VALUE'"}}},
      {"authorize-url", "print the URL to send the installing user to",
       {{"client-id", IC_ARG_TEXT, "ID"}, {"state", IC_ARG_TEXT, "STATE"}, {"redirect-uri", IC_ARG_TEXT, "URL"}}}},
     {{0}}},
    {"preview", "the Preview API's commands: intercom preview <resource> <method>", IC_CMD_INLINE, {{0}}, {{0}}},
    {NULL, NULL, IC_CMD_INLINE, {{0}}, {{0}}},
};

/* The command named @p name, or NULL. */
static inline const ic_cli_command *ic_cli_command_find(const char *name) {
    for (const ic_cli_command *c = IC_CLI_COMMANDS; c->name; c++)
        if (!strcmp(c->name, name)) return c;
    return NULL;
}

/* The subcommand (or word) @p name of @p c (NULL: none), or NULL. */
static inline const ic_cli_sub *ic_cli_sub_find(const ic_cli_command *c, const char *name) {
    for (const ic_cli_sub *s = c ? c->subs : NULL; s && s->name; s++)
        if (!strcmp(s->name, name)) return s;
    return NULL;
}

/* The flag --@p name (@p len bytes) of the list @p flags, or NULL. */
static inline const ic_cli_flag *ic_cli_flag_find(const ic_cli_flag *flags, const char *name, size_t len) {
    for (const ic_cli_flag *f = flags; f->name; f++)
        if (strlen(f->name) == len && !strncmp(f->name, name, len)) return f;
    return NULL;
}

/* Non-zero when argv[1] names one of the IC_CMD_EXTRA commands; ic_cli_extras() then runs it and returns the exit status. */
int ic_cli_is_extra(int argc, char **argv);
int ic_cli_extras(int argc, char **argv);
/* The --help text of "webhooks", "identity" or "oauth" (static), or NULL for another name. */
const char *ic_cli_extras_help(const char *cmd);
/* The one-line message of a failed request on stderr, worded as for every command ("not found (HTTP
 * 404): ..."), with @p flag (" (--name)", or NULL) before the request id; returns the exit status. */
int ic_cli_report(intercom_code rc, const intercom_error *e, const char *flag);

#endif
