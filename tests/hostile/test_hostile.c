// SPDX-License-Identifier: MIT
/*
 * test_hostile.c: renderers that attack the sandbox and the core. Each attack
 * runs as a real renderer (native ones from native/hostile.c, the protocol
 * forger from tests/e2e, JS bundles from bundles/) on one app, and each case
 * asserts three things: the attempt failed (nothing printed "ESCAPED"), the
 * core reported it (the call named in the exit reason, a limit named, or the
 * renderer's "blocked" line relayed by the core), and the core still serves
 * (a renderer started right after gets its app:version answered).
 */
#include "moat.h"
#include "test.h"

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

/* Also in native/hostile.c: what the connect attacks aim at. */
#define HOSTILE_ABSTRACT "moat-hostile-abstract"
#define HOSTILE_SOCKET "/tmp/moat-hostile.sock"

enum outcome {
    NAMED,   /* killed; the reason names the forbidden call: "forbidden system call " + expect */
    SIGSYS_, /* killed by the kernel for a foreign system call ABI: SIGSYS, no name */
    BLOCKED, /* the call failed: the renderer's "hostile: blocked: …" line came through the core */
    REASON,  /* ended by the core; the reason contains expect */
    STOPPED, /* the renderer's watchdog stopped the script: exit 124 and its line, with expect */
    ENDED,   /* anything but ESCAPED: e.g. the engine refused, or the renderer gave up */
};

struct attack {
    const char *name;
    enum outcome outcome;
    const char *expect;
};

static const struct attack attacks[] = {
    /* Network: only AF_UNIX exists, and only the core's socket is reachable. */
    {"socket-inet", NAMED, "socket(2, 1, 0)"},
    {"socket-inet6", NAMED, "socket(10, 2, 0)"},
    {"socket-netlink", NAMED, "socket(16, 3, 0)"},
    {"socket-packet", NAMED, "socket(17, 3, 0)"},
    {"socket-vsock", NAMED, "socket(40, 1, 0)"},
    {"socket-bluetooth", NAMED, "socket(31, 1, 0)"},
    {"connect-abstract", BLOCKED, "connect-abstract"},
    {"connect-path", BLOCKED, "connect-path"},
    {"connect-core-again", BLOCKED, "a second connection to the core"},
    /* Files: an empty read-only root, Landlock, and the filter's open flags. */
    {"read-passwd", BLOCKED, "/etc/passwd"},
    {"read-shadow", BLOCKED, "/etc/shadow"},
    {"read-home", BLOCKED, "/root/.bashrc"},
    {"list-socket-dir", BLOCKED, "listing the core's socket directory"},
    {"proc-others", BLOCKED, "seeing other processes"},
    {"proc-self-mem", BLOCKED, "/proc/self/mem"},
    {"write-bundle", BLOCKED, "open the bundle for writing"},
    {"open-write", NAMED, "openat("},
    /* Programs and processes. */
    {"exec-shell", BLOCKED, "exec /bin/sh"},
    {"execveat", NAMED, "execveat("},
    {"memfd-create", NAMED, "memfd_create("},
    {"clone3", BLOCKED, "clone3: Function not implemented"},
    {"clone-newns", NAMED, "clone("},
    {"fork-bomb", NAMED, "clone("},
    {"unshare", NAMED, "unshare("},
    {"setns", NAMED, "setns("},
    {"mount", NAMED, "mount("},
    {"chroot", NAMED, "chroot("},
    {"pivot-root", NAMED, "pivot_root("},
    {"setuid", NAMED, "setuid(0"},
    /* Other processes, the core among them. */
    {"ptrace-core", NAMED, "ptrace(16"},
    {"process-vm-writev", NAMED, "process_vm_writev("},
    {"kill-all", NAMED, "kill("},
    {"tgkill-other", NAMED, "tgkill(2, 2, 9)"},
    /* Kernel attack surface. */
    {"io-uring", NAMED, "io_uring_setup("},
    {"userfaultfd", NAMED, "userfaultfd("},
    {"bpf", NAMED, "bpf(5"},
    {"perf-event-open", NAMED, "perf_event_open("},
    {"keyctl", NAMED, "keyctl("},
    {"tiocsti", NAMED, "ioctl(2, 21522"},
    {"ioctl-tiocsctty", NAMED, "ioctl(0, 21518"},
    {"personality", NAMED, "personality("},
    {"prctl-ptracer", NAMED, "prctl(0x59616d61"},
    {"prctl-set-mm", NAMED, "prctl(35"},
    {"prctl-dumpable", NAMED, "prctl(4, 1"},
    {"x32", SIGSYS_, NULL},
    {"i386", SIGSYS_, NULL},
    /* W^X: the JIT is off. */
    {"mprotect-exec", NAMED, "mprotect("},
    {"mmap-wx", NAMED, "mmap("},
    /* Runaways. */
    {"cpu-loop", REASON, "exceeded its CPU time limit"},
    {"memory-bomb", ENDED, NULL},
    {"thread-bomb", BLOCKED, "creating threads without end: Resource temporarily unavailable"},
    /* The protocol. */
    {"forge-garbage", REASON, "sent a malformed frame"},
    {"forge-early", REASON, "before the handshake"},
    {"silent", REASON,
     "did not complete the handshake within 10000 ms of its start (process state S"},
    {"forge-oversized", REASON, "lost its connection"},
    {"forge-dup-id", REASON, "reused request id 7"},
    {"forge-response", REASON, "only the core may send"},
    {"forge-bulk-early", REASON, "ext type 0xd8 is not allowed"},
    {"forge-bulk-outside", REASON, "bulk reference outside the shared ring"},
    {"forge-bulk-huge", REASON, "once its bulk bytes are in"},
    {"forge-bulk-shrink", NAMED, "ftruncate(5, 0"},
};

