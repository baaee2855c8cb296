// SPDX-License-Identifier: MIT
/*
 * test_policy_e2e.c: the policy at run time, through the real binaries: hot
 * reload while calls are in flight, a reload that fails, the audit log's
 * lines, and learn mode's round trip.
 */
#include "e2e.h"
#include "moat.h"
#include "test.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *policy_a =
    "{\"identifier\": \"a\", \"windows\": [\"main\"], \"permissions\": [\"core:default\",\n"
    " \"test:allow-hold\", \"test:allow-swap\", \"test:allow-break\", \"test:allow-echo\"]}\n";
static const char *policy_b =
    "{\"identifier\": \"b\", \"windows\": [\"main\"], \"permissions\": [\"core:default\",\n"
    " \"test:deny-hold\", \"test:allow-break\", \"test:allow-echo\"]}\n";

static moat_call *held;
static char policy_path[300];

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

static void cmd_hold(moat_call *c, void *ud)
{
    (void)ud;
    held = c;
}

/* Loads policy B (which denies test:hold), then answers the call held under A. */
static void cmd_swap(moat_call *c, void *ud)
{
    write_file(policy_path, policy_b);
    CHECK(moat_app_load_policy(ud, policy_path) == 0);
    if (held) moat_call_resolve_str(held, "held");
    held = NULL;
    moat_call_resolve_null(c);
}

/* Breaks the file and asks for a reload: B must stay in force. */
static void cmd_break(moat_call *c, void *ud)
{
    write_file(policy_path, "{\"identifier\": \"broken\",");
    moat_app_reload_policy(ud);
    moat_call_resolve_null(c);
}

static void cmd_tmpdir(moat_call *c, void *ud)
{
    (void)ud;
    moat_call_resolve_str(c, e2e_tmpdir());
}

/* test:threads: the core's thread count (this process's), from /proc. */
static void cmd_threads(moat_call *c, void *ud)
{
    (void)ud;
    char line[256];
    long n = -1;
    FILE *f = fopen("/proc/self/status", "r");
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "Threads: %ld", &n) == 1) break;
    if (f) fclose(f);
    moat_call_resolve_int(c, n);
}

static moat_app *new_app(struct capture *cap)
{
    moat_app *app = moat_app_new("policy-e2e");
    moat_app_set_output(app, e2e_on_output, cap);
    CHECK(moat_app_command(app, "test:echo", e2e_cmd_echo, NULL) == 0);
    CHECK(moat_app_command(app, "test:hold", cmd_hold, NULL) == 0);
    CHECK(moat_app_command(app, "test:swap", cmd_swap, app) == 0);
    CHECK(moat_app_command(app, "test:break", cmd_break, app) == 0);
    CHECK(moat_app_command(app, "test:tmpdir", cmd_tmpdir, NULL) == 0);
    CHECK(moat_app_command(app, "test:threads", cmd_threads, NULL) == 0);
    CHECK(moat_app_listen(app, "test:report", e2e_on_report, NULL) > 0);
    have_report = false;
    return app;
}

static void test_hot_reload(void)
{
    struct capture cap = {0};
    moat_app *app = new_app(&cap);
    snprintf(policy_path, sizeof policy_path, "%s/reload.json", e2e_tmpdir());
    write_file(policy_path, policy_a);
    CHECK(moat_app_load_policy(app, policy_path) == 0);
    int audit[2];
    CHECK(pipe2(audit, O_NONBLOCK) == 0);
    moat_app_set_audit_fd(app, audit[1]);
    moat_app_set_audit_all(app, true);
    moat_exit e = e2e_run_one(app, bundle("reload"), "main");
    CHECK(e.code == 0);
    CHECK(have_report);
    CHECK(str_is(get(&report, "held"), "held"));    /* finished under A */
    CHECK(str_is(get(&report, "after"), "denied")); /* B in force */
    CHECK(str_is(get(&report, "still"), "still allowed"));
    CHECK_CONTAINS(cap.text, "the policy was not reloaded, the old one stays");
    char lines[8192] = {0};
    CHECK(read(audit[0], lines, sizeof lines - 1) > 0);
    /* Every call is audited, with the deciding rule and a digest of the arguments. */
    CHECK_CONTAINS(lines, "\"command\":\"test:hold\",\"decision\":\"allow\",\"capability\":\"a\"");
    CHECK_CONTAINS(lines,
                   "\"decision\":\"deny\",\"capability\":\"b\",\"permission\":\"test:deny-hold\"");
    CHECK_CONTAINS(lines, "\"args\":\"fnv1a64:");
    close(audit[0]);
    close(audit[1]);
    moat_app_free(app);
}

