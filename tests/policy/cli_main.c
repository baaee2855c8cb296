// SPDX-License-Identifier: MIT
/*
 * cli_main.c: runs `moat policy ...` (core/cli/policy_cmd.c) on its own, so
 * test_policy_cli.sh can test it before core/cli/main.c dispatches to it.
 */
int moat_cli_policy(int argc, char **argv);

int main(int argc, char **argv)
{
    return moat_cli_policy(argc - 1, argv + 1);
}
