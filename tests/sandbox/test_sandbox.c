// SPDX-License-Identifier: MIT
/*
 * test_sandbox.c: spawning under the launcher filter. The helpers (victim.c,
 * jsc_probe.c) are spawned for real: each case checks what the child saw or
 * how it ended, and what the core's side (sbx_notify_handle) reported.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <nng/nng.h>
#include <nng/protocol/pair1/pair.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "internal.h" /* white-box: the two compiled programs */
#include "test.h"

/* Children must not run LeakSanitizer: it needs ptrace, which the filter forbids. */
static char *child_env[] = {"ASAN_OPTIONS=detect_leaks=0", "MOAT_TEST=sandbox one two", NULL};

static struct sbx_filter *filter;

/* How a spawned child ended, and what it printed. */
struct run {
    int spawned;
    int status;
    char out[4096];
    size_t outlen;
    char report[256]; /* empty unless a violation was handled */
    int handled;      /* sbx_notify_handle returned 1 */
    int notify_fd;    /* as spawned (closed by run_child) */
    int trouble;      /* supervision went wrong: timeout, notify error, stray notification */
    char err[256];    /* sbx_spawn's error */
};

/* Called every poll round while the child runs (the nng side of jsc_probe). */
typedef void (*tick_fn)(void *arg);

static void read_out(int fd, struct run *r, int *open)
{
    char buf[1024];
    ssize_t n = read(fd, buf, sizeof buf);
    if (n <= 0) {
        *open = 0;
        return;
    }
    size_t room = sizeof r->out - 1 - r->outlen;
    size_t take = (size_t)n < room ? (size_t)n : room;
    memcpy(r->out + r->outlen, buf, take);
    r->outlen += take;
    r->out[r->outlen] = 0;
}

static void on_notify(struct sbx_child *c, struct pollfd *p, struct run *r)
{
    if (p->revents & POLLIN) {
        int rc = sbx_notify_handle(c->notify_fd, c->pidfd, r->report, sizeof r->report);
        r->trouble += rc < 0;
        r->handled |= rc == 1;
    } else if (p->revents & (POLLHUP | POLLERR)) {
        p->fd = -1; /* every filter user exited */
    }
}

/* Supervises the child until it has exited and closed its stdout. */
static void supervise(struct sbx_child *c, int out, struct run *r, tick_fn tick, void *arg)
{
    struct pollfd p[3] = {{.fd = out, .events = POLLIN},
                          {.fd = c->pidfd, .events = POLLIN},
                          {.fd = c->notify_fd, .events = POLLIN}};
    int out_open = 1, exited = 0;
    time_t deadline = time(NULL) + 300;
    while ((out_open || !exited) && time(NULL) < deadline) {
        if (poll(p, 3, 50) < 0 && errno != EINTR) break;
        if (tick) tick(arg);
        if (p[2].fd >= 0 && p[2].revents) on_notify(c, &p[2], r);
        if (p[0].revents) read_out(out, r, &out_open);
        if (p[0].revents && !out_open) p[0].fd = -1;
        if (p[1].revents && !exited) {
            exited = waitpid(c->pid, &r->status, 0) == c->pid;
            p[1].fd = -1;
        }
    }
    r->trouble += !exited || out_open;
    if (!exited) {
        syscall(SYS_pidfd_send_signal, c->pidfd, SIGKILL, NULL, 0);
        waitpid(c->pid, &r->status, 0);
    }
}

/* pass_fd: handed to the child as SBX_PASS_FD (0: none). */
static int run_child_fd(const char *path, char *const argv[], int pass_fd, struct run *r,
                        tick_fn tick, void *arg)
{
    int out[2];
    memset(r, 0, sizeof *r);
    if (pipe2(out, O_CLOEXEC) < 0) return -1;
    struct sbx_spawn_opts o = {.path = path,
                               .argv = argv,
                               .envp = child_env,
                               .stdout_fd = out[1],
                               .stderr_fd = 2,
                               .filter = filter,
                               .pass_fd = pass_fd};
    struct sbx_child c;
    r->spawned = sbx_spawn(&o, &c, r->err, sizeof r->err) == 0;
    close(out[1]);
    if (r->spawned) {
        r->notify_fd = c.notify_fd;
        supervise(&c, out[0], r, tick, arg);
        if (r->report[0] == 0 && c.notify_fd >= 0)
            r->trouble += sbx_notify_handle(c.notify_fd, c.pidfd, r->report, sizeof r->report) != 0;
        close(c.pidfd);
        if (c.notify_fd >= 0) close(c.notify_fd);
    }
    close(out[0]);
    return r->spawned ? 0 : -1;
}

static int run_child(const char *path, char *const argv[], struct run *r, tick_fn tick, void *arg)
{
    return run_child_fd(path, argv, 0, r, tick, arg);
}

