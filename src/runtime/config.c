/* SPDX-License-Identifier: MIT */
/* Client options -> the immutable configuration every request reads. */

#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "http.h"
#include "options.h"

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_rc;
static void curl_init(void) { curl_init_rc = curl_global_init(CURL_GLOBAL_DEFAULT); }

static const struct {
    const char *name, *alias, *url;
} environments[] = {
    {"production", "us", "https://api.intercom.io"},
    {"environment_1", "eu", "https://api.eu.intercom.io"},
    {"environment_2", "au", "https://api.au.intercom.io"},
};


/* A caller's number of seconds: finite, >= 0 and at most IC_MAX_TIMEOUT (inf, nan, 1e16 or
 * 1e300 would overflow when converted to libcurl's milliseconds). */
intercom_code ic_check_seconds(const char *owner, const char *name, double v, intercom_error *err) {
    if (isfinite(v) && v >= 0.0 && v <= IC_MAX_TIMEOUT) return INTERCOM_OK;
    return ic_fail(err, INTERCOM_E_INVALID_ARGUMENT, "%s.%s is %g: expected a number of seconds from 0 to %g",
                   owner, name, v, IC_MAX_TIMEOUT);
}

/* Framing headers are libcurl's to write: a caller's Content-Length, Transfer-Encoding, Host,
 * Connection, Expect, Upgrade, TE, Keep-Alive, Trailer or Proxy-Connection would corrupt or
 * hang the exchange (a GET announcing "Content-Length: 5" waits for a body that never comes). */
int ic_header_is_framing(const char *name) {
    static const char *const framing[] = {"Content-Length", "Transfer-Encoding", "Host", "Connection", "Expect",
                                          "Upgrade", "TE", "Keep-Alive", "Trailer", "Proxy-Connection"};
    for (size_t i = 0; name && i < sizeof framing / sizeof *framing; i++)
        if (!strcasecmp(name, framing[i])) return 1;
    return 0;
}

/* @p url with any userinfo replaced by "***" (for messages: credentials are never printed). */
static void redact_url(char *out, size_t n, const char *url) {
    const char *auth = strstr(url, "://");
    auth = auth ? auth + 3 : url;
    size_t alen = strcspn(auth, "/?#");
    const char *at = memchr(auth, '@', alen);
    if (at) {
        const char *last;
        while ((last = memchr(at + 1, '@', alen - (size_t)(at + 1 - auth)))) at = last;
        snprintf(out, n, "%.*s***%s", (int)(auth - url), url, at);
    } else {
        snprintf(out, n, "%s", url);
    }
}

/* base_url: http or https, a host, no credentials, no query, no fragment, no whitespace. */
static intercom_code check_base_url(const char *base, intercom_error *err) {
    char shown[512];
    redact_url(shown, sizeof shown, base);
    if (strncasecmp(base, "http://", 7) && strncasecmp(base, "https://", 8))
        return ic_fail(err, INTERCOM_E_INVALID_ARGUMENT, "base URL \"%s\" must start with http:// or https://", shown);
    for (const unsigned char *p = (const unsigned char *)base; *p; p++)
        if (*p <= ' ' || *p == 127)
            return ic_fail(err, INTERCOM_E_INVALID_ARGUMENT, "base URL \"%s\" contains whitespace or a control character",
                           shown);
    const char *auth = strstr(base, "://") + 3;
    size_t alen = strcspn(auth, "/?#");
    if (memchr(auth, '@', alen))
        return ic_fail(err, INTERCOM_E_INVALID_ARGUMENT,
                       "base URL \"%s\" must not contain credentials (user:password@): the bearer token authenticates",
                       shown);
    if (!alen || *auth == ':')
        return ic_fail(err, INTERCOM_E_INVALID_ARGUMENT, "base URL \"%s\" has no host", shown);
    if (strchr(base, '?'))
        return ic_fail(err, INTERCOM_E_INVALID_ARGUMENT, "base URL \"%s\" must not have a query (?...)", shown);
    if (strchr(base, '#'))
        return ic_fail(err, INTERCOM_E_INVALID_ARGUMENT, "base URL \"%s\" must not have a fragment (#...)", shown);
    CURLU *u = curl_url();
    if (!u) return ic_fail(err, INTERCOM_E_NOMEM, "out of memory");
    CURLUcode uc = curl_url_set(u, CURLUPART_URL, base, 0);
    curl_url_cleanup(u);
    if (uc == CURLUE_OUT_OF_MEMORY) return ic_fail(err, INTERCOM_E_NOMEM, "out of memory");
    if (uc != CURLUE_OK)
        return ic_fail(err, INTERCOM_E_INVALID_ARGUMENT, "base URL \"%s\" is not a valid URL: %s", shown,
                       curl_url_strerror(uc));
    return INTERCOM_OK;
}

