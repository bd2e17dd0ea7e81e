/* SPDX-License-Identifier: MIT */
/* The response headers a benchmark server sends, shaped like api.intercom.io's (issue 12 item 4):
 * with the mock server's own status line, Content-Length and Content-Type, a response carries
 * ten header lines, among them the three X-RateLimit-* ones, a request id and keep-alive. */
#ifndef BENCH_INTERCOM_HEADERS_H
#define BENCH_INTERCOM_HEADERS_H

#define BENCH_INTERCOM_HEADERS                                                                  \
    "Content-Type: application/json; charset=utf-8\r\n"                                         \
    "Date: Mon, 30 Nov 2026 08:00:00 GMT\r\n"                                                   \
    "Connection: keep-alive\r\n"                                                                \
    "Server: nginx\r\n"                                                                         \
    "Vary: Accept-Encoding, Origin\r\n"                                                         \
    "X-RateLimit-Limit: 10000\r\n"                                                              \
    "X-RateLimit-Remaining: 9987\r\n"                                                           \
    "X-RateLimit-Reset: 1764489660\r\n"                                                         \
    "X-Request-Id: 0005lt8rn9qeunpn5ri0\r\n"                                                    \
    "Intercom-Version: 2.16\r\n"

#endif
