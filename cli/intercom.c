/* SPDX-License-Identifier: MIT */
/* intercom: the command-line tool. Every operation of the library (reflection.h: intercom_operations_at)
 * is a command: `intercom [global options] <resource> <method> [params]`, the words being the
 * operation's name split at its dots (`conversations reply create` is
 * "conversations.reply.create"). Params are one flag per top-level field of the operation's
 * params type, assembled into a JSON object keyed by the fields' JSON names and decoded by
 * intercom_from_json(strict), so the library does the type checking; --data gives the whole
 * object. The body received is printed as it came; errors exit with the intercom_code.
 *
 * The command line is parsed by cli_parse() into the `g` struct, and the params are built by
 * build_params(): neither exits nor prints; a usage error is recorded (g.usage) and returned
 * as EXIT_USAGE, so both can be fuzzed (fuzz/fuzz_cli_args.c builds this file without main). */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <intercom/file.h>
#include <intercom/intercom.h>

#include "extras.h" /* webhooks, identity, oauth */
#include "suggest.h"  /* did you mean */

/* Longest timeout or delay accepted, in seconds (client.h: from 0 to 1e7). */
#define MAX_SECONDS 1e7
/* The namespace the commands come from: "" the stable API, "preview" after the word `preview`
 * (`intercom [global options] preview <resource> <method> ...`: take_preview()). */
static const char *NS = "";
/* Every operation of the namespace in name order (reflection.h); the body runs once per operation
 * and `continue` goes on to the next (no `break` in it: that would only end the inner loop). */