/* proxy: [scheme://][user:password@]host[:port], scheme one of libcurl's proxy schemes. */
static intercom_code check_proxy(const char *proxy, intercom_error *err) {
    static const char *const schemes[] = {"http", "https", "socks4", "socks4a", "socks5", "socks5h"};
    char shown[512];
    redact_url(shown, sizeof shown, proxy);
    if (!*proxy) return INTERCOM_OK; /* "": no proxy, not even from the environment */
    const char *sep = strstr(proxy, "://");
    if (sep) {
        size_t i = 0, n = (size_t)(sep - proxy);
        while (i < sizeof schemes / sizeof *schemes && (strlen(schemes[i]) != n || strncasecmp(proxy, schemes[i], n)))
            i++;
        if (i == sizeof schemes / sizeof *schemes)
            return ic_fail(err, INTERCOM_E_INVALID_ARGUMENT,
                           "proxy \"%s\": unknown scheme (expected http, https, socks4, socks4a, socks5 or socks5h)",
                           shown);
    }
    for (const unsigned char *p = (const unsigned char *)proxy; *p; p++)
        if (*p <= ' ' || *p == 127)
            return ic_fail(err, INTERCOM_E_INVALID_ARGUMENT, "proxy \"%s\" contains whitespace or a control character",
                           shown);
    CURLU *u = curl_url();
    if (!u) return ic_fail(err, INTERCOM_E_NOMEM, "out of memory");
    CURLUcode uc = curl_url_set(u, CURLUPART_URL, proxy, CURLU_GUESS_SCHEME | CURLU_NON_SUPPORT_SCHEME);
    char *host = NULL, *path = NULL;
    if (uc == CURLUE_OK) uc = curl_url_get(u, CURLUPART_HOST, &host, 0);
    if (uc == CURLUE_OK) uc = curl_url_get(u, CURLUPART_PATH, &path, 0);
    int bad_path = uc == CURLUE_OK && path && strcmp(path, "/") && *path;
    curl_free(host);
    curl_free(path);
    curl_url_cleanup(u);
    if (uc == CURLUE_OUT_OF_MEMORY) return ic_fail(err, INTERCOM_E_NOMEM, "out of memory");
    if (uc != CURLUE_OK || bad_path)
        return ic_fail(err, INTERCOM_E_INVALID_ARGUMENT, "proxy \"%s\" is not [scheme://][user:password@]host[:port]%s%s",
                       shown, uc != CURLUE_OK ? ": " : "", uc != CURLUE_OK ? curl_url_strerror(uc) : "");
    return INTERCOM_OK;
}

/* local_address: an IP address, an interface of this machine, "if!NAME" or "host!NAME". */
static intercom_code check_local_address(const char *a, intercom_error *err) {
    unsigned char buf[sizeof(struct in6_addr)];
    if (inet_pton(AF_INET, a, buf) == 1 || inet_pton(AF_INET6, a, buf) == 1) return INTERCOM_OK;
    if (!strncmp(a, "host!", 5) && a[5]) return INTERCOM_OK;
    const char *ifname = !strncmp(a, "if!", 3) ? a + 3 : a;
    if (*ifname && strlen(ifname) < IF_NAMESIZE && if_nametoindex(ifname)) return INTERCOM_OK;
    return ic_fail(err, INTERCOM_E_INVALID_ARGUMENT,
                   "local_address \"%s\" is neither an IP address nor an interface of this machine "
                   "(\"host!NAME\" sends from the address NAME resolves to)", a);
}

