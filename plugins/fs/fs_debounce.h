// SPDX-License-Identifier: MIT
/*
 * fs_debounce.h: plugin-fs's watch events (notify's Event) and the debounced
 * watch's queue (fs:watch with delayMs), which does what Tauri's
 * notify-debouncer-full 0.3 does on Linux: events wait per path; an event
 * leaves once it is delayMs old, looked at every delayMs/4 from the watch's
 * start; no modify after a create; one remove for a folder and what was in
 * it; a rename's from and to (same inotify cookie) become one "both" event
 * carrying the events the old path had; of the same kind on one path in one
 * batch only the last is kept; a batch is ordered by time across paths and
 * keeps each path's order. Used by the watch thread only (no locking).
 */
#ifndef MOAT_CORE_FS_DEBOUNCE_H
#define MOAT_CORE_FS_DEBOUNCE_H

#include <msgpack.h>
#include <stdbool.h>
#include <stdint.h>

/* notify's EventKind, as far as inotify gives it. */
enum fsd_kind { FSD_CREATE, FSD_REMOVE, FSD_DATA, FSD_META, FSD_FROM, FSD_TO, FSD_BOTH, FSD_CLOSE };
/* Create and remove: of a file, of a folder, or either (a remove the debouncer makes). */
enum fsd_sub { FSD_FILE, FSD_FOLDER, FSD_ANY };

struct fsd_event {
    enum fsd_kind kind;
    enum fsd_sub sub;
    char *paths[2]; /* owned */
    int n_paths;
    bool has_tracker; /* attrs.tracker: the rename's inotify cookie */
    uint32_t tracker;
    bool override; /* attrs.info "override": a rename replaced what was there */
    int64_t time;  /* ms, CLOCK_MONOTONIC */
};

/* The event as plugin-fs's WatchEvent {type, paths, attrs} into pk. */
void fsd_pack(msgpack_packer *pk, const struct fsd_event *e);
/* Now in ms, CLOCK_MONOTONIC. */
int64_t fsd_now(void);

struct fsd;
/* A queue for delay_ms; NULL out of memory. fsd_free frees it and what it holds. */
struct fsd *fsd_new(uint64_t delay_ms);
void fsd_free(struct fsd *d);
/*
 * Adds an event for path (copied) at e->time; e's paths are ignored. Past
 * FSD_MAX_PENDING waiting events, new ones are dropped.
 */
#define FSD_MAX_PENDING 4096
void fsd_add(struct fsd *d, const struct fsd_event *e, const char *path);
/* ms until the next batch is due (0: now), or -1 when nothing waits. */
int64_t fsd_wait(const struct fsd *d, int64_t now);
/* Sends every event due at now, in order, to emit (e is borrowed for the call). */
typedef void (*fsd_emit_fn)(void *ud, const struct fsd_event *e);
void fsd_flush(struct fsd *d, int64_t now, fsd_emit_fn emit, void *ud);

#endif
