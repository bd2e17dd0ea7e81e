/* SPDX-License-Identifier: MIT */
/* Reply to a conversation as an admin. Usage: reply_conversation [conversation_id] [admin_id] */
#include "common.h"

int main(int argc, char **argv) {
    intercom_client *client = example_client();
    intercom_error err = INTERCOM_ERROR_INIT;
    intercom_conversations_reply_create_params p = INTERCOM_CONVERSATIONS_REPLY_CREATE_PARAMS_INIT;
    p.conversation_id = argc > 1 ? argv[1] : "123";
    p.message_type = INTERCOM_REPLY_MESSAGE_TYPE_COMMENT;
    p.type = INTERCOM_REPLY_AUTHOR_TYPE_ADMIN;
    p.admin_id = argc > 2 ? argv[2] : "991267459";
    p.body = "Thanks, we are on it.";
    intercom_conversation *conv = NULL;
    intercom_code rc = intercom_conversations_reply_create(client, &p, NULL, &conv, &err);
    if (rc != INTERCOM_OK) return example_fail("conversations.reply.create", rc, &err);
    printf("replied to conversation %s (state %s)\n", conv->id ? conv->id : "?", conv->state_str ? conv->state_str : "?");
    intercom_conversation_free(conv);
    intercom_client_free(client);
    return 0;
}
