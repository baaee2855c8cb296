// SPDX-License-Identifier: MIT
/*
 * audit.c: denials as JSON lines, one write each so lines never interleave.
 */
#include "internal.h"
#include "scope.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void iso_time(char *buf, size_t len)
{
    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    size_t n = strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(buf + n, len - n, ".%03ldZ", ts.tv_nsec / 1000000);
}

/* One line; src (may be NULL) adds the scope entry that decided: its JSON, line and column. */
static void audit_write(moat_app *app, const char *label, const char *cmd, enum pol_decision d,
                        const struct pol_reason *why, const struct pol_scope_src *src,
                        struct ipc_slice args)
{
    char when[40], digest[POL_DIGEST_SIZE];
    iso_time(when, sizeof when);
    pol_args_digest(args.ptr, args.len, digest);
    json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s?, s:s?, s:s, s:s}", "time", when, "label",
                          label, "command", cmd, "decision", d == POL_ALLOW ? "allow" : "deny",
                          "capability", why->capability, "permission", why->permission, "reason",
                          why->text, "args", digest);
    if (o && src) {
        json_object_set_new(o, "entry", json_string(src->json));
        json_object_set_new(o, "line", src->line ? json_integer(src->line) : json_null());
        json_object_set_new(o, "column", src->line ? json_integer(src->column) : json_null());
    }
    char *line = o ? json_dumps(o, JSON_COMPACT) : NULL;
    if (line) {
        size_t n = strlen(line);
        line[n] = '\n'; /* overwrites the NUL: one write, one whole line */
        ssize_t w = write(app->audit_fd, line, n + 1);
        (void)w;
    }
    free(line);
    json_decref(o);
}

void core_audit(moat_app *app, const char *label, const char *cmd, enum pol_decision d,
                const struct pol_reason *why, struct ipc_slice args)
{
    audit_write(app, label, cmd, d, why, NULL, args);
}

void core_audit_entry(moat_app *app, const char *label, const char *cmd,
                      const struct pol_reason *why, const struct pol_scope_src *src,
                      const void *args, size_t args_len)
{
    audit_write(app, label, cmd, POL_DENY, why, src, (struct ipc_slice){args, args_len});
}
