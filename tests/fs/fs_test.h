// SPDX-License-Identifier: MIT
/*
 * fs_test.h: what the fs suite's files share. test_fs.c runs both suites.
 */
#ifndef MOAT_FS_TEST_H
#define MOAT_FS_TEST_H

#include <msgpack.h>

int suite_fs_path(void);
int suite_fs_e2e(void);

/* A msgpack map from JSON text (single quotes become double), in zone. */
msgpack_object test_obj(msgpack_zone *zone, const char *sq_json);

#endif
