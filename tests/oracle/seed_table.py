"""Independent oracle for `zoobench table`, numpy only, written from the seed's
description (cgnorthcutt/benchmarking-keras-pytorch imagenet_benchmarking.py and
cifar10_benchmarking.py, as issue 2 describes them).

  seed_table.py table [--keras DIR] [--pytorch DIR] --labels FILE.npy|imagenet-val
                      [--dataset imagenet|cifar10] [-i F] [-j F] [-l F] [--pandas]
      prints the seed's CSV (df.to_csv(index=False)): floats as Python repr.
      --pandas also runs the seed's own pandas sort loop and asserts the same order.
  seed_table.py gen DIR SEED
      writes synthetic result files (34 models, few images and classes, so
      accuracies tie often), labels and masks for the mask/custom-label tests.
"""
import argparse
import os
import sys

import numpy as np

MODELS = {
    "imagenet": {
        "keras": ["densenet121", "densenet169", "densenet201", "mobilenet", "mobilenetV2", "nasnetmobile",
                  "resnet50", "vgg16", "vgg19", "xception", "inceptionresnetv2", "inceptionv3", "nasnetlarge"],
        "pytorch": ["inception_v3", "vgg11", "vgg11_bn", "vgg13", "vgg13_bn", "vgg16", "vgg16_bn", "vgg19",
                    "vgg19_bn", "densenet121", "densenet161", "densenet169", "densenet201", "alexnet",
                    "squeezenet1_0", "squeezenet1_1", "resnet18", "resnet34", "resnet50", "resnet101", "resnet152"],
    },
    "cifar10": {
        "keras": [],
        "pytorch": ["vgg11_bn", "vgg13_bn", "vgg16_bn", "vgg19_bn", "resnet18", "resnet34", "resnet50",
                    "densenet121", "densenet161", "densenet169", "mobilenet_v2", "googlenet", "inception_v3"],
    },
}
LABEL = {"keras": "Keras 2.2.4", "pytorch": "PyTorch 1.0"}


def scores(preds, probs, labels, mask, custom):
    """compute_val_acc: Acc@1 from the top-5 column with the largest prob (first on ties)."""
    n = len(preds)
    sel = np.ones(n, bool) if mask is None else mask
    true = np.asarray(custom) if custom is not None else labels[sel]
    top1 = preds[np.arange(n), np.argmax(probs, axis=1)][sel]
    hit1 = int(np.count_nonzero(top1 == true))
    hit5 = int(np.count_nonzero((preds[sel] == true[:, None]).any(axis=1)))
    return hit1 / float(len(true)), hit5 / float(len(true))


def desc_order(values, order):
    """pandas sort_values(ascending=False) on rows in `order`: reverse, numpy
    quicksort argsort, reverse (pandas.core.sorting.nargsort)."""
    v = values[order]
    idx = np.arange(len(v))[::-1]
    ind = idx[v[::-1].argsort(kind="quicksort")][::-1]
    return order[ind]


def build_mask(n, omit, keep):
    mask = np.ones(n, bool)
    if omit is not None:
        mask[omit] = False
    if keep is not None:
        mask = np.zeros(n, bool)
        mask[keep] = True
    return mask


def table(a):
    ds = a.dataset
    labels = np.arange(50000) // 50 if a.labels == "imagenet-val" else np.load(a.labels).astype(np.int64)
    omit = np.load(a.i) if a.i else None
    keep = np.load(a.j) if a.j else None
    custom = np.load(a.l).astype(np.int64) if a.l else None
    has_mask = a.i is not None or a.j is not None
    mask = build_mask(len(labels), omit, keep) if has_mask else None
    rows = []
    for platform, d in (("keras", a.keras), ("pytorch", a.pytorch)):
        if d is None:
            continue
        for model in MODELS[ds][platform]:
            preds = np.load(os.path.join(d, f"{model}_{platform}_{ds}_top5preds.npy"))
            probs = np.load(os.path.join(d, f"{model}_{platform}_{ds}_top5probs.npy"))
            if custom is None and has_mask:
                acc = scores(preds, probs, labels, None, None)
                cacc = scores(preds, probs, labels, mask, None)
            elif custom is not None and has_mask:
                acc = scores(preds, probs, labels, mask, None)
                cacc = scores(preds, probs, labels, mask, custom)
            elif custom is not None and a.score_custom:
                acc = scores(preds, probs, labels, None, None)
                cacc = scores(preds, probs, labels, None, custom)  # the docstring: custom labels, every image
            elif custom is not None:
                # main(): compute_val_acc(top5preds, top5probs, labels, custom_labels) binds the
                # custom labels to indices_to_ignore.
                acc = scores(preds, probs, labels, None, None)
                cacc = scores(preds, probs, labels, build_mask(len(labels), custom, None), None)
            else:
                acc, cacc = scores(preds, probs, labels, None, None), None
            vals = [acc[0], acc[1]] if cacc is None else [acc[0], cacc[0], acc[1], cacc[1]]
            rows.append((LABEL[platform], model, vals))
    cols = ["Acc@1", "Acc@5"] if len(rows[0][2]) == 2 else ["Acc@1", "cAcc@1", "Acc@5", "cAcc@5"]
    acc = np.array([r[2] for r in rows], dtype=np.float64)
    order = np.arange(len(rows))
    ranks = np.zeros_like(acc, dtype=np.int64)
    for c in range(len(cols)):
        order = desc_order(acc[:, c], order)
        ranks[order, c] = np.arange(len(rows)) + 1
    final = 1 if (custom is not None and ds == "imagenet") else 0
    order = desc_order(acc[:, final], order)
    if a.pandas:
        check_pandas(rows, cols, acc, ranks, order, final)
    out = ["Platform,Model," + ",".join(cols) + "," + ",".join(c.replace("Acc", "Rank") for c in cols)]
    for r in order:
        out.append(",".join([rows[r][0], rows[r][1]] + [repr(float(x)) for x in acc[r]] +
                            [str(int(k)) for k in ranks[r]]))
    sys.stdout.write("\n".join(out) + "\n")


