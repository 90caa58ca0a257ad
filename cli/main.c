/* zoobench: entry point and subcommand dispatch. */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const cli_command commands[] = {
    {"table", cmd_table, "accuracy table from top-5 prediction files (the seed's benchmark)"},
    {"inspect", cmd_inspect, "list the tensors of a weight file (.pth or .h5)"},
    {"preprocess", cmd_preprocess, "decode and preprocess images exactly as torchvision / keras do"},
    {"run", cmd_run, "run a model on images or preprocessed arrays; logits/probabilities to .npy"},
    {"models", cmd_models, "the model cards: sizes, costs, published accuracy, weight URLs"},
    {"weights", cmd_weights, "fetch, verify and list the official weight files"},
    {"classify", cmd_classify, "top-5 ImageNet classes of images"},
};

static void usage(FILE *f)
{
    fprintf(f, "usage: zoobench [-h] [--version] COMMAND [ARGS...]\n\n"
               "Reproducible ImageNet accuracy of pretrained CNNs.\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(f, "\nRun 'zoobench COMMAND -h' for the options of a command.\n");
}

int cli_fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("error: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return 1;
}

int cli_fail_lib(void) { return cli_fail("%s", zb_last_error()); }

void cli_reset_getopt(void)
{
    optind = 0; /* glibc: 0 forces a full re-initialisation */
    opterr = 1;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help") || !strcmp(cmd, "help")) {
        usage(stdout);
        return 0;
    }
    if (!strcmp(cmd, "--version") || !strcmp(cmd, "-V")) {
        printf("zoobench %s\n", zb_version());
        return 0;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        if (!strcmp(cmd, commands[i].name)) {
            cli_reset_getopt();
            return commands[i].fn(argc - 1, argv + 1);
        }
    }
    fprintf(stderr, "error: unknown command '%s' (see 'zoobench -h')\n", cmd);
    return 2;
}