static void test_learn_round_trip(void)
{
    struct capture cap = {0};
    char learned[300], text[4096] = {0};
    snprintf(learned, sizeof learned, "%s/learned.json", e2e_tmpdir());
    moat_app *app = new_app(&cap);
    CHECK(moat_app_learn(app) == 0);
    moat_exit e = e2e_run_one(app, bundle("learner"), "main");
    CHECK(e.code == 0 && str_is(get(&report, "text"), "learned text"));
    CHECK(moat_app_write_learned(app, learned) == 0);
    moat_app_free(app);
    int fd = open(learned, O_RDONLY);
    CHECK(fd >= 0 && read(fd, text, sizeof text - 1) > 0);
    if (fd >= 0) close(fd);
    CHECK_CONTAINS(text, "app:allow-version");
    CHECK_CONTAINS(text, "learned.txt");
    CHECK(strstr(text, "allow-log") == NULL && strstr(text, "test:allow-echo") == NULL);
    /* Again, under the learned policy: the same bundle must succeed. */
    app = new_app(&cap);
    CHECK(moat_app_load_policy(app, learned) == 0);
    unlink(learned);
    e = e2e_run_one(app, bundle("learner"), "main");
    CHECK(e.code == 0 && str_is(get(&report, "text"), "learned text"));
    moat_app_free(app);
}

/* A file larger than the frame limit streams through a Channel (fs:read_file's onChunk). */
static void test_stream_large_file(void)
{
    struct capture cap = {0};
    char path[300], policy[1024];
    snprintf(path, sizeof path, "%s/big.bin", e2e_tmpdir());
    FILE *f = fopen(path, "w");
    size_t size = (5u << 20) + 123; /* five chunks and a bit */
    for (size_t i = 0; f && i < size; i++)
        fputc((int)(i % 251), f);
    if (f) fclose(f);
    moat_app *app = new_app(&cap);
    CHECK(moat_app_set_limit(app, MOAT_LIMIT_FRAME_BYTES, 2u << 20) == 0); /* 2 MiB frames */
    snprintf(policy, sizeof policy,
             "{\"identifier\": \"s\", \"windows\": [\"main\"], \"permissions\": "
             "[\"core:default\", \"test:allow-tmpdir\", {\"identifier\": \"fs:allow-read-file\", "
             "\"allow\": [{\"path\": \"%s/**\"}]}]}",
             e2e_tmpdir());
    CHECK(e2e_load_policy(app, policy));
    moat_exit e = e2e_run_one(app, bundle("streamer"), "main");
    CHECK(e.code == 0);
    CHECK(have_report);
    CHECK(uint_of(get(&report, "total")) == size);
    CHECK(uint_of(get(&report, "sum")) == size);
    CHECK(uint_of(get(&report, "chunks")) == 6);
    CHECK(uint_of(get(&report, "buffers")) == 6); /* every chunk an ArrayBuffer */
    CHECK(uint_of(get(&report, "firstByte")) == 0);
    CHECK(uint_of(get(&report, "lastByte")) == (size - 1) % 251);
    unlink(path);
    moat_app_free(app);
}

/* Many streams at once: bounded per renderer, and no thread each (native/streams.c). */
static void test_many_streams(void)
{
    struct capture cap = {0};
    char path[300], policy[1024];
    snprintf(path, sizeof path, "%s/big.bin", e2e_tmpdir());
    FILE *f = fopen(path, "w");
    for (size_t i = 0; f && i < (8u << 20); i++)
        fputc((int)(i % 251), f);
    if (f) fclose(f);
    moat_app *app = new_app(&cap);
    /* Chunks inline: a bulk ring would let a few whole files through unread. */
    CHECK(moat_app_set_limit(app, MOAT_LIMIT_BULK_BYTES, 0) == 0);
    snprintf(policy, sizeof policy,
             "{\"identifier\": \"s\", \"windows\": [\"main\"], \"permissions\": "
             "[\"core:default\", \"test:allow-tmpdir\", \"test:allow-threads\", "
             "{\"identifier\": \"fs:allow-read-file\", \"allow\": [{\"path\": \"%s/**\"}]}]}",
             e2e_tmpdir());
    CHECK(e2e_load_policy(app, policy));
    moat_exit e = e2e_run_one(app, native_bundle("streams"), "main");
    CHECK(e.code == 0);
    CHECK_CONTAINS(cap.text, "streams: 16 whole, 24 limited, 0 other, ");
    const char *added = strstr(cap.text, " other, ");
    long n = added ? strtol(added + 8, NULL, 10) : 99;
    CHECK(n <= 1); /* the streaming thread, started once per process */
    unlink(path);
    moat_app_free(app);
}

