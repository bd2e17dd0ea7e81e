/* SPDX-License-Identifier: MIT */
/* intercom: the command-line tool. Every operation of the generated table (ic_all_operations)
 * is a command: `intercom [global options] <resource> <method> [params]`, the words being the
 * operation's name split at its dots (`conversations reply create` is
 * "conversations.reply.create"). Params are one flag per top-level field of the operation's
 * params type, assembled into a JSON object keyed by the fields' JSON names and decoded by
 * intercom_from_json(strict), so the library does the type checking; --data gives the whole
 * object. The body received is printed as it came; errors exit with the intercom_code. */
#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <intercom/intercom.h>

#include "runtime/internal.h" /* ic_all_operations, ic_operation, ic_field, ic_call */

#define EXIT_USAGE 2
#define MAX_WORDS 8

static const char EXIT_TABLE[] =
    "Exit status:\n"
    "   0  success                      13  not found (HTTP 404)\n"
    "   2  usage error (nothing sent)   14  unprocessable entity (HTTP 422)\n"
    "   3  connection error             15  rate limit (HTTP 429)\n"
    "   4  timeout                      16  server error (HTTP 5xx)\n"
    "  10  bad request (HTTP 400)       17  other HTTP status\n"
    "  11  authentication (HTTP 401)    18  decode error (body not the expected JSON)\n"
    "  12  permission denied (HTTP 403) 21-24 out of memory, too large, cancelled, internal\n";

enum { G_TOKEN, G_ENV, G_BASE_URL, G_API_VERSION, G_MAX_RETRIES, G_TIMEOUT, G_RAW, G_ALL, G_FORMAT, G_DATA, G_HELP,
       G_VERSION };
static const struct gopt {
    const char *name, *arg, *help;
} GLOBALS[] = {
    {"token", "TOKEN", "bearer token (default: $INTERCOM_TEST_1_BEARER_TOKEN)"},
    {"environment", "ENV", "production|environment_1|environment_2 (or us|eu|au)"},
    {"base-url", "URL", "API base URL (default: $INTERCOM_BASE_URL, else the environment's)"},
    {"api-version", "VERSION", "Intercom-Version header (default " INTERCOM_DEFAULT_API_VERSION ")"},
    {"max-retries", "N", "retries after the first attempt (default 2)"},
    {"timeout", "SECONDS", "total time per attempt (default 60; 0: none)"},
    {"raw", NULL, "print the HTTP status line and headers to stderr (of a failing page with --all)"},
    {"all", NULL, "follow pagination: every item of every page, one JSON per line"},
    {"format", "json|pretty", "json: the body as received (default); pretty: indented"},
    {"data", "@FILE|-|JSON", "the whole params object, from a file, stdin or the argument;\n"
                             "                                 flags given as well override its keys"},
    {"help", NULL, "help for intercom, a resource, or a method"},
    {"version", NULL, "print the version"},
};
#define N_GLOBALS (sizeof GLOBALS / sizeof GLOBALS[0])

static struct {
    intercom_client_options opts;
    const char *data;
    int raw, all, pretty;
    const char *words[MAX_WORDS];
    int n_words;
    const ic_operation *op;
    json_t *flags;  /* params given as flags, by JSON name */
    json_t *params; /* the whole params object */
} g;