static int run_victim(const char *mode, struct run *r)
{
    char *argv[] = {"victim", (char *)mode, NULL};
    return run_child(SBX_VICTIM, argv, r, NULL, NULL);
}

/* Also false when supervising it went wrong. */
static int exited_with(const struct run *r, int code)
{
    return !r->trouble && WIFEXITED(r->status) && WEXITSTATUS(r->status) == code;
}

static int killed_by(const struct run *r, int sig)
{
    return !r->trouble && WIFSIGNALED(r->status) && WTERMSIG(r->status) == sig;
}

static void test_filter_programs(void)
{
    struct sbx_filter *f = NULL;
    char err[256] = "";
    CHECK(sbx_filter_new_launcher(&f, err, sizeof err) == 0);
    CHECK_STR(err, "");
    CHECK(f != NULL);
    /* Both variants, so a kernel without user notification still gets a filter. */
    CHECK(f && f->notify.fprog.len > 0 && f->notify.fprog.filter && f->notify.n_tgid > 0);
    CHECK(f && f->kill.fprog.len > 0 && f->kill.fprog.filter && f->kill.n_tgid > 0);
    sbx_filter_free(f);
    sbx_filter_free(NULL);
}

static void test_syscall_names(void)
{
    CHECK_STR(sbx_syscall_name(SYS_socket), "socket");
    CHECK_STR(sbx_syscall_name(SYS_ptrace), "ptrace");
    CHECK(sbx_syscall_name(-1) == NULL);
    CHECK(sbx_syscall_name(100000) == NULL);
}

static void test_exit_code_and_stdout(void)
{
    struct run r;
    CHECK(run_victim("ok", &r) == 0);
    CHECK(exited_with(&r, 3));
    CHECK_STR(r.out, "hello from the sandbox\n");
    CHECK_STR(r.report, "");
    CHECK(r.notify_fd >= 0); /* this kernel has user notification */
}

static void check_violation(const char *mode, const char *call)
{
    struct run r;
    CHECK(run_victim(mode, &r) == 0);
    CHECK(r.handled);
    CHECK_CONTAINS(r.report, "forbidden system call ");
    CHECK_CONTAINS(r.report, call);
    CHECK(killed_by(&r, SIGKILL));
    CHECK(strstr(r.out, "survived") == NULL);
}

static void test_socket_inet_is_killed(void)
{
    check_violation("socket-inet", "socket(2, 1, 0)");
}

static void test_ptrace_is_killed(void)
{
    check_violation("ptrace", "ptrace(0, 0, 0)");
}

static void test_tgkill_other_process_is_killed(void)
{
    check_violation("tgkill-parent", "tgkill(");
}

static void test_prlimit_other_process_is_killed(void)
{
    check_violation("prlimit-parent", "prlimit64(");
}

static void test_fork_is_killed(void)
{
    check_violation("fork", "clone(");
}

/* Other ABIs never reach the allowlist: the kernel kills with SIGSYS, no notification. */
static void test_foreign_abi_is_killed(void)
{
#if defined(__x86_64__)
    const char *modes[] = {"x32", "i386"};
    for (int i = 0; i < 2; i++) {
        struct run r;
        CHECK(run_victim(modes[i], &r) == 0);
        CHECK(killed_by(&r, SIGSYS));
        CHECK(!r.handled);
        CHECK(strstr(r.out, "survived") == NULL);
    }
#endif
}

/* The renderer's own stage: what it forbids kills at once (SIGSYS, no listener involved). */
static void test_lockdown_self(void)
{
    struct run r;
    CHECK(run_victim("lockdown-ok", &r) == 0);
    CHECK(exited_with(&r, 0));
    CHECK_STR(r.out, "locked down\n");
    const char *modes[] = {"lockdown-exec", "lockdown-socket"};
    for (int i = 0; i < 2; i++) {
        CHECK(run_victim(modes[i], &r) == 0);
        CHECK(killed_by(&r, SIGSYS));
        CHECK(!r.handled);
        CHECK(strstr(r.out, "survived") == NULL);
    }
}

static void test_threads_and_own_signals_allowed(void)
{
    struct run r;
    CHECK(run_victim("threads-signals", &r) == 0);
    CHECK(exited_with(&r, 0));
    CHECK_STR(r.out, "threads and signals ok\n");
    CHECK_STR(r.report, "");
}

static void test_only_stdio_inherited(void)
{
    int leak[5], p[2];
    for (int i = 0; i < 3; i++)
        leak[i] = open("/dev/null", O_RDONLY); /* deliberately not O_CLOEXEC */
    CHECK(pipe(p) == 0);
    leak[3] = p[0];
    leak[4] = p[1];
    struct run r;
    CHECK(run_victim("fds", &r) == 0);
    CHECK(exited_with(&r, 0));
    CHECK_STR(r.out, "0 1 2 \n");
    for (int i = 0; i < 5; i++)
        close(leak[i]);
}

