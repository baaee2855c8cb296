// SPDX-License-Identifier: MIT
/*
 * fs_stream.c: fs:read_file with an onChunk channel. One thread, for the
 * whole process, serves every stream in turn, a chunk at a time to each
 * stream whose renderer has room: a thousand streams nobody reads cost a
 * thousand small records, not a thousand threads; and a renderer has at most
 * FS_STREAMS_PER_RENDERER at once (an open descriptor each).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fs_req.h"
#include "internal.h"

#define STREAM_CHUNK ((size_t)1 << 20)
#define STREAM_STALL_MS 30000
#define FS_STREAMS_PER_RENDERER 16

struct stream_job {
    moat_call *call;
    moat_channel *ch;
    const moat_renderer *owner; /* for the per-renderer count only: never dereferenced */
    int fd;
    uint64_t total;
    int64_t progress_ms; /* when a chunk last went out */
    char path[PATH_MAX]; /* as the renderer gave it */
    struct stream_job *next;
};

/*
 * Streams waiting to start (queued) and those the thread works on (serving).
 * Both lists change under mtx only; the thread reads serving's links without
 * it, since it alone changes them.
 */
static pthread_mutex_t mtx = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static struct stream_job *queued, *serving;
static bool started;

/* Ends j: the channel's end, then the call's one answer (error NULL: the byte count). */
static void finish(struct stream_job *j, const char *error)
{
    close(j->fd);
    moat_channel_close(j->ch);
    if (!error)
        moat_call_resolve_int(j->call, (int64_t)j->total);
    else
        moat_call_reject(j->call, "failed", "fs:read_file: streaming %s stopped: %s", j->path,
                         error);
    free(j);
}

/*
 * One chunk of j, if its renderer has room: 1 sent, 0 waits, -1 done (*error
 * NULL: the whole file went out) or failed.
 */
static int step(struct stream_job *j, uint8_t *buf, int64_t now, const char **error)
{
    *error = NULL;
    int room = core_channel_room(j->ch);
    if (room < 0) return *error = "the renderer is gone", -1;
    if (room == 0) {
        if (now - j->progress_ms < STREAM_STALL_MS) return 0;
        return *error = "the renderer stopped reading", -1;
    }
    ssize_t n = read(j->fd, buf + 5, STREAM_CHUNK);
    if (n < 0) *error = strerror(errno);
    if (n <= 0) return -1;
    buf[0] = 0xc6; /* bin32 */
    buf[1] = (uint8_t)(n >> 24), buf[2] = (uint8_t)(n >> 16);
    buf[3] = (uint8_t)(n >> 8), buf[4] = (uint8_t)n;
    if (moat_channel_send(j->ch, buf, (size_t)n + 5) != 0) return *error = moat_errmsg(), -1;
    j->total += (uint64_t)n;
    j->progress_ms = now;
    return 1;
}

/* One round over every stream; true if a chunk went out. */
static bool round_robin(uint8_t *buf)
{
    bool sent = false;
    for (struct stream_job **link = &serving; *link;) {
        struct stream_job *j = *link;
        const char *error;
        int rv = step(j, buf, core_now_ms(), &error);
        sent |= rv == 1;
        if (rv >= 0) {
            link = &j->next;
            continue;
        }
        pthread_mutex_lock(&mtx);
        *link = j->next;
        pthread_mutex_unlock(&mtx);
        finish(j, error);
    }
    return sent;
}

static void *serve(void *arg)
{
    uint8_t *buf = arg;
    pthread_mutex_lock(&mtx);
    for (;;) {
        while (!queued && !serving)
            pthread_cond_wait(&cv, &mtx);
        struct stream_job **tail = &serving; /* the new ones join at the end */
        while (*tail)
            tail = &(*tail)->next;
        *tail = queued;
        queued = NULL;
        pthread_mutex_unlock(&mtx);
        bool sent = round_robin(buf);
        pthread_mutex_lock(&mtx);
        if (!sent && serving && !queued) { /* everyone waits for a reader: look again shortly */
            struct timespec ts;
            clock_gettime(CLOCK_REALTIME, &ts);
            ts.tv_nsec += 5 * 1000000;
            if (ts.tv_nsec >= 1000000000) ts.tv_sec++, ts.tv_nsec -= 1000000000;
            pthread_cond_timedwait(&cv, &mtx, &ts);
        }
    }
    return NULL;
}

/* Streams of owner's, queued or served. Under mtx. */
static int count_of(const moat_renderer *owner)
{
    int n = 0;
    for (const struct stream_job *o = queued; o; o = o->next)
        n += o->owner == owner;
    for (const struct stream_job *o = serving; o; o = o->next)
        n += o->owner == owner;
    return n;
}

/* Queues j; -1 with a message in why if its renderer has too many or no thread starts. */
static int submit(struct stream_job *j, char *why, size_t len)
{
    int rv = 0;
    pthread_mutex_lock(&mtx);
    if (count_of(j->owner) >= FS_STREAMS_PER_RENDERER) {
        snprintf(why, len, "%d streams at once per renderer", FS_STREAMS_PER_RENDERER);
        rv = -1;
    } else if (!started) {
        pthread_t t;
        uint8_t *buf = malloc(STREAM_CHUNK + 5); /* the thread's, for the process's life */
        started = buf && pthread_create(&t, NULL, serve, buf) == 0;
        if (started)
            pthread_detach(t);
        else
            free(buf), snprintf(why, len, "cannot start streaming"), rv = -1;
    }
    if (rv == 0) {
        j->next = queued;
        queued = j;
        pthread_cond_signal(&cv);
    }
    pthread_mutex_unlock(&mtx);
    return rv;
}

int core_fs_stream(struct core_fsr *r, moat_channel *ch)
{
    int fd = core_fsr_open_checked(r, O_RDONLY);
    struct stat st;
    struct stream_job *j = NULL;
    char why[100];
    if (fd >= 0 && (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)))
        core_fsr_fail(r, "failed", "%s is not a regular file", r->abs);
    else if (fd >= 0 && !(j = calloc(1, sizeof *j)))
        core_fsr_fail(r, "failed", "out of memory");
    if (j) {
        *j = (struct stream_job){.call = r->call,
                                 .ch = ch,
                                 .fd = fd,
                                 .owner = core_call_renderer(r->call),
                                 .progress_ms = core_now_ms()};
        snprintf(j->path, sizeof j->path, "%s", r->shown);
        if (submit(j, why, sizeof why) == 0) {
            r->call = NULL; /* the streaming thread answers it */
            return 0;
        }
        free(j);
        core_fsr_fail(r, "limit_exceeded", "%s", why);
    }
    if (fd >= 0) close(fd);
    moat_channel_close(ch);
    return -1;
}
