// SPDX-License-Identifier: MIT
/*
 * doctor.h: `moat doctor`, what the sandbox can do on this machine for this user.
 */
#ifndef MOAT_CLI_DOCTOR_H
#define MOAT_CLI_DOCTOR_H

/* moat doctor [--filter [--jit]] (and the hidden --probe, run inside the sandbox). */
int cmd_doctor(int argc, char **argv);

#endif
