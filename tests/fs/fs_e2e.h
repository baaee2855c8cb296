// SPDX-License-Identifier: MIT
/*
 * fs_e2e.h: test_fs_e2e.c's runner for other files of the fs suite: cases
 * are [command, args] (JSON with ' for " and @ for the temp folder, $TEMP),
 * run in order by one native renderer under a policy; answers by index.
 */
#ifndef MOAT_FS_E2E_H
#define MOAT_FS_E2E_H

#include <msgpack.h>
#include <stdbool.h>

#include "moat.h"

const char *fse_tmp(void);
const char *fse_bundle(void); /* the runner's bundle folder (the test's own copy) */
void fse_begin(uint32_t n);
void fse_add(const char *cmd, const char *args_sq);
/* A case {path, data: bytes} (path with @ for the temp folder). */
void fse_add_bin(const char *cmd, const char *path_at, const char *data);
void fse_run(const char *policy_sq);
/* The same with on_exit as the app's moat_app_on_exit hook; crashes: the runner ends by a signal.
 */
void fse_run_with(const char *policy_sq, moat_exit_fn on_exit, void *ud, bool crashes);
/* Case i answered as expected (code NULL: resolved, with bytes text if given); says why not. */
bool fse_expect(int line, uint32_t i, const char *code, const char *text);
#define FSE_EXPECT(i, code, text) CHECK(fse_expect(__LINE__, i, code, text))
const msgpack_object *fse_value(uint32_t i); /* a resolved case's value, else NULL */
bool fse_code_is(uint32_t i, const char *code);
void fse_put(const char *rel, const char *content);
void fse_dir(const char *rel);
void fse_link(const char *target, const char *rel);
char *fse_slurp(const char *rel); /* NULL when missing; a static buffer */

int suite_fs_more(void);

#endif
