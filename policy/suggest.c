// SPDX-License-Identifier: MIT
/* suggest.c: bounded Levenshtein distance; see suggest.h. */
#include "suggest.h"

#include <string.h>

static size_t min3(size_t a, size_t b, size_t c)
{
    size_t m = a < b ? a : b;
    return m < c ? m : c;
}

size_t pol_edit_distance(const char *a, const char *b, size_t limit)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > POL_SUGGEST_MAX_LEN || lb > POL_SUGGEST_MAX_LEN) return limit + 1;
    if ((la > lb ? la - lb : lb - la) > limit) return limit + 1;
    size_t row[POL_SUGGEST_MAX_LEN + 1];
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0], row_min;
        row[0] = row_min = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            row[j] = min3(up + 1, row[j - 1] + 1, diag + (a[i - 1] != b[j - 1]));
            diag = up;
            if (row[j] < row_min) row_min = row[j];
        }
        if (row_min > limit) return limit + 1;
    }
    return row[lb] <= limit ? row[lb] : limit + 1;
}

void pol_nearest_init(struct pol_nearest *n, const char *word, size_t max)
{
    n->word = word;
    n->max = max;
    n->best = NULL;
    n->best_dist = max + 1;
}

void pol_nearest_offer(struct pol_nearest *n, const char *candidate)
{
    if (strcmp(candidate, n->word) == 0) return;
    size_t d = pol_edit_distance(n->word, candidate, n->best_dist - 1);
    if (d < n->best_dist) {
        n->best = candidate;
        n->best_dist = d;
    }
}
