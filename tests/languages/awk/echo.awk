BEGIN {
    for (i = 1; i < ARGC; i++)
        print ARGV[i]
    ARGC = 1  # read stdin, not files named by the arguments
}
{ print }
