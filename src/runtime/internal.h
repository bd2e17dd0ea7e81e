/* SPDX-License-Identifier: MIT */
/* Every runtime layer at once (core.h, model.h, http.h, client.h): for the generated code and
 * the unit tests of internals. A runtime file includes its own layer's header instead
 * (docs/architecture.md, tests/check_layers.sh). Not installed. */
#ifndef INTERCOM_INTERNAL_H
#define INTERCOM_INTERNAL_H

#include "client.h"

#endif