def check_pandas(rows, cols, acc, ranks, order, final):
    """The seed's own loop, with pandas, must give the same ranks and order."""
    try:
        import pandas as pd
    except ImportError:
        return
    df = pd.DataFrame([(p, m, *v) for p, m, v in rows], columns=["Platform", "Model"] + cols)
    for col in [c for c in df.columns if "Acc" in c]:
        df.sort_values(by=col, ascending=False, inplace=True)
        df[col.replace("Acc", "Rank")] = np.arange(len(df)) + 1
    df.sort_values(by=cols[final], ascending=False, inplace=True)
    assert list(df.index) == list(order), "pandas order differs from the numpy emulation"
    for c, col in enumerate(cols):
        assert list(df[col.replace("Acc", "Rank")]) == list(ranks[order, c]), col


def gen(d, seed):
    """Synthetic results with many exact ties: 34 models, few images, 6 classes."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(150, 400))
    labels = rng.integers(0, 6, n)
    pdt = ["int64", "int32", "uint8", "int16", "float64"]
    qdt = ["float16", "float32", "float64", "int32"]
    for platform in ("keras", "pytorch"):
        os.makedirs(os.path.join(d, platform), exist_ok=True)
        for k, model in enumerate(MODELS["imagenet"][platform]):
            preds = np.stack([rng.permutation(12)[:5] for _ in range(n)]).astype(pdt[k % len(pdt)])
            # probabilities from a small set: exact ties in most rows
            probs = rng.integers(0, 4, (n, 5)).astype(qdt[k % len(qdt)]) / (1 if k % 4 == 3 else 8)
            probs = probs.astype(qdt[k % len(qdt)])
            base = os.path.join(d, platform, f"{model}_{platform}_imagenet")
            np.save(base + "_top5preds.npy", preds)
            np.save(base + "_top5probs.npy", probs)
    np.save(os.path.join(d, "labels.npy"), labels)
    omit = rng.choice(n, int(rng.integers(1, n // 2)), replace=True)  # duplicates allowed
    omit[:3] = -omit[:3] - 1 + 0 * n  # a few negative indices, numpy style
    np.save(os.path.join(d, "omit.npy"), omit)
    keep = rng.choice(n, int(rng.integers(20, n)), replace=False).astype(np.int32)
    np.save(os.path.join(d, "keep.npy"), keep)
    keep_bool = rng.random(n) < 0.3
    np.save(os.path.join(d, "keep_bool.npy"), keep_bool)
    kept_i = int(build_mask(n, omit, None).sum())
    kept_j = int(build_mask(n, None, keep).sum())
    kept_b = int(keep_bool.sum())
    np.save(os.path.join(d, "custom_all.npy"), rng.integers(0, 6, n))
    # -l alone in the seed's main(): the values index images (negative ones from the end)
    np.save(os.path.join(d, "custom_idx.npy"), rng.integers(-n, n, 40).astype(np.int32))
    np.save(os.path.join(d, "custom_omit.npy"), rng.integers(0, 6, kept_i).astype(np.uint16))
    np.save(os.path.join(d, "custom_keep.npy"), rng.integers(0, 6, kept_j))
    np.save(os.path.join(d, "custom_keep_bool.npy"), rng.integers(0, 6, kept_b).astype(np.float32))


if __name__ == "__main__":
    if sys.argv[1] == "gen":
        gen(sys.argv[2], int(sys.argv[3]))
        sys.exit(0)
    p = argparse.ArgumentParser()
    p.add_argument("cmd")
    p.add_argument("--keras")
    p.add_argument("--pytorch")
    p.add_argument("--labels", required=True)
    p.add_argument("--dataset", default="imagenet")
    p.add_argument("-i")
    p.add_argument("-j")
    p.add_argument("-l")
    p.add_argument("--pandas", action="store_true")
    p.add_argument("--score-custom", action="store_true")
    table(p.parse_args())
