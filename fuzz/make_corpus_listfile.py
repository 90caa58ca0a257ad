#!/usr/bin/python3
"""Writes the small seed corpus of fuzz_listfile to fuzz/corpus/listfile."""
import os
import pathlib
import sys

out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "corpus", "listfile")
os.makedirs(out, exist_ok=True)
seeds = {
    "caffe.txt": "ILSVRC2012_val_00000001.JPEG 65\nILSVRC2012_val_00000002.JPEG 970\n",
    "comma.txt": "./data/a.JPEG, 3\n./data/b.JPEG, 0\n",
    "comments.txt": "# header\n\n  img 1.png   7  \r\n/abs/path/x.jpg\t12\n",
    "spaces.txt": "dir with space/img 1.jpg 4\n",
    "bad_label.txt": "a.jpg -1\n",
    "no_newline.txt": "a.jpg 2147483647",
}
for name, text in seeds.items():
    pathlib.Path(out, name).write_text(text)
