// SPDX-License-Identifier: MIT
/*
 * test_version.c: moat_version() is the library's version, and the header's
 * macros agree with each other and with the library.
 */
#include "moat.h"
#include "test.h"

#include <stdio.h>

int main(void)
{
    char want[32];
    snprintf(want, sizeof want, "%d.%d.%d", MOAT_VERSION_MAJOR, MOAT_VERSION_MINOR,
             MOAT_VERSION_PATCH);
    CHECK_STR(MOAT_VERSION, want);
    CHECK_STR(moat_version(), MOAT_VERSION);
    CHECK(MOAT_VERSION_NUMBER ==
          MOAT_VERSION_MAJOR * 10000 + MOAT_VERSION_MINOR * 100 + MOAT_VERSION_PATCH);
    CHECK_STR(moat_version(), MOAT_EXPECTED_VERSION); /* the project's, from CMake */
    return TEST_RESULT();
}
