// SPDX-License-Identifier: MIT
/* A program for test_elfdeps: parsed by the resolver, and run to see that ld.so agrees. */
int DEPS_FN(void);
int main(void)
{
    return DEPS_FN() == 2 || DEPS_FN() == 0 ? 0 : 1;
}
