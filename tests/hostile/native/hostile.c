// SPDX-License-Identifier: MIT
/*
 * hostile.c: a native renderer that attacks its sandbox in the way its
 * bundle folder's name says (one copy per attack). It connects to the core
 * first, as a real renderer would, so an attack runs with everything a
 * renderer legitimately holds.
 *
 * An attack the sandbox stops with an error prints "hostile: blocked: WHAT:
 * ERROR" and exits 0; one that succeeds prints "hostile: ESCAPED: WHAT" and
 * exits 3. Attacks the filter forbids never get to print: the core kills the
 * process and names the call.
 */
#include "moat_renderer.h"

#include <dirent.h>
#include <stddef.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <linux/bpf.h>
#include <linux/keyctl.h>
#include <linux/perf_event.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

/* Listened on by test_hostile.c, outside the sandbox. */
#define HOSTILE_ABSTRACT "moat-hostile-abstract"
#define HOSTILE_SOCKET "/tmp/moat-hostile.sock"

static const char *attack;

/* rc < 0 means the attempt failed with errno. */
static int verdict(long rc, const char *what)
{
    if (rc < 0) {
        fprintf(stderr, "hostile: blocked: %s: %s\n", what, strerror(errno));
        return 0;
    }
    fprintf(stderr, "hostile: ESCAPED: %s\n", what);
    return 3;
}

static int sock(int family, int type)
{
    return verdict(socket(family, type, 0), attack);
}

static int read_file(const char *path)
{
    char buf[64];
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    long rc = fd < 0 ? -1 : read(fd, buf, sizeof buf);
    return verdict(rc, path);
}

static int write_proc_self_mem(void)
{
    return verdict(open("/proc/self/mem", O_RDWR | O_CLOEXEC), "open /proc/self/mem for writing");
}

/* Any pid other than its own in /proc would be another process it can see. */
static int other_processes(void)
{
    DIR *d = opendir("/proc");
    struct dirent *e;
    int others = 0;
    while (d && (e = readdir(d)))
        others += atoi(e->d_name) > 0 && atoi(e->d_name) != getpid();
    if (d) closedir(d);
    errno = ESRCH;
    return verdict(others ? 0 : -1, "seeing other processes in /proc");
}

static int connect_unix(const char *path, int abstract)
{
    struct sockaddr_un a = {.sun_family = AF_UNIX};
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    snprintf(a.sun_path + abstract, sizeof a.sun_path - 1, "%s", path);
    socklen_t len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + abstract + strlen(path));
    return verdict(connect(fd, (struct sockaddr *)&a, len), attack);
}

static void i386_call(void)
{
#if defined(__x86_64__)
    long ret = 20; /* getpid in the i386 table */
    __asm__ volatile("int $0x80" : "+a"(ret) : : "memory");
#endif
}

static int memory_bomb(void)
{
    size_t total = 0;
    for (;;) {
        char *p = malloc(16 << 20);
        if (!p) break;
        memset(p, 1, 16 << 20);
        total += 16;
    }
    errno = ENOMEM;
    fprintf(stderr, "hostile: allocated %zu MiB\n", total);
    return verdict(-1, "allocating without end");
}

static pthread_mutex_t held = PTHREAD_MUTEX_INITIALIZER;

static void *idle(void *arg) /* waits on a futex: the filter allows it, as threads need it */
{
    (void)arg;
    pthread_mutex_lock(&held);
    return NULL;
}

/* Threads without end: the process count must stop them well before the machine's limit. */
static int thread_bomb(void)
{
    pthread_attr_t a;
    pthread_attr_init(&a);
    pthread_attr_setstacksize(&a, 64 << 10);
    int n = 0, rc = 0;
    pthread_t t;
    pthread_mutex_lock(&held);
    while (n < 5000 && (rc = pthread_create(&t, &a, idle, NULL)) == 0)
        n++;
    fprintf(stderr, "hostile: %d threads\n", n);
    errno = rc;
    return verdict(rc && n < 300 ? -1 : 0, "creating threads without end");
}

static int second_connection(void)
{
    char err[256];
    moat_client *c = moat_client_connect(NULL, err, sizeof err);
    if (c) moat_client_close(c);
    errno = ECONNREFUSED;
    return verdict(c ? 0 : -1, "a second connection to the core");
}

