// SPDX-License-Identifier: MIT
/*
 * e2e.h: what the end-to-end suites share: capturing renderer output,
 * keeping the last reported payload, reading msgpack maps, finding bundles,
 * running a renderer to its end.
 */
#ifndef MOAT_TEST_E2E_H
#define MOAT_TEST_E2E_H

#include "moat.h"

#include <stdbool.h>

/* What the renderers printed and what the core logged, as "stream|line\n". */
struct capture {
    char text[1 << 16];
    size_t len;
};
void e2e_on_output(void *ud, const char *label, int stream, const char *line);

/* The last payload of an event given to e2e_on_report (a deep copy). */
extern msgpack_object report;
extern bool have_report;
void e2e_on_report(void *ud, const char *label, const char *event, const msgpack_object *p);

const msgpack_object *get(const msgpack_object *m, const char *key);
bool str_is(const msgpack_object *o, const char *s);
char *str_dup(const msgpack_object *o); /* caller frees */
/* o as an unsigned integer, or UINT64_MAX when it is not one. */
uint64_t uint_of(const msgpack_object *o);

/* A command handler answering with its arguments, as the renderer encoded them. */
void e2e_cmd_echo(moat_call *c, void *ud);

/* Makes a private temp dir, points TMPDIR at it; e2e_end removes it. */
void e2e_begin(void);
void e2e_end(void);
const char *e2e_tmpdir(void);

/* tests/e2e/bundles/NAME, and the folder of native renderer NAME. Static buffers. */
const char *bundle(const char *name);
const char *native_bundle(const char *name);

/* Writes text as a policy file in the temp dir and loads it into app. */
bool e2e_load_policy(moat_app *app, const char *text);

/*
 * Spawns dir as label, runs the app until every renderer has ended, returns
 * how r ended; a failure to get that far is an exit code of -100 or below.
 */
moat_exit e2e_run_one(moat_app *app, const char *dir, const char *label);

#endif