#define EACH_OP(o)                                                                                  \
    for (size_t o##_i = 0, o##_n = intercom_namespace_operations_count(NS); o##_i < o##_n; o##_i++) \
        for (const intercom_operation *o = intercom_namespace_operations_at(NS, o##_i); o; o = NULL)

#define EXIT_USAGE 2
#define MAX_WORDS 8
#define MAX_LIST 32 /* most --header, --query and --null given */

static const char EXIT_TABLE[] =
    "Exit status:\n"
    "   0  success                      13  not found (HTTP 404)\n"
    "   2  usage error (nothing sent)   14  unprocessable entity (HTTP 422)\n"
    "   3  connection error             15  rate limit (HTTP 429)\n"
    "   4  timeout                      16  server error (HTTP 5xx)\n"
    "  10  bad request (HTTP 400)       17  other HTTP status\n"
    "  11  authentication (HTTP 401)    18  decode error (body not the expected JSON)\n"
    "  12  permission denied (HTTP 403) 19  webhook signature missing, malformed or wrong\n"
    "                                 21-24 out of memory, too large, cancelled, internal\n";

enum { G_TOKEN, G_TOKEN_FILE, G_ENV, G_BASE_URL, G_API_VERSION, G_MAX_RETRIES, G_TIMEOUT, G_READ_TIMEOUT, G_RAW,
       G_ALL, G_LIMIT, G_FORMAT, G_DATA, G_HEADER, G_OUTPUT, G_VERBOSE, G_NULL, G_HELP, G_VERSION };
static const struct gopt {
    const char *name, *arg, *help;
} GLOBALS[] = {
    {"token", "TOKEN", "bearer token (default: $INTERCOM_TEST_1_BEARER_TOKEN); visible to other\n"
                       "                                 users in ps: prefer --token-file or the variable"},
    {"token-file", "PATH|-", "read the bearer token from a file, or from stdin with -"},
    {"environment", "ENV", "production|environment_1|environment_2 (or us|eu|au)"},
    {"base-url", "URL", "API base URL (default: $INTERCOM_BASE_URL, else the environment's)"},
    {"api-version", "VERSION", "Intercom-Version header (default " INTERCOM_DEFAULT_API_VERSION ")"},
    {"max-retries", "N", "retries after the first attempt (default 2)"},
    {"timeout", "SECONDS", "total time per attempt (default 60; 0: none)"},
    {"read-timeout", "SECONDS", "longest wait for the next bytes of a response (default 0: none)"},
    {"raw", NULL, "print the HTTP status line and headers to stderr (of a failing page with --all)"},
    {"all", NULL, "follow pagination: every item of every page, one JSON per line"},
    {"limit", "N", "with --all: stop after N items"},
    {"format", "json|pretty", "json: the body as received (default); pretty: indented"},
    {"data", "@FILE|-|JSON", "the whole params object, from a file, stdin or the argument;\n"
                             "                                 flags given as well override its keys"},
    {"header", "'NAME: VALUE'", "(-H) send this request header as well (repeatable), e.g. -H 'Prefer: code=404'"},
    {"output", "FILE", "(-o) write the output to FILE: all of it, or on failure nothing (FILE untouched); - is stdout"},
    {"verbose", NULL, "the request and response lines and headers on stderr (token and credentials redacted)"},
    {"null", "FIELD", "send JSON null for the nullable param FIELD (repeatable): --null custom-attributes"},
    {"help", NULL, "help for intercom, a resource, or a method"},
    {"version", NULL, "print the version"},
};
#define N_GLOBALS (sizeof GLOBALS / sizeof GLOBALS[0])

static struct {
    intercom_client_options opts;
    const char *data, *token_file;
    char *token;    /* read from --token-file (owned) */
    int raw, all, pretty, version, verbose;
    long long limit; /* --limit: items with --all, 0: no limit */
    const char *output;                         /* -o/--output FILE, or NULL */
    intercom_kv headers[MAX_LIST + 1];          /* -H: names owned, values borrowed from argv; {NULL,NULL} ends */
    int n_headers;
    intercom_kv query[MAX_LIST + 1];            /* intercom api --query: the same */
    int n_query;
    const char *nulls[MAX_LIST];                /* --null FIELD */
    int n_nulls;
    int api;                                    /* `intercom api METHOD PATH` */
    const char *api_method, *api_path;
    const char *words[MAX_WORDS];
    int n_words;
    const intercom_operation *op;
    json_t *flags;  /* params given as flags, by JSON name */
    json_t *params; /* the whole params object */
    json_t *file_paths; /* the paths of file parts (kept for the request) */
    char *file_data;    /* a file part read from stdin (owned) */
    char usage[1024]; /* the first usage error ("" none) */
} g;

/* Record a usage error (the first one wins); returns EXIT_USAGE. Nothing is printed here. */
static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int usage_error(const char *fmt, ...) {
    if (!g.usage[0]) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(g.usage, sizeof g.usage, fmt, ap);
        va_end(ap);
        if (!g.usage[0]) snprintf(g.usage, sizeof g.usage, "usage error");
    }
    return EXIT_USAGE;
}

static void put_str(FILE *f, const char *s);

/* Release what parsing and building the params allocated, and start over. */
static void cli_reset(void) {
    json_decref(g.file_paths);
    free(g.file_data);
    json_decref(g.params);
    json_decref(g.flags);
    if (g.token) memset(g.token, 0, strlen(g.token));
    free(g.token);
    for (int i = 0; i < g.n_headers; i++) free((char *)g.headers[i].key);
    for (int i = 0; i < g.n_query; i++) free((char *)g.query[i].key);
    memset(&g, 0, sizeof g);
    intercom_client_options_init(&g.opts, INTERCOM_CLIENT_OPTIONS_VERSION);
}

/* ---------- names: operations, resources, flags ---------- */

/* The words joined with dots; "" when there are none. */
static const char *dotted(const char *const *w, int n) {
    static char buf[512];
    size_t len = 0;
    buf[0] = '\0';
    for (int i = 0; i < n && len < sizeof buf; i++)
        len += (size_t)snprintf(buf + len, sizeof buf - len, "%s%s", i ? "." : "", w[i]);
    return buf;
}

static const intercom_operation *find_op(const char *name) {
    EACH_OP(o)
        if (!strcmp(o->name, name)) return o;
    return NULL;
}

/* Whether some operation's name starts with "<prefix>." ("" matches everything). */
static int is_resource(const char *prefix) {
    size_t n = strlen(prefix);
    EACH_OP(o)
        if (!n || (!strncmp(o->name, prefix, n) && o->name[n] == '.')) return 1;
    return 0;
}

/* The operation named by the longest prefix of the words; *used receives how many it took. */
static const intercom_operation *longest_op(const char *const *w, int n, int *used) {
    for (int k = n; k > 0; k--) {
        const intercom_operation *op = find_op(dotted(w, k));
        if (op) return *used = k, op;
    }
    return *used = 0, NULL;
}

/* The command line form of a name: dots to spaces (static buffer); with the namespace's word in
 * front ("preview contacts list") unless @p bare. */
static const char *words_of(const char *name, int bare) {
    static char buf[512];
    int pre = bare || !*NS ? 0 : snprintf(buf, sizeof buf, "%s ", NS);
    size_t n = strlen(name);
    if (n >= sizeof buf - (size_t)pre) n = sizeof buf - (size_t)pre - 1; /* operation names are far shorter */
    memcpy(buf + pre, name, n);
    buf[pre + n] = '\0';
    for (char *p = buf + pre; *p; p++)
        if (*p == '.') *p = ' ';
    return buf;
}
static const char *spaced(const char *name) { return words_of(name, 0); }

static int global_index(const char *name, size_t len) {
    for (size_t i = 0; i < N_GLOBALS; i++) {
        const char *gn = GLOBALS[i].name;
        if (strlen(gn) != len) continue;
        size_t j = 0;
        while (j < len && (gn[j] == name[j] || (gn[j] == '-' && name[j] == '_'))) j++;
        if (j == len) return (int)i;
    }
    return -1;
}

/* A field's flag: its JSON name with '-' for '_', "param-" first when a global option has that name. */
static const char *flag_of(const intercom_field *f) {
    static char buf[160];
    int clash = global_index(f->name, strlen(f->name)) >= 0;
    snprintf(buf, sizeof buf, "%s%s", clash ? "param-" : "", f->name);
    for (char *p = buf; *p; p++)
        if (*p == '_') *p = '-';
    return buf;
}

static const intercom_field *find_field(const intercom_operation *op, const char *name, size_t len) {
    if (!op->params) return NULL;
    if (len > 6 && !strncmp(name, "param-", 6)) name += 6, len -= 6;
    char key[160];
    if (len >= sizeof key) return NULL;
    for (size_t i = 0; i < len; i++) key[i] = name[i] == '-' ? '_' : name[i];
    return intercom_type_field(op->params, key, len);
}

/* Search operations take their paging in the body's `pagination` object: its members (per_page,
 * starting_after) are flags of their own as well (--per-page 50), set into pagination. The
 * member of `pagination` named @p name, or NULL (also when the operation has no such object). */
static const intercom_field *find_paging_field(const intercom_operation *op, const char *name, size_t len) {
    if (op->page_kind != INTERCOM_PAGE_SEARCH || !op->params) return NULL;
    const intercom_field *pf = intercom_type_field(op->params, "pagination", 10);
    if (!pf || pf->kind != INTERCOM_KIND_OBJECT || (pf->flags & INTERCOM_FIELD_FLAG_ARRAY) || !pf->type) return NULL;
    char key[160];
    if (len >= sizeof key) return NULL;
    for (size_t i = 0; i < len; i++) key[i] = name[i] == '-' ? '_' : name[i];
    const intercom_field *f = intercom_type_field(pf->type, key, len);
    return f && !(f->flags & INTERCOM_FIELD_FLAG_ARRAY) && f->kind != INTERCOM_KIND_OBJECT && f->kind != INTERCOM_KIND_JSON ? f : NULL;
}

/* ---------- "did you mean" ---------- */

/* The nearest of the candidates offered to near_try() (copied: candidates may live in static buffers). */
typedef struct near {
    const char *word; /* what was typed */
    char best[160];
    int d;
} near;

static void near_try(near *nr, const char *cand, size_t len) {
    int d;
    if (!near_enough(nr->word, cand, len, &d) || (nr->best[0] && d >= nr->d) || len >= sizeof nr->best) return;
    memcpy(nr->best, cand, len);
    nr->best[len] = '\0';
    nr->d = d;
}

/* "; did you mean \"<prefix>X\"?" or "" (static buffer). */
static const char *near_hint(const near *nr, const char *prefix) {
    static char buf[800];
    if (!nr->best[0]) return "";
    snprintf(buf, sizeof buf, "; did you mean \"%s%s\"?", prefix, nr->best);
    return buf;
}

/* The word after the @p prefix words nearest to @p word: a resource (no prefix) or a method. */
static const char *near_word(const char *const *prefix, int np, const char *word) {
    near nr = {word, "", 0};
    if (!np && !*NS) /* the commands first: "ap" is "api" before it is "ai" */
        for (const ic_cli_command *c = IC_CLI_COMMANDS; c->name; c++) near_try(&nr, c->name, strlen(c->name));
    const char *pre = dotted(prefix, np);
    size_t len = strlen(pre);
    char copy[512];
    snprintf(copy, sizeof copy, "%s", pre);
    EACH_OP(o) {
        if (len && (strncmp(o->name, copy, len) || o->name[len] != '.')) continue;
        const char *seg = o->name + (len ? len + 1 : 0);
        near_try(&nr, seg, strcspn(seg, "."));
    }
    char words[520]; /* the command as it would be typed: "contacts list", "preview contacts" */
    snprintf(words, sizeof words, "%s%s", np ? spaced(copy) : *NS ? NS : "", np || *NS ? " " : "");
    return near_hint(&nr, words);
}

/* The flag nearest to --@p name: a global option, or a param of @p op (may be NULL). */
static const char *near_flag(const intercom_operation *op, const char *name, size_t len) {
    char w[160];
    snprintf(w, sizeof w, "%.*s", (int)(len < sizeof w ? len : sizeof w - 1), name);
    near nr = {w, "", 0};
    for (size_t i = 0; i < N_GLOBALS; i++) near_try(&nr, GLOBALS[i].name, strlen(GLOBALS[i].name));
    for (uint32_t i = 0; op && op->params && i < op->params->n_fields; i++) {
        const char *f = flag_of(&op->params->fields[i]);
        near_try(&nr, f, strlen(f));
    }
    for (const ic_cli_flag *f = g.api ? ic_cli_command_find("api")->flags : NULL; f && f->name; f++)
        near_try(&nr, f->name, strlen(f->name));
    return near_hint(&nr, "--");
}

/* The JSON name of a param of @p op nearest to the --data key @p key, as "; did you mean \"X\"?", or "". */
static const char *near_key(const intercom_operation *op, const char *key) {
    near nr = {key, "", 0};
    for (uint32_t i = 0; op && op->params && i < op->params->n_fields; i++)
        near_try(&nr, op->params->fields[i].name, strlen(op->params->fields[i].name));
    return near_hint(&nr, "");
}

/* ---------- help and completion ---------- */

static const char *where_of(const intercom_field *f) {
    static const char *const in[] = {"body", "path", "query", "header"};
    return f->in < 4 ? in[f->in] : "?";
}

static const char *type_of(const intercom_field *f) {
    static char buf[256];
    const char *s = "JSON";
    switch (f->kind) {
    case INTERCOM_KIND_STRING: s = "string"; break;
    case INTERCOM_KIND_INT: s = "integer"; break;
    case INTERCOM_KIND_NUMBER: s = "number"; break;
    case INTERCOM_KIND_BOOL: s = "true|false"; break;
    case INTERCOM_KIND_OBJECT: s = "JSON object"; break;
    case INTERCOM_KIND_FILE: s = "PATH|- (a file part)"; break;
    case INTERCOM_KIND_ENUM: {
        size_t len = 0;
        buf[0] = '\0';
        for (uint32_t i = 0; i < f->type->n_values && len < 60; i++)
            len += (size_t)snprintf(buf + len, sizeof buf - len, "%s%s", i ? "|" : "", f->type->values[i]);
        if (len >= 60) snprintf(buf + 57, sizeof buf - 57, "...");
        s = buf;
        break;
    }
    }
    if (!(f->flags & INTERCOM_FIELD_FLAG_ARRAY)) return s;
    static char arr[300];
    snprintf(arr, sizeof arr, f->kind == INTERCOM_KIND_OBJECT || f->kind == INTERCOM_KIND_JSON ? "[%s,...]" : "%s,...", s);
    return arr;
}

static void help_top(FILE *out) {
    if (*NS)
        fputs("usage: intercom [global options] preview <resource> <method> [params]\n"
              "       intercom preview <resource> [<method>] --help\n\n"
              "The Intercom Preview API (Intercom-Version: Preview unless --api-version says otherwise), one\n"
              "command per operation. The Preview can change without a version bump.\n\nResources:\n", out);
    else
        fprintf(out, "usage: intercom [global options] <resource> <method> [params]\n"
                     "       intercom [global options] api <METHOD> <PATH> [--data JSON] [--query NAME=VALUE ...]\n"
                     "       intercom help [<resource> [<method>]]    (or: intercom <resource> [<method>] --help)\n"
                     "       intercom webhooks|identity|oauth ...     (intercom help webhooks, ...)\n"
                     "       intercom preview <resource> <method> [params]    (intercom preview --help)\n"
                     "       intercom completion bash|zsh\n\n"
                     "The Intercom REST API (version %s), one command per operation.\n\nResources:\n",
                INTERCOM_DEFAULT_API_VERSION);
    const char *last = "";
    size_t last_len = 0;
    int count = 0;
    for (size_t oi = 0;; oi++) {
        const intercom_operation *o = intercom_namespace_operations_at(NS, oi);
        const char *n = o ? o->name : "";
        size_t len = strcspn(n, ".");
        if (o && len == last_len && !strncmp(n, last, len)) {
            count++;
            continue;
        }
        if (count) fprintf(out, "  %-28.*s %d operation%s\n", (int)last_len, last, count, count > 1 ? "s" : "");
        if (!o) break;
        last = n, last_len = len, count = 1;
    }
    fputs("\nGlobal options:\n", out);
    for (size_t i = 0; i < N_GLOBALS; i++) {
        char opt[64];
        snprintf(opt, sizeof opt, "--%s %s", GLOBALS[i].name, GLOBALS[i].arg ? GLOBALS[i].arg : "");
        int preview_version = *NS && !strcmp(GLOBALS[i].name, "api-version"); /* the Preview sends "Preview" */
        fprintf(out, "  %-30s %s\n", opt, preview_version ? "Intercom-Version header (default Preview)" : GLOBALS[i].help);
    }
    fputs("\nParams: one flag per field (--per-page 50 or --per_page=50); arrays as a,b,c, a JSON array, or\n"
          "repeated flags; objects and free-form values as JSON (--custom-attributes '{\"plan\":\"pro\"}').\n"
          "JSON null for a nullable field: --null FIELD (no string value can mean null).\n"
          "Output: the response body on stdout; errors as one line on stderr (with the request id when the\n"
          "server sent one).\n\n"
          "Environment:\n"
          "  INTERCOM_TEST_1_BEARER_TOKEN   the bearer token when --token and --token-file are not given\n"
          "  INTERCOM_BASE_URL              the API base URL when --base-url is not given\n"
          "  INTERCOM_LOG=info|debug        the library's log on stderr: one line per attempt (info), or with\n"
          "                                 headers and bodies (debug); the Authorization header is redacted\n\n",
          out);
    fputs(EXIT_TABLE, out);
}

static const char HELP_API[] =
    "usage: intercom [global options] api <METHOD> <PATH> [--data @FILE|-|JSON] [--query NAME=VALUE ...]\n"
    "\n"
    "Sends any request (like gh api): METHOD is GET, POST, PUT, PATCH, DELETE or HEAD; PATH is appended to\n"
    "the base URL as given (e.g. /me, /contacts/123). --data is the JSON body (from a file, stdin or the\n"
    "argument); --query adds a query parameter (repeatable; the value is percent-encoded). Every global\n"
    "option applies (--header, --verbose, --output, --raw, --format, --max-retries, --timeout, ...).\n"
    "The response body goes to stdout as received; errors and exit statuses as for every command.\n";

static void help_api(FILE *out) {
    fputs(HELP_API, out);
}

static void help_resource(const char *prefix) {
    size_t n = strlen(prefix);
    printf("usage: intercom [global options] %s <method> [params]\n\nMethods:\n", spaced(prefix));
    EACH_OP(o)
        if (!strncmp(o->name, prefix, n) && o->name[n] == '.')
            printf("  %-36s %s%s\n", words_of(o->name + n + 1, 1), o->summary ? o->summary : "",
                   o->flags & INTERCOM_OP_DEPRECATED ? " (deprecated)" : "");
    printf("\nintercom %s <method> --help lists a method's params.\n", spaced(prefix));
}

/* Whether @p op answers with a documented redirect instead of a body (INTERCOM_OP_REDIRECT, from the
 * description: 2.16 and the Preview's GET /calls/{call_id}/recording answers 302 with a signed URL). Its
 * Location is printed on stdout and the exit status is 0. */
static int redirect_of(const intercom_operation *op) { return op && (op->flags & INTERCOM_OP_REDIRECT); }

/* A param's line of help_op(): flag, type and location in columns @p fw and @p tw wide. */
static void help_param(const intercom_field *f, int fw, int tw, const char *where) {
    printf("  --%-*s %-*s %s\n", fw, flag_of(f), tw, type_of(f), where);
}

static void help_op(const intercom_operation *op) {
    printf("usage: intercom [global options] %s%s\n\n%s%s\n%s %s", spaced(op->name), op->params ? " [params]" : "",
           op->summary ? op->summary : "", op->flags & INTERCOM_OP_DEPRECATED ? " (deprecated)" : "", op->method, op->path);
    if (op->flags & INTERCOM_OP_RAW) printf(" (returns %s, written as received)", op->accept ? op->accept : "bytes");
    if (redirect_of(op)) printf("\nAnswers with a redirect, as documented: its Location is printed on stdout (exit 0)");
    if (op->page_kind) printf("\nPaginated: --all prints every item of every page");
    if (op->page_kind && op->per_page_max) printf(" (--per-page up to %u)", (unsigned)op->per_page_max);
    puts("\n");
    if (!op->params || !op->params->n_fields) {
        puts("No params.");
    } else {
        puts("Params:");
        const intercom_field *pf = op->page_kind == INTERCOM_PAGE_SEARCH ? intercom_type_field(op->params, "pagination", 10) : NULL;
        const intercom_type *pt = pf && pf->kind == INTERCOM_KIND_OBJECT ? pf->type : NULL;
        int fw = 30, tw = 26; /* the columns: as wide as the widest flag and type of the page */
        for (uint32_t k = 0; k < 2; k++) /* the params, then the members of a search's pagination */
            for (uint32_t i = 0; k ? pt && i < pt->n_fields : i < op->params->n_fields; i++) {
                const intercom_field *f = k ? &pt->fields[i] : &op->params->fields[i];
                if (k && !find_paging_field(op, f->name, strlen(f->name))) continue;
                int l = (int)strlen(flag_of(f)), t = (int)strlen(type_of(f));
                fw = l > fw ? l : fw, tw = t > tw ? t : tw;
            }
        for (uint32_t i = 0; i < op->params->n_fields; i++) {
            const intercom_field *f = &op->params->fields[i];
            char where[64];
            snprintf(where, sizeof where, "%s%s%s", where_of(f), f->flags & INTERCOM_FIELD_FLAG_REQUIRED ? ", required" : "",
                     f->flags & INTERCOM_FIELD_FLAG_DEPRECATED ? ", deprecated" : "");
            help_param(f, fw, tw, where);
            const char *doc = op->params->field_docs ? op->params->field_docs[i] : NULL;
            if ((doc && *doc) || (f->flags & INTERCOM_FIELD_FLAG_NULLABLE)) {
                fputs("      ", stdout);
                if (f->flags & INTERCOM_FIELD_FLAG_NULLABLE) printf("[nullable: --null %s] ", flag_of(f));
                if (doc) put_str(stdout, doc);
                putchar('\n');
            }
        }
        for (uint32_t i = 0; pt && i < pt->n_fields; i++) {
            const intercom_field *f = &pt->fields[i];
            char where[200];
            if (!find_paging_field(op, f->name, strlen(f->name))) continue;
            snprintf(where, sizeof where, "body, in pagination (pagination.%s)", f->name);
            help_param(f, fw, tw, where);
        }
        puts("\n  --data @FILE|-|JSON: the whole params object (keys: the names above, with '_'); flags override it.");
    }
    puts("\nGlobal options and exit statuses: intercom --help");
}

static const char BASH_COMPLETION[] =
    "# bash completion for intercom: source <(intercom completion bash)\n"
    "# The words are taken from COMP_LINE as the shell would split them (quotes and backslashes honoured),\n"
    "# not from COMP_WORDS: bash splits those at the characters of COMP_WORDBREAKS (: and =), so\n"
    "# --base-url http://127.0.0.1:4010 would be 5 words there.\n"
    "_intercom_words() {\n"
    "    local s=$1 c q= word= in=0 i\n"
    "    w=() cur=\n"
    "    for ((i = 0; i < ${#s}; i++)); do\n"
    "        c=${s:i:1}\n"
    "        if [[ -n $q ]]; then\n"
    "            if [[ $c == \"$q\" ]]; then q=; elif [[ $q == '\"' && $c == \\\\ ]]; then ((i++)); word+=${s:i:1}; else word+=$c; fi\n"
    "        elif [[ $c == [\\\"\\'] ]]; then q=$c in=1\n"
    "        elif [[ $c == \\\\ ]]; then ((i++)); word+=${s:i:1} in=1\n"
    "        elif [[ $c == [[:space:]] ]]; then ((in)) && w+=(\"$word\"); word= in=0\n"
    "        else word+=$c in=1\n"
    "        fi\n"
    "    done\n"
    "    if ((in)) || [[ -n $q ]]; then cur=$word; fi\n"
    "}\n"
    "_intercom() {\n"
    "    local -a w\n"
    "    local cur eqpre= pre\n"
    "    _intercom_words \"${COMP_LINE:0:COMP_POINT}\"\n"
    "    (( ${#w[@]} )) || return 0\n"
    "    if [[ $cur == --*=* ]]; then\n"
    "        w+=(\"${cur%%=*}\"); [[ $COMP_WORDBREAKS == *=* ]] || eqpre=${cur%%=*}=; cur=${cur#*=}\n"
    "    fi\n"
    "    [[ $cur == --* ]] && cur=${cur//_/-}   # --per_page: a flag spelt with '_' completes to the flag\n"
    "    local words=$(\"${w[0]}\" __complete \"${w[@]:1}\" 2>/dev/null)\n"
    "    COMPREPLY=($(compgen -W \"$words\" -- \"$cur\"))\n"
    "    # bash replaces only what follows the last COMP_WORDBREAKS character of the word: drop what precedes it\n"
    "    pre=$cur\n"
    "    while [[ -n $pre && $COMP_WORDBREAKS != *\"${pre: -1}\"* ]]; do pre=${pre%?}; done\n"
    "    if [[ -n $pre ]]; then COMPREPLY=(\"${COMPREPLY[@]#\"$pre\"}\"); fi\n"
    "    if [[ -n $eqpre ]]; then COMPREPLY=(\"${COMPREPLY[@]/#/$eqpre}\"); fi\n"
    "}\n"
    "complete -o default -F _intercom intercom\n";

static const char ZSH_COMPLETION[] =
    "#compdef intercom\n"
    "# zsh completion for intercom: source <(intercom completion zsh), or save as _intercom in $fpath\n"
    "_intercom() {\n"
    "  local -a c w\n"
    "  w=(\"${(@)words[2,CURRENT-1]}\")\n"
    "  if [[ $PREFIX == --*=* ]]; then w+=(\"${PREFIX%%=*}\"); compset -P '*='; fi\n"
    "  [[ $PREFIX == --* ]] && PREFIX=${PREFIX//_/-}  # --per_page: a flag spelt with '_' completes to the flag\n"
    "  c=(${(f)\"$(${words[1]} __complete \"${(@)w}\" 2>/dev/null)\"})\n"
    "  compadd -a c || _files  # no word matches (webhooks verify FILE): file names, as bash's -o default\n"
    "}\n"
    "if [ \"$funcstack[1]\" = \"_intercom\" ]; then _intercom \"$@\"; else compdef _intercom intercom; fi\n";

/* `intercom __complete WORD...`: the candidates for the word after WORD... (the scripts filter them). */
static int complete(int n, char **w) {
    const char *pos[MAX_WORDS] = {0};
    int np = 0, used = 0;
    for (int i = 0; i < n; i++) {
        if (!strncmp(w[i], "--", 2)) {
            int gi = global_index(w[i] + 2, strcspn(w[i] + 2, "="));
            if (gi < 0) break;                                      /* params: the words are done */
            if (GLOBALS[gi].arg && !strchr(w[i], '=')) i++;         /* skip the option's value */
        } else if (!strcmp(w[i], "-H") || !strcmp(w[i], "-o")) {
            i++;
        } else if (w[i][0] == '-' || (!np && !strcmp(w[i], "help"))) {
            continue;                                               /* -HX, -ofile; `help` takes the same words */
        } else if (np < MAX_WORDS) {
            pos[np++] = w[i];
        }
    }
    const intercom_operation *op = longest_op(pos, np, &used);
    const char *prev = n ? w[n - 1] : "";
    /* one candidate per line: zsh takes each line as one */
    if (!strcmp(prev, "--environment")) return puts("production\nenvironment_1\nenvironment_2\nus\neu\nau"), 0;
    if (!strcmp(prev, "--format")) return puts("json\npretty"), 0;
    if (!strcmp(prev, "--null")) { /* the method's nullable params */
        for (uint32_t i = 0; op && used == np && op->params && i < op->params->n_fields; i++)
            if (op->params->fields[i].flags & INTERCOM_FIELD_FLAG_NULLABLE) puts(flag_of(&op->params->fields[i]));
        return 0;
    }
    if (op && !strncmp(prev, "--", 2)) {
        const intercom_field *f = find_field(op, prev + 2, strlen(prev + 2));
        if (f && f->kind == INTERCOM_KIND_BOOL) return puts("true\nfalse"), 0;
        if (f && f->kind == INTERCOM_KIND_ENUM)
            for (uint32_t i = 0; i < f->type->n_values; i++) puts(f->type->values[i]);
        if (f) return 0;
    }
    /* values that are files or free text: nothing, so that the shell completes file names */
    if (!strcmp(prev, "-o") || !strcmp(prev, "--output") || !strcmp(prev, "--token-file") || !strcmp(prev, "--data") ||
        !strcmp(prev, "-H") || !strcmp(prev, "--header"))
        return 0;
    /* api, completion, webhooks, identity, oauth (extras.h): their words, then a subcommand's flags; after
     * a flag, its value: nothing (file names) */
    const ic_cli_command *cmd = np && !*NS ? ic_cli_command_find(pos[0]) : NULL;
    if (cmd && cmd->subs[0].name) {
        const ic_cli_sub *sub = np == 2 ? ic_cli_sub_find(cmd, pos[1]) : NULL;
        for (const ic_cli_sub *s = np == 1 ? cmd->subs : NULL; s && s->name; s++) puts(s->name);
        if (sub && !(!strncmp(prev, "--", 2) && ic_cli_flag_find(sub->flags, prev + 2, strlen(prev + 2))))
            for (const ic_cli_flag *f = sub->flags; f->name; f++) printf("--%s\n", f->name);
        if (cmd->place != IC_CMD_INLINE || np < 2) return 0;
        /* api METHOD PATH: its own flags (--query) and, as every global option applies, the globals below */
        if (!strncmp(prev, "--", 2) && ic_cli_flag_find(cmd->flags, prev + 2, strlen(prev + 2))) return 0; /* a value */
        for (const ic_cli_flag *f = cmd->flags; f->name; f++) printf("--%s\n", f->name);
    } else if (op && used == np) {
        for (uint32_t i = 0; op->params && i < op->params->n_fields; i++)
            printf("--%s\n", flag_of(&op->params->fields[i]));
        if (find_paging_field(op, "per_page", 8)) puts("--per-page");
        if (find_paging_field(op, "starting_after", 14)) puts("--starting-after");
    } else {
        const char *prefix = dotted(pos, np);
        size_t len = strlen(prefix), last_len = 0;
        const char *last = "";
        for (const ic_cli_command *c = IC_CLI_COMMANDS; !np && !*NS && c->name; c++) puts(c->name);
        EACH_OP(o) {
            if (len && (strncmp(o->name, prefix, len) || o->name[len] != '.')) continue;
            const char *seg = o->name + (len ? len + 1 : 0);
            size_t sl = strcspn(seg, ".");
            if (sl == last_len && !strncmp(seg, last, sl)) continue;
            printf("%.*s\n", (int)sl, seg);
            last = seg, last_len = sl;
        }
    }
    for (size_t i = 0; i < N_GLOBALS; i++) printf("--%s\n", GLOBALS[i].name);
    return 0;
}

/* ---------- params ---------- */

static json_t *parse_json_arg(const char *flag, const char *s) {
    json_error_t je;
    json_t *v = json_loads(s, JSON_DECODE_ANY, &je);
    if (!v) usage_error("--%s: malformed JSON value: %s (column %d)", flag, je.text, je.column);
    return v;
}

/* One value of field @p f from the text @p s; NULL after a usage error. */
static json_t *scalar(const intercom_field *f, const char *flag, const char *s) {
    char *end;
    json_t *v = NULL;
    errno = 0;
    switch (f->kind) {
    case INTERCOM_KIND_STRING:
        if (!(v = json_string(s))) usage_error("--%s: not valid UTF-8", flag);
        return v;
    case INTERCOM_KIND_INT: {
        long long i = strtoll(s, &end, 10);
        if (errno || end == s || *end)
            return usage_error("--%s: expected an integer (64-bit), got \"%s\"", flag, s), NULL;
        return json_integer(i);
    }
    case INTERCOM_KIND_NUMBER: {
        double d = strtod(s, &end);
        if (errno || end == s || *end || !isfinite(d))
            return usage_error("--%s: expected a number, got \"%s\"", flag, s), NULL;
        return json_real(d);
    }
    case INTERCOM_KIND_BOOL:
        if (!strcmp(s, "true") || !strcmp(s, "false")) return json_boolean(*s == 't');
        return usage_error("--%s: expected true or false, got \"%s\"", flag, s), NULL;
    case INTERCOM_KIND_ENUM:
        for (uint32_t i = 0; i < f->type->n_values; i++)
            if (!strcmp(s, f->type->values[i])) return json_string(s);
        return usage_error("--%s: expected one of %s, got \"%s\"", flag, type_of(f), s), NULL;
    default: /* objects and free-form values */
        return parse_json_arg(flag, s);
    }
}

/* Add flag @p f with the text @p s to g.flags; 0, or EXIT_USAGE. */
static int add_flag(const intercom_field *f, const char *s) {
    const char *flag = flag_of(f);
    json_t *v;
    if (f->kind == INTERCOM_KIND_FILE) { /* a path (or - for stdin), taken out again by build_params */
        if (!(v = json_string(s))) return usage_error("--%s: not valid UTF-8", flag);
        if (json_object_set_new(g.flags, f->name, v)) return usage_error("--%s: out of memory", flag);
        return 0;
    }
    if (!(f->flags & INTERCOM_FIELD_FLAG_ARRAY)) {
        if (!(v = scalar(f, flag, s))) return EXIT_USAGE;
        if (json_object_set_new(g.flags, f->name, v)) return usage_error("--%s: out of memory", flag);
        return 0;
    }
    json_t *arr = json_object_get(g.flags, f->name);
    if (!arr && json_object_set_new(g.flags, f->name, arr = json_array())) return usage_error("--%s: out of memory", flag);
    if (*s == '[') { /* a JSON array */
        if (!(v = parse_json_arg(flag, s))) return EXIT_USAGE;
        int bad = !json_is_array(v);
        if (!bad) json_array_extend(arr, v);
        json_decref(v);
        if (bad) return usage_error("--%s: expected a JSON array", flag);
    } else if (f->kind == INTERCOM_KIND_OBJECT || f->kind == INTERCOM_KIND_JSON) {
        if (!(v = scalar(f, flag, s))) return EXIT_USAGE;
        json_array_append_new(arr, v);
    } else {
        for (const char *p = s; *p;) { /* comma-separated */
            size_t len = strcspn(p, ",");
            char *item = strndup(p, len);
            v = item ? scalar(f, flag, item) : NULL;
            free(item);
            if (!v) return usage_error("--%s: out of memory", flag);
            json_array_append_new(arr, v);
            p += len + (p[len] == ',');
        }
    }
    return 0;
}

/* A member of a search's `pagination` given as its own flag: into g.flags.pagination (other
 * members given there stay); 0, or EXIT_USAGE. */
static int add_paging_flag(const intercom_field *f, const char *s) {
    const char *flag = flag_of(f);
    json_t *v = scalar(f, flag, s), *pag = json_object_get(g.flags, "pagination");
    if (!v) return EXIT_USAGE;
    if (!json_is_object(pag) && json_object_set_new(g.flags, "pagination", pag = json_object())) {
        json_decref(v);
        return usage_error("--%s: out of memory", flag);
    }
    if (json_object_set_new(pag, f->name, v)) return usage_error("--%s: out of memory", flag);
    return 0;
}

/* All of @p f (NUL-terminated), or NULL after a usage error naming @p opt. */
static char *read_stream(FILE *f, const char *opt, const char *what, size_t *len) {
    char *buf = NULL;
    size_t cap = 0, n = 0, r;
    do {
        if (n + 1 >= cap) {
            char *nb = realloc(buf, cap = cap ? cap * 2 : 65536);
            if (!nb) {
                free(buf);
                return usage_error("%s: out of memory", opt), NULL;
            }
            buf = nb;
        }
        r = fread(buf + n, 1, cap - n - 1, f);
        n += r;
    } while (r);
    if (ferror(f)) {
        free(buf);
        return usage_error("%s: cannot read %s: %s", opt, what, strerror(errno)), NULL;
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}

/* --data: a JSON object (or, for intercom api, @p any: any JSON value); NULL after a usage error. */
static json_t *load_data(const char *arg, int any) {
    size_t len = strlen(arg);
    char *text = NULL;
    if (!strcmp(arg, "-")) {
        if (!(text = read_stream(stdin, "--data", "stdin", &len))) return NULL;
    } else if (*arg == '@') {
        FILE *f = fopen(arg + 1, "rb");
        if (!f) return usage_error("--data: cannot open %s: %s", arg + 1, strerror(errno)), NULL;
        text = read_stream(f, "--data", arg + 1, &len);
        fclose(f);
        if (!text) return NULL;
    }
    json_error_t je;
    json_t *v = json_loadb(text ? text : arg, len, any ? JSON_DECODE_ANY : 0, &je);
    free(text);
    if (!v) return usage_error("--data: malformed JSON: %s (line %d, column %d)", je.text, je.line, je.column), NULL;
    if (!any && !json_is_object(v)) {
        json_decref(v);
        return usage_error("--data: expected a JSON object"), NULL;
    }
    return v;
}

/* --token-file: the token from a file or stdin, surrounding whitespace removed. */
static int load_token(const char *arg) {
    size_t len = 0;
    char *text;
    if (!strcmp(arg, "-")) {
        if (g.data && !strcmp(g.data, "-")) return usage_error("--token-file - and --data - cannot both read stdin");
        text = read_stream(stdin, "--token-file", "stdin", &len);
    } else {
        FILE *f = fopen(arg, "rb");
        if (!f) return usage_error("--token-file: cannot open %s: %s", arg, strerror(errno));
        text = read_stream(f, "--token-file", arg, &len);
        fclose(f);
    }
    if (!text) return EXIT_USAGE;
    size_t b = 0;
    while (b < len && isspace((unsigned char)text[b])) b++;
    while (len > b && isspace((unsigned char)text[len - 1])) len--;
    memmove(text, text + b, len - b);
    text[len - b] = '\0';
    g.token = text;
    if (!*text) return usage_error("--token-file: %s holds no token", !strcmp(arg, "-") ? "stdin" : arg);
    if (strpbrk(text, "\r\n")) return usage_error("--token-file: the token must be one line");
    g.opts.bearer_token = g.token;
    return 0;
}

/* The params struct of g.op from --data and the flags, checked, into *out (NULL when the
 * operation has none); 0, or EXIT_USAGE with g.usage saying why. */
static int build_params(void **out) {
    const intercom_type *pt = g.op->params;
    const char *cmd = spaced(g.op->name), *k;
    json_t *v;
    *out = NULL;
    if (!(g.params = g.data ? load_data(g.data, 0) : json_object())) return g.usage[0] ? EXIT_USAGE : usage_error("out of memory");
    for (int i = 0; i < g.n_nulls; i++) { /* --null FIELD */
        const char *n = g.nulls[i];
        const intercom_field *f = find_field(g.op, n, strlen(n));
        if (!f) return usage_error("--null %s: %s has no param --%s%s", n, cmd, n, near_flag(g.op, n, strlen(n)));
        if (!(f->flags & INTERCOM_FIELD_FLAG_NULLABLE))
            return usage_error("--null %s: --%s is not nullable (the description does not allow null)", n, flag_of(f));
        if (json_object_get(g.flags, f->name)) return usage_error("--null %s: --%s is given a value as well", n, flag_of(f));
        if (json_object_set_new(g.flags, f->name, json_null())) return usage_error("out of memory");
    }
    json_t *dpag = json_object_get(g.params, "pagination"), *fpag = json_object_get(g.flags, "pagination");
    if (json_is_object(dpag) && json_is_object(fpag)) json_object_update_missing(fpag, dpag); /* --per-page + --data */
    json_object_update(g.params, g.flags);
    json_object_foreach(g.params, k, v) {
        if (!pt || !intercom_type_field(pt, k, strlen(k)))
            return usage_error("--data: %s has no parameter \"%s\"%s (intercom %s --help)", cmd, k, near_key(g.op, k), cmd);
    }
    if (!pt) return 0;
    for (uint32_t i = 0; i < pt->n_fields; i++)
        if ((pt->fields[i].flags & INTERCOM_FIELD_FLAG_REQUIRED) && !json_object_get(g.params, pt->fields[i].name))
            return usage_error("%s: missing required parameter --%s", cmd, flag_of(&pt->fields[i]));
    /* file parts (multipart bodies): a path, or - for stdin (read now), given as an intercom_file */
    static intercom_file files[4];
    static const intercom_field *file_fields[4];
    size_t nfiles = 0;
    for (uint32_t i = 0; i < pt->n_fields; i++) {
        const intercom_field *f = &pt->fields[i];
        json_t *pv = f->kind == INTERCOM_KIND_FILE ? json_object_get(g.params, f->name) : NULL;
        if (!pv) continue;
        const char *path = json_string_value(pv);
        if (!path || !*path || nfiles == 4) return usage_error("--%s: expected a file path, or - for stdin", flag_of(f));
        intercom_file fl = INTERCOM_FILE_INIT;
        if (!strcmp(path, "-")) {
            if (g.data && !strcmp(g.data, "-")) return usage_error("--%s - and --data - cannot both read stdin", flag_of(f));
            size_t len = 0;
            if (g.file_data) return usage_error("--%s -: stdin is read once, by one file part", flag_of(f));
            if (!(g.file_data = read_stream(stdin, flag_of(f), "stdin", &len))) return EXIT_USAGE;
            fl.data = g.file_data;
            fl.size = len;
            fl.filename = "stdin";
        } else {
            fl.path = path; /* the library opens it and names the part after it */
        }
        size_t pl = strlen(path);
        fl.content_type = pl > 5 && !strcmp(path + pl - 5, ".json") ? "application/json" : NULL;
        files[nfiles] = fl;
        file_fields[nfiles++] = f;
        if (!g.file_paths && !(g.file_paths = json_array())) return usage_error("out of memory");
        json_array_append(g.file_paths, pv); /* the path stays alive while the request is made */
        json_object_del(g.params, f->name);
    }
    char *js = json_dumps(g.params, JSON_COMPACT);
    intercom_error err = INTERCOM_ERROR_INIT;
    intercom_code rc = js ? intercom_from_json(pt, js, strlen(js), 1, out, &err) : INTERCOM_E_NOMEM;
    for (size_t i = 0; rc == INTERCOM_OK && i < nfiles; i++)
        *(const intercom_file **)((char *)*out + file_fields[i]->offset) = &files[i];
    free(js);
    int st = 0;
    if (rc) { /* name the flag: the first segment of the JSON path in "... at a.b[0]" */
        const char *msg = err.message ? err.message : intercom_strerror(rc), *at = strstr(msg, " at ");
        const intercom_field *f = at ? intercom_type_field(pt, at + 4, strcspn(at + 4, ".[")) : NULL;
        if (f && json_object_get(g.flags, f->name)) st = usage_error("--%s: %s", flag_of(f), msg);
        else if (f) st = usage_error("--data: %s (--%s)", msg, flag_of(f));
        else st = usage_error("%s: %s", g.data ? "--data" : "params", msg);
        *out = NULL;
    }
    intercom_error_clear(&err);
    return st;
}

/* ---------- output ---------- */

/* Write @p n bytes of server-controlled text. To a terminal, control characters are shown
 * escaped (ESC as \x1b, DEL as \x7f, UTF-8 C1 controls as \u0080..\u009f) so a response
 * cannot move the cursor, retitle the window or hide text; to a file or pipe the bytes go
 * out as they came. @p oneline: CR and LF become spaces. */
static void put_text(FILE *f, const char *s, size_t n, int oneline) {
    int tty = isatty(fileno(f));
    if (!tty && !oneline) {
        fwrite(s, 1, n, f);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (oneline && (c == '\n' || c == '\r')) fputc(' ', f);
        else if (!tty) fputc(c, f);
        else if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f) fprintf(f, "\\x%02x", c);
        else if (c == 0xc2 && i + 1 < n && (unsigned char)s[i + 1] >= 0x80 && (unsigned char)s[i + 1] <= 0x9f)
            fprintf(f, "\\u%04x", (unsigned char)s[++i]);
        else fputc(c, f);
    }
}

static void put_str(FILE *f, const char *s) {
    if (s) put_text(f, s, strlen(s), 0);
}

static void print_head(const intercom_response *r) {
    static const char *const versions[] = {"1.0", "1.1", "2", "3"};
    int v = r->http_version;
    fprintf(stderr, "HTTP/%s %d\n", versions[v == 10 ? 0 : v == 20 ? 2 : v == 30 ? 3 : 1], r->status);
    for (size_t i = 0; i < r->headers_count; i++) {
        put_str(stderr, r->headers[i].name);
        fputs(": ", stderr);
        put_str(stderr, r->headers[i].value);
        fputc('\n', stderr);
    }
    fputc('\n', stderr);
}

static void print_json(const json_t *v) {
    char *s = json_dumps(v, (g.pretty ? JSON_INDENT(2) : JSON_COMPACT) | JSON_ENCODE_ANY);
    if (s) {
        put_str(stdout, s);
        putchar('\n');
    }
    free(s);
}

static void print_body(const intercom_response *r) {
    if (!r || !r->body_len) return;
    int raw_op = g.op && (g.op->flags & INTERCOM_OP_RAW); /* intercom api: a body that is not JSON goes out as it came */
    if (!raw_op) {
        json_t *v = g.pretty ? json_loadb(r->body, r->body_len, JSON_DECODE_ANY, NULL) : NULL;
        if (v) {
            print_json(v);
            json_decref(v);
            return;
        }
    }
    put_text(stdout, r->body, r->body_len, 0);
    if (!raw_op && r->body[r->body_len - 1] != '\n') putchar('\n');
}

/* A string on one line (newlines as spaces). */
static void put_line(const char *s) {
    if (s) put_text(stderr, s, strlen(s), 1);
}

/* Whether @p w occurs in @p s as a whole name (not inside another identifier or dotted name). */
static int has_name(const char *s, const char *w) {
    size_t n = strlen(w);
    for (const char *p = s; (p = strstr(p, w)); p++) {
        int before = p > s && (isalnum((unsigned char)p[-1]) || p[-1] == '_' || p[-1] == '.');
        if (!before && !isalnum((unsigned char)p[n]) && p[n] != '_') return 1;
    }
    return 0;
}

/* A library message on stderr with the request options it names given as the flags that set them
 * ("extra_headers: ..." is "--header: ..." to the command's user). */
static void put_message(const char *m) {
    static const char *const names[][2] = {
        {"extra_headers", "--header"}, {"extra_query", "--query"}, {"read_timeout", "--read-timeout"}};
    const size_t count = sizeof names / sizeof *names;
    for (const char *start = m; *m;) {
        size_t k = count, n = 0;
        if (m == start || !(isalnum((unsigned char)m[-1]) || m[-1] == '_'))
            for (k = 0; k < count; k++) {
                n = strlen(names[k][0]);
                if (!strncmp(m, names[k][0], n) && !isalnum((unsigned char)m[n]) && m[n] != '_') break;
            }
        if (k < count) {
            fputs(names[k][1], stderr);
            m += n;
            continue;
        }
        size_t run = strcspn(m + 1, "er") + 1; /* up to the next byte that may start a name */
        put_text(stderr, m, run, 1);
        m += run;
    }
}

int ic_cli_report(intercom_code rc, const intercom_error *e, const char *flag) {
    static const char *const classes[] = {
        [INTERCOM_E_CONNECTION] = "connection error", [INTERCOM_E_TIMEOUT] = "timeout",
        [INTERCOM_E_BAD_REQUEST] = "bad request", [INTERCOM_E_AUTHENTICATION] = "authentication error",
        [INTERCOM_E_PERMISSION_DENIED] = "permission denied", [INTERCOM_E_NOT_FOUND] = "not found",
        [INTERCOM_E_UNPROCESSABLE_ENTITY] = "unprocessable entity", [INTERCOM_E_RATE_LIMIT] = "rate limit",
        [INTERCOM_E_INTERNAL_SERVER] = "server error", [INTERCOM_E_STATUS] = "unexpected status",
        [INTERCOM_E_DECODE] = "decode error"};
    int known = (size_t)rc < sizeof classes / sizeof *classes && classes[rc];
    char bare[32]; /* the library's message when it has nothing to add to the status */
    snprintf(bare, sizeof bare, "HTTP %d", e->status);
    fprintf(stderr, "intercom: %s", known ? classes[rc] : intercom_strerror(rc));
    if (e->status) fprintf(stderr, " (HTTP %d)", e->status);
    const intercom_error_item *it = e->errors_count ? &e->errors[0] : NULL;
    if (rc == INTERCOM_E_DECODE && e->message && *e->message) { /* why, then the body's start */
        fputs(": ", stderr);
        put_line(e->message); /* one line (the library strips yajl's newline) */
        if (e->response && e->response->body_len) {
            fputs(" (body: ", stderr);
            put_text(stderr, e->response->body, e->response->body_len < 200 ? e->response->body_len : 200, 1);
            fputs(e->response->body_len > 200 ? "...)" : ")", stderr);
        }
    } else if (it && (it->code || it->message)) {
        fputs(": ", stderr);
        put_line(it->code);
        fputs(it->code && it->message ? ": " : "", stderr);
        put_line(it->message);
    } else if (e->response && e->status / 100 == 3 && intercom_response_header(e->response, "Location")) {
        fprintf(stderr, ": redirect to ");
        put_line(intercom_response_header(e->response, "Location"));
    } else if (e->message && !strncmp(e->message, "HTTP ", 5) && strstr(e->message, ": ")) {
        fputs(": ", stderr);
        put_line(strstr(e->message, ": ") + 2); /* the text of another error shape (see the library's error-body reader) */
    } else if (e->response && e->response->body_len) { /* not Intercom's error list: the body's start */
        fputs(": ", stderr);
        put_text(stderr, e->response->body, e->response->body_len < 300 ? e->response->body_len : 300, 1);
    } else if (e->message && !(e->status && !strcmp(e->message, bare))) {
        fputs(": ", stderr);
        put_message(e->message);
    }
    if (flag) fputs(flag, stderr);
    if (e->request_id && *e->request_id) {
        fputs(" (request id ", stderr);
        put_line(e->request_id);
        fputc(')', stderr);
    }
    fputc('\n', stderr);
    return rc == INTERCOM_E_INVALID_ARGUMENT ? EXIT_USAGE : (int)rc;
}

/* The one-line error message of a command (with --raw, the response's head first); returns the exit status. */
static int report(intercom_code rc, const intercom_error *e) {
    if (g.raw && e->response) print_head(e->response);
    char flag[200] = "";
    if (rc == INTERCOM_E_INVALID_ARGUMENT && e->message && g.op && g.op->params) /* name the flag */
        for (uint32_t i = 0; i < g.op->params->n_fields; i++)
            if (has_name(e->message, g.op->params->fields[i].name)) {
                snprintf(flag, sizeof flag, " (--%s)", flag_of(&g.op->params->fields[i]));
                break;
            }
    return ic_cli_report(rc, e, flag[0] ? flag : NULL);
}

/* ---------- --all ---------- */

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Print a page's items as they came (the raw JSON, else re-encoded), at most @p max;
 * returns how many. */
static size_t print_items(void *page, const intercom_field *f, size_t max) {
    json_t *raw = intercom_model_raw_json(page), *arr = f ? json_object_get(raw, f->name) : NULL;
    size_t n = 0;
    if (json_is_array(arr)) {
        for (n = 0; n < json_array_size(arr) && n < max; n++) print_json(json_array_get(arr, n));
    } else if (f) {
        void *const *items = *(void *const *const *)((const char *)page + f->offset);
        n = *(const size_t *)((const char *)page + f->aux_offset);
        if (n > max) n = max;
        for (size_t i = 0; i < n; i++) {
            char *s = NULL;
            if (!intercom_to_json(items[i], g.pretty ? INTERCOM_JSON_PRETTY : INTERCOM_JSON_COMPACT, &s, NULL, NULL))
                puts(s);
            intercom_free_string(s);
        }
    } else if (raw) {
        print_json(raw); /* no array of items known: the whole page */
    }
    return n;
}

/* The request options of every command: tolerant decoding, the -H headers. */
static intercom_request_options request_options(void) {
    intercom_request_options ro = INTERCOM_REQUEST_OPTIONS_INIT;
    ro.strict = 0;
    if (*NS) ro.api_version = g.opts.api_version; /* --api-version over the namespace's "Preview" */
    ro.extra_headers = g.n_headers ? g.headers : NULL;
    return ro;
}

static intercom_code run_all(intercom_client *client, const void *params, intercom_error *err) {
    intercom_request_options ro = request_options();
    char qualified[256];
    snprintf(qualified, sizeof qualified, "%s%s%s", NS, *NS ? ":" : "", g.op->name); /* "preview:contacts.list" */
    intercom_pager *pg = NULL;
    intercom_code rc = intercom_pager_new(&pg, client, qualified, params, &ro, err);
    if (rc) return rc;
    /* the page's array of items: the field holding an array of the item type */
    const intercom_type *pt = intercom_pager_page_type(pg), *it = intercom_pager_item_type(pg);
    const intercom_field *items_f = NULL;
    for (uint32_t i = 0; pt && i < pt->n_fields && !items_f; i++)
        if (pt->fields[i].kind == INTERCOM_KIND_OBJECT && (pt->fields[i].flags & INTERCOM_FIELD_FLAG_ARRAY) && pt->fields[i].type == it)
            items_f = &pt->fields[i];
    int progress = isatty(STDOUT_FILENO) && isatty(STDERR_FILENO), pages = 0;
    size_t items = 0;
    double t0 = now();
    void *page = NULL;
    size_t limit = g.limit > 0 ? (size_t)g.limit : (size_t)-1;
    while (items < limit && (rc = intercom_pager_next_page(pg, &page, err)) == INTERCOM_OK && page) {
        if (progress) fputs("\r\033[K", stderr);
        items += print_items(page, items_f, limit - items);
        intercom_model_free(page);
        pages++;
        if (progress) {
            fflush(stdout);
            double dt = now() - t0;
            fprintf(stderr, "%d page%s, %zu item%s, %.0f items/s", pages, pages == 1 ? "" : "s", items, items == 1 ? "" : "s",
                    dt > 0 ? items / dt : 0.0);
        }
    }
    if (progress && pages) fputc('\n', stderr);
    intercom_pager_free(pg);
    return rc;
}

/* The documented redirect of g.op (redirect_of()) answered in @p e: its Location on stdout (with --raw, the
 * head on stderr first). 1 when printed, 0 when @p e is not that redirect. */
static int print_redirect(const intercom_error *e) {
    const char *loc = e->response && e->status / 100 == 3 && redirect_of(g.op) ? intercom_response_header(e->response, "Location") : NULL;
    if (!loc) return 0;
    if (g.raw) print_head(e->response);
    put_str(stdout, loc);
    putchar('\n');
    return 1;
}

/* ---------- intercom api: sending ---------- */

static intercom_code run_api(intercom_client *client, intercom_error *err) {
    intercom_request_options ro = request_options();
    intercom_response *resp = NULL;
    intercom_code rc = intercom_request(client, g.api_method, g.api_path, g.n_query ? g.query : NULL, g.params, &ro,
                                        &resp, err);
    if (rc == INTERCOM_OK) {
        if (g.raw) print_head(resp);
        print_body(resp);
    }
    intercom_response_free(resp);
    return rc;
}

/* ---------- --verbose, --output ---------- */

/* A byte that can be part of a bearer token (RFC 6750's b64token) */
static int token_byte(char c) { return isalnum((unsigned char)c) || (c && strchr("-._~+/=", c)); }

/* --verbose: the library's log lines (INTERCOM_LOG_DEBUG) on stderr, bodies left out (the response
 * body is the output, the request body the --data given), with the token (where it stands as a whole
 * word: a short token does not blank its letters everywhere) and any URL credentials
 * ("://user:password@") shown as [redacted]. */
static void verbose_log(intercom_log_level level, const char *line, void *payload) {
    (void)payload;
    if ((line[0] == '>' || line[0] == '<') && !strncmp(line + 1, " body (", 7)) return;
    const char *tok = g.opts.bearer_token ? g.opts.bearer_token : getenv("INTERCOM_TEST_1_BEARER_TOKEN");
    size_t tl = tok ? strlen(tok) : 0;
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    if (!m) return;
    for (const char *p = line; *p;) {
        if (tl && !strncmp(p, tok, tl) && (p == line || !token_byte(p[-1])) && !token_byte(p[tl])) {
            fputs("[redacted]", m);
            p += tl;
        } else if (!strncmp(p, "://", 3) && p[3 + strcspn(p + 3, "@/?# ")] == '@') {
            fputs("://[redacted]", m);
            p += 3 + strcspn(p + 3, "@");
        } else {
            fputc(*p++, m);
        }
    }
    fclose(m);
    fputs(level == INTERCOM_LOG_INFO ? "* " : "", stderr);
    put_line(buf);
    fputc('\n', stderr);
    free(buf);
}

static int saved_stdout = -1;
static char *output_tmp;   /* the temporary file renamed onto output_dest, or NULL */
static char *output_dest;  /* the regular file written: FILE, or what its symbolic link points at */
static int output_direct;  /* FILE is not a regular file (a FIFO, a device, /dev/stdout): written in place */

/* Redirect stdout to @p fd; 0, or EXIT_USAGE (fd closed). */
static int output_redirect(int fd) {
    fflush(stdout);
    saved_stdout = dup(STDOUT_FILENO);
    if (saved_stdout < 0 || dup2(fd, STDOUT_FILENO) < 0) {
        fprintf(stderr, "intercom: --output: %s\n", strerror(errno));
        close(fd);
        if (saved_stdout >= 0) close(saved_stdout), saved_stdout = -1;
        return EXIT_USAGE;
    }
    close(fd);
    return 0;
}

/* --output FILE, before anything is sent: a regular file (or a symbolic link to one) is written as a
 * new temporary file next to it, renamed onto it by output_end() when everything went well and
 * removed otherwise, so FILE is never left half-written; the link itself stays a link. Anything
 * else that exists (a FIFO, a terminal, /dev/stdout, a dangling link) is opened and written in place,
 * as the shell's > would; a directory is refused. 0, or EXIT_USAGE. */
static int output_begin(void) {
    if (!strcmp(g.output, "-")) return 0; /* "-": standard output, as curl's -o - */
    struct stat st;
    int exists = stat(g.output, &st) == 0; /* follows links */
    if (exists && S_ISDIR(st.st_mode))
        return fprintf(stderr, "intercom: --output: %s is a directory\n", g.output), EXIT_USAGE;
    struct stat lst;
    int link = lstat(g.output, &lst) == 0 && S_ISLNK(lst.st_mode);
    if ((exists && !S_ISREG(st.st_mode)) || (link && !exists)) {
        int fd = open(g.output, O_WRONLY | O_CREAT, 0666);
        if (fd < 0) return fprintf(stderr, "intercom: --output: cannot open %s: %s\n", g.output, strerror(errno)), EXIT_USAGE;
        output_direct = 1;
        return output_redirect(fd);
    }
    output_dest = link ? realpath(g.output, NULL) : strdup(g.output);
    if (!output_dest) return fprintf(stderr, "intercom: --output: %s: %s\n", g.output, strerror(errno)), EXIT_USAGE;
    size_t n = strlen(output_dest) + 8;
    if (!(output_tmp = malloc(n))) return fputs("intercom: out of memory\n", stderr), EXIT_USAGE;
    snprintf(output_tmp, n, "%s.XXXXXX", output_dest);
    int fd = mkstemp(output_tmp);
    if (fd < 0) {
        fprintf(stderr, "intercom: --output: cannot create %s: %s\n", output_tmp, strerror(errno));
        free(output_tmp), output_tmp = NULL;
        return EXIT_USAGE;
    }
    mode_t um = umask(0);
    umask(um);
    if (fchmod(fd, exists ? st.st_mode & 07777 : 0666 & ~um)) { /* as the shell's > would leave it */
    }
    if (output_redirect(fd)) {
        unlink(output_tmp), free(output_tmp), output_tmp = NULL;
        return EXIT_USAGE;
    }
    return 0;
}

/* Finish --output: on @p status 0 the file is complete and renamed onto FILE (or the file its link
 * points at); else removed (FILE is left as it was). Written in place (output_direct): stdout
 * restored. Returns @p status, or INTERCOM_E_INTERNAL when writing or renaming failed. */
static int output_end(int status) {
    if (!output_tmp && !output_direct) return status;
    int bad = fflush(stdout) != 0 || ferror(stdout);
    if (!status && !bad && output_tmp) bad = fsync(STDOUT_FILENO) != 0;
    int e = errno;
    dup2(saved_stdout, STDOUT_FILENO);
    close(saved_stdout);
    saved_stdout = -1;
    clearerr(stdout);
    if (output_tmp) {
        if (!status && !bad && rename(output_tmp, output_dest)) bad = 1, e = errno;
        if (status || bad) unlink(output_tmp);
    }
    if (!status && bad) {
        fprintf(stderr, "intercom: --output: cannot write %s: %s\n", g.output, strerror(e));
        status = INTERCOM_E_INTERNAL;
    }
    free(output_tmp), output_tmp = NULL;
    free(output_dest), output_dest = NULL;
    output_direct = 0;
    return status;
}

/* ---------- main ---------- */

/* A number of seconds for --timeout / --read-timeout, or a usage error. */
static int seconds_arg(const char *opt, const char *v, double *out) {
    char *end;
    double d = strtod(v, &end);
    if (end == v || *end || !(d >= 0) || !isfinite(d) || d > MAX_SECONDS)
        return usage_error("--%s: expected seconds (a number from 0 to %g), got \"%s\"", opt, MAX_SECONDS, v);
    *out = d;
    return 0;
}

/* Apply global option @p gi with value @p v; 0, or EXIT_USAGE. */
static int set_global(int gi, const char *v) {
    char *end;
    switch (gi) {
    case G_TOKEN:
        if (!*v) return usage_error("--token is empty"); /* the library would speak of its options struct */
        g.opts.bearer_token = v;
        break;
    case G_TOKEN_FILE:
        if (g.token_file) return usage_error("--token-file given twice");
        g.token_file = v;
        break;
    case G_ENV: {
        static const char *const envs[] = {"production", "environment_1", "environment_2", "us", "eu", "au"};
        size_t i = 0;
        while (i < 6 && strcmp(v, envs[i])) i++;
        if (i == 6)
            return usage_error("--environment: expected production, environment_1, environment_2, us, eu or au, got \"%s\"",
                               v);
        g.opts.environment = v;
        break;
    }
    case G_BASE_URL: g.opts.base_url = v; break;
    case G_API_VERSION: g.opts.api_version = v; break;
    case G_MAX_RETRIES: {
        long n = strtol(v, &end, 10);
        if (end == v || *end || n < 0 || n > 100)
            return usage_error("--max-retries: expected a number from 0 to 100, got \"%s\"", v);
        g.opts.max_retries = (int)n;
        break;
    }
    case G_TIMEOUT: return seconds_arg("timeout", v, &g.opts.timeout);
    case G_READ_TIMEOUT: return seconds_arg("read-timeout", v, &g.opts.read_timeout);
    case G_RAW: g.raw = 1; break;
    case G_ALL: g.all = 1; break;
    case G_LIMIT: {
        errno = 0;
        long long n = strtoll(v, &end, 10);
        if (errno || end == v || *end || n < 1) return usage_error("--limit: expected a number of items >= 1, got \"%s\"", v);
        g.limit = n;
        break;
    }
    case G_FORMAT:
        if (strcmp(v, "json") && strcmp(v, "pretty")) return usage_error("--format: expected json or pretty, got \"%s\"", v);
        g.pretty = !strcmp(v, "pretty");
        break;
    case G_DATA: g.data = v; break;
    case G_HEADER: {
        const char *colon = strchr(v, ':');
        size_t n = colon ? (size_t)(colon - v) : 0;
        while (n && v[n - 1] == ' ') n--;
        if (!n || strcspn(v, " \t") < n || strpbrk(v, "\r\n"))
            return usage_error("--header: expected 'NAME: VALUE' (one line), got \"%s\"", v);
        if (g.n_headers == MAX_LIST) return usage_error("--header: at most %d", MAX_LIST);
        char *name = strndup(v, n);
        if (!name) return usage_error("out of memory");
        const char *val = colon + 1;
        while (*val == ' ' || *val == '\t') val++;
        g.headers[g.n_headers].key = name, g.headers[g.n_headers++].value = val;
        break;
    }
    case G_OUTPUT:
        if (!*v) return usage_error("--output: expected a file name");
        g.output = v;
        break;
    case G_VERBOSE: g.verbose = 1; break;
    case G_NULL:
        if (g.n_nulls == MAX_LIST) return usage_error("--null: at most %d", MAX_LIST);
        g.nulls[g.n_nulls++] = v;
        break;
    case G_VERSION: g.version = 1; break;
    }
    return 0;
}

/* The operation the words name exactly, or NULL after a usage error saying what they are. */
static const intercom_operation *resolve(void) {
    int used;
    const intercom_operation *op = longest_op(g.words, g.n_words, &used);
    if (op && used == g.n_words) return op;
    if (op) return usage_error("%s: unexpected argument \"%s\"", spaced(op->name), g.words[used]), NULL;
    int k = g.n_words - 1; /* the words before the first wrong one name a resource ("" for none) */
    while (k > 0 && !is_resource(dotted(g.words, k))) k--;
    char hint[800] = "";
    if (g.n_words) snprintf(hint, sizeof hint, "%s", near_word(g.words, k, g.words[k]));
    const char *name = dotted(g.words, g.n_words);
    if (g.n_words && is_resource(name))
        return usage_error("%s: which method? (intercom %s --help lists them)", spaced(name), spaced(name)), NULL;
    const char *list = *NS ? "intercom preview --help" : "intercom --help"; /* the namespace's resources */
    if (!g.n_words) return usage_error("no command (%s lists the resources)", list), NULL;
    return usage_error("unknown command \"%s\"%s (%s lists the resources)", spaced(name), hint, list), NULL;
}

static int help(int argc, char **argv) {
    for (int i = 1; i < argc; i++) {
        if (!strncmp(argv[i], "--", 2)) {
            int gi = global_index(argv[i] + 2, strcspn(argv[i] + 2, "="));
            if (gi >= 0 && GLOBALS[gi].arg && !strchr(argv[i], '=')) i++;
        } else if (!strcmp(argv[i], "-H") || !strcmp(argv[i], "-o")) {
            i++;
        } else if (argv[i][0] != '-' && g.n_words < MAX_WORDS && (g.n_words || strcmp(argv[i], "help"))) {
            g.words[g.n_words++] = argv[i];
        }
    }
    if (g.n_words && !strcmp(g.words[0], "api")) return help_api(stdout), 0; /* intercom help api, intercom api --help */
    if (g.n_words && !strcmp(g.words[0], "completion")) /* intercom help completion, intercom completion --help */
        return puts("usage: intercom completion bash|zsh\n\nPrints the completion script of the shell: "
                    "source <(intercom completion bash), or put the zsh one in a directory of $fpath as _intercom."),
               0;
    int used;
    const intercom_operation *op = longest_op(g.words, g.n_words, &used);
    if (op) return help_op(op), 0;
    for (int k = g.n_words; k > 0; k--) {
        if (!is_resource(dotted(g.words, k))) continue;
        if (k < g.n_words) { /* intercom help contacts lst: the next word names nothing */
            char res[512], hint[800]; /* dotted(), spaced() and near_word() return static buffers */
            snprintf(res, sizeof res, "%s", spaced(dotted(g.words, k)));
            snprintf(hint, sizeof hint, "%s", near_word(g.words, k, g.words[k]));
            fprintf(stderr, "intercom: unknown method \"%s\" of %s%s (intercom help %s lists them)\n", g.words[k], res,
                    hint, res);
            return EXIT_USAGE;
        }
        return help_resource(dotted(g.words, k)), 0;
    }
    if (g.n_words) {
        fprintf(stderr, "intercom: unknown resource \"%s\"%s (%s lists them)\n", g.words[0],
                near_word(g.words, 0, g.words[0]), *NS ? "intercom preview --help" : "intercom --help");
        return EXIT_USAGE;
    }
    help_top(stdout);
    return 0;
}

/* ---------- intercom api METHOD PATH ---------- */

/* A word of `api METHOD PATH` (the first one is "api"); 0, or EXIT_USAGE. */
static int api_word(const char *a) {
    if (!g.api) g.api = 1;
    else if (!g.api_method) g.api_method = a;
    else if (!g.api_path) g.api_path = a;
    else return usage_error("api: unexpected argument \"%s\" (intercom help api)", a);
    return 0;
}

/* --query NAME=VALUE; 0, or EXIT_USAGE. */
static int api_query(const char *v) {
    const char *eq = strchr(v, '=');
    if (!eq || eq == v) return usage_error("--query: expected NAME=VALUE, got \"%s\"", v);
    if (g.n_query == MAX_LIST) return usage_error("--query: at most %d", MAX_LIST);
    char *name = strndup(v, (size_t)(eq - v));
    if (!name) return usage_error("out of memory");
    g.query[g.n_query].key = name, g.query[g.n_query++].value = eq + 1;
    return 0;
}

/* The words and options of `intercom api` complete and consistent; 0, or EXIT_USAGE. */
static int api_check(void) {
    if (!g.api_path) return usage_error("api: expected METHOD and PATH, e.g. intercom api GET /me (intercom help api)");
    const ic_cli_sub *m = ic_cli_command_find("api")->subs; /* the methods */
    while (m->name && strcasecmp(g.api_method, m->name)) m++;
    if (!m->name) return usage_error("api: unknown method \"%s\" (GET, POST, PUT, PATCH, DELETE or HEAD)", g.api_method);
    if (g.api_path[0] != '/') return usage_error("api: PATH must start with / (it is appended to the base URL), got \"%s\"", g.api_path);
    if (g.all) return usage_error("api: --all is for the commands of paginated operations");
    if (g.n_nulls) return usage_error("api: --null is for the commands' params (give the body with --data)");
    return 0;
}

/* Parse the command line (after the program name) into g: global options, the operation,
 * its flags. 0, or EXIT_USAGE with g.usage saying why. Never exits, prints or sends. */
static int cli_parse(int argc, char **argv) {
    if (!g.flags && !(g.flags = json_object())) return usage_error("out of memory");
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (a[0] == '-' && a[1] && a[1] != '-') { /* a short option: -H, -o (-h, help, is taken by main) */
            int gi = a[1] == 'H' ? G_HEADER : a[1] == 'o' ? G_OUTPUT : -1;
            if (gi < 0) return usage_error("unknown option %s (intercom --help lists the options)", a);
            const char *v = a[2] ? a + 2 : i + 1 < argc ? argv[++i] : NULL;
            if (!v) return usage_error("-%c needs a value (%s)", a[1], GLOBALS[gi].arg);
            if (set_global(gi, v)) return EXIT_USAGE;
            continue;
        }
        if (strncmp(a, "--", 2) || !a[2]) {
            if (g.api || (!g.n_words && !strcmp(a, "api"))) {
                if (api_word(a)) return EXIT_USAGE;
                continue;
            }
            if (g.op) return usage_error("%s: unexpected argument \"%s\"", spaced(g.op->name), a);
            if (g.n_words == MAX_WORDS) return usage_error("too many words");
            g.words[g.n_words++] = a;
            continue;
        }
        const char *name = a + 2, *eq = strchr(name, '=');
        size_t len = eq ? (size_t)(eq - name) : strlen(name);
        int gi = global_index(name, len);
        if (gi >= 0) {
            const char *v = eq ? eq + 1 : NULL;
            if (GLOBALS[gi].arg && !v && !(v = i + 1 < argc ? argv[++i] : NULL))
                return usage_error("--%s needs a value (%s)", GLOBALS[gi].name, GLOBALS[gi].arg);
            if (!GLOBALS[gi].arg && v) return usage_error("--%s takes no value", GLOBALS[gi].name);
            if (set_global(gi, v)) return EXIT_USAGE;
            if (g.version) return 0;
            continue;
        }
        if (g.api) {
            if (!ic_cli_flag_find(ic_cli_command_find("api")->flags, name, len)) /* --query */
                return usage_error("api: unknown option --%.*s%s (intercom help api)", (int)len, name, near_flag(NULL, name, len));
            const char *v = eq ? eq + 1 : i + 1 < argc ? argv[++i] : NULL;
            if (!v) return usage_error("--query needs a value (NAME=VALUE)");
            if (api_query(v)) return EXIT_USAGE;
            continue;
        }
        if (!g.op) {
            if (!g.n_words)
                return usage_error("unknown option --%.*s%s (intercom --help lists the options)", (int)len, name,
                                   near_flag(NULL, name, len));
            if (!(g.op = resolve())) return EXIT_USAGE;
        }
        const intercom_field *f = find_field(g.op, name, len);
        if (!f && (f = find_paging_field(g.op, name, len))) {
            const char *v = eq ? eq + 1 : i + 1 < argc ? argv[++i] : NULL;
            if (!v) return usage_error("--%s needs a value (%s)", flag_of(f), type_of(f));
            if (add_paging_flag(f, v)) return EXIT_USAGE;
            continue;
        }
        if (!f) {
            char hint[800];
            snprintf(hint, sizeof hint, "%s", near_flag(g.op, name, len));
            return usage_error("%s: unknown flag --%.*s%s (intercom %s --help lists the params)", spaced(g.op->name),
                               (int)len, name, hint, spaced(g.op->name));
        }
        const char *v = eq ? eq + 1 : NULL;
        if (!v && f->kind == INTERCOM_KIND_BOOL && !(f->flags & INTERCOM_FIELD_FLAG_ARRAY)) /* a bare boolean flag is true */
            v = i + 1 < argc && (!strcmp(argv[i + 1], "true") || !strcmp(argv[i + 1], "false")) ? argv[++i] : "true";
        if (!v && !(v = i + 1 < argc ? argv[++i] : NULL))
            return usage_error("--%s needs a value (%s)", flag_of(f), type_of(f));
        if (add_flag(f, v)) return EXIT_USAGE;
    }
    if (g.api) {
        if (api_check()) return EXIT_USAGE;
    } else if (!g.op && !(g.op = resolve())) {
        return EXIT_USAGE;
    }
    if (g.limit && !g.all) return usage_error("--limit needs --all");
    if (g.token_file && g.opts.bearer_token) return usage_error("--token and --token-file: give one");
    return 0;
}

#ifndef INTERCOM_CLI_NO_MAIN
/* The library's message for a missing token speaks of intercom_client_options; say what the
 * command line offers instead. */
static int no_token(void) {
    const char *env = getenv("INTERCOM_TEST_1_BEARER_TOKEN");
    if (g.opts.bearer_token || (env && *env)) return 0;
    fputs("intercom: no bearer token: use --token-file PATH (or --token-file - to read it from stdin), "
          "set INTERCOM_TEST_1_BEARER_TOKEN, or --token TOKEN (visible to other users in ps)\n",
          stderr);
    return EXIT_USAGE;
}

/* @p t as roff text: \ as \e, - as \-, a leading . or ' behind \&; @p fold: a newline and the indent after it
 * as one space (the --help continuation lines). */
static void roff_put(FILE *out, const char *t, int fold) {
    int bol = 1;
    for (; *t; t++) {
        if (fold && *t == '\n') {
            while (t[1] == ' ') t++;
            fputc(' ', out);
            continue;
        }
        if (bol && (*t == '.' || *t == '\'')) fputs("\\&", out);
        if (*t == '\\') fputs("\\e", out);
        else if (*t == '-') fputs("\\-", out);
        else fputc(*t, out);
        bol = *t == '\n';
    }
}

/* intercom(1) as roff, from the tables --help prints (operations, GLOBALS, EXIT_TABLE, IC_CLI_COMMANDS);
 * `intercom __man`. Text goes through roff_put(). */
static int man_page(FILE *out) {
    fprintf(out, ".TH INTERCOM 1 \"\" \"libintercom %s\" \"User Commands\"\n.SH NAME\n"
                 "intercom \\- command\\-line client for the Intercom REST API (version %s)\n"
                 ".SH SYNOPSIS\n.B intercom\n[\\fIglobal options\\fR] \\fIresource\\fR \\fImethod\\fR [\\fIparams\\fR]\n"
                 ".br\n.B intercom\n\\fIresource\\fR [\\fImethod\\fR] \\-\\-help\n"
                 ".br\n.B intercom\n[\\fIglobal options\\fR] preview \\fIresource\\fR \\fImethod\\fR [\\fIparams\\fR]\n"
                 ".br\n.B intercom\n[\\fIglobal options\\fR] api \\fIMETHOD\\fR \\fIPATH\\fR [\\-\\-data \\fIJSON\\fR] "
                 "[\\-\\-query \\fINAME\\fR=\\fIVALUE\\fR ...]\n"
                 ".br\n.B intercom\nhelp [preview] [\\fIresource\\fR [\\fImethod\\fR]]\n"
                 ".br\n.B intercom\nwebhooks|identity|oauth \\fIcommand\\fR [\\fIflags\\fR]\n"
                 ".br\n.B intercom\ncompletion bash|zsh\n.SH DESCRIPTION\nOne command per operation of the Intercom REST API. "
                 "Params: one flag per field (\\-\\-per\\-page 50 or \\-\\-per_page=50); arrays as a,b,c, a JSON array, "
                 "or repeated flags; objects and free\\-form values as JSON. The response body is written to stdout; "
                 "errors as one line on stderr. \\fBintercom\\fR \\fIresource\\fR \\fImethod\\fR \\-\\-help lists "
                 "a method's params. \\fBintercom preview\\fR \\fIresource\\fR \\fImethod\\fR calls the Preview API "
                 "(Intercom\\-Version: Preview unless \\-\\-api\\-version says otherwise; it can change without a "
                 "version bump): the same flags, help and exit statuses over the Preview's operations "
                 "(\\fBintercom help preview\\fR lists them; docs/api\\-preview.md).\n",
            intercom_version(), INTERCOM_DEFAULT_API_VERSION);
    for (int sec = 1; sec <= 3; sec++) { /* 1 global options, 2 commands, 3 exit status */
        size_t n = sec == 1 ? N_GLOBALS : 0;
        if (sec == 2) n = intercom_operations_count();
        fputs(sec == 1 ? ".SH GLOBAL OPTIONS\n" : sec == 2 ? ".SH COMMANDS\n" : ".SH EXIT STATUS\n.nf\n", out);
        if (sec == 3) n = 1;
        for (size_t i = 0; i < n; i++) {
            const intercom_operation *op = sec == 2 ? intercom_operations_at(i) : NULL;
            char head[600];
            const char *body = sec == 1 ? GLOBALS[i].help : sec == 3 ? EXIT_TABLE + strlen("Exit status:\n")
                               : op->summary ? op->summary : "";
            if (sec == 1) snprintf(head, sizeof head, "--%s%s%s", GLOBALS[i].name, GLOBALS[i].arg ? " " : "",
                                   GLOBALS[i].arg ? GLOBALS[i].arg : "");
            else if (sec == 2) snprintf(head, sizeof head, "%s%s", spaced(op->name), op->params ? " [params]" : "");
            for (int part = sec == 3; part < 2; part++) {
                fputs(part ? "" : ".TP\n.B ", out);
                roff_put(out, part ? body : head, sec != 3);
                if (part && sec == 2 && op->flags & INTERCOM_OP_DEPRECATED) fputs(" (deprecated)", out);
                if (part && sec == 2) fprintf(out, " \\fB%s\\fR %s", op->method, op->path);
                if (sec != 3) fputc('\n', out); /* EXIT_TABLE ends with its own */
            }
        }
        if (sec == 3) fputs(".fi\n", out);
    }
    /* the commands beyond the operations (extras.h), their summary and --help text as it is printed (preview:
     * the description above) */
    static const char HELP_HELP[] = "intercom help                      the resources, global options, environment, exit statuses\n"
                                    "intercom help <resource>           the methods of a resource\n"
                                    "intercom help <resource> <method>  a method's params: type, location, required, description\n"
                                    "intercom help api|webhooks|identity|oauth\n";
    static const char HELP_COMPLETION[] = "source <(intercom completion bash)   in ~/.bashrc\n"
                                          "source <(intercom completion zsh)    in ~/.zshrc (after compinit)\n";
    fputs(".SH MORE COMMANDS\n", out);
    for (const ic_cli_command *c = IC_CLI_COMMANDS; c->name; c++) {
        const char *text = !strcmp(c->name, "api")          ? HELP_API
                           : !strcmp(c->name, "help")       ? HELP_HELP
                           : !strcmp(c->name, "completion") ? HELP_COMPLETION
                                                            : ic_cli_extras_help(c->name);
        if (!text) continue;
        fprintf(out, ".TP\n.B %s\n.nf\n", c->name);
        roff_put(out, c->summary, 1);
        fputs("\n\n", out);
        roff_put(out, text, 0);
        fputs(".fi\n", out);
    }
    fputs(".SH ENVIRONMENT\n.TP\n.B INTERCOM_TEST_1_BEARER_TOKEN\nthe bearer token when \\-\\-token and \\-\\-token\\-file "
          "are not given\n.TP\n.B INTERCOM_BASE_URL\nthe API base URL when \\-\\-base\\-url is not given\n.TP\n.B INTERCOM_LOG\ninfo or debug: the library's log on stderr (one line per attempt; debug adds headers and "
          "bodies, the Authorization header redacted)\n"
          ".SH SEE ALSO\nThe libintercom README and the Doxygen HTML of the C API (scripts/docs).\n",
          out);
    return ferror(out) ? 1 : 0;
}

/* Whether argv[1..argc) names the Preview: its first word (global options and their values skipped) is
 * `preview`. If so, switch to the Preview's operations (NS) and remove the word; returns the new argc. */
static int take_preview(int argc, char **argv) {
    for (int i = 1; i < argc; i++) {
        if (!strncmp(argv[i], "--", 2)) {
            int gi = global_index(argv[i] + 2, strcspn(argv[i] + 2, "="));
            if (gi < 0) return argc; /* params: no command word before them */
            if (GLOBALS[gi].arg && !strchr(argv[i], '=')) i++;
            continue;
        }
        if (strcmp(argv[i], "preview")) return argc;
        NS = "preview";
        memmove(argv + i, argv + i + 1, (size_t)(argc - i) * sizeof *argv); /* argv[argc] (NULL) too */
        return argc - 1;
    }
    return argc;
}

/* The index of the first word of argv[1..argc) that is not a global option or its value, or argc. */
static int first_word(int argc, char **argv) {
    int i = 1;
    for (; i < argc; i++) {
        if (!strcmp(argv[i], "-H") || !strcmp(argv[i], "-o")) {
            i++;
        } else if (!strncmp(argv[i], "--", 2)) {
            int gi = global_index(argv[i] + 2, strcspn(argv[i] + 2, "="));
            if (gi < 0) return argc; /* params: no command word before them */
            if (GLOBALS[gi].arg && !strchr(argv[i], '=')) i++;
        } else {
            break;
        }
    }
    return i < argc ? i : argc;
}

/* `intercom [global options] help|completion|webhooks|identity|oauth ...`: the command word moved to the
 * front, as these commands are dispatched on argv[1] (help ignores the global options; the others
 * report the ones they do not take, with a suggestion). */
static void command_to_front(int argc, char **argv) {
    int i = first_word(argc, argv);
    if (i <= 1 || i >= argc) return;
    for (const ic_cli_command *c = IC_CLI_COMMANDS; c->name; c++)
        if (c->place != IC_CMD_INLINE && !strcmp(argv[i], c->name)) {
            /* webhooks|identity|oauth: their subcommand comes along (oauth exchange --code ...) */
            int n = c->place == IC_CMD_EXTRA && i + 1 < argc && argv[i + 1][0] != '-' ? 2 : 1;
            char *word[2] = {argv[i], n == 2 ? argv[i + 1] : NULL};
            memmove(argv + 1 + n, argv + 1, (size_t)(i - 1) * sizeof *argv);
            for (int k = 0; k < n; k++) argv[1 + k] = word[k];
            return;
        }
}

static int run(int argc, char **argv) {
    command_to_front(argc, argv);
    if (argc > 2 && !strcmp(argv[1], "help") && ic_cli_is_extra(argc - 1, argv + 1)) { /* intercom help webhooks */
        char *a[] = {argv[0], argv[2], "--help", NULL};
        return ic_cli_extras(3, a);
    }
    if (ic_cli_is_extra(argc, argv)) return ic_cli_extras(argc, argv);
    if (argc > 1 && !strcmp(argv[1], "help")) { /* intercom help [preview] [<resource> [<method>]] */
        intercom_client_options_init(&g.opts, INTERCOM_CLIENT_OPTIONS_VERSION);
        return help(take_preview(argc - 1, argv + 1) + 1, argv);
    }
    intercom_client_options_init(&g.opts, INTERCOM_CLIENT_OPTIONS_VERSION);
    if (argc > 1 && !strcmp(argv[1], "__complete")) /* `intercom __complete preview ...`: the Preview's words */
        return complete(take_preview(argc - 1, argv + 1) - 1, argv + 2);
    argc = take_preview(argc, argv);
    for (int i = 1; i < argc; i++)
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) return help(argc, argv);
    if (argc > 1 && !strcmp(argv[1], "__complete")) return complete(argc - 2, argv + 2);
    if (argc == 2 && !strcmp(argv[1], "__man")) return man_page(stdout);
    if (argc > 1 && !strcmp(argv[1], "completion")) {
        const char *shell = argc > 2 ? argv[argc - 1] : ""; /* global options before it are ignored */
        if (argc == 3 || (argc > 3 && first_word(argc - 1, argv + 1) == argc - 2)) {
            if (!strcmp(shell, "bash")) return fputs(BASH_COMPLETION, stdout), 0;
            if (!strcmp(shell, "zsh")) return fputs(ZSH_COMPLETION, stdout), 0;
        }
        fputs("intercom: usage: intercom completion bash|zsh\n", stderr);
        return EXIT_USAGE;
    }
    if (argc < 2) { /* also `intercom preview` alone */
        help_top(stderr);
        return EXIT_USAGE;
    }
    void *params = NULL;
    int status = cli_parse(argc, argv);
    if (!status && g.version) {
        printf("intercom %s (libintercom, Intercom API %s)\n", intercom_version(), INTERCOM_DEFAULT_API_VERSION);
        cli_reset();
        return 0;
    }
    if (!status && g.token_file) status = load_token(g.token_file);
    if (!status && g.api && g.data && !(g.params = load_data(g.data, 1))) status = EXIT_USAGE;
    if (!status && !g.api) status = build_params(&params);
    if (status) {
        fputs("intercom: ", stderr);
        put_line(g.usage);
        fputc('\n', stderr);
    } else {
        status = no_token();
    }
    if (status) {
        if (params) intercom_free(g.op->params, params);
        cli_reset();
        return status;
    }

    if (g.output && (status = output_begin())) {
        if (params) intercom_free(g.op->params, params);
        cli_reset();
        return status;
    }
    if (g.verbose) g.opts.log_level = INTERCOM_LOG_DEBUG, g.opts.log_fn = verbose_log;
    intercom_error err = INTERCOM_ERROR_INIT;
    intercom_client *client = NULL;
    intercom_code rc = intercom_client_new(&client, &g.opts, &err);
    if (rc == INTERCOM_OK) {
        if (g.api) {
            rc = run_api(client, &err);
        } else if (g.all) {
            rc = run_all(client, params, &err);
        } else {
            intercom_request_options ro = request_options();
            intercom_response *raw = NULL;
            void *result = NULL;
            ro.raw_response = &raw;
            rc = intercom_operation_call(client, g.op, params, &ro, &result, &err);
            if (rc == INTERCOM_OK) {
                if (g.raw && raw) print_head(raw);
                print_body(raw);
            } else if (rc == INTERCOM_E_STATUS && print_redirect(&err)) {
                rc = INTERCOM_OK;
            }
            intercom_model_free(result);
            intercom_response_free(raw);
        }
    }
    status = rc ? report(rc, &err) : 0;
    status = output_end(status);
    intercom_error_clear(&err);
    intercom_client_free(client);
    if (params) intercom_free(g.op->params, params);
    cli_reset();
    return status;
}

/* Output that could not be written (a full disk, a closed pipe with SIGPIPE ignored) fails the command
 * with a message, whichever command wrote it: help, a script, a hash, a response (which was exit 24 and
 * silent; the others exit 0 with the output lost). */
int main(int argc, char **argv) {
    int status = run(argc, argv);
    errno = 0;
    int bad = fflush(stdout) != 0, e = errno;
    if (bad || ferror(stdout)) {
        fprintf(stderr, "intercom: cannot write the output%s%s\n", e ? ": " : "", e ? strerror(e) : "");
        if (!status) status = INTERCOM_E_INTERNAL;
    }
    return status;
}
#endif
