// SPDX-License-Identifier: MIT
int deps_entry(void)
{
    return 0;
}
