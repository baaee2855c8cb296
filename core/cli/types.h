// SPDX-License-Identifier: MIT
/*
 * types.h: `moat types`, TypeScript declarations of an embedder's commands.
 */
#ifndef MOAT_CLI_TYPES_H
#define MOAT_CLI_TYPES_H

/* moat types MANIFEST... [--output FILE] */
int cmd_types(int argc, char **argv);

#endif
