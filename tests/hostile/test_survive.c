// SPDX-License-Identifier: MIT
/*
 * test_survive.c: the core survives renderers that flood it and die at any
 * moment, and stays fair to the others meanwhile (issue 10). Renderers come
 * from native/flooder.c, one bundle folder per mode.
 *
 *   lives  renderers that send 16,000 requests without reading an answer and
 *          exit: MOAT_SURVIVE_LIVES of them (default 1000), two at a time, in
 *          one app; a watchdog fails the test if the loop stops moving.
 *   fair   a victim's round trips while another renderer floods: the worst
 *          must stay under 100 ms.
 */
#include "moat.h"
#include "test.h"

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[] = "/tmp/moat-survive-XXXXXX";
static atomic_long progress;
static char victim_line[256];
static char captured[1 << 14];
static size_t captured_len;

static void on_output(void *ud, const char *label, int stream, const char *line)
{
    (void)ud, (void)stream;
    if (!strncmp(line, "victim: ", 8)) snprintf(victim_line, sizeof victim_line, "%s", line);
    int n =
        snprintf(captured + captured_len, sizeof captured - captured_len, "%s|%s\n", label, line);
    if (n > 0 && captured_len + (size_t)n < sizeof captured) captured_len += (size_t)n;
}

/* Fails the test (with a message, not a timeout) if no life ends for 60 s. */
static void *watchdog(void *arg)
{
    (void)arg;
    long last = -1;
    for (;;) {
        sleep(60);
        long now = atomic_load(&progress);
        if (now == last) {
            fprintf(stderr, "test_survive: the core made no progress for 60 s (hung after %ld)\n",
                    now);
            abort();
        }
        last = now;
    }
    return NULL;
}

static void cmd_work(moat_call *c, void *ud);

static moat_app *new_app(void)
{
    moat_app *app = moat_app_new("survive");
    CHECK(app != NULL);
    moat_app_set_output(app, on_output, NULL);
    CHECK(moat_app_command(app, "test:work", cmd_work, NULL) == 0);
    char path[300];
    snprintf(path, sizeof path, "%s/policy.json", dir);
    FILE *f = fopen(path, "w");
    fputs("{\"identifier\": \"s\", \"windows\": [\"*\"],\n"
          " \"permissions\": [\"core:default\", \"test:allow-work\"]}\n",
          f);
    fclose(f);
    CHECK(moat_app_load_policy(app, path) == 0);
    return app;
}

static moat_renderer *spawn(moat_app *app, const char *mode, const char *label)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", SURVIVE_NATIVE_DIR, mode);
    moat_renderer *r = moat_app_spawn(app, path, label);
    if (!r) fprintf(stderr, "spawn %s: %s\n", mode, moat_errmsg());
    CHECK(r != NULL);
    return r;
}

static void *kill_later(void *arg)
{
    moat_renderer **rs = arg;
    sleep(3);
    for (int i = 0; rs[i]; i++)
        moat_renderer_kill(rs[i], "the test is over");
    return NULL;
}

static void run_for_3s(moat_app *app, moat_renderer **rs)
{
    pthread_t t;
    pthread_create(&t, NULL, kill_later, rs);
    CHECK(moat_app_run(app) == 0);
    pthread_join(t, NULL);
}

/* A renderer that does nothing wrong is answered after all that. */
static void still_serves(moat_app *app)
{
    victim_line[0] = '\0';
    moat_renderer *rs[] = {spawn(app, "victim", "after"), NULL};
    run_for_3s(app, rs);
    CHECK_CONTAINS(victim_line, " trips, worst ");
}

static void test_lives(void)
{
    const char *env = getenv("MOAT_SURVIVE_LIVES");
    long lives = env ? atol(env) : 1000;
    moat_app *app = new_app();
    pthread_t wd;
    pthread_create(&wd, NULL, watchdog, NULL);
    pthread_detach(wd);
    long clean = 0;
    for (long i = 0; i < lives; i += 2) {
        moat_renderer *a = spawn(app, "flood-exit", "a"), *b = spawn(app, "flood-exit", "b");
        if (!a || !b) break;
        CHECK(moat_app_run(app) == 0);
        moat_exit ea, eb;
        CHECK(moat_renderer_exited(a, &ea) && moat_renderer_exited(b, &eb));
        clean += (ea.code == 0) + (eb.code == 0);
        atomic_fetch_add(&progress, 1);
    }
    fprintf(stderr, "%ld lives, %ld exited 0 themselves\n", lives, clean);
    still_serves(app);
    moat_app_free(app);
}

/* The victim's worst round trip while flooder mode floods, in ms. */
static double victim_worst(const char *mode)
{
    moat_app *app = new_app();
    victim_line[0] = '\0';
    captured_len = 0;
    moat_renderer *rs[] = {spawn(app, mode, "flood"), spawn(app, "victim", "victim"), NULL};
    run_for_3s(app, rs);
    moat_exit e;
    CHECK(moat_renderer_exited(rs[1], &e));
    double worst = -1;
    unsigned long trips = 0;
    if (sscanf(victim_line, "victim: %lu trips, worst %lf ms", &trips, &worst) != 2 || trips < 20)
        fprintf(stderr, "%s: the victim said \"%s\"\ncaptured:\n%s\n", mode, victim_line, captured);
    CHECK(trips >= 20);
    fprintf(stderr, "%s: victim made %lu trips, worst %.1f ms\n", mode, trips, worst);
    moat_app_free(app);
    return worst;
}

/*
 * Issue 10's bound is 100 ms. Under ASan every frame costs several times
 * more and the tree's other tests load the same two cores, so that build
 * gets 500 ms: still twenty times below what unfair service took.
 */
