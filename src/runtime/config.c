/* SPDX-License-Identifier: MIT */
/* Client options -> the immutable configuration every request reads. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "internal.h"
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

static void share_lock(CURL *h, curl_lock_data data, curl_lock_access a, void *ud) {
    (void)h, (void)a;
    pthread_mutex_lock(&((ic_config *)ud)->share_locks[data]);
}
static void share_unlock(CURL *h, curl_lock_data data, void *ud) {
    (void)h;
    pthread_mutex_unlock(&((ic_config *)ud)->share_locks[data]);
}

static int nonneg(double x) { return x >= 0.0; }

intercom_code ic_config_new(ic_config **out, const intercom_client_options *opts, intercom_error *err) {
    intercom_client_options defaults = INTERCOM_CLIENT_OPTIONS_INIT, upgraded;
    *out = NULL;
    if (!opts) opts = &defaults;
    /* a caller's older (smaller) struct: its fields, the later ones' defaults (options.c) */
    intercom_code vrc = ic_options_upgrade(&ic_client_options_layout, &upgraded, opts, err);
    if (vrc) return vrc;
    opts = &upgraded;
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

    const char *base = opts->base_url;
    if (!base || !*base) base = getenv("INTERCOM_BASE_URL");
    if (!base || !*base) {
        const char *env = opts->environment ? opts->environment : "production";
        for (size_t i = 0; i < sizeof environments / sizeof *environments; i++)
            if (!strcasecmp(env, environments[i].name) || !strcasecmp(env, environments[i].alias))
                base = environments[i].url;
        if (!base)
            return ic_fail(err, INTERCOM_E_INVALID_ARGUMENT,
                           "unknown environment \"%s\" (expected production, environment_1, environment_2, us, eu "
                           "or au)", env);
    }
    if (strncasecmp(base, "http://", 7) && strncasecmp(base, "https://", 8))
        return ic_fail(err, INTERCOM_E_INVALID_ARGUMENT, "base URL \"%s\" must start with http:// or https://", base);
    const char *api_version = opts->api_version ? opts->api_version : INTERCOM_DEFAULT_API_VERSION;
    if (!ic_header_value_ok(api_version) || !*api_version)
        return ic_fail(err, INTERCOM_E_INVALID_ARGUMENT, "api_version is empty or contains CR/LF");
    if (opts->user_agent && !ic_header_value_ok(opts->user_agent))
        return ic_fail(err, INTERCOM_E_INVALID_ARGUMENT, "user_agent contains CR or LF");
    if (opts->max_retries < 0 || opts->max_retries > 100)
        return ic_fail(err, INTERCOM_E_INVALID_ARGUMENT, "max_retries must be between 0 and 100");
    if (!nonneg(opts->timeout) || !nonneg(opts->connect_timeout) || !nonneg(opts->read_timeout) ||
        !nonneg(opts->write_timeout) || !nonneg(opts->retry_initial_delay) || !nonneg(opts->retry_max_delay) ||
        !nonneg(opts->retry_after_max))
        return ic_fail(err, INTERCOM_E_INVALID_ARGUMENT, "timeouts and delays must be >= 0");
    size_t nh = 0;
    for (const intercom_kv *h = opts->default_headers; h && h->key; h++, nh++)
        if (!ic_header_name_ok(h->key) || !ic_header_value_ok(h->value))
            return ic_fail(err, INTERCOM_E_INVALID_ARGUMENT, "default header \"%s\" has an invalid name or a value with CR/LF",
                           h->key);

    ic_config *c = calloc(1, sizeof *c);
    if (!c) return ic_fail(err, INTERCOM_E_NOMEM, "out of memory");
    for (int i = 0; i < CURL_LOCK_DATA_LAST; i++) pthread_mutex_init(&c->share_locks[i], NULL);
    pthread_mutex_init(&c->pace_lock, NULL);
    c->token = strdup(token);
    c->base_url = strdup(base);
    size_t bl = strlen(c->base_url);
    while (bl && c->base_url[bl - 1] == '/') c->base_url[--bl] = '\0';
    c->api_version = strdup(api_version);
    if (opts->user_agent) {
        c->user_agent = strdup(opts->user_agent);
    } else if (asprintf(&c->user_agent, "libintercom/%s libcurl/%s", INTERCOM_VERSION_STRING,
                        curl_version_info(CURLVERSION_NOW)->version) < 0) {
        c->user_agent = NULL;
    }
    c->proxy = ic_strdup(opts->proxy);
    c->local_address = ic_strdup(opts->local_address);
    c->ca_bundle = ic_strdup(opts->ca_bundle);
    c->default_headers = calloc(nh + 1, sizeof *c->default_headers);
    int oom = !c->token || !c->base_url || !c->api_version || !c->user_agent || !c->default_headers ||
              (opts->proxy && !c->proxy) || (opts->local_address && !c->local_address) ||
              (opts->ca_bundle && !c->ca_bundle);
    for (size_t i = 0; !oom && i < nh; i++)
        if (asprintf(&c->default_headers[i], "%s: %s", opts->default_headers[i].key,
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
    intercom_code hrc = INTERCOM_OK;
    if (!oom && ((hrc = ic_build_headers(&c->hdr_plain, c, c->api_version, 0, NULL, err)) ||
                 (hrc = ic_build_headers(&c->hdr_json, c, c->api_version, 1, NULL, err)))) {
        ic_config_free(c);
        return hrc;
    }
    if (!oom && (c->share = curl_share_init())) {
        curl_share_setopt(c->share, CURLSHOPT_LOCKFUNC, share_lock);
        curl_share_setopt(c->share, CURLSHOPT_UNLOCKFUNC, share_unlock);
        curl_share_setopt(c->share, CURLSHOPT_USERDATA, c);
        curl_share_setopt(c->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
        curl_share_setopt(c->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
    }
    if (oom || !c->share) {
        ic_config_free(c);
        return ic_fail(err, INTERCOM_E_NOMEM, "out of memory");
    }
    *out = c;
    return INTERCOM_OK;
}

void ic_config_free(ic_config *c) {
    if (!c) return;
    if (c->share) curl_share_cleanup(c->share);
    curl_slist_free_all(c->hdr_plain);
    curl_slist_free_all(c->hdr_json);
    for (int i = 0; i < CURL_LOCK_DATA_LAST; i++) pthread_mutex_destroy(&c->share_locks[i]);
    pthread_mutex_destroy(&c->pace_lock);
    if (c->token) memset(c->token, 0, strlen(c->token));
    free(c->token);
    free(c->base_url);
    free(c->api_version);
    free(c->user_agent);
    free(c->proxy);
    free(c->local_address);
    free(c->ca_bundle);
    for (char **h = c->default_headers; h && *h; h++) free(*h);
    free(c->default_headers);
    free(c);
}

/* ---------- logging ---------- */

void ic_log(const ic_config *c, intercom_log_level lvl, const char *fmt, ...) {
    if (!c || (int)lvl > c->log_level) return;
    char small[1024], *line = small;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n >= (int)sizeof small && (line = malloc((size_t)n + 1))) {
        va_start(ap, fmt);
        vsnprintf(line, (size_t)n + 1, fmt, ap);
        va_end(ap);
    } else if (n >= (int)sizeof small) {
        line = small;
    }
    if (c->log_fn) c->log_fn(lvl, line, c->log_payload);
    else fprintf(stderr, "[intercom %s] %s\n", lvl == INTERCOM_LOG_DEBUG ? "debug" : "info", line);
    if (line != small) free(line);
}
