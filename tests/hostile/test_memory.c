// SPDX-License-Identifier: MIT
/*
 * test_memory.c: the core's memory stays within a renderer's budget under
 * each memory attack of issue 10 (tests/hostile/native/flooder.c, mem-*):
 * the core's peak RSS (VmHWM, reset before the attack) may grow by the
 * budget plus a fixed overhead, no more. Each attack runs in a child process
 * of its own, so that one's peak is not another's; the parent never touches
 * nng (it is not fork-safe).
 */
#include "moat.h"
#include "test.h"

#include <malloc.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define BUDGET_MIB 64
#ifdef __SANITIZE_ADDRESS__
#define OVERHEAD_MIB 160 /* shadow memory and the allocator's own */
#else
#define OVERHEAD_MIB 48
#endif

static char dir[] = "/tmp/moat-memory-XXXXXX";
static atomic_bool done, over;
static moat_call *held[128];
static atomic_int nheld;

static void on_output(void *ud, const char *label, int stream, const char *line)
{
    (void)ud, (void)label, (void)stream;
    if (strstr(line, "flooder: done")) atomic_store(&done, true);
}

/* test:work: held until the attack is over, as a slow command would. */
static void cmd_work(moat_call *c, void *ud)
{
    (void)ud;
    int i = atomic_fetch_add(&nheld, 1);
    if (i < 128)
        held[i] = c;
    else
        moat_call_resolve_null(c);
}

/* kB of the field ("VmRSS:", "VmHWM:") in /proc/self/status. */
static long status_kb(const char *field)
{
    char line[256];
    long kb = -1;
    FILE *f = fopen("/proc/self/status", "r");
    while (f && fgets(line, sizeof line, f))
        if (!strncmp(line, field, strlen(field))) kb = atol(line + strlen(field));
    if (f) fclose(f);
    return kb;
}

static void reset_peak(void)
{
    FILE *f = fopen("/proc/self/clear_refs", "w");
    if (f) fputs("5", f), fclose(f);
}

struct ender {
    moat_renderer *r;
};

/* Once the attacker has sent everything (or after 60 s), a second more, then its end (unless it has
 * ended). */
static void *end_later(void *arg)
{
    struct ender *e = arg;
    for (int i = 0; i < 600 && !atomic_load(&done) && !atomic_load(&over); i++)
        usleep(100000);
    for (int i = 0; i < 10 && !atomic_load(&over); i++)
        usleep(100000);
    if (!atomic_load(&over)) moat_renderer_kill(e->r, "the attack is over");
    return NULL;
}

/* In the child: one attack; exit 0 if the peak held. */
static int attack(const char *mode)
{
    moat_app *app = moat_app_new("memory");
    moat_app_set_output(app, on_output, NULL);
    moat_app_set_limit(app, MOAT_LIMIT_MEMORY_BYTES, (uint64_t)BUDGET_MIB << 20);
    moat_app_command(app, "test:work", cmd_work, NULL);
    char path[300], bundle[512];
    snprintf(path, sizeof path, "%s/policy.json", dir);
    FILE *f = fopen(path, "w");
    fputs("{\"identifier\": \"m\", \"windows\": [\"*\"],\n"
          " \"permissions\": [\"core:default\", \"test:allow-work\"]}\n",
          f);
    fclose(f);
    if (moat_app_load_policy(app, path) != 0) return fprintf(stderr, "%s\n", moat_errmsg()), 2;
    snprintf(bundle, sizeof bundle, "%s/%s", SURVIVE_NATIVE_DIR, mode);
    long base = status_kb("VmRSS:");
    reset_peak();
    struct ender e = {moat_app_spawn(app, bundle, "attacker")};
    if (!e.r) return fprintf(stderr, "spawn: %s\n", moat_errmsg()), 2;
    pthread_t t;
    pthread_create(&t, NULL, end_later, &e);
    moat_app_run(app);
    atomic_store(&over, true);
    pthread_join(t, NULL);
    long growth = (status_kb("VmHWM:") - base) / 1024;
    moat_exit x;
    moat_renderer_exited(e.r, &x);
    fprintf(stderr, "%s: peak RSS grew %ld MiB (budget %d MiB + %d MiB); sent all: %s; %s\n", mode,
            growth, BUDGET_MIB, OVERHEAD_MIB, atomic_load(&done) ? "yes" : "no", x.reason);
    for (int i = 0; i < atomic_load(&nheld) && i < 128; i++)
        moat_call_resolve_null(held[i]);
    moat_app_free(app);
    return growth <= BUDGET_MIB + OVERHEAD_MIB ? 0 : 1;
}

static bool holds(const char *mode)
{
    fflush(stderr);
    pid_t pid = fork();
    if (pid == 0) _exit(attack(mode));
    int status = -1;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

static void test_memory_attacks(void)
{
    static const char *modes[] = {"mem-nils", "mem-args", "mem-early", "mem-listen",
                                  "flood-request"};
    for (size_t i = 0; i < sizeof modes / sizeof *modes; i++)
        CHECK(holds(modes[i]));
}

int main(void)
{
    /*
     * Blocks of 1 MiB and more come from mmap and go back on free: what is
     * measured is what the core holds, not what glibc keeps for reuse (its
     * dynamic threshold would keep freed 16 MiB frames resident).
     */
    mallopt(M_MMAP_THRESHOLD, 1 << 20);
    if (!mkdtemp(dir)) return 1;
    RUN(test_memory_attacks);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0) return 1;
    return TEST_RESULT();
}
