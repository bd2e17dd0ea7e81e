/* SPDX-License-Identifier: MIT */
/* intercom webhooks verify|listen, intercom identity user-hash|jwt, intercom oauth exchange|authorize-url.
 * Secrets come from environment variables only (a flag value would show in `ps`):
 *   INTERCOM_CLIENT_SECRET    the app's client secret (webhook signatures, OAuth)
 *   INTERCOM_IDENTITY_SECRET  the Messenger identity verification secret
 * Exit statuses: those of intercom_code (README), 2 for usage errors, 19 for a bad webhook signature. */
#include <arpa/inet.h>
#include <errno.h>
#include <jansson.h>
#include <netinet/in.h>
#include <pthread.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>

#include <microhttpd.h>

#include <intercom/intercom.h>

#include "extras.h"
#include "suggest.h"

#define EXIT_USAGE 2
#define MAX_BODY ((size_t)64 * 1024 * 1024)

static const char HELP_WEBHOOKS[] =
    "usage: intercom webhooks verify [--signature SIG] [FILE|-]\n"
    "       intercom webhooks listen --port N [--host ADDR]\n"
    "\n"
    "verify  checks the X-Hub-Signature value SIG (\"sha1=<40 hex>\") of the body in FILE (default: stdin)\n"
    "        and prints the parsed notification as one JSON line (with \"item_model\": the generated\n"
    "        model its item decoded into, or null).\n"
    "listen  receives deliveries on http://ADDR:N/ (default ADDR 127.0.0.1; N 0 picks a free port, printed\n"
    "        on stderr): each verified one is printed as one JSON line on stdout and answered 200 at once;\n"
    "        a bad or missing signature is answered 401, a verified body that is not a notification 400.\n"
    "        Runs until SIGINT or SIGTERM. Put a tunnel in front of it for Intercom to reach it.\n"
    "\n"
    "The secret is read from INTERCOM_CLIENT_SECRET (the app's client secret).\n"
    "Exit status: 0 ok, 2 usage, 18 not a notification, 19 signature missing, malformed or wrong.\n";

static const char HELP_IDENTITY[] =
    "usage: intercom identity user-hash (--user-id ID | --email EMAIL)\n"
    "       intercom identity jwt --user-id ID [--email EMAIL] [--expires-in SECONDS] [--claims JSON]\n"
    "\n"
    "user-hash  prints the Messenger user_hash: HMAC-SHA256 of the id (or email), 64 lowercase hex digits.\n"
    "jwt        prints a Messenger JWT (HS256) with user_id, email, the claims of the JSON object, iat and\n"
    "           exp (default: in 3600 s).\n"
    "\n"
    "The secret is read from INTERCOM_IDENTITY_SECRET (the Messenger's identity verification secret).\n"
    "Exit status: 0 ok, 2 usage.\n";

static const char HELP_OAUTH[] =
    "usage: intercom oauth exchange --code CODE --client-id ID [--base-url URL] [--environment ENV]\n"
    "                               [--max-retries N] [--timeout SECONDS] [-H|--header 'NAME: VALUE' ...]\n"
    "       intercom oauth authorize-url --client-id ID --state STATE [--redirect-uri URL]\n"
    "\n"
    "exchange       trades an authorization code for the workspace's access token (POST /auth/eagle/token)\n"
    "               and prints {\"access_token\":...,\"token_type\":...}; the client secret is read from\n"
    "               INTERCOM_CLIENT_SECRET.\n"
    "authorize-url  prints the URL to send the installing user to.\n"
    "Exit status: 0 ok, 2 usage, else the class of the failure (see intercom --help).\n";

/* Parse the "--name value" / "--name=value" flags of @p sub (extras.h: all take a value) into @p values
 * (values[i] is that of sub->flags[i], NULL when not given) and at most @p max_pos positional arguments
 * from argv[3] on. 0, or -1 after a message. */