intercom_code ic_request_base_url(const char *environment, const char *base_url, const char **out,
                                  intercom_error *err) {
    *out = NULL;
    if (environment && base_url)
        return ic_fail(err, INTERCOM_E_INVALID_ARGUMENT,
                       "intercom_request_options: both environment \"%s\" and base_url are set: choose one", environment);
    if (environment) {
        for (size_t i = 0; i < sizeof environments / sizeof *environments; i++)
            if (!strcasecmp(environment, environments[i].name) || !strcasecmp(environment, environments[i].alias))
                return *out = environments[i].url, INTERCOM_OK;
        return ic_fail(err, INTERCOM_E_INVALID_ARGUMENT,
                       "intercom_request_options: unknown environment \"%s\" (expected production, environment_1, "
                       "environment_2, us, eu or au)", environment);
    }
    if (base_url) {
        intercom_code rc = check_base_url(base_url, err);
        if (rc) return rc;
        *out = base_url;
    }
    return INTERCOM_OK;
}

intercom_code ic_config_new(ic_config **out, const intercom_client_options *opts, intercom_error *err) {
    intercom_client_options defaults = INTERCOM_CLIENT_OPTIONS_INIT, upgraded;
    *out = NULL;
    if (!opts) opts = &defaults;
    /* a caller's older (smaller) struct: its fields, the later ones' defaults (options.c) */
    intercom_code vrc = ic_options_upgrade(&ic_client_options_layout, &upgraded, opts, err);
    if (vrc) return vrc;
    opts = &upgraded;
    const intercom_rate_limit_store *store = opts->rate_limit_store;
    if (store && (store->version != INTERCOM_RATE_LIMIT_STORE_VERSION || !store->acquire || !store->release))
        return ic_fail(err, INTERCOM_E_INVALID_ARGUMENT,
                       "rate_limit_store needs version %u, acquire and release", INTERCOM_RATE_LIMIT_STORE_VERSION);
    if (ic_check_alloc(opts->allocator, err)) return INTERCOM_E_INVALID_ARGUMENT;
    const intercom_allocator *a = ic_opts_alloc(opts);
    pthread_once(&curl_once, curl_init);
    if (curl_init_rc != CURLE_OK)
        return ic_fail(err, INTERCOM_E_INTERNAL, "curl_global_init failed: %s", curl_easy_strerror(curl_init_rc));

    const char *token = opts->bearer_token ? opts->bearer_token : getenv("INTERCOM_TEST_1_BEARER_TOKEN");
    if (!token || !*token)
        return ic_fail(err, INTERCOM_E_INVALID_ARGUMENT,
                       "no bearer token: set intercom_client_options.bearer_token or the "
                       "INTERCOM_TEST_1_BEARER_TOKEN environment variable");
    if (!ic_header_value_ok(token))
        return ic_fail(err, INTERCOM_E_INVALID_ARGUMENT, "bearer token contains CR or LF");

    const char *base = opts->base_url, *base_from = "base_url";
    if (!base || !*base) base = getenv("INTERCOM_BASE_URL"), base_from = "INTERCOM_BASE_URL";
    if (!base || !*base) base = NULL;
    if (opts->environment) { /* an unknown environment is an error, whatever else is set */
        const char *url = NULL;
        for (size_t i = 0; i < sizeof environments / sizeof *environments; i++)
            if (!strcasecmp(opts->environment, environments[i].name) || !strcasecmp(opts->environment, environments[i].alias))
                url = environments[i].url;
        if (!url)
            return ic_fail(err, INTERCOM_E_INVALID_ARGUMENT,
                           "unknown environment \"%s\" (expected production, environment_1, environment_2, us, eu "
                           "or au)", opts->environment);
        if (base) /* as the seed: an explicit environment and a base URL are ambiguous */
            return ic_fail(err, INTERCOM_E_INVALID_ARGUMENT,
                           "both environment \"%s\" and %s are set: choose one", opts->environment, base_from);
        base = url;
    }
    if (!base) base = environments[0].url;
    vrc = check_base_url(base, err);
    if (vrc) return vrc;
    const char *api_version = opts->api_version ? opts->api_version : INTERCOM_DEFAULT_API_VERSION;
    if (!ic_header_value_ok(api_version) || !*api_version)
        return ic_fail(err, INTERCOM_E_INVALID_ARGUMENT, "api_version is empty or contains CR/LF");
    if (opts->user_agent && !ic_header_value_ok(opts->user_agent))
        return ic_fail(err, INTERCOM_E_INVALID_ARGUMENT, "user_agent contains CR or LF");
    if (opts->max_retries < 0 || opts->max_retries > 100)
        return ic_fail(err, INTERCOM_E_INVALID_ARGUMENT, "max_retries must be between 0 and 100");
    static const char *const OPT = "intercom_client_options";
    if ((vrc = ic_check_seconds(OPT, "timeout", opts->timeout, err)) ||
        (vrc = ic_check_seconds(OPT, "connect_timeout", opts->connect_timeout, err)) ||
        (vrc = ic_check_seconds(OPT, "read_timeout", opts->read_timeout, err)) ||
        (vrc = ic_check_seconds(OPT, "write_timeout", opts->write_timeout, err)) ||
        (vrc = ic_check_seconds(OPT, "retry_initial_delay", opts->retry_initial_delay, err)) ||
        (vrc = ic_check_seconds(OPT, "retry_max_delay", opts->retry_max_delay, err)) ||
        (vrc = ic_check_seconds(OPT, "retry_after_max", opts->retry_after_max, err)))
        return vrc;
    if (opts->proxy && (vrc = check_proxy(opts->proxy, err))) return vrc;
    if (opts->local_address && (vrc = check_local_address(opts->local_address, err))) return vrc;
    if (opts->ca_bundle && access(opts->ca_bundle, R_OK))
        return ic_fail(err, INTERCOM_E_INVALID_ARGUMENT, "ca_bundle \"%s\" cannot be read: %s", opts->ca_bundle,
                       strerror(errno));
    size_t nh = 0;
    for (const intercom_kv *h = opts->default_headers; h && h->key; h++, nh++) {
        if (!ic_header_name_ok(h->key) || !ic_header_value_ok(h->value))
            return ic_fail(err, INTERCOM_E_INVALID_ARGUMENT, "default header \"%s\" has an invalid name or a value with CR/LF",
                           h->key);
        if (ic_header_is_framing(h->key))
            return ic_fail(err, INTERCOM_E_INVALID_ARGUMENT,
                           "default header \"%s\" may not be set: libcurl writes the message framing", h->key);
    }

    ic_config *c = ic_calloc(a, 1, sizeof *c);
    if (!c) return ic_fail(err, INTERCOM_E_NOMEM, "out of memory");
    c->alloc = a;
    c->token = ic_astrdup(a, token);
    c->base_url = ic_astrdup(a, base);
    size_t bl = c->base_url ? strlen(c->base_url) : 0;
    while (bl && c->base_url[bl - 1] == '/') c->base_url[--bl] = '\0';
    c->api_version = ic_astrdup(a, api_version);
    if (opts->user_agent) {
        c->user_agent = ic_astrdup(a, opts->user_agent);
    } else if (ic_asprintf(a, &c->user_agent, "libintercom/%s libcurl/%s", INTERCOM_VERSION_STRING,
                        curl_version_info(CURLVERSION_NOW)->version) < 0) {
        c->user_agent = NULL;
    }
    c->proxy = ic_astrdup(a, opts->proxy);
    c->local_address = ic_astrdup(a, opts->local_address);
    c->ca_bundle = ic_astrdup(a, opts->ca_bundle);
    c->default_headers = ic_calloc(a, nh + 1, sizeof *c->default_headers);
    int oom = !c->token || !c->base_url || !c->api_version || !c->user_agent || !c->default_headers ||
              (opts->proxy && !c->proxy) || (opts->local_address && !c->local_address) ||
              (opts->ca_bundle && !c->ca_bundle);
    for (size_t i = 0; !oom && i < nh; i++)
        if (ic_asprintf(a, &c->default_headers[i], "%s: %s", opts->default_headers[i].key,
                     opts->default_headers[i].value ? opts->default_headers[i].value : "") < 0) {
            c->default_headers[i] = NULL;
            oom = 1;
        }
    c->max_retries = opts->max_retries;
    c->timeout = opts->timeout;
    c->connect_timeout = opts->connect_timeout;
    c->read_timeout = opts->read_timeout;
    c->write_timeout = opts->write_timeout;
    c->retry_initial_delay = opts->retry_initial_delay;
    c->retry_max_delay = opts->retry_max_delay;
    c->retry_after_max = opts->retry_after_max;
    c->insecure = opts->insecure_skip_tls_verify;
    c->max_response_size = opts->max_response_size ? opts->max_response_size : (size_t)64 * 1024 * 1024;
    c->strict = opts->strict;
    c->log_level = opts->log_level;
    if (c->log_level < 0) {
        const char *e = getenv("INTERCOM_LOG");
        c->log_level = !e ? INTERCOM_LOG_OFF
                       : !strcasecmp(e, "debug") ? INTERCOM_LOG_DEBUG
                       : !strcasecmp(e, "info") ? INTERCOM_LOG_INFO
                                                : INTERCOM_LOG_OFF;
    }
    c->log_fn = opts->log_fn;
    c->log_payload = opts->log_payload;
    c->curl_hook = opts->curl_hook;
    c->curl_hook_payload = opts->curl_hook_payload;
    c->compression = !opts->disable_compression;
    c->pace_rate_limit = opts->pace_rate_limit;
    c->decoded_memory_factor = opts->decoded_memory_factor ? opts->decoded_memory_factor : IC_DECODE_DEFAULT_FACTOR;
    if (store || c->pace_rate_limit) {
        c->pace_rate_limit = 1;
        if (store) {
            c->store = *store;
        } else if ((c->rl_mem = ic_rl_mem_new(a, 0))) {
            c->store = (intercom_rate_limit_store){INTERCOM_RATE_LIMIT_STORE_VERSION, ic_rl_mem_acquire,
                                                   ic_rl_mem_release, c->rl_mem};
        } else {
            oom = 1;
        }
        if (!oom && ic_rl_key(c->token, c->token_key)) {
            ic_config_free(c);
            return ic_fail(err, INTERCOM_E_INTERNAL, "SHA-256 of the token failed (libcrypto)");
        }
    }
    intercom_code hrc = INTERCOM_OK;
    if (!oom && ((hrc = ic_build_headers(&c->hdr_plain, c, c->api_version, 0, NULL, err)) ||
                 (hrc = ic_build_headers(&c->hdr_json, c, c->api_version, 1, NULL, err)))) {
        ic_config_free(c);
        return hrc;
    }
    if (oom) {
        ic_config_free(c);
        return ic_fail(err, INTERCOM_E_NOMEM, "out of memory");
    }
    *out = c;
    return INTERCOM_OK;
}

