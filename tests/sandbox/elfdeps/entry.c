int deps_entry(void)
{
    return 0;
}