static int parse_flags(int argc, char **argv, const ic_cli_sub *sub, const char **values, const char **pos, int max_pos,
                       int *npos) {
    *npos = 0;
    for (int i = 3; i < argc; i++) {
        const char *a = argv[i];
        if (strncmp(a, "--", 2) || !a[2]) {
            if (*npos == max_pos) return fprintf(stderr, "intercom: unexpected argument \"%s\"\n", a), -1;
            pos[(*npos)++] = a;
            continue;
        }
        const char *name = a + 2, *eq = strchr(name, '=');
        size_t len = eq ? (size_t)(eq - name) : strlen(name);
        const ic_cli_flag *f = ic_cli_flag_find(sub->flags, name, len);
        if (!f) {
            const char *names[IC_CLI_MAX_FLAGS + 1];
            char word[80];
            size_t n = 0;
            for (f = sub->flags; f->name; f++) names[n++] = f->name;
            names[n] = NULL;
            snprintf(word, sizeof word, "%.*s", (int)len, name);
            const char *near = nearest_of(word, names);
            fprintf(stderr, "intercom: unknown flag --%.*s", (int)len, name);
            if (near) {
                fprintf(stderr, "; did you mean \"--%s\"?\n", near);
            } else { /* what it does take */
                fprintf(stderr, "; %s takes", sub->name);
                for (size_t k = 0; k < n; k++) fprintf(stderr, "%s --%s", k ? "," : "", names[k]);
                fputs(n ? "\n" : " no flags\n", stderr);
            }
            return -1;
        }
        const char *v = eq ? eq + 1 : i + 1 < argc ? argv[++i] : NULL;
        if (!v) return fprintf(stderr, "intercom: --%s needs a value\n", f->name), -1;
        values[f - sub->flags] = v;
    }
    return 0;
}

/* The value parse_flags() found for --@p name of @p sub, or NULL. */
static const char *flag_value(const ic_cli_sub *sub, const char *const *values, const char *name) {
    const ic_cli_flag *f = ic_cli_flag_find(sub->flags, name, strlen(name));
    return f ? values[f - sub->flags] : NULL;
}

static int fail(intercom_code rc, const intercom_error *err) {
    fprintf(stderr, "intercom: %s\n", err && err->message ? err->message : intercom_strerror(rc));
    return rc == INTERCOM_E_INVALID_ARGUMENT ? EXIT_USAGE : (int)rc;
}

static const char *secret_from(const char *var) {
    const char *s = getenv(var);
    if (!s || !*s) fprintf(stderr, "intercom: set %s (the secret is read from the environment only)\n", var);
    return s && *s ? s : NULL;
}

static int parse_long(const char *s, long long min, long long max, long long *out) {
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || end == s || *end || v < min || v > max) return -1;
    *out = v;
    return 0;
}

/* ---------- webhooks ---------- */

/* The notification as one JSON line: the body's object plus "item_model". */
static char *notification_line(const intercom_notification *n) {
    json_t *o = json_copy(n->json); /* shallow: only the top level gets the extra key */
    if (!o) return NULL;
    json_object_set_new(o, "item_model", n->item_model ? json_string(intercom_type_name(n->item_model)) : json_null());
    char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(o);
    return s;
}

static int read_all(FILE *f, char **out, size_t *out_len) {
    size_t cap = 65536, len = 0;
    char *b = malloc(cap);
    if (!b) return -1;
    for (;;) {
        if (len == cap) {
            if (cap >= MAX_BODY) {
                free(b);
                errno = EFBIG;
                return -1;
            }
            char *nb = realloc(b, cap *= 2);
            if (!nb) return free(b), -1;
            b = nb;
        }
        size_t n = fread(b + len, 1, cap - len, f);
        len += n;
        if (n == 0) break;
    }
    if (ferror(f)) return free(b), -1;
    *out = b;
    *out_len = len;
    return 0;
}

