// SPDX-License-Identifier: MIT
/*
 * suggest.h: "did you mean ...?" for unknown keys and permission identifiers:
 * the nearest candidate by Levenshtein distance, within a bound.
 */
#ifndef MOAT_POLICY_SUGGEST_H
#define MOAT_POLICY_SUGGEST_H

#include <stddef.h>

/* Strings longer than this get no suggestion (the distance table is on the stack). */
#define POL_SUGGEST_MAX_LEN 255

struct pol_nearest {
    const char *word; /* what was written (borrowed) */
    size_t max;       /* largest distance worth suggesting */
    const char *best; /* nearest candidate so far (borrowed), or NULL */
    size_t best_dist;
};

void pol_nearest_init(struct pol_nearest *n, const char *word, size_t max);
/* Offers one candidate; the first of equally near candidates wins. */
void pol_nearest_offer(struct pol_nearest *n, const char *candidate);

/* Edit distance between a and b, or limit + 1 if it exceeds limit. */
size_t pol_edit_distance(const char *a, const char *b, size_t limit);

#endif
