// SPDX-License-Identifier: MIT
/*
 * test_argschema.c: a command's argument schema is checked by the core
 * before its handler runs: wrong arguments are answered invalid_args naming
 * the field and what was expected, and the handler never sees them (what it
 * saw is recorded here). Schemas come from moat_command_opts or a manifest;
 * a schema with a keyword the core does not check is refused.
 */
#include "e2e.h"
#include "moat.h"
#include "test.h"

#include <stdio.h>
#include <string.h>

static char seen[4096]; /* every name the handlers got, one per line */

static void cmd_typed(moat_call *c, void *ud)
{
    (void)ud;
    const msgpack_object *name = get(moat_call_args(c), "name");
    size_t n = strlen(seen);
    snprintf(seen + n, sizeof seen - n, "%.*s\n",
             name && name->type == MSGPACK_OBJECT_STR ? (int)name->via.str.size : 6,
             name && name->type == MSGPACK_OBJECT_STR ? name->via.str.ptr : "(none)");
    moat_call_resolve_str(c, "handled");
}

static void cmd_loose(moat_call *c, void *ud)
{
    (void)ud;
    size_t n = strlen(seen);
    snprintf(seen + n, sizeof seen - n, "loose\n");
    moat_call_resolve_str(c, "handled");
}

static const char *typed_schema =
    "{\"type\": \"object\", \"description\": \"test\","
    " \"properties\": {\"name\": {\"type\": \"string\"}, \"n\": {\"type\": \"integer\"},"
    "  \"tags\": {\"type\": \"array\", \"items\": {\"type\": \"string\"}},"
    "  \"opts\": {\"type\": \"object\", \"properties\": {\"quiet\": {\"type\": \"boolean\"}}}},"
    " \"required\": [\"name\"], \"additionalProperties\": false}";

static const char *manifest =
    "{\"plugin\": \"test\", \"commands\": [\"loose\"],"
    " \"arguments\": {\"loose\": {\"type\": \"object\", \"properties\": {\"id\": {\"type\": "
    "\"number\"}}}}}";

static void test_refused_before_handler(void)
{
    struct capture cap = {0};
    moat_app *app = moat_app_new("argschema");
    moat_app_set_output(app, e2e_on_output, &cap);
    moat_command_opts opts = {.args_schema = typed_schema};
    CHECK(moat_app_command_ex(app, "test:typed", cmd_typed, NULL, &opts) == 0);
    /* Registered first, its manifest's schema applies when the manifest comes. */
    CHECK(moat_app_command(app, "test:loose", cmd_loose, NULL) == 0);
    CHECK(moat_app_manifest(app, manifest) == 0);
    CHECK(e2e_load_policy(app, "{\"identifier\": \"a\", \"windows\": [\"main\"], \"permissions\":"
                               " [\"test:allow-typed\", \"test:allow-loose\"]}"));
    moat_exit e = e2e_run_one(app, bundle("argschema"), "main");
    CHECK(e.code == 0);
    cap.text[cap.len] = '\0';
    const char *t = cap.text;
    CHECK_CONTAINS(t, "ok test:typed handled");
    CHECK_CONTAINS(t, "refused test:typed invalid_args: test:typed: name: expected a string, got "
                      "an integer");
    CHECK_CONTAINS(t, "refused test:typed invalid_args: test:typed: arguments: missing required "
                      "\"name\"");
    CHECK_CONTAINS(t, "test:typed: arguments: unknown argument \"colour\" (additionalProperties "
                      "is false)");
    CHECK_CONTAINS(t, "test:typed: n: expected an integer, got a number");
    CHECK_CONTAINS(t, "test:typed: tags[1]: expected a string, got an integer");
    CHECK_CONTAINS(t, "test:typed: opts.quiet: expected a boolean, got a string");
    CHECK_CONTAINS(t, "test:typed: arguments: expected an object, got an array");
    CHECK_CONTAINS(t, "ok test:loose handled");
    CHECK_CONTAINS(t, "refused test:loose invalid_args: test:loose: id: expected a number, got a "
                      "string");
    /* The handlers saw the right calls only, in order: none of the refused ones. */
    CHECK_STR(seen, "ok-1\nok-2\nloose\n");
    moat_app_free(app);
    CHECK(moat_live_calls() == 0);
}

static void test_bad_schemas(void)
{
    moat_app *app = moat_app_new("argschema");
    moat_command_opts opts = {.args_schema = "{\"type\": \"object\", \"properties\": {\"s\": "
                                             "{\"type\": \"string\", \"minLength\": 1}}}"};
    CHECK(moat_app_command_ex(app, "a", cmd_typed, NULL, &opts) == -1);
    CHECK_CONTAINS(moat_errmsg(), "argument schema of a: properties.s: keyword \"minLength\" is "
                                  "not checked by Moat");
    opts.args_schema = "{\"type\": \"string\"}";
    CHECK(moat_app_command_ex(app, "b", cmd_typed, NULL, &opts) == -1);
    CHECK_CONTAINS(moat_errmsg(), "expected \"type\": \"object\"");
    opts.args_schema = "{\"type\": \"object\", \"properties\": {\"x\": {\"type\": \"text\"}}}";
    CHECK(moat_app_command_ex(app, "c", cmd_typed, NULL, &opts) == -1);
    CHECK_CONTAINS(moat_errmsg(), "properties.x: \"type\": expected string, number");
    opts.args_schema = "{\"type\": \"object\",";
    CHECK(moat_app_command_ex(app, "d", cmd_typed, NULL, &opts) == -1);
    CHECK_CONTAINS(moat_errmsg(), "invalid JSON");
    /* A manifest's schema for a command it does not declare, or a bad one. */
    CHECK(moat_app_manifest(app, "{\"plugin\": \"m\", \"commands\": [\"x\"], \"arguments\": "
                                 "{\"y\": {\"type\": \"object\"}}}") == -1);
    CHECK_CONTAINS(moat_errmsg(), "arguments: \"y\" is not a command of this manifest");
    CHECK(moat_app_manifest(app, "{\"plugin\": \"n\", \"commands\": [\"x\"], \"arguments\": "
                                 "{\"x\": {\"type\": \"object\", \"pattern\": \"a\"}}}") == 0);
    CHECK(moat_app_command(app, "n:x", cmd_typed, NULL) == -1); /* its manifest's schema is bad */
    CHECK_CONTAINS(moat_errmsg(), "keyword \"pattern\"");
    opts.args_schema = typed_schema; /* given in opts, it takes the manifest's place */
    CHECK(moat_app_command_ex(app, "n:x", cmd_typed, NULL, &opts) == 0);
    moat_app_free(app);
}

int main(void)
{
    e2e_begin();
    test_refused_before_handler();
    test_bad_schemas();
    e2e_end();
    return TEST_RESULT();
}
