// SPDX-License-Identifier: MIT
int deps_leaf(void)
{
    return 1;
}