/* JS bundles in tests/hostile/bundles. */
static const struct attack js_attacks[] = {
    /* The renderer's own watchdog stops the turn first (at 3/4 of the CPU limit): code 124. */
    {"js-cpu-loop", STOPPED, "stopped by the watchdog"},
    {"js-promise-loop", STOPPED, "(promise jobs included): stopped by the watchdog"},
    {"js-memory-bomb", REASON, "exceeded its memory limit"},
    {"js-event-flood", ENDED, NULL},
    {"js-invoke-flood", BLOCKED, "all 3000 denied"},
    {"js-oversized", BLOCKED, "blocked: "},
    {"js-wasm", BLOCKED, "no executable memory"},
    {"js-globals", BLOCKED, "no host globals"},
    {"js-native-abuse", ENDED, NULL},
    {"js-forge-events", BLOCKED, "blocked: 3 of 3 denied, 0 heard"},
};

static char captured[1 << 16];
static size_t captured_len;

static void on_output(void *ud, const char *label, int stream, const char *line)
{
    (void)ud, (void)label;
    int n =
        snprintf(captured + captured_len, sizeof captured - captured_len, "%d|%s\n", stream, line);
    if (n > 0 && captured_len + (size_t)n < sizeof captured) captured_len += (size_t)n;
}

/* Calls held unanswered (forge-dup-id), answered once their renderer is gone. */
static moat_call *held[4];
static int nheld;

static void cmd_hold(moat_call *c, void *ud)
{
    (void)ud;
    if (nheld < 4)
        held[nheld++] = c;
    else
        moat_call_reject(c, "failed", "too many held calls");
}

static void cmd_secret(moat_call *c, void *ud)
{
    (void)ud;
    moat_call_resolve_str(c, "the policy should have stopped this");
}

static char *path_of(const char *name)
{
    static char path[512];
    if (!strncmp(name, "js-", 3))
        snprintf(path, sizeof path, "%s/tests/hostile/bundles/%s", getenv("MOAT_SOURCE_DIR"), name);
    else
        snprintf(path, sizeof path, "%s/%s", HOSTILE_NATIVE_DIR, name);
    return path;
}

static moat_exit run_one(moat_app *app, const char *name)
{
    moat_exit e = {.code = -100, .reason = ""};
    captured_len = 0;
    captured[0] = '\0';
    moat_renderer *r = moat_app_spawn(app, path_of(name), "main");
    if (!r) {
        fprintf(stderr, "%s: spawn: %s\n", name, moat_errmsg());
        CHECK(r != NULL);
        return e;
    }
    CHECK(moat_app_run(app) == 0);
    CHECK(moat_renderer_exited(r, &e));
    return e;
}

