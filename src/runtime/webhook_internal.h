/* SPDX-License-Identifier: MIT */
/* Internal: the webhook topic table (webhook_topics.c). Not installed. */
#ifndef INTERCOM_WEBHOOK_INTERNAL_H
#define INTERCOM_WEBHOOK_INTERNAL_H

#include "model.h"

typedef struct ic_webhook_topic {
    const char *topic;       /* e.g. "conversation.user.created" */
    const char *object_type; /* the item's `type` the topic documents, e.g. "conversation" */
} ic_webhook_topic;

IC_HIDDEN extern const ic_webhook_topic ic_webhook_topics[]; /* sorted by topic */
IC_HIDDEN extern const size_t ic_webhook_topics_count;
IC_HIDDEN const ic_webhook_topic *ic_webhook_topic_find(const char *topic);
/* Schema name of the generated model for an item `type`, or NULL when none covers it. */
IC_HIDDEN const char *ic_webhook_schema_for(const char *item_type);
/* The generated model for an item `type` (resolved once, cached), or NULL when none covers it. */
IC_HIDDEN const intercom_type *ic_webhook_model_for(const char *item_type);
/* The generated object type with this schema name (through the registry), or NULL. */
IC_HIDDEN const intercom_type *ic_type_by_name(const char *schema);

#endif