static void die_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die_usage(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fputs("intercom: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(EXIT_USAGE);
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

static const ic_operation *find_op(const char *name) {
    for (const ic_operation *const *o = ic_all_operations; *o; o++)
        if (!strcmp((*o)->name, name)) return *o;
    return NULL;
}

/* Whether some operation's name starts with "<prefix>." ("" matches everything). */
static int is_resource(const char *prefix) {
    size_t n = strlen(prefix);
    for (const ic_operation *const *o = ic_all_operations; *o; o++)
        if (!n || (!strncmp((*o)->name, prefix, n) && (*o)->name[n] == '.')) return 1;
    return 0;
}

/* The operation named by the longest prefix of the words; *used receives how many it took. */
static const ic_operation *longest_op(const char *const *w, int n, int *used) {
    for (int k = n; k > 0; k--) {
        const ic_operation *op = find_op(dotted(w, k));
        if (op) return *used = k, op;
    }
    return *used = 0, NULL;
}

/* The command line form of a name: dots to spaces (static buffer). */
static const char *spaced(const char *name) {
    static char buf[512];
    size_t n = strlen(name);
    if (n >= sizeof buf) n = sizeof buf - 1; /* operation names are far shorter */
    memcpy(buf, name, n);
    buf[n] = '\0';
    for (char *p = buf; *p; p++)
        if (*p == '.') *p = ' ';
    return buf;
}

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
static const char *flag_of(const ic_field *f) {
    static char buf[160];
    int clash = global_index(f->name, strlen(f->name)) >= 0;
    snprintf(buf, sizeof buf, "%s%s", clash ? "param-" : "", f->name);
    for (char *p = buf; *p; p++)
        if (*p == '_') *p = '-';
    return buf;
}

static const ic_field *find_field(const ic_operation *op, const char *name, size_t len) {
    if (!op->params) return NULL;
    if (len > 6 && !strncmp(name, "param-", 6)) name += 6, len -= 6;
    char key[160];
    if (len >= sizeof key) return NULL;
    for (size_t i = 0; i < len; i++) key[i] = name[i] == '-' ? '_' : name[i];
    return ic_type_find_field(op->params, key, len);
}

/* ---------- help and completion ---------- */

static const char *where_of(const ic_field *f) {
    static const char *const in[] = {"body", "path", "query", "header"};
    return f->in < 4 ? in[f->in] : "?";
}

static const char *type_of(const ic_field *f) {
    static char buf[256];
    const char *s = "JSON";
    switch (f->kind) {
    case IC_K_STRING: s = "string"; break;
    case IC_K_INT: s = "integer"; break;
    case IC_K_NUMBER: s = "number"; break;
    case IC_K_BOOL: s = "true|false"; break;
    case IC_K_OBJECT: s = "JSON object"; break;
    case IC_K_ENUM: {
        size_t len = 0;
        buf[0] = '\0';
        for (uint32_t i = 0; i < f->type->n_values && len < 60; i++)
            len += (size_t)snprintf(buf + len, sizeof buf - len, "%s%s", i ? "|" : "", f->type->values[i]);
        if (len >= 60) snprintf(buf + 57, sizeof buf - 57, "...");
        s = buf;
        break;
    }
    }
    if (!(f->flags & IC_F_ARRAY)) return s;
    static char arr[300];
    snprintf(arr, sizeof arr, f->kind == IC_K_OBJECT || f->kind == IC_K_JSON ? "[%s,...]" : "%s,...", s);
    return arr;
}

static void help_top(FILE *out) {
    fprintf(out, "usage: intercom [global options] <resource> <method> [params]\n"
                 "       intercom <resource> [<method>] --help\n"
                 "       intercom completion bash|zsh\n\n"
                 "The Intercom REST API (version %s), one command per operation.\n\nResources:\n",
            INTERCOM_DEFAULT_API_VERSION);
    const char *last = "";
    size_t last_len = 0;
    int count = 0;
    for (const ic_operation *const *o = ic_all_operations;; o++) {
        const char *n = *o ? (*o)->name : "";
        size_t len = strcspn(n, ".");
        if (*o && len == last_len && !strncmp(n, last, len)) {
            count++;
            continue;
        }
        if (count) fprintf(out, "  %-28.*s %d operation%s\n", (int)last_len, last, count, count > 1 ? "s" : "");
        if (!*o) break;
        last = n, last_len = len, count = 1;
    }
    fputs("\nGlobal options:\n", out);
    for (size_t i = 0; i < N_GLOBALS; i++) {
        char opt[64];
        snprintf(opt, sizeof opt, "--%s %s", GLOBALS[i].name, GLOBALS[i].arg ? GLOBALS[i].arg : "");
        fprintf(out, "  %-30s %s\n", opt, GLOBALS[i].help);
    }
    fputs("\nParams: one flag per field (--per-page 50 or --per_page=50); arrays as a,b,c, a JSON array, or\n"
          "repeated flags; objects and free-form values as JSON (--custom-attributes '{\"plan\":\"pro\"}').\n"
          "Output: the response body on stdout; errors as one line on stderr.\n\n",
          out);
    fputs(EXIT_TABLE, out);
}

static void help_resource(const char *prefix) {
    size_t n = strlen(prefix);
    printf("usage: intercom [global options] %s <method> [params]\n\nMethods:\n", spaced(prefix));
    for (const ic_operation *const *o = ic_all_operations; *o; o++)
        if (!strncmp((*o)->name, prefix, n) && (*o)->name[n] == '.')
            printf("  %-36s %s%s\n", spaced((*o)->name + n + 1), (*o)->summary ? (*o)->summary : "",
                   (*o)->flags & IC_OP_DEPRECATED ? " (deprecated)" : "");
    printf("\nintercom %s <method> --help lists a method's params.\n", spaced(prefix));
}

static void help_op(const ic_operation *op) {
    printf("usage: intercom [global options] %s%s\n\n%s%s\n%s %s", spaced(op->name), op->params ? " [params]" : "",
           op->summary ? op->summary : "", op->flags & IC_OP_DEPRECATED ? " (deprecated)" : "", op->method, op->path);
    if (op->flags & IC_OP_RAW) printf(" (returns %s, written as received)", op->accept ? op->accept : "bytes");
    if (op->page_kind) printf("\nPaginated: --all prints every item of every page");
    if (op->page_kind && op->per_page_max) printf(" (--per-page up to %u)", (unsigned)op->per_page_max);
    puts("\n");
    if (!op->params || !op->params->n_fields) {
        puts("No params.");
    } else {
        puts("Params:");
        for (uint32_t i = 0; i < op->params->n_fields; i++) {
            const ic_field *f = &op->params->fields[i];
            printf("  --%-30s %-26s %s%s%s\n", flag_of(f), type_of(f), where_of(f),
                   f->flags & IC_F_REQUIRED ? ", required" : "", f->flags & IC_F_DEPRECATED ? ", deprecated" : "");
        }
        puts("\n  --data @FILE|-|JSON: the whole params object (keys: the names above, with '_'); flags override it.");
    }
    puts("\nGlobal options and exit statuses: intercom --help");
}

static const char BASH_COMPLETION[] =
    "# bash completion for intercom: source <(intercom completion bash)\n"
    "_intercom() {\n"
    "    local cur=${COMP_WORDS[COMP_CWORD]}\n"
    "    local words=$(\"${COMP_WORDS[0]}\" __complete \"${COMP_WORDS[@]:1:COMP_CWORD-1}\" 2>/dev/null)\n"
    "    COMPREPLY=($(compgen -W \"$words\" -- \"$cur\"))\n"
    "}\n"
    "complete -o default -F _intercom intercom\n";

static const char ZSH_COMPLETION[] =
    "#compdef intercom\n"
    "# zsh completion for intercom: source <(intercom completion zsh), or save as _intercom in $fpath\n"
    "_intercom() {\n"
    "  local -a c\n"
    "  c=(${(f)\"$(${words[1]} __complete \"${(@)words[2,CURRENT-1]}\" 2>/dev/null)\"})\n"
    "  if (( ${#c} )); then compadd -a c; else _files; fi\n"
    "}\n"
    "if [ \"$funcstack[1]\" = \"_intercom\" ]; then _intercom \"$@\"; else compdef _intercom intercom; fi\n";

/* `intercom __complete WORD...`: the candidates for the word after WORD... (the scripts filter them). */
static int complete(int n, char **w) {
    const char *pos[MAX_WORDS];
    int np = 0, used = 0;
    for (int i = 0; i < n; i++) {
        if (!strncmp(w[i], "--", 2)) {
            int gi = global_index(w[i] + 2, strlen(w[i] + 2));
            if (gi < 0) break;                                      /* params: the words are done */
            if (GLOBALS[gi].arg && !strchr(w[i], '=')) i++;         /* skip the option's value */
        } else if (np < MAX_WORDS) {
            pos[np++] = w[i];
        }
    }
    const ic_operation *op = longest_op(pos, np, &used);
    const char *prev = n ? w[n - 1] : "";
    if (!strcmp(prev, "--environment")) return puts("production environment_1 environment_2 us eu au"), 0;
    if (!strcmp(prev, "--format")) return puts("json pretty"), 0;
    if (op && !strncmp(prev, "--", 2)) {
        const ic_field *f = find_field(op, prev + 2, strlen(prev + 2));
        if (f && f->kind == IC_K_BOOL) return puts("true false"), 0;
        if (f && f->kind == IC_K_ENUM)
            for (uint32_t i = 0; i < f->type->n_values; i++) puts(f->type->values[i]);
        if (f) return 0;
    }
    if (np && !strcmp(pos[0], "completion")) return puts("bash zsh"), 0;
    if (op && used == np) {
        for (uint32_t i = 0; op->params && i < op->params->n_fields; i++)
            printf("--%s\n", flag_of(&op->params->fields[i]));
    } else {
        const char *prefix = dotted(pos, np);
        size_t len = strlen(prefix), last_len = 0;
        const char *last = "";
        if (!np) puts("completion");
        for (const ic_operation *const *o = ic_all_operations; *o; o++) {
            if (len && (strncmp((*o)->name, prefix, len) || (*o)->name[len] != '.')) continue;
            const char *seg = (*o)->name + (len ? len + 1 : 0);
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
    if (!v) die_usage("--%s: malformed JSON value: %s (column %d)", flag, je.text, je.column);
    return v;
}

/* One value of field @p f from the text @p s. */
static json_t *scalar(const ic_field *f, const char *flag, const char *s) {
    char *end;
    json_t *v = NULL;
    errno = 0;
    switch (f->kind) {
    case IC_K_STRING:
        if (!(v = json_string(s))) die_usage("--%s: not valid UTF-8", flag);
        return v;
    case IC_K_INT: {
        long long i = strtoll(s, &end, 10);
        if (errno || end == s || *end) die_usage("--%s: expected an integer (64-bit), got \"%s\"", flag, s);
        return json_integer(i);
    }
    case IC_K_NUMBER: {
        double d = strtod(s, &end);
        if (errno || end == s || *end || !isfinite(d)) die_usage("--%s: expected a number, got \"%s\"", flag, s);
        return json_real(d);
    }
    case IC_K_BOOL:
        if (!strcmp(s, "true") || !strcmp(s, "false")) return json_boolean(*s == 't');
        die_usage("--%s: expected true or false, got \"%s\"", flag, s);
    case IC_K_ENUM:
        for (uint32_t i = 0; i < f->type->n_values; i++)
            if (!strcmp(s, f->type->values[i])) return json_string(s);
        die_usage("--%s: expected one of %s, got \"%s\"", flag, type_of(f), s);
    default: /* objects and free-form values */
        return parse_json_arg(flag, s);
    }
}

static void add_flag(const ic_field *f, const char *s) {
    const char *flag = flag_of(f);
    if (!(f->flags & IC_F_ARRAY)) {
        json_object_set_new(g.flags, f->name, scalar(f, flag, s));
        return;
    }
    json_t *arr = json_object_get(g.flags, f->name);
    if (!arr) json_object_set_new(g.flags, f->name, arr = json_array());
    if (*s == '[') { /* a JSON array */
        json_t *v = parse_json_arg(flag, s);
        if (!json_is_array(v)) die_usage("--%s: expected a JSON array", flag);
        json_array_extend(arr, v);
        json_decref(v);
    } else if (f->kind == IC_K_OBJECT || f->kind == IC_K_JSON) {
        json_array_append_new(arr, scalar(f, flag, s));
    } else {
        for (const char *p = s; *p;) { /* comma-separated */
            size_t len = strcspn(p, ",");
            char *item = strndup(p, len);
            json_array_append_new(arr, scalar(f, flag, item));
            free(item);
            p += len + (p[len] == ',');
        }
    }
}

static char *read_stream(FILE *f, const char *what, size_t *len) {
    char *buf = NULL;
    size_t cap = 0, n = 0, r;
    do {
        if (n == cap && !(buf = realloc(buf, cap = cap ? cap * 2 : 65536))) die_usage("--data: out of memory");
        r = fread(buf + n, 1, cap - n, f);
        n += r;
    } while (r);
    if (ferror(f)) die_usage("--data: cannot read %s: %s", what, strerror(errno));
    *len = n;
    return buf;
}

static json_t *load_data(const char *arg) {
    size_t len = strlen(arg);
    char *text = NULL;
    if (!strcmp(arg, "-")) {
        text = read_stream(stdin, "stdin", &len);
    } else if (*arg == '@') {
        FILE *f = fopen(arg + 1, "rb");
        if (!f) die_usage("--data: cannot open %s: %s", arg + 1, strerror(errno));
        text = read_stream(f, arg + 1, &len);
        fclose(f);
    }
    json_error_t je;
    json_t *v = json_loadb(text ? text : arg, len, 0, &je);
    free(text);
    if (!v) die_usage("--data: malformed JSON: %s (line %d, column %d)", je.text, je.line, je.column);
    if (!json_is_object(v)) die_usage("--data: expected a JSON object");
    return v;
}

/* The params struct of g.op from --data and the flags, checked; NULL when the operation has none. */
static void *build_params(void) {
    const intercom_type *pt = g.op->params;
    const char *cmd = spaced(g.op->name), *k;
    json_t *v;
    g.params = g.data ? load_data(g.data) : json_object();
    json_object_update(g.params, g.flags);
    json_object_foreach(g.params, k, v) {
        if (!pt || !ic_type_find_field(pt, k, strlen(k)))
            die_usage("--data: %s has no parameter \"%s\" (intercom %s --help)", cmd, k, cmd);
    }
    if (!pt) return NULL;
    for (uint32_t i = 0; i < pt->n_fields; i++)
        if ((pt->fields[i].flags & IC_F_REQUIRED) && !json_object_get(g.params, pt->fields[i].name))
            die_usage("%s: missing required parameter --%s", cmd, flag_of(&pt->fields[i]));
    char *js = json_dumps(g.params, JSON_COMPACT);
    void *params = NULL;
    intercom_error err = INTERCOM_ERROR_INIT;
    intercom_code rc = js ? intercom_from_json(pt, js, strlen(js), 1, &params, &err) : INTERCOM_E_NOMEM;
    free(js);
    if (rc) { /* name the flag: the first segment of the JSON path in "... at a.b[0]" */
        const char *msg = err.message ? err.message : intercom_strerror(rc), *at = strstr(msg, " at ");
        const ic_field *f = at ? ic_type_find_field(pt, at + 4, strcspn(at + 4, ".[")) : NULL;
        if (f && json_object_get(g.flags, f->name)) die_usage("--%s: %s", flag_of(f), msg);
        if (f) die_usage("--data: %s (--%s)", msg, flag_of(f));
        die_usage("%s: %s", g.data ? "--data" : "params", msg);
    }
    return params;
}

/* ---------- output ---------- */

static void print_head(const intercom_response *r) {
    static const char *const versions[] = {"1.0", "1.1", "2", "3"};
    int v = r->http_version;
    fprintf(stderr, "HTTP/%s %d\n", versions[v == 10 ? 0 : v == 20 ? 2 : v == 30 ? 3 : 1], r->status);
    for (size_t i = 0; i < r->headers_count; i++)
        fprintf(stderr, "%s: %s\n", r->headers[i].name, r->headers[i].value);
    fputc('\n', stderr);
}

static void print_json(const json_t *v) {
    char *s = json_dumps(v, (g.pretty ? JSON_INDENT(2) : JSON_COMPACT) | JSON_ENCODE_ANY);
    if (s) puts(s);
    free(s);
}

static void print_body(const intercom_response *r) {
    if (!r || !r->body_len) return;
    if (!(g.op->flags & IC_OP_RAW)) {
        json_t *v = g.pretty ? json_loadb(r->body, r->body_len, JSON_DECODE_ANY, NULL) : NULL;
        if (v) {
            print_json(v);
            json_decref(v);
            return;
        }
    }
    fwrite(r->body, 1, r->body_len, stdout);
    if (!(g.op->flags & IC_OP_RAW) && r->body[r->body_len - 1] != '\n') putchar('\n');
}

/* A string on one line (newlines as spaces). */
static void put_line(const char *s) {
    for (; s && *s; s++) fputc(*s == '\n' || *s == '\r' ? ' ' : *s, stderr);
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

/* The one-line error message; returns the exit status. */
static int report(intercom_code rc, const intercom_error *e) {
    static const char *const classes[] = {
        [INTERCOM_E_CONNECTION] = "connection error", [INTERCOM_E_TIMEOUT] = "timeout",
        [INTERCOM_E_BAD_REQUEST] = "bad request", [INTERCOM_E_AUTHENTICATION] = "authentication error",
        [INTERCOM_E_PERMISSION_DENIED] = "permission denied", [INTERCOM_E_NOT_FOUND] = "not found",
        [INTERCOM_E_UNPROCESSABLE_ENTITY] = "unprocessable entity", [INTERCOM_E_RATE_LIMIT] = "rate limit",
        [INTERCOM_E_INTERNAL_SERVER] = "server error", [INTERCOM_E_STATUS] = "unexpected status",
        [INTERCOM_E_DECODE] = "decode error"};
    if (g.raw && e->response) print_head(e->response);
    int known = (size_t)rc < sizeof classes / sizeof *classes && classes[rc];
    fprintf(stderr, "intercom: %s", known ? classes[rc] : intercom_strerror(rc));
    if (e->status) fprintf(stderr, " (HTTP %d)", e->status);
    fputs(": ", stderr);
    const intercom_error_item *it = e->errors_count ? &e->errors[0] : NULL;
    if (it && (it->code || it->message)) {
        put_line(it->code);
        fputs(it->code && it->message ? ": " : "", stderr);
        put_line(it->message);
    } else if (e->response && e->status / 100 == 3 && intercom_response_header(e->response, "Location")) {
        fprintf(stderr, "redirect to ");
        put_line(intercom_response_header(e->response, "Location"));
    } else if (e->response && e->response->body_len) { /* not Intercom's error list: the body's start */
        for (size_t i = 0; i < e->response->body_len && i < 300; i++) {
            char c = e->response->body[i];
            fputc(c == '\n' || c == '\r' ? ' ' : c, stderr);
        }
    } else put_line(e->message);
    if (rc == INTERCOM_E_INVALID_ARGUMENT && e->message && g.op && g.op->params) /* name the flag */
        for (uint32_t i = 0; i < g.op->params->n_fields; i++)
            if (has_name(e->message, g.op->params->fields[i].name)) {
                fprintf(stderr, " (--%s)", flag_of(&g.op->params->fields[i]));
                break;
            }
    fputc('\n', stderr);
    return rc == INTERCOM_E_INVALID_ARGUMENT ? EXIT_USAGE : (int)rc;
}

/* ---------- --all ---------- */

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Print a page's items as they came (the raw JSON, else re-encoded); returns how many. */
static size_t print_items(void *page, const ic_field *f) {
    json_t *raw = intercom_model_raw_json(page), *arr = f ? json_object_get(raw, f->name) : NULL;
    size_t n = 0;
    if (json_is_array(arr)) {
        for (n = 0; n < json_array_size(arr); n++) print_json(json_array_get(arr, n));
    } else if (f) {
        void *const *items = *(void *const *const *)((const char *)page + f->offset);
        n = *(const size_t *)((const char *)page + f->aux_offset);
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

static intercom_code run_all(intercom_client *client, const void *params, intercom_error *err) {
    intercom_request_options ro = INTERCOM_REQUEST_OPTIONS_INIT;
    ro.strict = 0;
    intercom_pager *pg = NULL;
    intercom_code rc = intercom_pager_new(&pg, client, g.op->name, params, &ro, err);
    if (rc) return rc;
    /* the page's array of items: the field holding an array of the item type */
    const intercom_type *pt = intercom_pager_page_type(pg), *it = intercom_pager_item_type(pg);
    const ic_field *items_f = NULL;
    for (uint32_t i = 0; pt && i < pt->n_fields && !items_f; i++)
        if (pt->fields[i].kind == IC_K_OBJECT && (pt->fields[i].flags & IC_F_ARRAY) && pt->fields[i].type == it)
            items_f = &pt->fields[i];
    int progress = isatty(STDOUT_FILENO) && isatty(STDERR_FILENO), pages = 0;
    size_t items = 0;
    double t0 = now();
    void *page = NULL;
    while ((rc = intercom_pager_next_page(pg, &page, err)) == INTERCOM_OK && page) {
        if (progress) fputs("\r\033[K", stderr);
        items += print_items(page, items_f);
        intercom_model_free(page);
        pages++;
        if (progress) {
            fflush(stdout);
            double dt = now() - t0;
            fprintf(stderr, "%d page%s, %zu items, %.0f items/s", pages, pages == 1 ? "" : "s", items,
                    dt > 0 ? items / dt : 0.0);
        }
    }
    if (progress && pages) fputc('\n', stderr);
    intercom_pager_free(pg);
    return rc;
}

/* ---------- main ---------- */

static void set_global(int gi, const char *v) {
    char *end;
    switch (gi) {
    case G_TOKEN: g.opts.bearer_token = v; break;
    case G_ENV: {
        static const char *const envs[] = {"production", "environment_1", "environment_2", "us", "eu", "au"};
        size_t i = 0;
        while (i < 6 && strcmp(v, envs[i])) i++;
        if (i == 6)
            die_usage("--environment: expected production, environment_1, environment_2, us, eu or au, got \"%s\"", v);
        g.opts.environment = v;
        break;
    }
    case G_BASE_URL: g.opts.base_url = v; break;
    case G_API_VERSION: g.opts.api_version = v; break;
    case G_MAX_RETRIES: {
        long n = strtol(v, &end, 10);
        if (end == v || *end || n < 0 || n > 100)
            die_usage("--max-retries: expected a number from 0 to 100, got \"%s\"", v);
        g.opts.max_retries = (int)n;
        break;
    }
    case G_TIMEOUT:
        g.opts.timeout = strtod(v, &end);
        if (end == v || *end || !(g.opts.timeout >= 0) || !isfinite(g.opts.timeout))
            die_usage("--timeout: expected seconds (a number >= 0), got \"%s\"", v);
        break;
    case G_RAW: g.raw = 1; break;
    case G_ALL: g.all = 1; break;
    case G_FORMAT:
        if (strcmp(v, "json") && strcmp(v, "pretty")) die_usage("--format: expected json or pretty, got \"%s\"", v);
        g.pretty = !strcmp(v, "pretty");
        break;
    case G_DATA: g.data = v; break;
    case G_VERSION:
        printf("intercom %s (libintercom, Intercom API %s)\n", intercom_version(), INTERCOM_DEFAULT_API_VERSION);
        exit(0);
    }
}

/* The operation the words name exactly, or a usage error saying what they are. */
static const ic_operation *resolve(void) {
    int used;
    const ic_operation *op = longest_op(g.words, g.n_words, &used);
    if (op && used == g.n_words) return op;
    if (op) die_usage("%s: unexpected argument \"%s\"", spaced(op->name), g.words[used]);
    const char *name = dotted(g.words, g.n_words);
    if (g.n_words && is_resource(name))
        die_usage("%s: which method? (intercom %s --help lists them)", spaced(name), spaced(name));
    if (!g.n_words) die_usage("no command (intercom --help lists the resources)");
    die_usage("unknown command \"%s\" (intercom --help lists the resources)", spaced(name));
}

static int help(int argc, char **argv) {
    for (int i = 1; i < argc; i++) {
        if (!strncmp(argv[i], "--", 2)) {
            int gi = global_index(argv[i] + 2, strcspn(argv[i] + 2, "="));
            if (gi >= 0 && GLOBALS[gi].arg && !strchr(argv[i], '=')) i++;
        } else if (argv[i][0] != '-' && g.n_words < MAX_WORDS) g.words[g.n_words++] = argv[i];
    }
    int used;
    const ic_operation *op = longest_op(g.words, g.n_words, &used);
    if (op) return help_op(op), 0;
    for (int k = g.n_words; k > 0; k--)
        if (is_resource(dotted(g.words, k))) return help_resource(dotted(g.words, k)), 0;
    if (g.n_words) die_usage("unknown resource \"%s\" (intercom --help lists them)", g.words[0]);
    help_top(stdout);
    return 0;
}

int main(int argc, char **argv) {
    intercom_client_options_init(&g.opts, INTERCOM_CLIENT_OPTIONS_VERSION);
    for (int i = 1; i < argc; i++)
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) return help(argc, argv);
    if (argc > 1 && !strcmp(argv[1], "__complete")) return complete(argc - 2, argv + 2);
    if (argc > 1 && !strcmp(argv[1], "completion")) {
        if (argc == 3 && !strcmp(argv[2], "bash")) return fputs(BASH_COMPLETION, stdout), 0;
        if (argc == 3 && !strcmp(argv[2], "zsh")) return fputs(ZSH_COMPLETION, stdout), 0;
        die_usage("usage: intercom completion bash|zsh");
    }
    if (argc < 2) {
        help_top(stderr);
        return EXIT_USAGE;
    }
    g.flags = json_object();
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strncmp(a, "--", 2) || !a[2]) {
            if (g.op) die_usage("%s: unexpected argument \"%s\"", spaced(g.op->name), a);
            if (g.n_words == MAX_WORDS) die_usage("too many words");
            g.words[g.n_words++] = a;
            continue;
        }
        const char *name = a + 2, *eq = strchr(name, '=');
        size_t len = eq ? (size_t)(eq - name) : strlen(name);
        int gi = global_index(name, len);
        if (gi >= 0) {
            const char *v = eq ? eq + 1 : NULL;
            if (GLOBALS[gi].arg && !v && !(v = i + 1 < argc ? argv[++i] : NULL))
                die_usage("--%s needs a value (%s)", GLOBALS[gi].name, GLOBALS[gi].arg);
            if (!GLOBALS[gi].arg && v) die_usage("--%s takes no value", GLOBALS[gi].name);
            set_global(gi, v);
            continue;
        }
        if (!g.op) {
            if (!g.n_words) die_usage("unknown option --%.*s (intercom --help lists the options)", (int)len, name);
            g.op = resolve();
        }
        const ic_field *f = find_field(g.op, name, len);
        if (!f)
            die_usage("%s: unknown flag --%.*s (intercom %s --help lists the params)", spaced(g.op->name), (int)len,
                      name, spaced(g.op->name));
        const char *v = eq ? eq + 1 : NULL;
        if (!v && f->kind == IC_K_BOOL && !(f->flags & IC_F_ARRAY)) /* a bare boolean flag is true */
            v = i + 1 < argc && (!strcmp(argv[i + 1], "true") || !strcmp(argv[i + 1], "false")) ? argv[++i] : "true";
        if (!v && !(v = i + 1 < argc ? argv[++i] : NULL)) die_usage("--%s needs a value (%s)", flag_of(f), type_of(f));
        add_flag(f, v);
    }
    if (!g.op) g.op = resolve();
    void *params = build_params();

    intercom_error err = INTERCOM_ERROR_INIT;
    intercom_client *client = NULL;
    intercom_code rc = intercom_client_new(&client, &g.opts, &err);
    if (rc == INTERCOM_OK) {
        if (g.all) {
            rc = run_all(client, params, &err);
        } else {
            intercom_request_options ro = INTERCOM_REQUEST_OPTIONS_INIT;
            intercom_response *raw = NULL;
            void *result = NULL;
            ro.strict = 0;
            ro.raw_response = &raw;
            rc = ic_call(client, g.op, params, &ro, &result, &err);
            if (rc == INTERCOM_OK) {
                if (g.raw && raw) print_head(raw);
                print_body(raw);
            }
            intercom_model_free(result);
            intercom_response_free(raw);
        }
    }
    int status = rc ? report(rc, &err) : 0;
    if (fflush(stdout) && !status) status = INTERCOM_E_INTERNAL;
    intercom_error_clear(&err);
    intercom_client_free(client);
    if (params) intercom_free(g.op->params, params);
    json_decref(g.params);
    json_decref(g.flags);
    return status;
}