void ic_config_free(ic_config *c) {
    if (!c) return;
    curl_slist_free_all(c->hdr_plain);
    curl_slist_free_all(c->hdr_json);
    ic_rl_mem_free(c->rl_mem);
    if (c->token) memset(c->token, 0, strlen(c->token));
    ic_free(c->alloc, c->token);
    ic_free(c->alloc, c->base_url);
    ic_free(c->alloc, c->api_version);
    ic_free(c->alloc, c->user_agent);
    ic_free(c->alloc, c->proxy);
    ic_free(c->alloc, c->local_address);
    ic_free(c->alloc, c->ca_bundle);
    for (char **h = c->default_headers; h && *h; h++) ic_free(c->alloc, *h);
    ic_free(c->alloc, c->default_headers);
    ic_free(c->alloc, c);
}

/* ---------- logging ---------- */

void ic_log(const ic_config *c, intercom_log_level lvl, const char *fmt, ...) {
    if (!c || (int)lvl > c->log_level) return;
    char small[1024], *line = small;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n >= (int)sizeof small && (line = ic_malloc(c->alloc, (size_t)n + 1))) {
        va_start(ap, fmt);
        vsnprintf(line, (size_t)n + 1, fmt, ap);
        va_end(ap);
    } else if (n >= (int)sizeof small) {
        line = small;
    }
    if (c->log_fn) c->log_fn(lvl, line, c->log_payload);
    else fprintf(stderr, "[intercom %s] %s\n", lvl == INTERCOM_LOG_DEBUG ? "debug" : "info", line);
    if (line != small) ic_free(c->alloc, line);
}