/* The three assertions for one attack; false (and a message) when one fails. */
static bool contained(const struct attack *a, const moat_exit *e)
{
    char want[200];
    bool escaped = strstr(captured, "ESCAPED") != NULL, reported;
    switch (a->outcome) {
    case NAMED:
        snprintf(want, sizeof want, "forbidden system call %s", a->expect);
        reported = e->signal == SIGKILL && strstr(e->reason, want) && strstr(captured, want);
        break;
    case SIGSYS_:
        reported = e->signal == SIGSYS && strstr(captured, "killed by seccomp");
        break;
    case BLOCKED:
        snprintf(want, sizeof want, "2|%s", strncmp(a->name, "js-", 3) ? "hostile: blocked: " : "");
        reported = e->code == 0 && strstr(captured, want) && strstr(captured, a->expect);
        break;
    case REASON:
        reported = e->signal == SIGKILL && strstr(e->reason, a->expect);
        break;
    case STOPPED:
        reported = e->code == 124 && strstr(captured, a->expect);
        break;
    default:
        reported = e->reason && e->reason[0];
    }
    if (escaped || !reported)
        fprintf(stderr, "%s: %s (code %d, signal %d, reason \"%s\")\ncaptured:\n%s\n", a->name,
                escaped ? "ESCAPED" : "not reported as expected", e->code, e->signal, e->reason,
                captured);
    return !escaped && reported;
}

static bool still_serves(moat_app *app)
{
    moat_exit e = run_one(app, "serve");
    return e.code == 0 && strstr(captured, "2|hostile: served") != NULL;
}

static void run_table(moat_app *app, const struct attack *t, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        moat_exit e = run_one(app, t[i].name);
        bool ok = contained(&t[i], &e);
        CHECK(ok);
        bool serves = still_serves(app);
        if (!serves) fprintf(stderr, "after %s the core no longer serves\n", t[i].name);
        CHECK(serves);
    }
}

static const char *policy = "{\"identifier\": \"hostile\", \"windows\": [\"main\"],\n"
                            " \"permissions\": [\"core:default\", \"test:allow-hold\"]}\n";

static int audit_fd = -1;

static moat_app *new_app(char *dir)
{
    moat_app *app = moat_app_new("hostile");
    CHECK(app != NULL);
    moat_app_set_output(app, on_output, NULL);
    moat_app_set_audit_fd(app, audit_fd); /* thousands of denials (js-invoke-flood) */
    CHECK(moat_app_command(app, "test:hold", cmd_hold, NULL) == 0);
    CHECK(moat_app_command(app, "test:secret", cmd_secret, NULL) == 0);
    CHECK(moat_app_set_limit(app, MOAT_LIMIT_FRAME_BYTES, 65536) == 0);
    char path[300];
    snprintf(path, sizeof path, "%s/policy.json", dir);
    FILE *f = fopen(path, "w");
    fputs(policy, f);
    fclose(f);
    CHECK(moat_app_load_policy(app, path) == 0);
    moat_sandbox_opts so;
    moat_sandbox_opts_default(&so);
    so.memory_bytes = 512u << 20;
    so.cpu_seconds = 3;
    so.strict = true; /* every layer must be there: this machine has them all */
    CHECK(moat_app_set_sandbox(app, &so) == 0);
    return app;
}

/* Something for connect-abstract and connect-path to aim at, outside the sandbox. */
static int listen_unix(const char *name, int abstract)
{
    struct sockaddr_un a = {.sun_family = AF_UNIX};
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    snprintf(a.sun_path + abstract, sizeof a.sun_path - 1, "%s", name);
    socklen_t len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + abstract + strlen(name));
    if (!abstract) unlink(name);
    /* EADDRINUSE: another run of this suite holds it, which serves as well. */
    if (bind(fd, (struct sockaddr *)&a, len) == 0) listen(fd, 4);
    return fd;
}

static void test_attacks(void)
{
    char dir[] = "/tmp/moat-hostile-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    setenv("TMPDIR", dir, 1);
    int s1 = listen_unix(HOSTILE_ABSTRACT, 1), s2 = listen_unix(HOSTILE_SOCKET, 0);
    audit_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
    moat_app *app = new_app(dir);
    run_table(app, attacks, sizeof attacks / sizeof *attacks);
    run_table(app, js_attacks, sizeof js_attacks / sizeof *js_attacks);
    while (nheld > 0)
        CHECK(moat_call_resolve_null(held[--nheld]) == 0);
    moat_app_set_sandbox(app, NULL);
    moat_app_free(app);
    close(audit_fd);
    close(s1);
    close(s2);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    CHECK(system(cmd) == 0);
}

int main(void)
{
    RUN(test_attacks);
    fprintf(stderr, "%zu attacks\n",
            sizeof attacks / sizeof *attacks + sizeof js_attacks / sizeof *js_attacks);
    return TEST_RESULT();
}
