int deps_leaf(void)
{
    return 1;
}
