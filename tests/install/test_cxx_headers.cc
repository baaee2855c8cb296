// SPDX-License-Identifier: MIT
/*
 * test_cxx_headers.cc: the three public headers compile as C++ (-Wall -Wextra
 * -Werror -pedantic), their enumerators have the names C gives them (no
 * moat_msg:: in front), and a C++ program links libmoat and libmoat-client
 * and calls them: the version, plugin-log's defaults, an empty message.
 */
#include "moat.h"
#include "moat_plugins.h"
#include "moat_renderer.h"

#include <cstdio>
#include <cstring>

static int fails;

static void check(bool ok, const char *what)
{
    if (!ok) {
        std::printf("FAIL %s\n", what);
        fails++;
    }
}

int main()
{
    check(std::strcmp(moat_version(), MOAT_VERSION) == 0, "moat_version() is MOAT_VERSION");

    moat_log_opts log;
    std::memset(&log, 0xff, sizeof log);
    moat_log_opts_default(&log);
    check(log.targets == (MOAT_LOG_STDOUT | MOAT_LOG_DIR | MOAT_LOG_WEBVIEW),
          "plugin-log writes to stdout, the log dir and the webview by default");
    check(log.max_file_size == 40000 && log.rotation == MOAT_LOG_KEEP_ONE && log.level == 1,
          "plugin-log keeps one file of 40000 bytes, every level");

    moat_command_opts opts = {};
    opts.flags = MOAT_COMMAND_WORKER;
    check(opts.flags == 1u && MOAT_SCOPE_DENY != MOAT_SCOPE_ALLOW, "enumerators of moat.h");

    moat_msg msg = {};
    check(msg.kind == MOAT_MSG_NONE && MOAT_MSG_RESPONSE != MOAT_MSG_EVENT,
          "a zeroed moat_msg is MOAT_MSG_NONE");
    moat_msg_free(&msg);
    check(msg.kind == MOAT_MSG_NONE && msg.priv == NULL, "moat_msg_free leaves an empty one");

    if (fails == 0) std::printf("ok   the public headers in C++\n");
    return fails != 0;
}
