/* SPDX-License-Identifier: MIT */
/* Intercom's webhook topics and the object each carries, as data.
 *
 * Source: Intercom's "Webhook Topics" reference (developers.intercom.com, "Webhook models":
 * https://developers.intercom.com/docs/references/2.16/webhooks/webhook-models and the same page's
 * Markdown form, .../webhooks/webhook-models.md), checked row by row on 2026-11-30 against the stored
 * copies the project's search tool holds: the full Markdown table of the reference (Admin, Article, Call,
 * Company, Contact, Content stat, Conversation, Event, Jobs, Ping, Subscription, Ticket and Visitor
 * topics; its version is not stated in the copy), and the 2.16 page itself, of which only the beginning
 * was readable (its notes, naming conversation.admin.replied.translated and
 * ticket.admin.replied.translated, and its Admin table). Topics the reference marks "Preview API version
 * only" (audience.*, content_import_source.*) and those only on the preview page (api.request.completed,
 * ticket.resolved, content_snippet.*, conversation.company.updated) are left out: they still parse, as
 * unknown topics. Rows not confirmed by a table row of that reference: the two *.replied.translated topics
 * (object assumed from their names), and the item of the two-object topics company.contact.* ("Company,
 * Contact": company assumed) and conversation.contact.* ("Conversation, Contact": conversation assumed).
 * The reference spells contact.unarchive (the 2.6 changelog says "unarchived"); the table follows the
 * reference.
 *
 * The second column is the item's `type` as sent in `data.item.type` (the page's 'Object' column in its
 * wire form: "Contact Tag" is contact_tag, "Content Stat" content_stat, "Conversation Part"
 * conversation_part, "Subscription" subscription, "Job" job, as the 2.16 OpenAPI description's type values
 * say where it has the model); it is resolved at run time to a generated model by its schema name
 * (ic_webhook_schema_for), so renaming C types does not break it. Keep both tables sorted by their first
 * column (they are binary-searched). */

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "webhook_internal.h"

const ic_webhook_topic ic_webhook_topics[] = {
    {"admin.activity_log_event.created", "admin"},
    {"admin.added_to_workspace", "admin"},
    {"admin.away_mode_updated", "admin"},
    {"admin.logged_in", "admin"},
    {"admin.logged_out", "admin"},
    {"admin.removed_from_workspace", "admin"},
    {"article.created", "article"},
    {"article.deleted", "article"},
    {"article.published", "article"},
    {"article.unpublished", "article"},
    {"article.updated", "article"},
    {"call.ended", "call"},
    {"call.recording_available", "call"},
    {"call.started", "call"},
    {"call.transcription_available", "call"},
    {"company.contact.attached", "company"},
    {"company.contact.detached", "company"},
    {"company.created", "company"},
    {"company.deleted", "company"},
    {"company.updated", "company"},
    {"contact.archived", "contact"},
    {"contact.deleted", "contact"},
    {"contact.email.updated", "contact"},
    {"contact.lead.added_email", "contact"},
    {"contact.lead.created", "contact"},
    {"contact.lead.signed_up", "contact"},
    {"contact.lead.tag.created", "contact_tag"},
    {"contact.lead.tag.deleted", "contact_tag"},
    {"contact.lead.updated", "contact"},
    {"contact.merged", "contact"},
    {"contact.subscribed", "subscription"},
    {"contact.unarchive", "contact"},
    {"contact.unsubscribed", "subscription"},
    {"contact.user.created", "contact"},
    {"contact.user.tag.created", "contact_tag"},
    {"contact.user.tag.deleted", "contact_tag"},
    {"contact.user.updated", "contact"},
    {"content_stat.banner", "content_stat"},
    {"content_stat.carousel", "content_stat"},
    {"content_stat.chat", "content_stat"},
    {"content_stat.checklist", "content_stat"},
    {"content_stat.custom_bot", "content_stat"},
    {"content_stat.email", "content_stat"},
    {"content_stat.news_item", "content_stat"},
    {"content_stat.post", "content_stat"},
    {"content_stat.push", "content_stat"},
    {"content_stat.series", "content_stat"},
    {"content_stat.series.webhook", "content_stat"},
    {"content_stat.sms", "content_stat"},
    {"content_stat.survey", "content_stat"},
    {"content_stat.tooltip_group", "content_stat"},
    {"content_stat.tour", "content_stat"},
    {"conversation.admin.assigned", "conversation"},
    {"conversation.admin.closed", "conversation"},
    {"conversation.admin.noted", "conversation"},
    {"conversation.admin.open.assigned", "conversation"},
    {"conversation.admin.opened", "conversation"},
    {"conversation.admin.replied", "conversation"},
    {"conversation.admin.replied.translated", "conversation"},
    {"conversation.admin.single.created", "conversation"},
    {"conversation.admin.snoozed", "conversation"},
    {"conversation.admin.unsnoozed", "conversation"},
    {"conversation.contact.attached", "conversation"},
    {"conversation.contact.detached", "conversation"},
    {"conversation.deleted", "conversation"},
    {"conversation.operator.replied", "conversation"},
    {"conversation.priority.updated", "conversation"},
    {"conversation.rating.added", "conversation"},
    {"conversation.read", "conversation"},
    {"conversation.user.created", "conversation"},
    {"conversation.user.replied", "conversation"},
    {"conversation_part.redacted", "conversation_part"},
    {"conversation_part.tag.created", "conversation_part"},
    {"event.created", "event"},
    {"granular.subscribe", "subscription"},
    {"granular.unsubscribe", "subscription"},
    {"job.completed", "job"},
    {"ping", "ping"},
    {"ticket.admin.assigned", "ticket"},
    {"ticket.admin.replied", "ticket"},
    {"ticket.admin.replied.translated", "ticket"},
    {"ticket.attribute.updated", "ticket"},
    {"ticket.closed", "ticket"},
    {"ticket.contact.attached", "ticket"},
    {"ticket.contact.detached", "ticket"},
    {"ticket.contact.replied", "ticket"},
    {"ticket.created", "ticket"},
    {"ticket.note.created", "ticket"},
    {"ticket.rating.provided", "ticket"},
    {"ticket.state.updated", "ticket"},
    {"ticket.team.assigned", "ticket"},
    {"visitor.signed_up", "visitor"},
};
const size_t ic_webhook_topics_count = sizeof ic_webhook_topics / sizeof ic_webhook_topics[0];

