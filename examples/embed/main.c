// SPDX-License-Identifier: MIT
/*
 * embed: a program that embeds Moat. It registers its own command, greet,
 * declares it and its permission set embed:default from permissions.json (the
 * same file `moat policy check --manifest` reads), grants them (and the
 * built-ins) to the "main" renderer, listens for the bundle's events and runs
 * examples/hello in the sandbox.
 *
 *   build/bin/moat-embed-example [BUNDLE_DIR [POLICY]]
 */
#include <moat.h>

#include <stdio.h>
#include <string.h>

/* greet({name}) -> "Hello, NAME!" */
static void greet(moat_call *call, void *ud)
{
    (void)ud;
    const msgpack_object *args = moat_call_args(call);
    for (uint32_t i = 0; args->type == MSGPACK_OBJECT_MAP && i < args->via.map.size; i++) {
        const msgpack_object_kv *kv = &args->via.map.ptr[i];
        if (kv->key.via.str.size == 4 && !memcmp(kv->key.via.str.ptr, "name", 4) &&
            kv->val.type == MSGPACK_OBJECT_STR) {
            char text[256];
            snprintf(text, sizeof text, "Hello, %.*s!", (int)kv->val.via.str.size,
                     kv->val.via.str.ptr);
            moat_call_resolve_str(call, text);
            return;
        }
    }
    moat_call_reject(call, "invalid_args", "greet expects {name: string}");
}

static void on_done(void *ud, const char *label, const char *event, const msgpack_object *payload)
{
    (void)ud;
    (void)payload;
    printf("embed: renderer \"%s\" emitted %s\n", label, event);
}

int main(int argc, char **argv)
{
    const char *bundle = argc > 1 ? argv[1] : EXAMPLES_DIR "/hello";
    const char *policy = argc > 2 ? argv[2] : EXAMPLES_DIR "/embed/caps.json";
    moat_app *app = moat_app_new("embed-example");
    if (!app || moat_app_command(app, "greet", greet, NULL) != 0 ||
        moat_app_manifest(app, EXAMPLES_DIR "/embed/permissions.json") != 0 ||
        moat_app_load_policy(app, policy) != 0 ||
        moat_app_listen(app, "hello:done", on_done, NULL) < 0 ||
        !moat_app_spawn(app, bundle, "main")) {
        fprintf(stderr, "embed: %s\n", moat_errmsg());
        moat_app_free(app);
        return 1;
    }
    moat_app_run(app);
    moat_app_free(app);
    return 0;
}
