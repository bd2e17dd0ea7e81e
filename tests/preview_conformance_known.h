/* SPDX-License-Identifier: MIT */
/* KNOWN[] of the Preview conformance run (tests/test_preview_conformance.c, included inside the
 * array of tests/test_conformance.c): operations for which Prism itself cannot produce a 2xx from
 * ../shared/openapi/intercom-preview.json, each with the description's own contradiction. The CLI
 * run (tests/test_cli_prism.sh with CLI_NS=preview) mirrors the method + path list. */
{"GET", "/calls/{id}/recording",
 "the description declares no 2xx response, only a 302 redirect to the recording file (plus 401, 404), so "
 "Prism answers 302; the library never follows redirects (INTERCOM_E_STATUS with the Location)"},
{"POST", "/conversations",
 "create_conversation_request.from.id is declared format: uuid (36 characters) and minLength/maxLength 24 (its "
 "example is a 24-character hex id), so no value passes Prism's validation (422 maxLength or format)"},
{"GET", "/events",
 "the required `filter` query parameter is an object with style form, explode true, and each oneOf branch has "
 "additionalProperties: false; Prism folds every query parameter (including the required `type`) into that object, "
 "so no query string validates (as in 2.16)"},
