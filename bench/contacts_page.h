/* SPDX-License-Identifier: MIT */
/* The contacts-list page of bench_decode (150 contacts of a realistic shape, about 300 KB), shared with
 * tests/test_decode_memory.c: make_page(n, &len) returns a malloc'd body of n contacts. */
#ifndef IC_BENCH_CONTACTS_PAGE_H
#define IC_BENCH_CONTACTS_PAGE_H
#include <stdio.h>
#include <stdlib.h>

static const char *CONTACT =
    "{\"type\":\"contact\",\"id\":\"6657add46abd0167d9419c%04d\",\"external_id\":\"ext-%d\","
    "\"workspace_id\":\"hfi1bx4l\",\"role\":\"user\",\"email\":\"joe%d@example.com\",\"email_domain\":\"example.com\","
    "\"phone\":\"+353871234%03d\",\"name\":\"Joe Example %d\",\"owner_id\":\"%d\",\"has_hard_bounced\":false,"
    "\"marked_email_as_spam\":false,\"unsubscribed_from_emails\":false,\"created_at\":1717415380,"
    "\"updated_at\":1717415390,\"signed_up_at\":1717415380,\"last_seen_at\":1717415385,\"last_replied_at\":null,"
    "\"last_contacted_at\":1717415388,\"last_email_opened_at\":null,\"last_email_clicked_at\":null,"
    "\"language_override\":null,\"browser\":\"chrome\",\"browser_version\":\"125.0.6422.112\","
    "\"browser_language\":\"en-US\",\"os\":\"OS X 10.15.7\",\"android_app_name\":null,\"android_app_version\":null,"
    "\"android_device\":null,\"android_os_version\":null,\"android_sdk_version\":null,\"android_last_seen_at\":null,"
    "\"ios_app_name\":null,\"ios_app_version\":null,\"ios_device\":null,\"ios_os_version\":null,"
    "\"ios_sdk_version\":null,\"ios_last_seen_at\":null,"
    "\"custom_attributes\":{\"plan\":\"pro\",\"seats\":%d,\"mrr\":129.5,\"beta\":true,\"signup_source\":\"web\","
    "\"account_manager\":\"alice@example.com\",\"last_invoice\":\"INV-2024-%05d\"},"
    "\"avatar\":{\"type\":\"avatar\",\"image_url\":\"https://static.intercomassets.com/avatars/%d/square_128/"
    "picture.jpg\"},"
    "\"tags\":{\"type\":\"list\",\"data\":[{\"type\":\"tag\",\"id\":\"%d\",\"url\":\"/tags/%d\"},{\"type\":\"tag\","
    "\"id\":\"81\",\"url\":\"/tags/81\"}],\"url\":\"/contacts/6657add46abd0167d9419c%04d/tags\",\"total_count\":2,"
    "\"has_more\":false},"
    "\"notes\":{\"type\":\"list\",\"data\":[{\"type\":\"note\",\"id\":\"%d\",\"url\":\"/notes/%d\"}],"
    "\"url\":\"/contacts/6657add46abd0167d9419c%04d/notes\",\"total_count\":1,\"has_more\":false},"
    "\"companies\":{\"type\":\"list\",\"data\":[{\"type\":\"company\",\"id\":\"6657add8%06d\",\"url\":"
    "\"/companies/6657add8%06d\"}],\"url\":\"/contacts/6657add46abd0167d9419c%04d/companies\",\"total_count\":1,"
    "\"has_more\":false},"
    "\"location\":{\"type\":\"location\",\"country\":\"Ireland\",\"region\":\"Dublin\",\"city\":\"Dublin\"},"
    "\"social_profiles\":{\"type\":\"list\",\"data\":[{\"type\":\"social_profile\",\"name\":\"Twitter\",\"url\":"
    "\"http://twitter.com/joe%d\"}]}}";

static char *make_page(int n, size_t *len) {
    size_t cap = (size_t)n * 4096 + 256, l = 0;
    char *p = malloc(cap);
    l += (size_t)sprintf(p + l, "{\"type\":\"list\",\"data\":[");
    for (int i = 0; i < n; i++) {
        if (i) p[l++] = ',';
        l += (size_t)sprintf(p + l, CONTACT, i, i, i, i % 1000, i, 1000 + i % 7, i % 50, i, i, 100 + i, 100 + i, i, i, i,
                             i, i, i, i, i);
    }
    l += (size_t)sprintf(p + l, "],\"total_count\":%d,\"pages\":{\"type\":\"pages\",\"next\":{\"per_page\":%d,"
                                "\"starting_after\":\"WzE3MTc0MTUzODAwMDAsIjY2NTdhZGQ0NmFiZDAxNjdkOTQxOWNkMiIsMl0=\"},"
                                "\"page\":1,\"per_page\":%d,\"total_pages\":7}}",
                         n * 7, n, n);
    *len = l;
    return p;
}

#endif