static int webhooks_verify(int argc, char **argv, const ic_cli_sub *sub) {
    const char *v[IC_CLI_MAX_FLAGS] = {0}, *pos[1];
    int npos;
    if (parse_flags(argc, argv, sub, v, pos, 1, &npos)) return EXIT_USAGE;
    const char *secret = secret_from("INTERCOM_CLIENT_SECRET");
    if (!secret) return EXIT_USAGE;
    const char *path = npos ? pos[0] : "-";
    FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
    if (!f) return fprintf(stderr, "intercom: cannot open %s: %s\n", path, strerror(errno)), EXIT_USAGE;
    char *body = NULL;
    size_t len = 0;
    int r = read_all(f, &body, &len);
    if (f != stdin) fclose(f);
    if (r) return fprintf(stderr, "intercom: cannot read %s: %s\n", path, strerror(errno)), EXIT_USAGE;
    intercom_error err = INTERCOM_ERROR_INIT;
    intercom_notification *n = NULL;
    intercom_code rc = intercom_webhook_verify(secret, body, len, flag_value(sub, v, "signature"), &err);
    if (rc == INTERCOM_OK) rc = intercom_notification_parse(body, len, &n, &err);
    free(body);
    int status = 0;
    if (rc) {
        status = fail(rc, &err);
    } else {
        char *line = notification_line(n);
        if (line) puts(line);
        else status = fail(INTERCOM_E_NOMEM, NULL);
        free(line);
    }
    intercom_notification_free(n);
    intercom_error_clear(&err);
    return status;
}

typedef struct delivery {
    char *body;
    size_t len, cap;
    int too_large;
} delivery;

static const char *g_secret;
static unsigned long g_received, g_rejected;

static enum MHD_Result reply(struct MHD_Connection *c, unsigned status, const char *text) {
    struct MHD_Response *r = MHD_create_response_from_buffer(strlen(text), (void *)text, MHD_RESPMEM_MUST_COPY);
    if (!r) return MHD_NO;
    MHD_add_response_header(r, "Content-Type", "text/plain");
    enum MHD_Result ret = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                                  const char *version, const char *upload, size_t *upload_size, void **state) {
    (void)cls, (void)url, (void)version;
    delivery *d = *state;
    if (!d) { /* headers received: set up the body buffer */
        if (!(d = calloc(1, sizeof *d))) return MHD_NO;
        *state = d;
        return MHD_YES;
    }
    if (*upload_size) {
        if (!d->too_large && d->len + *upload_size > MAX_BODY) d->too_large = 1;
        if (!d->too_large) {
            if (d->len + *upload_size > d->cap) {
                size_t cap = d->cap ? d->cap : 65536;
                while (cap < d->len + *upload_size) cap *= 2;
                char *nb = realloc(d->body, cap);
                if (!nb) return MHD_NO;
                d->body = nb, d->cap = cap;
            }
            memcpy(d->body + d->len, upload, *upload_size);
            d->len += *upload_size;
        }
        *upload_size = 0;
        return MHD_YES;
    }
    if (strcmp(method, "POST")) return reply(c, MHD_HTTP_METHOD_NOT_ALLOWED, "POST webhook notifications here\n");
    if (d->too_large) return reply(c, MHD_HTTP_CONTENT_TOO_LARGE, "body too large\n");
    const char *sig = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Hub-Signature");
    intercom_error err = INTERCOM_ERROR_INIT;
    intercom_code rc = intercom_webhook_verify(g_secret, d->body, d->len, sig, &err);
    if (rc) {
        g_rejected++;
        fprintf(stderr, "intercom: delivery rejected (401): %s\n", err.message ? err.message : intercom_strerror(rc));
        intercom_error_clear(&err);
        return reply(c, MHD_HTTP_UNAUTHORIZED, "bad signature\n");
    }
    intercom_notification *n = NULL;
    rc = intercom_notification_parse(d->body, d->len, &n, &err);
    if (rc) {
        g_rejected++;
        fprintf(stderr, "intercom: delivery refused (400): %s\n", err.message ? err.message : intercom_strerror(rc));
        intercom_error_clear(&err);
        return reply(c, MHD_HTTP_BAD_REQUEST, "not a webhook notification\n");
    }
    char *line = notification_line(n);
    intercom_notification_free(n);
    if (!line) return reply(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory\n");
    /* one line, flushed at once; the 200 is queued right after (sent when this returns) */
    g_received++;
    puts(line);
    fflush(stdout);
    free(line);
    return reply(c, MHD_HTTP_OK, "ok\n");
}

static void on_completed(void *cls, struct MHD_Connection *c, void **state, enum MHD_RequestTerminationCode code) {
    (void)cls, (void)c, (void)code;
    delivery *d = *state;
    if (d) free(d->body), free(d);
    *state = NULL;
}

static int webhooks_listen(int argc, char **argv, const ic_cli_sub *sub) {
    const char *v[IC_CLI_MAX_FLAGS] = {0}, *pos[1], *port_arg;
    int npos;
    if (parse_flags(argc, argv, sub, v, pos, 0, &npos)) return EXIT_USAGE;
    long long port;
    if (!(port_arg = flag_value(sub, v, "port")))
        return fprintf(stderr, "intercom: webhooks listen needs --port N (1-65535; 0: any free port)\n"), EXIT_USAGE;
    if (parse_long(port_arg, 0, 65535, &port))
        return fprintf(stderr, "intercom: --port must be 1-65535 (or 0: any free port), got \"%s\"\n", port_arg), EXIT_USAGE;
    const char *host = flag_value(sub, v, "host");
    if (!host) host = "127.0.0.1";
    struct sockaddr_in sa = {0};
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)port);
    if (inet_pton(AF_INET, host, &sa.sin_addr) != 1)
        return fprintf(stderr, "intercom: --host %s: not an IPv4 address\n", host), EXIT_USAGE;
    if (!(g_secret = secret_from("INTERCOM_CLIENT_SECRET"))) return EXIT_USAGE;
    /* the daemon's thread inherits this mask: SIGINT/SIGTERM are taken by sigwait() below */
    sigset_t sigs;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &sigs, NULL);
    struct MHD_Daemon *d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG, 0, NULL, NULL,
                                            on_request, NULL, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
                                            MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
                                            MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30, MHD_OPTION_END);
    if (!d) return fprintf(stderr, "intercom: cannot listen on %s:%lld\n", host, port), (int)INTERCOM_E_CONNECTION;
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    fprintf(stderr, "intercom: listening on http://%s:%u/ (Ctrl-C to stop)\n", host,
            info ? (unsigned)info->port : (unsigned)port);
    fflush(stderr);
    int sig = 0;
    sigwait(&sigs, &sig);
    MHD_stop_daemon(d);
    fprintf(stderr, "intercom: stopped: %lu deliver%s printed, %lu rejected (401 or 400)\n", g_received,
            g_received == 1 ? "y" : "ies", g_rejected);
    return 0;
}

