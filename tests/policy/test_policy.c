// SPDX-License-Identifier: MIT
/*
 * test_policy.c: the capability policy's suite. Each suite file keeps its
 * own counters and prints its own tally; any failing suite fails the run.
 */
#include <stdio.h>

#include "policy_test.h"

int main(void)
{
    int failed = 0;
    failed |= suite_catalog();
    failed |= suite_eval();
    failed |= suite_forms();
    failed |= suite_errors();
    failed |= suite_scopes();
    failed |= suite_tools();
    fprintf(stderr, "%s\n", failed ? "test_policy: FAILED" : "test_policy: all passed");
    return failed;
}
