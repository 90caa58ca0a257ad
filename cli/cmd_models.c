/* zoobench models: the model cards as a table, Markdown, CSV or JSON. */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "models/cards.h"
#include "io/weights.h"

static void usage(FILE *f)
{
    fprintf(f, "usage: zoobench models [--format table|md|csv|json]\n\n"
               "Every model zoobench knows: framework, input size, preprocessing, parameters and\n"
               "GMACs counted on zoobench's graph (multiply-accumulates of conv and dense layers,\n"
               "batch 1; GFLOPs = 2 x GMACs), the seed's and the framework's published top-1/top-5\n"
               "accuracy (%%), and the official weight URL and hash.\n");
}

static void acc(FILE *f, double v, const char *none)
{
    if (v < 0)
        fputs(none, f);
    else
        fprintf(f, "%.3f", v);
}

static void json_str(const char *s)
{
    if (!s) {
        fputs("null", stdout);
        return;
    }
    putchar('"');
    for (; *s; s++)
        if (*s == '"' || *s == '\\')
            printf("\\%c", *s);
        else
            putchar(*s);
    putchar('"');
}

static void json_num(double v)
{
    if (v < 0)
        fputs("null", stdout);
    else
        printf("%.3f", v);
}

int cmd_models(int argc, char **argv)
{
    static const struct option longopts[] = {{"help", no_argument, 0, 'h'},
                                             {"format", required_argument, 0, 'f'}, {0, 0, 0, 0}};
    const char *fmt = "table";
    int c;
    while ((c = getopt_long(argc, argv, "hf:", longopts, NULL)) != -1) {
        switch (c) {
        case 'h': usage(stdout); return 0;
        case 'f': fmt = optarg; break;
        default: usage(stderr); return 2;
        }
    }
    int table = !strcmp(fmt, "table"), md = !strcmp(fmt, "md"), csv = !strcmp(fmt, "csv"),
        json = !strcmp(fmt, "json");
    if (!(table || md || csv || json))
        return cli_fail("--format: '%s' is not table, md, csv or json", fmt);
    if (optind < argc) {
        usage(stderr);
        return 2;
    }
    if (table)
        printf("%-30s %-11s %4s %-11s %12s %8s %7s %7s %7s %7s\n", "model", "framework", "size", "recipe", "params",
               "GMACs", "seed@1", "seed@5", "fw@1", "fw@5");
    else if (md)
        printf("| model | framework | size | recipe | params | GMACs | seed acc@1 | seed acc@5 | framework acc@1 | "
               "framework acc@5 | weights | hash |\n|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    else if (csv)
        printf("model,builds,framework,input_size,recipe,params,macs,seed_name,seed_top1,seed_top5,fw_top1,fw_top5,"
               "fw_params,fw_source,url,file,hash\n");
    else
        printf("[\n");
    for (int i = 0; i < zb_card_count(); i++) {
        const zb_card *k = zb_card_at(i);
        int64_t params = -1, macs = -1;
        if (zb_card_cost(k, &params, &macs) != ZB_OK)
            return cli_fail_lib();
        const char *hash = zb_weights_hash(k);
        int size = zb_card_input_size(k);
        if (table) {
            printf("%-30s %-11s %4d %-11s %12" PRId64 " %8.3f ", k->name, zb_card_framework(k), size,
                   zb_card_recipe(k), params, macs / 1e9);
            double v[4] = {k->seed_top1, k->seed_top5, k->fw_top1, k->fw_top5};
            for (int j = 0; j < 4; j++) {
                if (v[j] < 0)
                    printf(j ? " %7s" : "%7s", "-");
                else
                    printf(j ? " %7.2f" : "%7.2f", v[j]);
            }
            putchar('\n');
        } else if (md) {
            printf("| %s | %s | %d | %s | %" PRId64 " | %.3f | ", k->name, zb_card_framework(k), size,
                   zb_card_recipe(k), params, macs / 1e9);
            double v[4] = {k->seed_top1, k->seed_top5, k->fw_top1, k->fw_top5};
            for (int j = 0; j < 4; j++) {
                acc(stdout, v[j], "-");
                fputs(" | ", stdout);
            }
            printf("[%s](%s) | %s |\n", k->file, k->url, hash ? hash : "none published");
        } else if (csv) {
            printf("%s,%s,%s,%d,%s,%" PRId64 ",%" PRId64 ",%s,", k->name, k->model, zb_card_framework(k), size,
                   zb_card_recipe(k), params, macs, k->seed_name ? k->seed_name : "");
            double v[4] = {k->seed_top1, k->seed_top5, k->fw_top1, k->fw_top5};
            for (int j = 0; j < 4; j++) {
                acc(stdout, v[j], "");
                putchar(',');
            }
            if (k->fw_params >= 0)
                printf("%" PRId64, k->fw_params);
            printf(",\"%s\",%s,%s,%s\n", k->fw_source ? k->fw_source : "", k->url, k->file, hash ? hash : "");
        } else {
            printf(" {\"name\": ");
            json_str(k->name);
            printf(", \"builds\": ");
            json_str(k->model);
            printf(", \"framework\": ");
            json_str(zb_card_framework(k));
            printf(", \"input_size\": %d, \"recipe\": ", size);
            json_str(zb_card_recipe(k));
            printf(", \"preprocessing\": ");
            json_str(zb_recipe_describe(zb_card_recipe(k)));
            printf(", \"params\": %" PRId64 ", \"macs\": %" PRId64 ", \"gflops\": %.4f", params, macs, 2 * macs / 1e9);
            printf(", \"seed_name\": ");
            json_str(k->seed_name);
            printf(", \"seed_top1\": ");
            json_num(k->seed_top1);
            printf(", \"seed_top5\": ");
            json_num(k->seed_top5);
            printf(", \"fw_top1\": ");
            json_num(k->fw_top1);
            printf(", \"fw_top5\": ");
            json_num(k->fw_top5);
            printf(", \"fw_params\": ");
            if (k->fw_params >= 0)
                printf("%" PRId64, k->fw_params);
            else
                fputs("null", stdout);
            printf(", \"fw_source\": ");
            json_str(k->fw_source);
            printf(", \"url\": ");
            json_str(k->url);
            printf(", \"file\": ");
            json_str(k->file);
            printf(", \"hash\": ");
            json_str(hash);
            printf("}%s\n", i + 1 < zb_card_count() ? "," : "");
        }
    }
    if (json)
        printf("]\n");
    return 0;
}