/* ---------- identity ---------- */

static int identity(int argc, char **argv, const ic_cli_sub *sub) {
    const char *v[IC_CLI_MAX_FLAGS] = {0}, *pos[1];
    int npos;
    if (parse_flags(argc, argv, sub, v, pos, 0, &npos)) return EXIT_USAGE;
    const char *uid = flag_value(sub, v, "user-id"), *email = flag_value(sub, v, "email");
    const char *expires = flag_value(sub, v, "expires-in"), *claims_arg = flag_value(sub, v, "claims");
    intercom_error err = INTERCOM_ERROR_INIT;
    intercom_code rc;
    if (!strcmp(sub->name, "user-hash")) {
        if (!uid == !email)
            return fputs("intercom: identity user-hash takes exactly one of --user-id ID, --email EMAIL\n", stderr),
                   EXIT_USAGE;
        const char *secret = secret_from("INTERCOM_IDENTITY_SECRET");
        if (!secret) return EXIT_USAGE;
        char hex[65];
        if ((rc = intercom_identity_user_hash(secret, uid ? uid : email, hex, &err))) {
            int st = fail(rc, &err);
            intercom_error_clear(&err);
            return st;
        }
        puts(hex);
        return 0;
    }
    if (!uid) return fputs("intercom: identity jwt needs --user-id ID\n", stderr), EXIT_USAGE;
    intercom_identity_jwt_options o = INTERCOM_IDENTITY_JWT_OPTIONS_INIT;
    o.email = email;
    long long exp;
    if (expires) {
        if (parse_long(expires, 1, (long long)INT32_MAX * 100, &exp))
            return fprintf(stderr, "intercom: --expires-in %s: not a positive number of seconds\n", expires), EXIT_USAGE;
        o.expires_in = exp;
    }
    json_t *claims = NULL;
    if (claims_arg) {
        json_error_t je;
        claims = json_loads(claims_arg, 0, &je);
        if (!json_is_object(claims)) {
            json_decref(claims);
            return fprintf(stderr, "intercom: --claims: not a JSON object%s%s\n", claims ? "" : ": ",
                           claims ? "" : je.text),
                   EXIT_USAGE;
        }
        o.claims = claims;
    }
    const char *secret = secret_from("INTERCOM_IDENTITY_SECRET");
    char *jwt = NULL;
    rc = secret ? intercom_identity_jwt(secret, uid, &o, &jwt, &err) : INTERCOM_E_INVALID_ARGUMENT;
    json_decref(claims);
    if (!secret) return EXIT_USAGE;
    if (rc) {
        int st = fail(rc, &err);
        intercom_error_clear(&err);
        return st;
    }
    puts(jwt);
    intercom_free_string(jwt);
    return 0;
}

