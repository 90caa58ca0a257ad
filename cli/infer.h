/* Shared by `zoobench run` and `zoobench classify`: model inputs from files,
 * the net, and batched inference. */
#ifndef ZB_CLI_INFER_H
#define ZB_CLI_INFER_H

#include "zoobench.h"

typedef struct infer_opts {
    const char *model, *weights, *recipe;
    int batch, threads, size;
    int no_download;        /* -w MODEL: never download (--no-download) */
    int unwrap;             /* .pth: nested state_dict, 'module.' prefixes */
} infer_opts;

/* Inference results for every input image, in order. */
typedef struct infer_result {
    int n;                  /* images */
    int k;                  /* classes */
    float *logits;          /* (n, k) */
    char **label;           /* n labels: "file" or "file[i]" for a multi-image .npy */
    const zb_model_info *model;
} infer_result;

/* Loads the inputs (.npy arrays (N,3,H,W) / (N,H,W,3) / (3,H,W) / (H,W,3),
 * or image files through the model's recipe), builds the net and runs it.
 * On error, the message is in zb_last_error(). */
zb_status infer_run(const infer_opts *o, int nfiles, char **files, infer_result *r);

void infer_result_free(infer_result *r);

/* Prints the model table (name, input size, recipe). */
void infer_list_models(void);

#endif
