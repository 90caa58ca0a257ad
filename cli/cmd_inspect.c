/* zoobench inspect: list the tensors of a weight file (.pth or Keras .h5). */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <zlib.h>

#include "cli.h"
#include "core/wmap.h"
#include "io/h5.h"
#include "io/pth.h"

static void usage(FILE *f)
{
    fprintf(f, "usage: zoobench inspect [-h] [--unwrap] [--crc] FILE\n\n"
               "List every tensor of a weight file: key, shape and element count.\n"
               "The format is detected from the content: PyTorch .pth (zip or legacy) or Keras .h5.\n\n"
               "  --unwrap   accept a state_dict nested in a dict and strip 'module.' prefixes (.pth)\n"
               "  --crc      add a column: CRC-32 of the tensor's float32 values (little-endian, C order)\n");
}

int cmd_inspect(int argc, char **argv)
{
    static const struct option longopts[] = {{"help", no_argument, 0, 'h'}, {"unwrap", no_argument, 0, 'u'},
                                                {"crc", no_argument, 0, 'c'}, {0, 0, 0, 0}};
    zb_pth_opts popts = {0};
    int c, crc = 0;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
        case 'h': usage(stdout); return 0;
        case 'u': popts.unwrap = 1; break;
        case 'c': crc = 1; break;
        default: usage(stderr); return 2;
        }
    }
    if (optind != argc - 1) {
        usage(stderr);
        return 2;
    }
    const char *path = argv[optind];
    FILE *probe = fopen(path, "rb");
    if (!probe)
        return cli_fail("%s: cannot open", path);
    fclose(probe);
    zb_wmap *m = NULL;
    zb_status st = zb_h5_sniff(path) ? zb_h5_load_wmap(path, &m) : zb_pth_load(path, &popts, &m);
    if (st != ZB_OK)
        return cli_fail_lib();
    int64_t total = 0;
    for (int i = 0; i < m->n; i++) {
        const zb_weight *w = &m->items[i];
        printf("%s\t(", w->name);
        for (int d = 0; d < w->ndim; d++)
            printf(d ? ", %" PRId64 : "%" PRId64, w->shape[d]);
        printf(w->ndim == 1 ? ",)\t%" PRId64 : ")\t%" PRId64, w->count);
        if (crc) {
            uLong h = crc32(0L, Z_NULL, 0);
            const unsigned char *p = (const unsigned char *)w->data;
            for (int64_t left = w->count * 4; left > 0; left -= 1 << 30, p += 1 << 30)
                h = crc32(h, p, (uInt)(left < (1 << 30) ? left : (1 << 30)));
            printf("\t%08lx", h);
        }
        putchar('\n');
        total += w->count;
    }
    printf("# %d tensors, %" PRId64 " parameters\n", m->n, total);
    zb_wmap_free(m);
    return 0;
}