/* ---------- oauth ---------- */

static int oauth(int argc, char **argv, const ic_cli_sub *sub, const intercom_kv *headers) {
    intercom_error err = INTERCOM_ERROR_INIT;
    intercom_code rc;
    const char *v[IC_CLI_MAX_FLAGS] = {0}, *pos[1];
    int npos;
    if (parse_flags(argc, argv, sub, v, pos, 0, &npos)) return EXIT_USAGE;
    const char *client_id = flag_value(sub, v, "client-id");
    if (!strcmp(sub->name, "authorize-url")) {
        const char *state = flag_value(sub, v, "state");
        if (!client_id || !state)
            return fputs("intercom: oauth authorize-url needs --client-id ID --state STATE\n", stderr), EXIT_USAGE;
        char *url = NULL;
        if ((rc = intercom_oauth_authorize_url(client_id, state, flag_value(sub, v, "redirect-uri"), &url, &err))) {
            int st = fail(rc, &err);
            intercom_error_clear(&err);
            return st;
        }
        puts(url);
        intercom_free_string(url);
        return 0;
    }
    const char *code = flag_value(sub, v, "code"), *retries = flag_value(sub, v, "max-retries");
    const char *timeout = flag_value(sub, v, "timeout");
    if (!code || !client_id) return fputs("intercom: oauth exchange needs --code CODE --client-id ID\n", stderr), EXIT_USAGE;
    const char *secret = secret_from("INTERCOM_CLIENT_SECRET");
    if (!secret) return EXIT_USAGE;
    intercom_client_options opts = INTERCOM_CLIENT_OPTIONS_INIT;
    const char *tok = getenv("INTERCOM_TEST_1_BEARER_TOKEN");
    opts.bearer_token = tok && *tok ? tok : "unused"; /* the exchange sends no Authorization header */
    opts.base_url = flag_value(sub, v, "base-url");
    opts.environment = flag_value(sub, v, "environment");
    opts.default_headers = headers;
    long long n;
    if (retries) {
        if (parse_long(retries, 0, 100, &n))
            return fprintf(stderr, "intercom: --max-retries %s: not 0-100\n", retries), EXIT_USAGE;
        opts.max_retries = (int)n;
    }
    if (timeout) {
        char *end;
        double t = strtod(timeout, &end);
        if (end == timeout || *end || !(t >= 0))
            return fprintf(stderr, "intercom: --timeout %s: not a number of seconds\n", timeout), EXIT_USAGE;
        opts.timeout = t;
    }
    intercom_client *client = NULL;
    intercom_oauth_token *t = NULL;
    rc = intercom_client_new(&client, &opts, &err);
    if (!rc) rc = intercom_oauth_exchange(client, code, client_id, secret, &t, &err);
    int st = 0;
    if (rc) {
        st = ic_cli_report(rc, &err, NULL); /* worded as for every command that sends a request */
    } else {
        json_t *o = json_pack("{s:s, s:s?}", "access_token", t->access_token, "token_type", t->token_type);
        char *s = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
        if (s) puts(s);
        else st = fail(INTERCOM_E_NOMEM, NULL);
        free(s);
        json_decref(o);
    }
    intercom_oauth_token_free(t);
    intercom_client_free(client);
    intercom_error_clear(&err);
    return st;
}

#define MAX_HEADERS 32

/* -H/--header 'NAME: VALUE' (repeatable, as for every REST command), taken out of argv[3...] into
 * @p hdrs (names owned: free them; {NULL,NULL} ends); *argc is what remains. 0, or -1 after a message. */
