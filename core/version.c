// SPDX-License-Identifier: MIT
/*
 * version.c: moat_version(), the version of the library in use (a program
 * built against an older header may run with a newer compatible libmoat).
 */
#include "moat.h"

const char *moat_version(void)
{
    return MOAT_VERSION;
}
