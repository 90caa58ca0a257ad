#include "cli.h"

int cmd_table(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return cli_fail("table: not implemented yet");
}
