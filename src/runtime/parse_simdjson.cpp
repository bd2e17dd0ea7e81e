/* SPDX-License-Identifier: MIT */
/* Issue 12 trial: simdjson's On-Demand API over a whole buffered body, delivering the decoder's
 * events (yajl's callback table, so the same descriptor walker fills the same structs). Built only
 * with -DINTERCOM_SIMDJSON=ON; bench/bench_simdjson prints it against yajl. Not the default parser:
 * see bench/README.md for the figures and the trade-off. */
#include <simdjson.h>

#include <cstring>
#include <utility>
#include <string_view>

#include <yajl/yajl_parse.h>

using namespace simdjson;

namespace {

struct walker {
    const yajl_callbacks *cb;
    void *ctx;
    const char *why;
};

/* JSON number syntax: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
bool number_syntax(std::string_view s) {
    size_t i = 0, n = s.size();
    if (i < n && s[i] == '-') i++;
    if (i == n) return false;
    if (s[i] == '0') i++;
    else if (s[i] >= '1' && s[i] <= '9') while (i < n && s[i] >= '0' && s[i] <= '9') i++;
    else return false;
    if (i < n && s[i] == '.') {
        size_t k = ++i;
        while (i < n && s[i] >= '0' && s[i] <= '9') i++;
        if (i == k) return false;
    }
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-')) i++;
        size_t k = i;
        while (i < n && s[i] >= '0' && s[i] <= '9') i++;
        if (i == k) return false;
    }
    return i == n;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r')) s.remove_suffix(1);
    return s;
}

/* 0: done; 1: a callback stopped; 2: not JSON (w.why) */
int bad(walker &w, error_code e) {
    w.why = error_message(e);
    return 2;
}

int walk(walker &w, ondemand::value v) {
    ondemand::json_type t;
    if (auto e = v.type().get(t)) return bad(w, e);
    switch (t) {
    case ondemand::json_type::object: {
        ondemand::object o;
        if (auto e = v.get_object().get(o)) return bad(w, e);
        if (!w.cb->yajl_start_map(w.ctx)) return 1;
        for (auto fr : o) {
            ondemand::field f;
            if (auto e = std::move(fr).get(f)) return bad(w, e);
            std::string_view k;
            if (auto e = f.unescaped_key().get(k)) return bad(w, e);
            if (!w.cb->yajl_map_key(w.ctx, reinterpret_cast<const unsigned char *>(k.data()), k.size())) return 1;
            if (int r = walk(w, f.value())) return r;
        }
        return w.cb->yajl_end_map(w.ctx) ? 0 : 1;
    }
    case ondemand::json_type::array: {
        ondemand::array a;
        if (auto e = v.get_array().get(a)) return bad(w, e);
        if (!w.cb->yajl_start_array(w.ctx)) return 1;
        for (auto er : a) {
            ondemand::value ev;
            if (auto e = std::move(er).get(ev)) return bad(w, e);
            if (int r = walk(w, ev)) return r;
        }
        return w.cb->yajl_end_array(w.ctx) ? 0 : 1;
    }
    case ondemand::json_type::string: {
        std::string_view s;
        if (auto e = v.get_string().get(s)) return bad(w, e);
        return w.cb->yajl_string(w.ctx, reinterpret_cast<const unsigned char *>(s.data()), s.size()) ? 0 : 1;
    }
    case ondemand::json_type::number: {
        std::string_view s = trim(v.raw_json_token());
        if (!number_syntax(s)) {
            w.why = "invalid number";
            return 2;
        }
        return w.cb->yajl_number(w.ctx, s.data(), s.size()) ? 0 : 1;
    }
    case ondemand::json_type::boolean: {
        bool b;
        if (auto e = v.get_bool().get(b)) return bad(w, e);
        return w.cb->yajl_boolean(w.ctx, b) ? 0 : 1;
    }
    case ondemand::json_type::null: {
        bool isnull = false;
        if (auto e = v.is_null().get(isnull)) return bad(w, e);
        if (!isnull) {
            w.why = "invalid literal";
            return 2;
        }
        return w.cb->yajl_null(w.ctx) ? 0 : 1;
    }
    }
    w.why = "unexpected value";
    return 2;
}

} // namespace

extern "C" int ic_simdjson_drive(const void *yajl_cb, void *ctx, const char *p, size_t n, const void *arg,
                                 const char **why);

/* The whole body, copied once into a padded buffer (On-Demand reads up to 64 bytes past the end),
 * parsed with a parser kept per thread (its buffers are reused between bodies). */
extern "C" int ic_simdjson_drive(const void *yajl_cb, void *ctx, const char *p, size_t n, const void *arg,
                                 const char **why) {
    (void)arg;
    static thread_local ondemand::parser parser;
    walker w{static_cast<const yajl_callbacks *>(yajl_cb), ctx, nullptr};
    try {
        padded_string body(p, n);
        ondemand::document doc;
        if (auto e = parser.iterate(body).get(doc)) return *why = error_message(e), 2;
        ondemand::value root;
        if (auto e = doc.get_value().get(root)) return *why = error_message(e), 2;
        int r = walk(w, root);
        if (r == 2) *why = w.why;
        if (r) return r;
        const char *rest = nullptr; /* in bounds after the root value: something follows it */
        if (doc.current_location().get(rest) == SUCCESS) return *why = "trailing content after the JSON value", 2;
        return 0;
    } catch (...) { /* padded_string or the parser out of memory */
        *why = "out of memory";
        return 2;
    }
}
