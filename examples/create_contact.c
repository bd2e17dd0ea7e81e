/* SPDX-License-Identifier: MIT */
/* Create a contact with a custom attribute, then print it as JSON. */
#include <jansson.h>
#include "common.h"

int main(void) {
    intercom_client *client = example_client();
    intercom_error err = INTERCOM_ERROR_INIT;
    intercom_contacts_create_params p = INTERCOM_CONTACTS_CREATE_PARAMS_INIT;
    p.role = "user";
    p.email = "joe@example.com";
    p.name = "Joe Example";
    INTERCOM_SET(&p, signed_up_at, 1717415380); /* a scalar: its value and its has_ member together */
    p.custom_attributes = json_pack("{s:s, s:i}", "plan", "pro", "seats", 5);
    intercom_contact *contact = NULL;
    intercom_code rc = intercom_contacts_create(client, &p, NULL, &contact, &err);
    json_decref(p.custom_attributes);
    if (rc != INTERCOM_OK) return example_fail("contacts.create", rc, &err);
    char *json = NULL;
    intercom_to_json(contact, INTERCOM_JSON_PRETTY, &json, NULL, NULL);
    printf("created contact %s\n%s\n", contact->id ? contact->id : "?", json);
    intercom_free_string(json);
    intercom_contact_free(contact);
    intercom_client_free(client);
    return 0;
}