static int take_headers(int *argc, char **argv, intercom_kv *hdrs, int *n) {
    int out = 3;
    for (int i = 3; i < *argc; i++) {
        const char *a = argv[i], *v;
        if (!strcmp(a, "-H") || !strcmp(a, "--header")) {
            if (i + 1 == *argc) return fputs("intercom: -H needs a value ('NAME: VALUE')\n", stderr), -1;
            v = argv[++i];
        } else if (!strncmp(a, "--header=", 9)) {
            v = a + 9;
        } else if (!strncmp(a, "-H", 2)) {
            v = a + 2;
        } else {
            argv[out++] = argv[i];
            continue;
        }
        const char *colon = strchr(v, ':');
        size_t len = colon ? (size_t)(colon - v) : 0;
        while (len && v[len - 1] == ' ') len--;
        if (!len || strcspn(v, " \t") < len || strpbrk(v, "\r\n") || *n == MAX_HEADERS)
            return fprintf(stderr, "intercom: --header: expected 'NAME: VALUE' (one line; at most %d), got \"%s\"\n",
                           MAX_HEADERS, v), -1;
        char *name = strndup(v, len);
        if (!name) return fputs("intercom: out of memory\n", stderr), -1;
        const char *val = colon + 1;
        while (*val == ' ' || *val == '\t') val++;
        hdrs[*n].key = name, hdrs[(*n)++].value = val;
    }
    *argc = out;
    return 0;
}

static int oauth_cmd(int argc, char **argv, const ic_cli_sub *sub) {
    intercom_kv hdrs[MAX_HEADERS + 1];
    memset(hdrs, 0, sizeof hdrs);
    int n = 0, st;
    if (take_headers(&argc, argv, hdrs, &n)) st = EXIT_USAGE;
    else if (n && !ic_cli_flag_find(sub->flags, "header", 6))
        st = (fprintf(stderr, "intercom: -H: oauth %s sends no request\n", sub->name), EXIT_USAGE);
    else st = oauth(argc, argv, sub, n ? hdrs : NULL);
    for (int i = 0; i < n; i++) free((char *)hdrs[i].key);
    return st;
}

/* ---------- dispatch ---------- */

const char *ic_cli_extras_help(const char *cmd) {
    return !strcmp(cmd, "webhooks") ? HELP_WEBHOOKS : !strcmp(cmd, "identity") ? HELP_IDENTITY
         : !strcmp(cmd, "oauth")    ? HELP_OAUTH : NULL;
}

int ic_cli_is_extra(int argc, char **argv) {
    const ic_cli_command *c = argc > 1 ? ic_cli_command_find(argv[1]) : NULL;
    return c && c->place == IC_CMD_EXTRA;
}

int ic_cli_extras(int argc, char **argv) {
    const ic_cli_command *c = ic_cli_command_find(argv[1]);
    const char *cmd = c->name, *name = argc > 2 ? argv[2] : NULL, *help = ic_cli_extras_help(cmd);
    const ic_cli_sub *sub = name ? ic_cli_sub_find(c, name) : NULL;
    for (int i = 2; i < argc; i++)
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) return fputs(help, stdout), 0;
    if (!sub) {
        const char *subs[IC_CLI_MAX_SUBS + 1];
        size_t n = 0;
        for (const ic_cli_sub *s = c->subs; s->name; s++) subs[n++] = s->name;
        subs[n] = NULL;
        const char *near = name ? nearest_of(name, subs) : NULL;
        if (name && near) fprintf(stderr, "intercom: %s: unknown command \"%s\"; did you mean \"%s %s\"?\n", cmd, name, cmd, near);
        else if (name) fprintf(stderr, "intercom: %s: unknown command \"%s\"\n", cmd, name);
        fputs(help, stderr);
        return EXIT_USAGE;
    }
    int status = !strcmp(sub->name, "verify")   ? webhooks_verify(argc, argv, sub)
                 : !strcmp(sub->name, "listen") ? webhooks_listen(argc, argv, sub)
                 : !strcmp(cmd, "identity")     ? identity(argc, argv, sub)
                                                : oauth_cmd(argc, argv, sub);
    return status; /* main() flushes stdout and reports a write error */
}
