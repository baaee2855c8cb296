// SPDX-License-Identifier: MIT
// A CPU-bound script that never yields: the core's watchdog must end it.
console.log("looping");
for (;;) {}
