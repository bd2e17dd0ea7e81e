/* SPDX-License-Identifier: MIT */
/* "Did you mean": the edit distance the CLI's suggestions use (cli/intercom.c, cli/extras.c). */
#ifndef INTERCOM_CLI_SUGGEST_H
#define INTERCOM_CLI_SUGGEST_H
#include <string.h>

/* The edit distance (insertions, deletions, substitutions) of @p a and @p b (@p bn bytes), counting
 * '-' and '_' as equal; past 64 bytes, 99. */
static inline int edit_distance(const char *a, const char *b, size_t bn) {
    size_t an = strlen(a);
    if (an > 64 || bn > 64) return 99;
    int row[65];
    for (size_t j = 0; j <= bn; j++) row[j] = (int)j;
    for (size_t i = 1; i <= an; i++) {
        int diag = row[0];
        row[0] = (int)i;
        for (size_t j = 1; j <= bn; j++) {
            int up = row[j], same = a[i - 1] == b[j - 1] || (strchr("-_", a[i - 1]) && strchr("-_", b[j - 1]));
            int best = diag + !same;
            if (up + 1 < best) best = up + 1;
            if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
            row[j] = best, diag = up;
        }
    }
    return row[bn];
}

/* Whether @p cand (@p len bytes) is near enough to @p word to be suggested: a distance of 1 for words
 * under 4 bytes, 2 under 9, else 3; *d receives the distance. */
static inline int near_enough(const char *word, const char *cand, size_t len, int *d) {
    size_t wl = strlen(word);
    *d = edit_distance(word, cand, len);
    return *d > 0 && *d <= (wl < 4 ? 1 : wl < 9 ? 2 : 3);
}

/* The nearest of the NULL-terminated @p cands to @p word, or NULL. */
static inline const char *nearest_of(const char *word, const char *const *cands) {
    const char *best = NULL;
    int bd = 99, d;
    for (; *cands; cands++)
        if (near_enough(word, *cands, strlen(*cands), &d) && d < bd) best = *cands, bd = d;
    return best;
}
#endif
