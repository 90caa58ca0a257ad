"""Real-model oracle helpers (test-only, /usr/bin/python3).

  real_models.py prep LIST IMGDIR STEP OUT.npy FILES.txt
      Every STEP-th image of the `path, label` LIST (1 = all): Pillow 9.4 load
      as keras_preprocessing.image.load_img does (convert RGB, resize to
      224x224 with NEAREST), then keras_applications preprocess_input 'tf'
      mode in float32 (x / 127.5 - 1).  Writes the (N, 224, 224, 3) array and
      the image paths (one a line) with their labels.
  real_models.py compare FILES.txt ZB_PROBS.npy REF_PROBS.npy NAME [PREFIX]
      Top-5 agreement and max |probability difference|; prints top-1/top-5
      accuracy of both against the labels.  Exit 1 when below the bar: top-5
      identical on all but floor(N / 1300) images, probabilities within 1e-4.
      With PREFIX, also writes PREFIX_top5preds.npy / _top5probs.npy of
      zoobench's probabilities and prints 'ACC top1 top5' for them.
"""
import sys

import numpy as np
from PIL import Image


def read_list(path):
    rows = []
    for line in open(path):
        line = line.strip()
        if not line:
            continue
        p, lab = line.rsplit(',', 1) if ',' in line else line.rsplit(None, 1)
        rows.append((p.strip(), int(lab)))
    return rows


def prep(lst, imgdir, step, out, files):
    import os
    rows = read_list(lst)[::int(step)]
    lines = [l for l in open(lst) if l.strip()][::int(step)]
    with open(files + '.list', 'w') as f:  # the same subset in the list's own format
        f.writelines(lines)
    xs = np.empty((len(rows), 224, 224, 3), np.float32)
    with open(files, 'w') as f:
        for i, (p, lab) in enumerate(rows):
            path = os.path.join(imgdir, os.path.basename(p))
            img = Image.open(path)
            if img.mode != 'RGB':
                img = img.convert('RGB')
            img = img.resize((224, 224), Image.NEAREST)
            x = np.asarray(img, dtype=np.float32)
            x /= np.float32(127.5)
            x -= np.float32(1.0)
            xs[i] = x
            f.write('%s %d\n' % (path, lab))
    np.save(out, xs)


def compare(files, zb, ref, name, prefix=None):
    labels = np.array([int(l.split()[-1]) for l in open(files)])
    a, b = np.load(zb), np.load(ref)
    assert a.shape == b.shape == (len(labels), 1000), (a.shape, b.shape)
    ta = np.argsort(-a, axis=1, kind='stable')[:, :5]
    tb = np.argsort(-b, axis=1, kind='stable')[:, :5]
    same = int((ta == tb).all(axis=1).sum())
    diff = float(np.abs(a - b).max())
    n = len(labels)
    for who, t in (('zoobench', ta), ('tfjs', tb)):
        top1 = (t[:, 0] == labels).mean() * 100
        top5 = (t == labels[:, None]).any(axis=1).mean() * 100
        print('%s %s: %d images, top-1 %.2f%%, top-5 %.2f%%' % (name, who, n, top1, top5))
    print('%s: top-5 identical on %d/%d, max |prob diff| %.3g' % (name, same, n, diff))
    if prefix:  # result files for `zoobench table`: (N, 5) top-5 classes and probabilities
        np.save(prefix + '_top5preds.npy', ta.astype(np.int64))
        np.save(prefix + '_top5probs.npy', np.take_along_axis(a, ta, axis=1))
        t = ta
        print('ACC %.6f %.6f' % ((t[:, 0] == labels).mean() * 100, (t == labels[:, None]).any(axis=1).mean() * 100))
    if same < n - n // 1300 or diff > 1e-4:
        sys.exit(1)


if __name__ == '__main__':
    {'prep': prep, 'compare': compare}[sys.argv[1]](*sys.argv[2:])
