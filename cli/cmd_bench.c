/* zoobench bench: speed of the models on random weights (no files needed):
 * img/s, ms per batch, GFLOP/s, % of the measured FMA peak, params, GFLOPs. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench/bench.h"
#include "cli.h"
#include "kernels/fast.h"

enum { FMT_TABLE, FMT_CSV, FMT_JSON };

static void usage(FILE *f)
{
    fprintf(f,
            "usage: zoobench bench [-m MODEL|all]... [-b B] [-j T] [--size S] [--iters N]\n"
            "                      [--warmup N] [--peak GFLOPS] [--format table|csv|json]\n\n"
            "Time forward passes of models with seeded random weights (no downloads) and\n"
            "report img/s, ms per batch (median of the timed passes), GFLOP/s, the %% of this\n"
            "machine's fp32 FMA peak (measured at start with the same thread count), the\n"
            "parameter count and GFLOPs per image (convolution and dense multiply-adds,\n"
            "1 multiply-add = 2 FLOPs).\n\n"
            "  -m, --model MODEL    a model (see 'zoobench run --list') or 'all'; repeatable\n"
            "                       (default: all)\n"
            "  -b, --batch B        images per forward pass (default 1)\n"
            "  -j, --threads T      threads (default: online CPUs)\n"
            "      --size S         square input side (default: each model's own)\n"
            "      --iters N        timed passes; the median is reported (default 3)\n"
            "      --warmup N       untimed passes first (default 1)\n"
            "      --peak G         use G GFLOP/s as the FMA peak instead of measuring it\n"
            "                       (for comparable %% figures on a busy machine)\n"
            "      --format F       table (default), csv or json\n");
}

static int parse_int(const char *opt, const char *s, int lo, int hi, int *out)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (!*s || *end || v < lo || v > hi)
        return cli_fail("bench: %s must be an integer in [%d, %d], got '%s'", opt, lo, hi, s);
    *out = (int)v;
    return 0;
}

static void print_header(int fmt, double peak, int measured, int threads, int batch)
{
    if (fmt == FMT_TABLE) {
        if (peak > 0)
            printf("# FMA peak %.1f GFLOP/s with %d thread%s (%s); batch %d\n", peak, threads,
                   threads == 1 ? "" : "s", measured ? "measured" : "given", batch);
        else
            printf("# FMA peak: not measured (no AVX2/FMA); batch %d, %d thread%s\n", batch, threads,
                   threads == 1 ? "" : "s");
        printf("%-34s %5s %5s %3s %10s %10s %7s %8s %6s %8s %7s\n", "model", "size", "batch", "thr", "img/s",
               "ms/batch", "GFLOP/s", "%peak", "Mparams", "GFLOPs/img", "act.MB");
    } else if (fmt == FMT_CSV) {
        printf("model,size,batch,threads,iters,img_per_s,ms_per_batch,ms_min,ms_max,gflop_per_s,"
               "peak_gflop_per_s,peak_pct,params,gflops_per_image,activation_bytes\n");
    } else {
        printf("{\"fma_peak_gflop_per_s\": %.3f, \"fma_peak_measured\": %s, \"threads\": %d, \"batch\": %d, "
               "\"flops_per_mac\": 2,\n \"results\": [",
               peak, measured ? "true" : "false", threads, batch);
    }
    fflush(stdout);
}

static void print_row(int fmt, const zb_bench_result *r, double peak, int first)
{
    double gflops_img = 2e-9 * (double)r->macs;
    double pct = peak > 0 ? 100.0 * r->gflop_per_s / peak : 0;
    if (fmt == FMT_TABLE) {
        char pcts[16] = "-";
        if (peak > 0)
            snprintf(pcts, sizeof pcts, "%.1f", pct);
        printf("%-34s %5d %5d %3d %10.2f %10.1f %7.1f %8s %6.2f %8.3f %7.1f\n", r->model, r->size, r->batch,
               r->threads, r->img_per_s, r->ms_median, r->gflop_per_s, pcts, 1e-6 * (double)r->params, gflops_img,
               (double)r->arena_bytes / 1e6);
    } else if (fmt == FMT_CSV) {
        printf("%s,%d,%d,%d,%d,%.4f,%.3f,%.3f,%.3f,%.3f,%.3f,%.2f,%lld,%.6f,%zu\n", r->model, r->size, r->batch,
               r->threads, r->iters, r->img_per_s, r->ms_median, r->ms_min, r->ms_max, r->gflop_per_s, peak, pct,
               (long long)r->params, gflops_img, r->arena_bytes);
    } else {
        printf("%s\n  {\"model\": \"%s\", \"size\": %d, \"batch\": %d, \"threads\": %d, \"iters\": %d, "
               "\"img_per_s\": %.4f, \"ms_per_batch\": %.3f, \"ms_min\": %.3f, \"ms_max\": %.3f, "
               "\"gflop_per_s\": %.3f, \"peak_pct\": %.2f, \"params\": %lld, \"macs_per_image\": %lld, "
               "\"gflops_per_image\": %.6f, \"activation_bytes\": %zu}",
               first ? "" : ",", r->model, r->size, r->batch, r->threads, r->iters, r->img_per_s, r->ms_median,
               r->ms_min, r->ms_max, r->gflop_per_s, pct, (long long)r->params, (long long)r->macs, gflops_img,
               r->arena_bytes);
    }
    fflush(stdout);
}

int cmd_bench(int argc, char **argv)
{
    enum { OPT_SIZE = 256, OPT_ITERS, OPT_WARMUP, OPT_FORMAT, OPT_PEAK };
    static const struct option longopts[] = {
        {"help", no_argument, 0, 'h'},         {"model", required_argument, 0, 'm'},
        {"batch", required_argument, 0, 'b'},  {"threads", required_argument, 0, 'j'},
        {"size", required_argument, 0, OPT_SIZE}, {"iters", required_argument, 0, OPT_ITERS},
        {"warmup", required_argument, 0, OPT_WARMUP}, {"format", required_argument, 0, OPT_FORMAT},
        {"peak", required_argument, 0, OPT_PEAK},     {0, 0, 0, 0}};
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    zb_bench_opts o = {.batch = 1, .threads = ncpu > 0 ? (int)(ncpu < 64 ? ncpu : 64) : 1, .iters = 3,
                       .warmup = 1, .seed = 1};
    int fmt = FMT_TABLE, nmodels = 0, all = 0;
    double peak = 0;
    const char **models = calloc((size_t)argc + (size_t)zb_model_count(), sizeof *models);
    if (!models)
        return cli_fail("bench: out of memory");
    int c, rc = 0;
    while ((c = getopt_long(argc, argv, "hm:b:j:", longopts, NULL)) != -1) {
        switch (c) {
        case 'h': usage(stdout); free(models); return 0;
        case 'm':
            if (!strcmp(optarg, "all"))
                all = 1;
            else if (!zb_model_find(optarg))
                rc = cli_fail("%s: unknown model (see 'zoobench run --list')", optarg);
            else
                models[nmodels++] = optarg;
            break;
        case 'b': rc = parse_int("--batch", optarg, 1, 4096, &o.batch); break;
        case 'j': rc = parse_int("--threads", optarg, 1, 256, &o.threads); break;
        case OPT_SIZE: rc = parse_int("--size", optarg, 1, 4096, &o.size); break;
        case OPT_ITERS: rc = parse_int("--iters", optarg, 1, 100000, &o.iters); break;
        case OPT_WARMUP: rc = parse_int("--warmup", optarg, 0, 100000, &o.warmup); break;
        case OPT_PEAK: {
            char *end;
            peak = strtod(optarg, &end);
            if (!*optarg || *end || !(peak > 0 && peak < 1e7))
                rc = cli_fail("bench: --peak must be a positive number of GFLOP/s, got '%s'", optarg);
            break;
        }
        case OPT_FORMAT:
            if (!strcmp(optarg, "table"))
                fmt = FMT_TABLE;
            else if (!strcmp(optarg, "csv"))
                fmt = FMT_CSV;
            else if (!strcmp(optarg, "json"))
                fmt = FMT_JSON;
            else
                rc = cli_fail("bench: --format must be table, csv or json, got '%s'", optarg);
            break;
        default: usage(stderr); free(models); return 2;
        }
        if (rc) {
            free(models);
            return rc;
        }
    }
    if (optind < argc) {
        free(models);
        return cli_fail("bench: unexpected argument '%s'", argv[optind]);
    }
    if (all || nmodels == 0) {
        nmodels = 0;
        for (int i = 0; i < zb_model_count(); i++)
            models[nmodels++] = zb_model_at(i)->name;
    }

    const char *prof = getenv("ZB_PROFILE");   /* 1: per op kind and the 25 slowest nodes; N > 1: N nodes */
    if (prof && *prof && strcmp(prof, "0")) {
        o.profile = stderr;
        o.profile_nodes = atoi(prof) > 1 ? atoi(prof) : 25;
    }
    int measured = peak == 0;
    if (measured)
        peak = zb_fma_peak_gflops(o.threads, 0.5);
    print_header(fmt, peak, measured, o.threads, o.batch);
    int done = 0;
    for (int i = 0; i < nmodels; i++) {
        zb_bench_result r;
        if (zb_bench_model(models[i], &o, &r) != ZB_OK) {
            fflush(stdout);
            rc = cli_fail_lib();
            continue;
        }
        print_row(fmt, &r, peak, done++ == 0);
    }
    if (fmt == FMT_JSON)
        printf("\n]}\n");
    free(models);
    return rc;
}