/* An item's `type` -> the schema name of the generated model it decodes into. Types
 * absent here (contact_tag, content_stat, ping, ...) have no generated model: the item
 * stays JSON. */
static const struct {
    const char *item_type, *schema;
} ITEM_SCHEMAS[] = {
    {"activity_log", "activity_log"},
    {"admin", "admin"},
    {"article", "article"},
    {"call", "call"},
    {"company", "company"},
    {"contact", "contact"},
    {"conversation", "conversation"},
    {"conversation_part", "conversation_part"},
    {"event", "data_event"},
    {"job", "jobs"},
    {"lead", "contact"},
    {"news-item", "news_item"},
    {"news_item", "news_item"},
    {"note", "note"},
    {"segment", "segment"},
    {"subscription", "subscription_type"},
    {"subscription_type", "subscription_type"},
    {"tag", "tag"},
    {"team", "team"},
    {"ticket", "ticket"},
    {"ticket_part", "ticket_part"},
    {"user", "contact"},
    {"visitor", "visitor"},
};

const ic_webhook_topic *ic_webhook_topic_find(const char *topic) {
    size_t lo = 0, hi = ic_webhook_topics_count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(topic, ic_webhook_topics[mid].topic);
        if (!c) return &ic_webhook_topics[mid];
        if (c < 0) hi = mid;
        else lo = mid + 1;
    }
    return NULL;
}

#define N_ITEM_SCHEMAS (sizeof ITEM_SCHEMAS / sizeof ITEM_SCHEMAS[0])

static long item_index(const char *item_type) {
    size_t lo = 0, hi = N_ITEM_SCHEMAS;
    while (item_type && lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(item_type, ITEM_SCHEMAS[mid].item_type);
        if (!c) return (long)mid;
        if (c < 0) hi = mid;
        else lo = mid + 1;
    }
    return -1;
}

const char *ic_webhook_schema_for(const char *item_type) {
    long i = item_index(item_type);
    return i < 0 ? NULL : ITEM_SCHEMAS[i].schema;
}

/* The models of ITEM_SCHEMAS, looked up in the type table once. */
static const intercom_type *item_models[N_ITEM_SCHEMAS];
static pthread_once_t item_models_once = PTHREAD_ONCE_INIT;
static void resolve_item_models(void) {
    for (size_t i = 0; i < N_ITEM_SCHEMAS; i++) item_models[i] = ic_type_by_name(ITEM_SCHEMAS[i].schema);
}

const intercom_type *ic_webhook_model_for(const char *item_type) {
    long i = item_index(item_type);
    if (i < 0) return NULL;
    pthread_once(&item_models_once, resolve_item_models);
    return item_models[i];
}

const intercom_type *ic_type_by_name(const char *schema) {
    return ic_registry_type(schema, IC_T_OBJECT);
}
