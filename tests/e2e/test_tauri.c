// SPDX-License-Identifier: MIT
/*
 * test_tauri.c: a bundle built by esbuild from the real @tauri-apps/api v2
 * package (tauri/src/app.js) runs unchanged: invoke, a denial, listen, emit,
 * emitTo, unlisten, once, and a Channel fed by a core command. Skipped (77)
 * when the bundle could not be built (no npm).
 */
#include "e2e.h"
#include "moat.h"
#include "test.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void cmd_stream(moat_call *c, void *ud)
{
    (void)ud;
    moat_channel *ch = moat_call_channel(c, "onEvent");
    if (!ch) {
        moat_call_reject(c, "invalid_args", "%s", moat_errmsg());
        return;
    }
    for (uint8_t i = 0; i < 5; i++) {
        const char msg[] = {(char)0x81, (char)0xa1, 'i', (char)i};
        moat_channel_send(ch, msg, sizeof msg);
    }
    moat_channel_close(ch);
    moat_call_resolve_str(c, "streamed");
}

/* Answers three bytes as a msgpack bin. */
static void cmd_bytes(moat_call *c, void *ud)
{
    (void)ud;
    const char bin[] = {(char)0xc4, 3, 9, 8, 7};
    moat_call_resolve(c, bin, sizeof bin);
}

static void join(const msgpack_object *a, char *out, size_t len)
{
    out[0] = '\0';
    for (uint32_t i = 0; a && a->type == MSGPACK_OBJECT_ARRAY && i < a->via.array.size; i++) {
        const msgpack_object *e = &a->via.array.ptr[i];
        size_t n = strlen(out);
        if (e->type == MSGPACK_OBJECT_STR)
            snprintf(out + n, len - n, "%s%.*s", i ? "," : "", (int)e->via.str.size,
                     e->via.str.ptr);
        else
            snprintf(out + n, len - n, "%s%llu", i ? "," : "", (unsigned long long)e->via.u64);
    }
}

static void test_tauri_api(void)
{
    struct capture cap = {0};
    moat_app *app = moat_app_new("tauri");
    moat_app_set_output(app, e2e_on_output, &cap);
    CHECK(moat_app_command(app, "test:echo", e2e_cmd_echo, NULL) == 0);
    CHECK(moat_app_command(app, "test:secret", e2e_cmd_echo, NULL) == 0);
    CHECK(moat_app_command(app, "test:stream", cmd_stream, NULL) == 0);
    CHECK(moat_app_command(app, "test:bytes", cmd_bytes, NULL) == 0);
    CHECK(moat_app_listen(app, "test:report", e2e_on_report, NULL) > 0);
    /* A Tauri capability file, as a Tauri app would ship it. */
    CHECK(e2e_load_policy(app, "{\"$schema\": \"../gen/schemas/desktop-schema.json\",\n"
                               " \"identifier\": \"default\", \"windows\": [\"main\"],\n"
                               " \"permissions\": [\"core:default\", \"test:allow-echo\",\n"
                               "                   \"test:allow-stream\", \"test:allow-bytes\"]}\n"));
    moat_exit e = e2e_run_one(app, MOAT_TAURI_BUNDLE, "main");
    CHECK(e.code == 0);
    if (e.code != 0) fprintf(stderr, "%s", cap.text);
    CHECK(have_report);
    CHECK(str_is(get(&report, "label"), "main"));
    CHECK(str_is(get(get(&report, "echo"), "text"), "hi"));
    CHECK(uint_of(get(get(&report, "echo"), "n")) == 5);
    CHECK(str_is(get(&report, "denied"), "denied"));
    char text[256];
    join(get(&report, "rawBody"), text, sizeof text);
    CHECK_STR(text, "1,2,250");
    CHECK(str_is(get(get(&report, "rawHeaders"), "path"), "%2Ftmp%2Fa%20b"));
    CHECK(str_is(get(get(&report, "rawHeaders"), "options"), "{\"append\":true}"));
    join(get(&report, "pairs"), text, sizeof text);
    CHECK_STR(text, "7,8,1");
    CHECK(uint_of(get(get(&report, "map"), "k")) == 3);
    join(get(&report, "bytes"), text, sizeof text);
    CHECK_STR(text, "[object ArrayBuffer],9,8,7");
    join(get(&report, "heard"), text, sizeof text);
    CHECK_STR(text, "tauri:ping:1,tauri:ping:2");
    CHECK(uint_of(get(&report, "once")) == 1);
    CHECK(str_is(get(&report, "stream"), "streamed"));
    join(get(&report, "channel"), text, sizeof text);
    CHECK_STR(text, "0,1,2,3,4");
    moat_app_free(app);
}

int main(void)
{
    if (access(MOAT_TAURI_BUNDLE "/main.js", R_OK) != 0) {
        printf("no bundle built from @tauri-apps/api (is npm installed?): skipped\n");
        return 77;
    }
    e2e_begin();
    RUN(test_tauri_api);
    e2e_end();
    return TEST_RESULT();
}
