// SPDX-License-Identifier: MIT
/*
 * policy_test.h: what the policy suite's files share. Each file is a suite
 * with its own test.h counters; test_policy.c runs them all.
 */
#ifndef MOAT_POLICY_TEST_H
#define MOAT_POLICY_TEST_H

#include "policy.h"

/*
 * The catalog every case loads against:
 *   commands app:version, app:name, log, greet, fs:read_text_file, a:b:c_d,
 *            fs:read_file, fs:write_file
 *   app:default = [app:allow-version, app:allow-name]
 *   app:all     = [app:default, allow-greet]            (a set inside a set)
 *   app:quiet   = [app:default, deny-log]
 *   x:loop      = [x:inner], x:inner = [app:allow-name, x:loop]   (a cycle)
 *   x:broken    = [app:allow-nope]                       (an unknown member)
 *   fs:allow-appdata-read: allows fs:read_text_file and fs:read_file,
 *                 scope: allow everything under $APPDATA, deny everything under $APPDATA/secret
 *   fs:scope-temp: a scope permission allowing everything under $TEMP
 *   x:ghost:      allows x:nothing, which is not a command   (an unknown command)
 */
struct pol_catalog *test_catalog(void);

/* Path of tests/policy/data/name (a static buffer, valid until the next call). */
const char *test_fixture(const char *name);

/* Loads text against cat; prints the error and returns NULL on failure. */
struct pol_policy *test_load(const struct pol_catalog *cat, const char *text);
/* Loads a fixture; prints the error and returns NULL on failure. */
struct pol_policy *test_load_fixture(const struct pol_catalog *cat, const char *name);

/* s with every ' turned into ", so JSON fits in C strings (a static buffer, until the next call).
 */
const char *test_json(const char *s);

/* Column (1-based) of needle's first occurrence in one line of ASCII text; 0 if absent. */
int test_col(const char *text, const char *needle);

int suite_catalog(void);
int suite_eval(void);
int suite_forms(void);
int suite_errors(void);
int suite_scopes(void);
int suite_tools(void);

#endif