/* The fd the core passes (the bulk region) arrives as fd 5, kept across exec; nothing else does. */
static void test_passed_fd(void)
{
    int leak = open("/dev/null", O_RDONLY); /* deliberately not O_CLOEXEC */
    /* Something open at 4, where the Landlock ruleset would go: without one it must not leak. */
    bool four = fcntl(4, F_GETFD) < 0 && dup2(leak, 4) == 4;
    int pass = memfd_create("moat-test", MFD_CLOEXEC);
    CHECK(leak >= 0 && pass >= 0 && ftruncate(pass, 4096) == 0);
    char *argv[] = {"victim", "fds", NULL};
    struct run r;
    CHECK(run_child_fd(SBX_VICTIM, argv, pass, &r, NULL, NULL) == 0);
    CHECK(exited_with(&r, 0));
    CHECK_STR(r.out, "0 1 2 5 \n");
    close(leak);
    close(pass);
    if (four) close(4);
}

static void test_no_new_privs(void)
{
    struct run r;
    CHECK(run_victim("nnp", &r) == 0);
    CHECK(exited_with(&r, 0));
    CHECK_STR(r.out, "1\n");
}

static void test_parent_death_signal(void)
{
    struct run r;
    CHECK(run_victim("pdeathsig", &r) == 0);
    CHECK(exited_with(&r, 0));
    CHECK_STR(r.out, "9\n");
}

static void test_exact_environment(void)
{
    struct run r;
    CHECK(run_victim("env", &r) == 0);
    CHECK(exited_with(&r, 0));
    CHECK_STR(r.out, "ASAN_OPTIONS=detect_leaks=0\nMOAT_TEST=sandbox one two\n");
}

static void test_exec_failure_reported(void)
{
    struct run r;
    char *argv[] = {"nothing", NULL};
    CHECK(run_child("/nonexistent/moat-renderer", argv, &r, NULL, NULL) == -1);
    CHECK_CONTAINS(r.err, "spawn /nonexistent/moat-renderer: exec failed");
    CHECK_CONTAINS(r.err, "No such file");
    CHECK(waitpid(-1, NULL, WNOHANG) == -1 && errno == ECHILD); /* reaped */
}

static void test_stdio_failure_reported(void)
{
    char *argv[] = {"victim", "ok", NULL};
    struct sbx_spawn_opts o = {
        .path = SBX_VICTIM, .argv = argv, .envp = child_env, .stdout_fd = 1000, .stderr_fd = 2};
    struct sbx_child c;
    char err[256] = "";
    o.filter = filter;
    close(1000);
    CHECK(sbx_spawn(&o, &c, err, sizeof err) == -1);
    CHECK_CONTAINS(err, "setting up stdio failed: Bad file descriptor");
    CHECK(waitpid(-1, NULL, WNOHANG) == -1 && errno == ECHILD);
}

/* A caller whose stdout for the child sits on fd 0, which the child's stdin replaces. */
static void test_stdio_sources_in_low_fds(void)
{
    int p[2], saved = dup(0);
    CHECK(saved >= 0 && pipe2(p, O_CLOEXEC) == 0 && dup2(p[1], 0) == 0);
    close(p[1]);
    char *argv[] = {"victim", "ok", NULL};
    struct sbx_spawn_opts o = {.path = SBX_VICTIM,
                               .argv = argv,
                               .envp = child_env,
                               .stdout_fd = 0,
                               .stderr_fd = 0,
                               .filter = filter};
    struct sbx_child c;
    char err[256] = "", out[64] = "";
    int rc = sbx_spawn(&o, &c, err, sizeof err);
    dup2(saved, 0);
    close(saved);
    CHECK_STR(err, "");
    if (rc == 0) {
        int status;
        CHECK(waitpid(c.pid, &status, 0) == c.pid && WIFEXITED(status) && WEXITSTATUS(status) == 3);
        CHECK(read(p[0], out, sizeof out - 1) > 0);
        CHECK_STR(out, "hello from the sandbox\n");
        close(c.pidfd);
        close(c.notify_fd);
    }
    close(p[0]);
}

static void test_bad_options_rejected(void)
{
    struct sbx_spawn_opts o = {.path = SBX_VICTIM, .stdout_fd = 1, .stderr_fd = 2};
    struct sbx_child c;
    char err[256] = "";
    CHECK(sbx_spawn(&o, &c, err, sizeof err) == -1);
    CHECK_CONTAINS(err, "required");
}

/* Spawns from several threads at once, as the core does for several apps. */
#define SPAWNERS 4
#define SPAWNS_EACH 5

