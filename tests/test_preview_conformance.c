/* SPDX-License-Identifier: MIT */
/* Conformance against Prism serving the Preview description (../shared/openapi/intercom-preview.json):
 * every Preview operation through its typed function (intercom_preview_<name>, every 10th through its
 * async twin), the same checks as tests/test_conformance.c, which this compiles with the Preview's
 * cases (tests/generated/preview_conformance_cases.c) and its own KNOWN[] (preview_conformance_known.h). */
#define CONFORMANCE_PREVIEW 1
#include "test_conformance.c"
