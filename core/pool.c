// SPDX-License-Identifier: MIT
/*
 * pool.c: the worker pool for handlers registered with MOAT_COMMAND_WORKER.
 * A handler on the run thread holds every renderer of the app while it runs;
 * one on the pool holds only a worker. The threads start with the first such
 * call and end in moat_app_free, after running what was queued (every call
 * must get its one answer, even one whose renderer has gone).
 */
#include "internal.h"

#include <stdlib.h>

struct core_job {
    moat_call *call; /* the handler's reference, handed to the handler */
    const struct core_command *cmd;
    struct core_job *next;
};

static void *worker(void *arg)
{
    struct core_pool *p = arg;
    pthread_mutex_lock(&p->mtx);
    for (;;) {
        while (!p->head && !p->stop)
            pthread_cond_wait(&p->cv, &p->mtx);
        struct core_job *j = p->head;
        if (!j) break; /* stopping, and nothing left */
        p->head = j->next;
        if (!p->head) p->tail = &p->head;
        pthread_mutex_unlock(&p->mtx);
        j->cmd->fn(j->call, j->cmd->ud);
        free(j);
        pthread_mutex_lock(&p->mtx);
    }
    pthread_mutex_unlock(&p->mtx);
    return NULL;
}

/* Starts the threads on first use; false if not even one could start. Under p->mtx. */
static bool start(struct core_pool *p)
{
    if (p->threads) return p->started > 0;
    p->threads = calloc(p->size, sizeof *p->threads);
    for (unsigned i = 0; p->threads && i < p->size; i++) {
        if (pthread_create(&p->threads[p->started], NULL, worker, p) != 0) break;
        p->started++;
    }
    return p->started > 0;
}

void core_pool_init(struct core_pool *p)
{
    pthread_mutex_init(&p->mtx, NULL);
    pthread_cond_init(&p->cv, NULL);
    p->tail = &p->head;
    p->size = CORE_POOL_DEFAULT;
}

void core_pool_run(moat_app *app, moat_call *c, const struct core_command *cmd)
{
    struct core_pool *p = &app->pool;
    struct core_job *j = malloc(sizeof *j);
    pthread_mutex_lock(&p->mtx);
    bool queued = j && start(p);
    if (queued) {
        *j = (struct core_job){c, cmd, NULL};
        *p->tail = j;
        p->tail = &j->next;
        pthread_cond_signal(&p->cv);
    }
    pthread_mutex_unlock(&p->mtx);
    if (queued) return;
    free(j);
    core_log(app, MOAT_LEVEL_WARN, moat_call_label(c),
             "no worker thread for %s: it runs on the run thread", cmd->name);
    cmd->fn(c, cmd->ud);
}

void core_pool_free(struct core_pool *p)
{
    pthread_mutex_lock(&p->mtx);
    p->stop = true;
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mtx);
    for (unsigned i = 0; i < p->started; i++)
        pthread_join(p->threads[i], NULL);
    free(p->threads);
    pthread_cond_destroy(&p->cv);
    pthread_mutex_destroy(&p->mtx);
}
