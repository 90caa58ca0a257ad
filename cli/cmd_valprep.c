/* zoobench valprep: the ILSVRC2012 val images in wnid folders, as
 * valprep.sh (and torchvision's parse_val_archive) lay them out:
 * OUT/<wnid>/ILSVRC2012_val_XXXXXXXX.JPEG. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "data/dataset.h"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: zoobench valprep VAL -o OUTDIR [--devkit FILE] [--copy] [--no-md5]\n\n"
            "Lay the 50,000 ILSVRC2012 validation images out as OUTDIR/<wnid>/<file>, the layout\n"
            "of valprep.sh and torchvision's ImageNet(split='val'), from the ground truth and\n"
            "meta.mat of ILSVRC2012_devkit_t12.tar.gz.\n\n"
            "VAL is ILSVRC2012_img_val.tar (its members are written out, the tar is read once)\n"
            "or a directory of the extracted images (hard-linked, or copied with --copy or when\n"
            "a link is impossible).\n\n"
            "  -o, --outdir DIR   the ImageFolder root to create\n"
            "      --devkit FILE  ILSVRC2012_devkit_t12.tar.gz (default: beside VAL)\n"
            "      --copy         copy files instead of hard-linking them\n"
            "      --no-md5       skip torchvision's MD5 checks\n");
}

static int write_file(const char *path, const uint8_t *buf, size_t len)
{
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        return cli_fail("%s: %s", tmp, strerror(errno));
    size_t off = 0;
    while (off < len) {
        ssize_t w = write(fd, buf + off, len - off);
        if (w <= 0)
            break;
        off += (size_t)w;
    }
    int bad = off != len;
    if (close(fd) || bad || rename(tmp, path)) {
        unlink(tmp);
        return cli_fail("%s: write failed: %s", path, strerror(errno));
    }
    return 0;
}

int cmd_valprep(int argc, char **argv)
{
    enum { OPT_DEVKIT = 256, OPT_COPY, OPT_NOMD5 };
    static const struct option longopts[] = {
        {"help", no_argument, 0, 'h'},           {"outdir", required_argument, 0, 'o'},
        {"devkit", required_argument, 0, OPT_DEVKIT}, {"copy", no_argument, 0, OPT_COPY},
        {"no-md5", no_argument, 0, OPT_NOMD5},   {0, 0, 0, 0}};
    zb_dataset_opts dopt = {.flat_val = 1};
    const char *out = NULL;
    int copy = 0, c;
    while ((c = getopt_long(argc, argv, "ho:", longopts, NULL)) != -1) {
        switch (c) {
        case 'h': usage(stdout); return 0;
        case 'o': out = optarg; break;
        case OPT_DEVKIT: dopt.devkit = optarg; break;
        case OPT_COPY: copy = 1; break;
        case OPT_NOMD5: dopt.no_md5 = 1; break;
        default: usage(stderr); return 2;
        }
    }
    if (!out || optind + 1 != argc) {
        usage(stderr);
        return 2;
    }
    zb_dataset *d = NULL;
    if (zb_dataset_open(argv[optind], &dopt, &d) != ZB_OK)
        return cli_fail_lib();
    if (!d->wnids) {
        zb_dataset_free(d);
        return cli_fail("%s: not ILSVRC2012 val images (a .tar, or a directory with --devkit)", argv[optind]);
    }
    int rc = 0;
    if (mkdir(out, 0777) && errno != EEXIST) {
        rc = cli_fail("%s: %s", out, strerror(errno));
        goto done;
    }
    char path[4096];
    for (int64_t i = 0; i < d->n && !rc; i++) {
        snprintf(path, sizeof path, "%s/%s", out, d->wnids[d->label[i]]);
        if (mkdir(path, 0777) && errno != EEXIST)
            rc = cli_fail("%s: %s", path, strerror(errno));
    }
    int64_t *all = malloc((size_t)d->n * sizeof *all);
    zb_dsreader *r = NULL;
    if (!rc && !all)
        rc = cli_fail("out of memory");
    for (int64_t i = 0; !rc && i < d->n; i++)
        all[i] = i;
    if (!rc && zb_dsreader_open(d, all, d->n, &r) != ZB_OK)
        rc = cli_fail_lib();
    int64_t idx;
    const uint8_t *buf;
    size_t len;
    zb_status ist;
    int got;
    while (!rc && (got = zb_dsreader_next(r, &idx, &buf, &len, &ist)) != 0) {
        if (got < 0) {
            rc = cli_fail_lib();
            break;
        }
        const char *name = d->name[idx], *slash = strrchr(name, '/');
        snprintf(path, sizeof path, "%s/%s/%s", out, d->wnids[d->label[idx]], slash ? slash + 1 : name);
        if (d->kind == ZB_DS_FILES && !copy) {
            unlink(path);
            if (link(name, path) == 0)
                continue;
        }
        if (ist != ZB_OK)
            rc = cli_fail_lib();
        else
            rc = write_file(path, buf, len);
    }
    if (!rc)
        printf("%lld images in %d classes under %s\n", (long long)d->n, d->nclasses, out);
    zb_dsreader_free(r);
    free(all);
done:
    zb_dataset_free(d);
    return rc;
}
