/* SPDX-License-Identifier: MIT */
/* Create a ticket for a contact. Usage: create_ticket [ticket_type_id] [contact_id] */
#include <jansson.h>
#include "common.h"

int main(int argc, char **argv) {
    intercom_client *client = example_client();
    intercom_error err = INTERCOM_ERROR_INIT;
    intercom_create_ticket_request_contacts who = INTERCOM_CREATE_TICKET_REQUEST_CONTACTS_INIT;
    who.id = argc > 2 ? argv[2] : "6657add46abd0167d9419cd2";
    intercom_create_ticket_request_contacts *contacts[] = {&who};
    intercom_tickets_create_params p = INTERCOM_TICKETS_CREATE_PARAMS_INIT;
    p.ticket_type_id = argc > 1 ? argv[1] : "1234";
    p.contacts = contacts;
    p.contacts_count = 1;
    p.ticket_attributes = json_pack("{s:s, s:s}", "_default_title_", "example", "_default_description_", "there is a problem");
    intercom_ticket *ticket = NULL;
    intercom_code rc = intercom_tickets_create(client, &p, NULL, &ticket, &err);
    json_decref(p.ticket_attributes);
    if (rc != INTERCOM_OK) return example_fail("tickets.create", rc, &err);
    printf("created ticket %s\n", ticket->id ? ticket->id : "?");
    intercom_ticket_free(ticket);
    intercom_client_free(client);
    return 0;
}
