/* zoobench weights: fetch, verify and list the official weight files. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "io/weights.h"

static void usage(FILE *f)
{
    fprintf(f, "usage: zoobench weights fetch [--cache-dir DIR] [--no-progress] MODEL...|all\n"
               "       zoobench weights verify [--cache-dir DIR] [MODEL...]\n"
               "       zoobench weights list [--cache-dir DIR]\n\n"
               "The official weight files, as torchvision and Keras Applications download them,\n"
               "in <cache dir>/weights/<framework>/ ($XDG_CACHE_HOME/zoobench, else ~/.cache/zoobench).\n"
               "fetch downloads (resuming a partial file) and verifies by the framework's hash;\n"
               "a file that does not match is deleted and is an error.  verify re-checks cached\n"
               "files (all of them without MODEL); list shows every card's state.\n"
               "MODEL is a card name from 'zoobench models' (e.g. torchvision/resnet50).\n");
}

static const char *state_name(zb_weights_status s)
{
    switch (s) {
    case ZB_WEIGHTS_OK: return "ok";
    case ZB_WEIGHTS_PINNED: return "ok (no published hash; SHA-256 pinned at download)";
    case ZB_WEIGHTS_BAD: return "BAD";
    default: return "missing";
    }
}

int cmd_weights(int argc, char **argv)
{
    enum { OPT_CACHE = 256, OPT_NOPROG };
    static const struct option longopts[] = {{"help", no_argument, 0, 'h'},
                                             {"cache-dir", required_argument, 0, OPT_CACHE},
                                             {"no-progress", no_argument, 0, OPT_NOPROG},
                                             {0, 0, 0, 0}};
    zb_weights_opts o = {.progress = isatty(2)};
    int c;
    while ((c = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
        switch (c) {
        case 'h': usage(stdout); return 0;
        case OPT_CACHE: o.cache_dir = optarg; break;
        case OPT_NOPROG: o.progress = 0; break;
        default: usage(stderr); return 2;
        }
    }
    if (optind >= argc) {
        usage(stderr);
        return 2;
    }
    const char *sub = argv[optind++];
    /* options may also follow the subcommand */
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
        case 'h': usage(stdout); return 0;
        case OPT_CACHE: o.cache_dir = optarg; break;
        case OPT_NOPROG: o.progress = 0; break;
        default: usage(stderr); return 2;
        }
    }
    char **names = argv + optind;
    int nnames = argc - optind;
    for (int i = 0; i < nnames; i++)
        if (strcmp(names[i], "all") && !zb_card_find(names[i]))
            return cli_fail("%s: unknown model card (see 'zoobench models')", names[i]);
    char path[4096];
    if (!strcmp(sub, "fetch")) {
        if (!nnames) {
            usage(stderr);
            return 2;
        }
        for (int i = 0; i < nnames; i++) {
            int all = !strcmp(names[i], "all");
            for (int k = 0; k < zb_card_count(); k++) {
                const zb_card *card = all ? zb_card_at(k) : zb_card_find(names[i]);
                if (zb_weights_fetch(card, &o, path, sizeof path) != ZB_OK)
                    return cli_fail_lib();
                printf("%s\t%s\n", card->name, path);
                if (!all)
                    break;
            }
        }
        return 0;
    }
    if (!strcmp(sub, "verify") || !strcmp(sub, "list")) {
        int verify = !strcmp(sub, "verify"), bad = 0, checked = 0;
        if (!verify && nnames) {
            usage(stderr);
            return 2;
        }
        for (int k = 0; k < zb_card_count(); k++) {
            const zb_card *card = zb_card_at(k);
            int wanted = !nnames;
            for (int i = 0; i < nnames; i++)
                wanted |= !strcmp(names[i], "all") || zb_card_find(names[i]) == card;
            if (!wanted)
                continue;
            zb_weights_status s;
            if (zb_weights_check(card, o.cache_dir, &s, path, sizeof path) != ZB_OK)
                return cli_fail_lib();
            if (verify && s == ZB_WEIGHTS_MISSING && !nnames)
                continue;
            checked++;
            if (s == ZB_WEIGHTS_BAD || (verify && s == ZB_WEIGHTS_MISSING)) {
                bad++;
                if (verify)
                    fprintf(stderr, "error: %s: %s\n", card->name,
                            s == ZB_WEIGHTS_MISSING ? "not in the cache" : zb_last_error());
            }
            printf("%-34s %-8s %s\n", card->name, state_name(s), s == ZB_WEIGHTS_MISSING ? card->file : path);
        }
        if (verify && !checked && !nnames)
            fprintf(stderr, "note: no weight files in the cache\n");
        return bad && verify ? 1 : 0;
    }
    return cli_fail("weights: unknown subcommand '%s' (fetch, verify, list)", sub);
}
