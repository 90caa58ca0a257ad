#!/usr/bin/python3
"""Writes the small seed corpus of fuzz_pth to fuzz/corpus/pth (torch 1.13)."""
import collections
import os
import sys

import torch

out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "corpus", "pth")
os.makedirs(out, exist_ok=True)
g = torch.Generator().manual_seed(7)
base = torch.randn(2, 3, generator=g)
sd = collections.OrderedDict(
    w=base.t(), b=torch.randn(2, generator=g).half(), n=torch.tensor(3), s=base[1, 1:],
    d=torch.randn(2, generator=g).double(), e=torch.empty(0))
for fmt, new in (("zip", True), ("legacy", False)):
    torch.save(sd, os.path.join(out, "mixed_%s.pth" % fmt), _use_new_zipfile_serialization=new)
    torch.save({"state_dict": {"module.w": torch.ones(2)}}, os.path.join(out, "nested_%s.pth" % fmt),
               _use_new_zipfile_serialization=new)
