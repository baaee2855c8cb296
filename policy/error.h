// SPDX-License-Identifier: MIT
/*
 * error.h: collecting load errors (struct pol_errors), and quoting untrusted strings (keys and
 * identifiers taken from a policy file) so that an error stays one line.
 */
#ifndef MOAT_POLICY_ERROR_H
#define MOAT_POLICY_ERROR_H

#include <stdarg.h>
#include <stddef.h>

#include "policy.h"

/* A place in the policy text: 1-based line and column (in characters); line 0: nowhere. */
struct pol_pos {
    int line;
    int col;
};

/*
 * Adds an error to errs (which may be NULL) and returns -1, so callers can
 * `return pol_err_at(...)`. Past POL_ERRORS_MAX errors are only counted.
 */
int pol_err_at(struct pol_errors *errs, const char *file, struct pol_pos pos, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
int pol_err_vat(struct pol_errors *errs, const char *file, struct pol_pos pos, const char *fmt,
                va_list ap) __attribute__((format(printf, 4, 0)));
/* "out of memory", which also marks errs stopped: callers give up rather than go on. */
int pol_err_oom(struct pol_errors *errs, const char *file);

/*
 * Orders the kept errors by rank(file) (lower first), then line and column;
 * errors that compare equal keep the order they were found in.
 */
void pol_errors_sort(struct pol_errors *errs, int (*rank)(const char *file, void *ud), void *ud);

/* The first error into *err (with how many more), or "what failed" when there is none. */
void pol_errors_first(const struct pol_errors *errs, struct pol_error *err);

/* Room for a quoted string of up to POL_QUOTE_SHOWN characters plus escapes and "...". */
#define POL_QUOTE_SHOWN 64
#define POL_QUOTE_SIZE (POL_QUOTE_SHOWN * 6 + 8)

/*
 * s in double quotes, with '"', '\\' and control characters escaped as JSON
 * does, cut after POL_QUOTE_SHOWN bytes with "...". buf has POL_QUOTE_SIZE
 * bytes. Returns buf.
 */
const char *pol_quote(char buf[POL_QUOTE_SIZE], const char *s);

#endif
