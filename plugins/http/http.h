// SPDX-License-Identifier: MIT
/*
 * http.h: plugin-http inside libmoat. A fetch is one object (struct hf) from
 * plugin:http|fetch (checked, not started) through fetch_send (a worker
 * thread runs it with libcurl and answers with the status and headers) and
 * fetch_read_body (chunks of the body, each followed by a flag byte: 0 more,
 * 1 the end) to the end of its body or fetch_cancel / fetch_cancel_body.
 * Its two resource ids (Tauri's rid of the request and of the response)
 * name it to the renderer that made it, and only to that one.
 */
#ifndef MOAT_HTTP_H
#define MOAT_HTTP_H

#include <msgpack.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "http_url.h"
#include "moat.h"

/* Per renderer label: fetches held at once, and fetches running at once. */
#define HTTP_MAX_HELD 64
#define HTTP_MAX_RUNNING 8
/* Body bytes buffered ahead of the reader, and the most one read answers. */
#define HTTP_BUFFER_MAX (1u << 20)
#define HTTP_CHUNK_MAX (512u << 10)
/* A fetch nobody reads for this long is dropped (its renderer may be gone). */
#define HTTP_IDLE_SECONDS 120
/* At HTTP_MAX_HELD, an unread body idle this long makes room for a new fetch. */
#define HTTP_EVICT_SECONDS 5

enum hf_state { HF_READY, HF_RUNNING, HF_BODY, HF_DONE };

/* The scope of the call that made the fetch, kept for its redirects (owned). */
struct hf_scope {
    msgpack_unpacked allow_u, deny_u;
    char *allow_buf, *deny_buf; /* the packed entries, which the unpacked ones point into */
    const msgpack_object **allow, **deny;
    size_t n_allow, n_deny;
};

struct hf {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int refs; /* the table's, the worker's, each parked call's */
    const moat_app *app;
    char label[256];
    int64_t req_rid, resp_rid;
    enum hf_state state;
    bool cancelled, in_table;
    time_t last_used;

    /* the request, as checked */
    struct http_url url;
    char method[32];
    char **headers; /* "name: value" lines; forbidden ones already dropped */
    size_t n_headers;
    bool has_ua, has_type, has_range;
    unsigned char *body;
    size_t body_len;
    bool has_body;
    long connect_timeout_ms;
    long max_redirects;
    bool danger_certs, danger_hosts;
    char proxy[HTTP_URL_MAX], proxy_user[256], proxy_pass[256], no_proxy[1024];
    struct hf_scope scope;
    char *data_url; /* a data: URL (no network, no scope, as in Tauri); its body is in buf */
    char data_type[256];

    /* the answer */
    moat_call *send_call, *read_call;
    unsigned char *buf;
    size_t len;
    bool eof;
    char err[512];
};

/* Checks the clientConfig of a fetch call into f; rejects the call and returns -1 when
 * it is refused. http_config.c. */
int hf_configure(struct hf *f, moat_call *call, const msgpack_object *cfg);
/* A whole number >= 0 (JS numbers may arrive as floats). */
bool hf_uint_of(const msgpack_object *o, uint64_t *v);
/* Frees what f's copy of the scope holds. */
void hf_scope_free(struct hf_scope *s);

/* Takes a reference / drops one (freeing hf at zero). */
void hf_ref(struct hf *f);
void hf_unref(struct hf *f);
/* Removes f from the table (idempotent). */
void hf_forget(struct hf *f);
/* Answers fetch_send for a data: URL: 200 with its MIME type, the body already in f. */
void hf_answer_data(struct hf *f, moat_call *call);
/* A fresh resource id. */
int64_t hf_new_rid(void);
/* Starts f's worker (detached); 0, or -1. http_fetch.c. */
int hf_start(struct hf *f);
/*
 * Answers a parked read with what f has (a chunk, the end, or the error), if
 * it can; called without f->mu held. http.c.
 */
void hf_serve_read(struct hf *f);
/* The scope decision for u under f's scope; granting entry index or -1 (why filled). */
long hf_scope_check(const struct hf *f, const struct http_url *u, char *why, size_t len);

#endif