static void *spawner(void *arg)
{
    int *good = arg;
    for (int i = 0; i < SPAWNS_EACH; i++) {
        struct run r;
        if (run_victim("ok", &r) == 0 && exited_with(&r, 3) &&
            strcmp(r.out, "hello from the sandbox\n") == 0 && !r.report[0])
            (*good)++;
    }
    return NULL;
}

static void test_concurrent_spawns(void)
{
    pthread_t t[SPAWNERS];
    int good[SPAWNERS] = {0};
    for (int i = 0; i < SPAWNERS; i++)
        CHECK(pthread_create(&t[i], NULL, spawner, &good[i]) == 0);
    for (int i = 0; i < SPAWNERS; i++) {
        pthread_join(t[i], NULL);
        CHECK(good[i] == SPAWNS_EACH);
    }
}

/*
 * The kill variant: under an outer filter that already has a listener the
 * kernel refuses a second one (EBUSY), so the child gets no listener and a
 * forbidden call ends it with SIGSYS. Runs in a forked copy of the test,
 * since the outer filter cannot be removed again.
 */
static int fallback_child(void)
{
    struct sock_filter allow = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
    struct sock_fprog prog = {.len = 1, .filter = &allow};
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
        syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog) < 0)
        return 10;
    struct run r;
    if (run_victim("socket-inet", &r) < 0) return 11;
    if (r.notify_fd != -1) return 12;
    if (!killed_by(&r, SIGSYS) || strstr(r.out, "survived")) return 13;
    if (run_victim("ok", &r) < 0 || !exited_with(&r, 3)) return 14;
    return test_failures ? 15 : 0;
}

static void test_kill_variant_fallback(void)
{
    pid_t pid = fork();
    if (pid == 0) _exit(fallback_child());
    int status = -1;
    CHECK(waitpid(pid, &status, 0) == pid);
    CHECK(WIFEXITED(status));
    if (WIFEXITED(status) && WEXITSTATUS(status))
        fprintf(stderr, "fallback child failed at step %d\n", WEXITSTATUS(status));
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/* The core's end of jsc_probe's nng dial: answer its "hello". */
static void answer_probe(void *arg)
{
    nng_socket *sock = arg;
    char *buf;
    size_t len;
    if (nng_recv(*sock, &buf, &len, NNG_FLAG_NONBLOCK | NNG_FLAG_ALLOC) != 0) return;
    CHECK(len == 6 && memcmp(buf, "hello", 6) == 0);
    nng_free(buf, len);
    CHECK(nng_send(*sock, "world", 5, 0) == 0);
}

static void test_jsc_and_nng_allowed(void)
{
    char dir[] = "/tmp/moat-sbx-XXXXXX", url[128], *sockpath = url + strlen("ipc://");
    nng_socket sock;
    CHECK(mkdtemp(dir) != NULL);
    snprintf(url, sizeof url, "ipc://%s/r.ipc", dir);
    CHECK(nng_pair1_open(&sock) == 0);
    CHECK(nng_listen(sock, url, NULL, 0) == 0);
    char *argv[] = {"jsc_probe", url, NULL};
    struct run r;
    CHECK(run_child(SBX_JSC_PROBE, argv, &r, answer_probe, &sock) == 0);
    CHECK_STR(r.report, "");
    CHECK(exited_with(&r, 0));
    CHECK_STR(r.out, "js ok\ngot world\n");
    nng_close(sock);
    unlink(sockpath);
    rmdir(dir);
}

int main(void)
{
    char err[256];
    if (sbx_filter_new_launcher(&filter, err, sizeof err) < 0) {
        fprintf(stderr, "launcher filter: %s\n", err);
        return 1;
    }
    RUN(test_filter_programs);
    RUN(test_syscall_names);
    RUN(test_exit_code_and_stdout);
    RUN(test_socket_inet_is_killed);
    RUN(test_ptrace_is_killed);
    RUN(test_tgkill_other_process_is_killed);
    RUN(test_prlimit_other_process_is_killed);
    RUN(test_fork_is_killed);
    RUN(test_foreign_abi_is_killed);
    RUN(test_threads_and_own_signals_allowed);
    RUN(test_lockdown_self);
    RUN(test_only_stdio_inherited);
    RUN(test_passed_fd);
    RUN(test_no_new_privs);
    RUN(test_parent_death_signal);
    RUN(test_exact_environment);
    RUN(test_exec_failure_reported);
    RUN(test_stdio_failure_reported);
    RUN(test_stdio_sources_in_low_fds);
    RUN(test_bad_options_rejected);
    RUN(test_kill_variant_fallback); /* forks: before this process has threads */
    RUN(test_concurrent_spawns);
    RUN(test_jsc_and_nng_allowed);
    sbx_filter_free(filter);
    nng_fini();
    return TEST_RESULT();
}
