/* Shared declarations of the zoobench command-line tool.
 *
 * Each subcommand lives in cli/cmd_<name>.c as `int cmd_<name>(int argc, char **argv)`,
 * where argv[0] is the subcommand name.  It returns the process exit status.
 * Only cli/ prints errors and chooses exit codes. */
#ifndef ZB_CLI_H
#define ZB_CLI_H

#include "zoobench.h"

typedef struct cli_command {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *summary;
} cli_command;

/* Prints "error: <formatted text>" on one line to stderr; returns 1. */
int cli_fail(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

/* Prints "error: <zb_last_error()>"; returns 1. */
int cli_fail_lib(void);

/* Resets getopt so a subcommand can parse its own argv. */
void cli_reset_getopt(void);

int cmd_table(int argc, char **argv);
int cmd_inspect(int argc, char **argv);
int cmd_preprocess(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_classify(int argc, char **argv);
int cmd_models(int argc, char **argv);
int cmd_weights(int argc, char **argv);

#endif