#ifdef __SANITIZE_ADDRESS__
#define FAIR_BOUND_MS 500
#else
#define FAIR_BOUND_MS 100
#endif

static void test_fair(void)
{
    static const char *modes[] = {"flood-cancel", "flood-request", "flood-emit"};
    for (size_t i = 0; i < sizeof modes / sizeof *modes; i++) {
        /*
         * Served unfairly, the victim waited 9-17 s; fairly, a few ms. 100 ms
         * is issue 10's bound. The test runs alone (RUN_SERIAL), but a
         * machine's other work can still stall one trip of 500 once: a
         * second run must then hold it. Unfairness fails both.
         */
        double worst = victim_worst(modes[i]);
        if (worst >= FAIR_BOUND_MS) worst = victim_worst(modes[i]);
        CHECK(worst >= 0 && worst < FAIR_BOUND_MS);
    }
}

/*
 * chaos: test:work is answered from worker threads after a random delay; its
 * cancel hook touches a context the worker frees right after answering, so
 * a hook running after the answer is a use-after-free (ASan) or a count
 * that does not add up. Renderers die at random moments meanwhile.
 */
struct work {
    moat_call *call;
    atomic_int *hooks_after; /* hooks that ran once the answer had returned */
    atomic_bool answered;
    unsigned delay_us;
};

static atomic_int hooks_after, hooks_run, answers;

static void on_work_cancel(moat_call *c, const char *code, void *ud)
{
    (void)c, (void)code;
    struct work *w = ud;
    if (atomic_load(&w->answered)) atomic_fetch_add(w->hooks_after, 1);
    atomic_fetch_add(&hooks_run, 1);
}

static void *work_thread(void *arg)
{
    struct work *w = arg;
    usleep(w->delay_us);
    moat_call_resolve_int(w->call, 1);
    atomic_store(&w->answered, true);
    atomic_fetch_add(&answers, 1);
    free(w); /* the hook must not run any more */
    return NULL;
}

static void cmd_work(moat_call *c, void *ud)
{
    (void)ud;
    struct work *w = calloc(1, sizeof *w);
    w->call = c;
    w->hooks_after = &hooks_after;
    w->delay_us = (unsigned)(rand() % 3000);
    moat_call_on_cancel(c, on_work_cancel, w);
    pthread_t t;
    pthread_attr_t a;
    pthread_attr_init(&a);
    pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
    if (pthread_create(&t, &a, work_thread, w) != 0) work_thread(w);
    pthread_attr_destroy(&a);
}

static int open_fds(void)
{
    int n = 0;
    char path[64];
    for (int fd = 0; fd < 4096; fd++) {
        snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
        n += access(path, F_OK) == 0;
    }
    return n;
}

static void *kill_soon(void *arg)
{
    usleep((unsigned)(rand() % 20000));
    moat_renderer_kill(arg, "chaos");
    return NULL;
}

/* This process's resident memory, in MiB (the core is this process). */
static long rss_mib(void)
{
    char line[256];
    long kb = -1;
    FILE *f = fopen("/proc/self/status", "r");
    while (f && fgets(line, sizeof line, f))
        if (!strncmp(line, "VmRSS:", 6)) kb = atol(line + 6);
    if (f) fclose(f);
    return kb / 1024;
}

static void test_chaos(void)
{
    const char *env = getenv("MOAT_SURVIVE_CYCLES");
    long cycles = env ? atol(env) : 500;
    moat_app *app = new_app();
    int fds_before = -1;
    long rss_before = -1;
    for (long i = 0; i < cycles; i++) {
        moat_renderer *r = spawn(app, "chaos", "main");
        if (!r) break;
        pthread_t t;
        pthread_create(&t, NULL, kill_soon, r);
        CHECK(moat_app_run(app) == 0);
        pthread_join(t, NULL);
        if (i == 10) fds_before = open_fds(), rss_before = rss_mib(); /* the app's own are in */
    }
    for (int i = 0; i < 500 && moat_live_calls() > 0; i++)
        usleep(10000); /* the last workers answer */
    int fds_after = open_fds();
    long rss_after = rss_mib();
    fprintf(stderr,
            "chaos: %ld cycles, %d answers, %d hooks, %d after an answer, fds %d -> %d, "
            "RSS %ld -> %ld MiB\n",
            cycles, atomic_load(&answers), atomic_load(&hooks_run), atomic_load(&hooks_after),
            fds_before, fds_after, rss_before, rss_after);
    CHECK(atomic_load(&hooks_after) == 0);
    CHECK(atomic_load(&hooks_run) > 0);
    CHECK(moat_live_calls() == 0);
    CHECK(fds_after <= fds_before + 2);
    CHECK(rss_after <= rss_before + 64); /* ended renderers' handles hold next to nothing */
    moat_app_free(app);
}

/* Ids follow PROTOCOL.md to the last value: 2^64-1 is answered like any other. */
static void test_id_max(void)
{
    moat_app *app = new_app();
    captured_len = 0;
    moat_renderer *r = spawn(app, "id-max", "main");
    CHECK(moat_app_run(app) == 0);
    moat_exit e;
    CHECK(moat_renderer_exited(r, &e) && e.code == 0);
    CHECK_CONTAINS(captured, "flooder: id 2^64-1 answered");
    moat_app_free(app);
}

int main(int argc, char **argv)
{
    CHECK(mkdtemp(dir) != NULL);
    setenv("TMPDIR", dir, 1);
    if (argc > 1 && !strcmp(argv[1], "lives")) {
        RUN(test_lives);
    } else if (argc > 1 && !strcmp(argv[1], "chaos")) {
        RUN(test_chaos);
    } else {
        RUN(test_id_max);
        RUN(test_fair);
    }
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    CHECK(system(cmd) == 0);
    return TEST_RESULT();
}