/* Attacks the filter answers by killing: they never return. */
static int forbidden(void)
{
    const char *a = attack;
    if (!strcmp(a, "ptrace-core")) ptrace(PTRACE_ATTACH, getppid(), NULL, NULL);
    if (!strcmp(a, "process-vm-writev")) {
        char b[8];
        struct iovec l = {b, 8}, r = {(void *)0x400000, 8};
        syscall(SYS_process_vm_writev, 1, &l, 1, &r, 1, 0);
    }
    if (!strcmp(a, "kill-all")) kill(-1, SIGKILL);
    if (!strcmp(a, "tgkill-other")) syscall(SYS_tgkill, 2, 2, SIGKILL);
    if (!strcmp(a, "unshare")) unshare(CLONE_NEWUSER);
    if (!strcmp(a, "setns")) setns(0, 0);
    if (!strcmp(a, "mount")) mount("none", "/", "tmpfs", 0, NULL);
    if (!strcmp(a, "chroot")) chroot("/");
    if (!strcmp(a, "pivot-root")) syscall(SYS_pivot_root, ".", ".");
    if (!strcmp(a, "clone-newns")) syscall(SYS_clone, CLONE_NEWNS | SIGCHLD, 0, 0, 0, 0);
    if (!strcmp(a, "fork-bomb"))
        for (;;)
            fork();
    if (!strcmp(a, "io-uring")) syscall(SYS_io_uring_setup, 8, calloc(1, 256));
    if (!strcmp(a, "userfaultfd")) syscall(SYS_userfaultfd, 0);
    if (!strcmp(a, "bpf")) syscall(SYS_bpf, BPF_PROG_LOAD, calloc(1, 256), 128);
    if (!strcmp(a, "perf-event-open")) syscall(SYS_perf_event_open, calloc(1, 256), 0, -1, -1, 0);
    if (!strcmp(a, "keyctl")) syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, 0);
    if (!strcmp(a, "tiocsti")) ioctl(2, TIOCSTI, "x");
    if (!strcmp(a, "ioctl-tiocsctty")) ioctl(0, TIOCSCTTY, 0);
    if (!strcmp(a, "personality")) personality(READ_IMPLIES_EXEC);
    if (!strcmp(a, "memfd-create")) syscall(SYS_memfd_create, "x", 0);
    if (!strcmp(a, "execveat")) syscall(SYS_execveat, AT_FDCWD, "/bin/sh", NULL, NULL, 0);
    if (!strcmp(a, "prctl-ptracer")) prctl(PR_SET_PTRACER, PR_SET_PTRACER_ANY, 0, 0, 0);
    if (!strcmp(a, "prctl-set-mm")) prctl(PR_SET_MM, PR_SET_MM_START_CODE, 0, 0, 0);
    if (!strcmp(a, "prctl-dumpable")) prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
    if (!strcmp(a, "setuid")) syscall(SYS_setuid, 0);
    if (!strcmp(a, "mprotect-exec")) {
        char *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        mprotect(p, 4096, PROT_READ | PROT_EXEC);
    }
    if (!strcmp(a, "mmap-wx"))
        mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (!strcmp(a, "open-write")) open("/tmp/hostile", O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
    if (!strcmp(a, "x32")) syscall(0x40000000 | SYS_getpid);
    if (!strcmp(a, "i386")) i386_call();
    if (!strcmp(a, "cpu-loop"))
        for (volatile unsigned long i = 0;; i++)
            ;
    return -1;
}

/* Not an attack: proves the core still serves after one. */
static int serve(moat_client *c)
{
    moat_msg reply;
    if (moat_client_invoke(c, "app:version", NULL, 0, &reply, 5000) != 0 || !reply.ok) return 1;
    moat_msg_free(&reply);
    fprintf(stderr, "hostile: served\n");
    return 0;
}

/* The core's private socket directory (where its socket is): not listable inside. */
static int list_socket_dir(void)
{
    char *dir = strdup(getenv("MOAT_IPC") + strlen("ipc://"));
    DIR *d = opendir(dirname(dir));
    if (d) closedir(d);
    return verdict(d ? 0 : -1, "listing the core's socket directory");
}

static int attempt(moat_client *c)
{
    const char *a = attack;
    if (!strcmp(a, "socket-inet")) return sock(AF_INET, SOCK_STREAM);
    if (!strcmp(a, "socket-inet6")) return sock(AF_INET6, SOCK_DGRAM);
    if (!strcmp(a, "socket-netlink")) return sock(AF_NETLINK, SOCK_RAW);
    if (!strcmp(a, "socket-packet")) return sock(AF_PACKET, SOCK_RAW);
    if (!strcmp(a, "socket-vsock")) return sock(AF_VSOCK, SOCK_STREAM);
    if (!strcmp(a, "socket-bluetooth")) return sock(AF_BLUETOOTH, SOCK_STREAM);
    if (!strcmp(a, "read-passwd")) return read_file("/etc/passwd");
    if (!strcmp(a, "read-shadow")) return read_file("/etc/shadow");
    if (!strcmp(a, "list-socket-dir")) return list_socket_dir();
    if (!strcmp(a, "read-home")) return read_file("/root/.bashrc");
    if (!strcmp(a, "proc-others")) return other_processes();
    if (!strcmp(a, "proc-self-mem")) return write_proc_self_mem();
    if (!strcmp(a, "write-bundle"))
        return verdict(open(".", O_RDWR), "open the bundle for writing");
    if (!strcmp(a, "exec-shell")) {
        char *argv[] = {"sh", "-c", "id", NULL};
        return verdict(execve("/bin/sh", argv, NULL), "exec /bin/sh");
    }
    if (!strcmp(a, "clone3")) return verdict(syscall(SYS_clone3, calloc(1, 88), 88), "clone3");
    if (!strcmp(a, "connect-abstract")) return connect_unix(HOSTILE_ABSTRACT, 1);
    if (!strcmp(a, "connect-path")) return connect_unix(HOSTILE_SOCKET, 0);
    if (!strcmp(a, "serve")) return serve(c);
    if (!strcmp(a, "connect-core-again")) return second_connection();
    if (!strcmp(a, "memory-bomb")) return memory_bomb();
    if (!strcmp(a, "thread-bomb")) return thread_bomb();
    return forbidden();
}

int main(int argc, char **argv)
{
    (void)argc;
    attack = basename(dirname(strdup(argv[0])));
    char err[256];
    if (!strcmp(attack, "silent")) /* never says hello: the core's handshake deadline ends it */
        for (;;)
            sleep(60);
    moat_client *c = moat_client_connect(NULL, err, sizeof err);
    if (!c) {
        fprintf(stderr, "hostile: %s\n", err);
        return 1;
    }
    int rc = attempt(c);
    if (rc < 0) fprintf(stderr, "hostile: unknown attack %s (or it returned)\n", attack);
    moat_client_close(c);
    return rc < 0 ? 3 : rc;
}
