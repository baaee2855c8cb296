// SPDX-License-Identifier: MIT
/*
 * doctor.c: `moat doctor` starts a probe (this program again, as
 * `moat doctor --probe`) in the same sandbox a renderer gets, then prints
 * each layer, whether it took effect and why not, and what the probe saw from
 * inside. `moat doctor --filter` prints the seccomp filter as libseccomp's
 * pseudo filter code.
 *
 * Exit: 0 when every layer is active, 1 when some are not, 70 when the probe
 * could not be started.
 */
#include "doctor.h"
#include "webview.h" /* sandbox/ */
#include "sandbox.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define EXIT_SETUP 70

/* ---- inside: what the probe sees ---------------------------------------- */

static void probe_status(void)
{
    static const char *const keys[] = {"Uid:", "CapEff:", "CapBnd:", "NoNewPrivs:", "Seccomp:"};
    char line[256];
    FILE *f = fopen("/proc/self/status", "r");
    if (!f) {
        printf("  /proc/self/status: %s\n", strerror(errno));
        return;
    }
    while (fgets(line, sizeof line, f))
        for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
            if (!strncmp(line, keys[i], strlen(keys[i]))) printf("  %s", line);
    fclose(f);
}

static void probe_root(void)
{
    DIR *d = opendir("/");
    struct dirent *e;
    printf("  / holds:");
    while (d && (e = readdir(d)))
        if (e->d_name[0] != '.') printf(" %s", e->d_name);
    printf("%s\n", d ? "" : " (cannot be listed)");
    if (d) closedir(d);
}

static int probe(void)
{
    printf("  pid %d\n", (int)getpid());
    probe_status();
    probe_root();
    int fd = open("/etc/passwd", O_RDONLY | O_CLOEXEC);
    printf("  open /etc/passwd: %s\n", fd >= 0 ? "readable (not confined)" : strerror(errno));
    if (fd >= 0) close(fd);
    return 0;
}

/* ---- outside: start the probe and report -------------------------------- */

static void read_all(int fd, struct sbx_child *c, char *out, size_t len)
{
    size_t used = 0;
    struct pollfd p[2] = {{.fd = fd, .events = POLLIN}, {.fd = c->notify_fd, .events = POLLIN}};
    char report[256];
    for (;;) {
        if (poll(p, c->notify_fd >= 0 ? 2 : 1, 10000) <= 0) break;
        if (p[1].revents & POLLIN &&
            sbx_notify_handle(c->notify_fd, c->pidfd, report, sizeof report) == 1)
            used += (size_t)snprintf(out + used, len - used, "  (probe ended: %s)\n", report);
        if (p[1].revents & (POLLHUP | POLLERR)) p[1].fd = -1;
        if (!(p[0].revents & (POLLIN | POLLHUP))) continue;
        ssize_t n = read(fd, out + used, len - used - 1);
        if (n <= 0) break;
        used += (size_t)n;
    }
    out[used < len ? used : len - 1] = '\0';
}

/* Starts the probe in a jail; 0 with its output in out, or -1 with err. */
static int run_probe(struct sbx_jail *j, const char *self, char *out, size_t len, char *err,
                     size_t errlen)
{
    struct sbx_filter *f;
    if (sbx_filter_new(0, &f, err, errlen) != 0) return -1;
    int pipefd[2];
    if (pipe2(pipefd, O_CLOEXEC) != 0) {
        snprintf(err, errlen, "pipe: %s", strerror(errno));
        sbx_filter_free(f);
        return -1;
    }
    char *argv[] = {"moat", "doctor", "--probe", NULL};
    char *envp[] = {"ASAN_OPTIONS=detect_leaks=0", NULL};
    struct sbx_spawn_opts o = {.path = self,
                               .argv = argv,
                               .envp = envp,
                               .stdout_fd = pipefd[1],
                               .stderr_fd = pipefd[1],
                               .filter = f,
                               .jail = j};
    struct sbx_child c;
    int rc = sbx_spawn(&o, &c, err, errlen);
    close(pipefd[1]);
    if (rc == 0) {
        read_all(pipefd[0], &c, out, len);
        waitpid(c.pid, NULL, 0);
        close(c.pidfd);
        if (c.notify_fd >= 0) close(c.notify_fd);
        sbx_child_cleanup(&c);
    }
    close(pipefd[0]);
    sbx_filter_free(f);
    return rc;
}

static int report(void)
{
    char self[PATH_MAX], err[400], out[4096] = "";
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0) return fprintf(stderr, "moat doctor: /proc/self/exe: %m\n"), EXIT_SETUP;
    self[n] = '\0';
    struct sbx_jail_opts jo = {.exe = self};
    struct sbx_jail *j;
    if (sbx_jail_prepare(&jo, &j, err, sizeof err) != 0 ||
        run_probe(j, self, out, sizeof out, err, sizeof err) != 0) {
        fprintf(stderr, "moat doctor: cannot start the probe: %s\n", err);
        return EXIT_SETUP;
    }
    printf("moat doctor: the sandbox for uid %u%s on this machine\n\n", (unsigned)geteuid(),
           geteuid() == 0 ? " (root)" : "");
    int off = 0;
    for (int l = 0; l < SBX_LAYER_COUNT; l++) {
        const char *detail;
        bool on = sbx_jail_layer(j, l, &detail);
        off += !on;
        printf("  %-13s %s: %s\n", sbx_layer_name(l), on ? "active" : "OFF", detail);
    }
    printf("  %-13s off by default (moat run --jit, or moat_sandbox_opts.jit)\n", "jit");
    printf("  %-13s %s\n", "webview", sbx_wv_mode_text(sbx_wv_probe_mode()));
    char display[4200];
    printf("  %-13s %s\n", "display", sbx_wv_display_text(display, sizeof display));
    printf("\nwhat a process in this sandbox sees:\n%s", out);
    sbx_jail_free(j);
    return off ? 1 : 0;
}

static int print_filter(bool jit)
{
    char err[256];
    fflush(stdout);
    if (sbx_filter_print(jit ? SBX_FILTER_JIT : 0, STDOUT_FILENO, err, sizeof err) != 0) {
        fprintf(stderr, "moat doctor: %s\n", err);
        return EXIT_SETUP;
    }
    return 0;
}

int cmd_doctor(int argc, char **argv)
{
    bool filter = false, jit = false;
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "--probe")) return probe();
        if (!strcmp(argv[i], "--filter"))
            filter = true;
        else if (!strcmp(argv[i], "--jit"))
            jit = true;
        else
            return fprintf(stderr, "moat doctor: unexpected argument \"%s\"\n", argv[i]), 2;
    }
    return filter ? print_filter(jit) : report();
}
