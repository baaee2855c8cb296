// SPDX-License-Identifier: MIT
/*
 * locate.h: where an installed Moat finds its own parts, relative to itself
 * first, so that an installed tree works wherever it is put (and moved).
 */
#ifndef MOAT_CORE_LOCATE_H
#define MOAT_CORE_LOCATE_H

/*
 * The JS host as this install lays it out: relative to the running
 * executable (bindir -> libexecdir/moat) or to the libmoat in use (libdir ->
 * libexecdir/moat), the first that exists and is executable. malloc'd
 * (caller frees), or NULL when neither is there. locate.c.
 */
char *core_locate_renderer(void);

#endif
