// SPDX-License-Identifier: MIT
/*
 * shell.h: plugin-shell's parts (shell.c the commands, shell_scope.c what a
 * call may run, shell_child.c the processes it runs). Hidden symbols.
 */
#ifndef MOAT_PLUGIN_SHELL_H
#define MOAT_PLUGIN_SHELL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "plugins_internal.h"

/* Bounds on what a renderer may ask for, and on what a child may make the core hold. */
#define SHELL_MAX_ARGS 1024                 /* arguments of one program */
#define SHELL_MAX_ARG_BYTES (128u << 10)    /* one argument (Linux's MAX_ARG_STRLEN) */
#define SHELL_MAX_ARGV_BYTES (1u << 20)     /* all arguments and env entries together */
#define SHELL_MAX_ENV 256                   /* options.env entries */
#define SHELL_CHILDREN_PER_RENDERER 32      /* running at once (execute and spawn) */
#define SHELL_CHILDREN_MAX 256              /* running at once, the whole process */
#define SHELL_EXECUTE_MAX_OUTPUT (8u << 20) /* stdout + stderr an execute keeps */
#define SHELL_LINE_MAX (64u << 10)          /* a longer line goes out in pieces */

/* UTF-8 checked (Tauri's default), UTF-8 with replacement, bytes, another charset (iconv). */
enum shell_encoding { SHELL_UTF8, SHELL_UTF8_LOSSY, SHELL_RAW, SHELL_CHARSET };

/* An error for the call: a protocol code (static) and a message. */
struct shell_err {
    const char *code;
    char msg[512];
};
/* Fills e; returns -1. */
int shell_fail(struct shell_err *e, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* What a call runs, built from the scope: everything owned (shell_cmd_free). */
struct shell_cmd {
    char *path;  /* absolute path of the program */
    char **argv; /* argv[0] is the scope entry's cmd; NULL-terminated */
    size_t argc;
    char **envp; /* NULL-terminated */
    size_t envc;
    char *cwd; /* NULL: the core's */
    enum shell_encoding encoding;
    char charset[32]; /* SHELL_CHARSET: iconv's name for it */
};
void shell_cmd_free(struct shell_cmd *c);

/*
 * The program the scope entry named program runs, with args (a string, an
 * array of strings, or absent) checked against the entry (shell_scope.c).
 * Fills c->path, c->argv. 0, or -1 with e (denied: not in scope or an
 * argument refused; invalid_args: a malformed value; failed: the scope entry
 * is malformed or its program is not found).
 */
int shell_scope_prepare(moat_call *call, const char *program, const msgpack_object *args,
                        bool sidecar, struct shell_cmd *c, struct shell_err *e);

/* Whether path passes the open scope (Tauri's default regex). 0, or -1 with e. */
int shell_open_check(const char *path, struct shell_err *e);

/* The absolute path of name looked up in the core's PATH, into out. 0, or -1. */
int shell_which(const char *name, char *out, size_t len);

/*
 * Running children (shell_child.c). execute: the call is answered when the
 * child ends with {code, signal, stdout, stderr}. spawn: answered with the
 * pid at once; lines go to ch as {event, payload}. Both take c (freed) and,
 * for spawn, ch; on failure the call is answered here. Run thread.
 */
void shell_run_execute(moat_call *call, struct shell_cmd *c);
void shell_run_spawn(moat_call *call, struct shell_cmd *c, moat_channel *ch);
/* xdg-open (or with) path, detached: not killed with the renderer. 0, or -1 with e. */
int shell_run_open(const char *program, const char *arg1, const char *path, struct shell_err *e);
/* Writes len bytes to pid's stdin if pid is a child of call's renderer. 0, or -1 with e. */
int shell_child_write(moat_call *call, int64_t pid, const void *buf, size_t len,
                      struct shell_err *e);
/* Kills pid (and its process group) if it is a child of call's renderer. 0, or -1 with e. */
int shell_child_kill(moat_call *call, int64_t pid, struct shell_err *e);

#endif
