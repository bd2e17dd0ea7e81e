/* SPDX-License-Identifier: MIT */
/**
 * @file intercom.h
 * @brief libintercom: a C client for the Intercom REST API. Include this one header.
 *
 * Start with client.h (options, sync client, generic requests), error.h (codes and
 * the error record), model.h (what every typed model offers), response.h (raw
 * responses), async.h (the async client), and generated/operations.h (one
 * function per API operation, see docs/api.md). webhook.h, identity.h and oauth.h:
 * signed webhooks, Messenger identity verification, OAuth for public apps.
 */
#ifndef INTERCOM_INTERCOM_H
#define INTERCOM_INTERCOM_H

#include "common.h"
#include "alloc.h"
#include "error.h"
#include "model.h"
#include "reflection.h"
#include "decoder.h"
#include "response.h"
#include "client.h"
#include "async.h"
#include "pagination.h"
#include "webhook.h"
#include "identity.h"
#include "oauth.h"
#include "generated/models.h"
#include "generated/operations.h"

#endif
