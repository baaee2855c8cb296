// SPDX-License-Identifier: MIT
/*
 * victim.c: spawned by test_sandbox under the launcher filter; argv[1] picks
 * what it does. Modes that should be stopped print "survived" if they are not.
 */
#include "sandbox.h"

#include <dirent.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

extern char **environ;

static int list_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    if (!d) return 1;
    struct dirent *e;
    while ((e = readdir(d)))
        if (e->d_name[0] != '.' && atoi(e->d_name) != dirfd(d)) printf("%s ", e->d_name);
    printf("\n");
    closedir(d);
    return 0;
}

static volatile sig_atomic_t got_signal;

static void on_usr1(int sig)
{
    got_signal = sig;
}

static int thread_ran;

static void *thread_main(void *arg)
{
    thread_ran = 1;
    return arg;
}

/* What a runtime does on its own: threads, and signals to itself. */
static int threads_and_signals(void)
{
    pthread_t t;
    if (pthread_create(&t, NULL, thread_main, NULL) != 0 || pthread_join(t, NULL) != 0 ||
        !thread_ran)
        return 1;
    signal(SIGUSR1, on_usr1);
    if (raise(SIGUSR1) != 0 || got_signal != SIGUSR1) return 1;
    printf("threads and signals ok\n");
    return 0;
}

static void i386_getpid(void)
{
#if defined(__x86_64__)
    long ret = 20; /* getpid in the i386 table */
    __asm__ volatile("int $0x80" : "+a"(ret) : : "memory");
#endif
}

static int forbidden(const char *mode)
{
    if (!strcmp(mode, "socket-inet"))
        socket(AF_INET, SOCK_STREAM, 0);
    else if (!strcmp(mode, "ptrace"))
        ptrace(PTRACE_TRACEME, 0, NULL, NULL);
    else if (!strcmp(mode, "tgkill-parent"))
        syscall(SYS_tgkill, getppid(), getppid(), 0);
    else if (!strcmp(mode, "prlimit-parent")) {
        struct rlimit old;
        prlimit(getppid(), RLIMIT_NOFILE, NULL, &old);
    } else if (!strcmp(mode, "fork"))
        fork();
#if defined(__x86_64__)
    else if (!strcmp(mode, "x32"))
        syscall(0x40000000 | SYS_getpid);
#endif
    else if (!strcmp(mode, "i386"))
        i386_getpid();
    else
        return 2;
    printf("survived\n");
    return 0;
}

/* After the renderer's own stage, from another thread (the filter must cover all). */
static void *forbidden_after_lockdown(void *arg)
{
    const char *mode = arg;
    if (!strcmp(mode, "lockdown-exec"))
        execl("/bin/true", "true", (char *)NULL);
    else if (!strcmp(mode, "lockdown-socket"))
        socket(AF_UNIX, SOCK_STREAM, 0);
    return NULL;
}

static int lockdown(const char *mode)
{
    char err[200];
    if (sbx_lockdown_self(err, sizeof err) != 0) {
        printf("lockdown failed: %s\n", err);
        return 1;
    }
    if (!strcmp(mode, "lockdown-ok")) {
        printf("locked down\n");
        return 0;
    }
    pthread_t t;
    pthread_create(&t, NULL, forbidden_after_lockdown, (void *)mode);
    pthread_join(t, NULL);
    printf("survived\n");
    return 0;
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "";
    if (!strcmp(mode, "ok")) {
        printf("hello from the sandbox\n");
        return 3;
    }
    if (!strcmp(mode, "fds")) return list_fds();
    if (!strcmp(mode, "nnp")) return printf("%d\n", prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0)) < 0;
    if (!strcmp(mode, "pdeathsig")) {
        int sig = -1;
        return prctl(PR_GET_PDEATHSIG, &sig) < 0 || printf("%d\n", sig) < 0;
    }
    if (!strcmp(mode, "env")) {
        for (char **e = environ; *e; e++)
            printf("%s\n", *e);
        return 0;
    }
    if (!strcmp(mode, "threads-signals")) return threads_and_signals();
    if (!strncmp(mode, "lockdown-", 9)) return lockdown(mode);
    return forbidden(mode);
}