/* A path the scope refuses is a denial, and the audit log says so. */
static void test_scope_denial_audited(void)
{
    struct capture cap = {0};
    char policy[1024], lines[4096] = {0};
    moat_app *app = new_app(&cap);
    snprintf(policy, sizeof policy,
             "{\"identifier\": \"s\", \"windows\": [\"main\"], \"permissions\": "
             "[\"core:default\", \"test:allow-tmpdir\", \"fs:allow-write-text-file\", "
             "{\"identifier\": \"fs:scope\", \"allow\": [{\"path\": \"%s/only-this/**\"}]}]}",
             e2e_tmpdir());
    CHECK(e2e_load_policy(app, policy));
    int audit[2];
    CHECK(pipe2(audit, O_NONBLOCK) == 0);
    moat_app_set_audit_fd(app, audit[1]);
    moat_exit e = e2e_run_one(app, bundle("learner"), "main"); /* reads outside only-this/ */
    CHECK(e.code == 1);
    CHECK(read(audit[0], lines, sizeof lines - 1) > 0);
    /* The command is granted; the path is what the scope refuses. */
    CHECK_CONTAINS(lines, "\"command\":\"fs:write_text_file\",\"decision\":\"deny\"");
    CHECK(strstr(lines, "no capability") == NULL);
    CHECK_CONTAINS(lines, "learned.txt");
    close(audit[0]);
    close(audit[1]);
    moat_app_free(app);
}

/* A scope denial's audit line names the deciding entry (capability, permission, line, column). */
static void test_scope_denial_names_entry(void)
{
    struct capture cap = {0};
    char policy[2048], lines[8192] = {0}, want[512];
    moat_app *app = new_app(&cap);
    snprintf(policy, sizeof policy,
             "{\n"
             "  \"identifier\": \"files\",\n"
             "  \"windows\": [\"main\"],\n"
             "  \"permissions\": [\"core:default\", \"test:allow-tmpdir\", "
             "\"fs:allow-write-text-file\",\n"
             "    {\"identifier\": \"fs:scope\",\n"
             "     \"allow\": [{\"path\": \"%s/**\"}],\n"
             "     \"deny\": [{\"path\": \"%s/secret*\"}]}]\n"
             "}\n",
             e2e_tmpdir(), e2e_tmpdir());
    CHECK(e2e_load_policy(app, policy));
    int audit[2];
    CHECK(pipe2(audit, O_NONBLOCK) == 0);
    moat_app_set_audit_fd(app, audit[1]);
    moat_exit e = e2e_run_one(app, bundle("scoped"), "main");
    CHECK(e.code == 0);
    CHECK(have_report);
    const msgpack_object *codes = get(&report, "codes");
    CHECK(codes && codes->type == MSGPACK_OBJECT_ARRAY && codes->via.array.size == 3);
    if (codes && codes->type == MSGPACK_OBJECT_ARRAY && codes->via.array.size == 3) {
        CHECK(str_is(&codes->via.array.ptr[0], "denied"));
        CHECK(str_is(&codes->via.array.ptr[1], "denied"));
        CHECK(str_is(&codes->via.array.ptr[2], "ok"));
    }
    CHECK(read(audit[0], lines, sizeof lines - 1) > 0);
    /* Two lines, in the order of the calls. */
    char *first = lines, *second = strchr(lines, '\n');
    CHECK(second != NULL);
    if (!second) second = lines + strlen(lines);
    *second++ = '\0';
    CHECK_CONTAINS(first, "secret.txt");
    CHECK_CONTAINS(second, "moat-nowhere");
    /* The deny entry decided: named with where it is in the file. */
    const char *deny_at = strstr(policy, "\"deny\": [") + strlen("\"deny\": [");
    int line = 1, col = 1;
    for (const char *p = policy; p < deny_at; p++)
        *p == '\n' ? (line++, col = 1) : col++;
    CHECK_CONTAINS(first, "\"capability\":\"files\",\"permission\":\"fs:scope\"");
    snprintf(want, sizeof want, "\"line\":%d,\"column\":%d", line, col);
    CHECK_CONTAINS(first, want);
    snprintf(want, sizeof want, "\"entry\":\"{\\\"path\\\":\\\"%s/secret*\\\"}\"", e2e_tmpdir());
    CHECK_CONTAINS(first, want);
    /* Outside every allow entry: the grant whose scope covers nothing there. */
    CHECK_CONTAINS(second, "\"capability\":\"files\",\"permission\":\"fs:allow-write-text-file\"");
    CHECK(strstr(first, "null") == NULL && strstr(second, "\"capability\":null") == NULL);
    close(audit[0]);
    close(audit[1]);
    moat_app_free(app);
}

int main(void)
{
    e2e_begin();
    RUN(test_hot_reload);
    RUN(test_learn_round_trip);
    RUN(test_stream_large_file);
    RUN(test_many_streams);
    RUN(test_scope_denial_audited);
    RUN(test_scope_denial_names_entry);
    e2e_end();
    return TEST_RESULT();
}
