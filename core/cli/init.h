// SPDX-License-Identifier: MIT
/*
 * init.h: `moat init`, a new bundle from a template.
 */
#ifndef MOAT_CLI_INIT_H
#define MOAT_CLI_INIT_H

/* moat init [--template vanilla|tauri] DIR */
int cmd_init(int argc, char **argv);

#endif
