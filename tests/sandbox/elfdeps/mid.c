// SPDX-License-Identifier: MIT
int deps_leaf(void);
int deps_mid(void)
{
    return deps_leaf() + 1;
}
