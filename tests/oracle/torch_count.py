"""Independent parameter and multiply-add counts from torchvision 0.14 models.

    /usr/bin/python3 tests/oracle/torch_count.py NAME:SIZE ...

Prints one JSON object {"NAME:SIZE": {"params": P, "macs": M}}: P = sum of
p.numel() over model.parameters() (batchnorm running statistics are buffers,
not parameters); M = multiply-adds of one image through every Conv2d
(out elements * in_channels / groups * kh * kw) and Linear
(out elements * in_features), measured by forward hooks on a real forward
pass at SIZE x SIZE.  inception_v3 is built without its auxiliary classifier,
which eval() never runs."""
import json
import sys

import torch
import torchvision


def count(name, size):
    kw = {'aux_logits': False, 'init_weights': False} if name == 'inception_v3' else {}
    m = getattr(torchvision.models, name)(**kw).eval()
    macs = [0]

    def hook(mod, inp, out):
        if isinstance(mod, torch.nn.Conv2d):
            kh, kw_ = mod.kernel_size
            macs[0] += out[0].numel() * (mod.in_channels // mod.groups) * kh * kw_
        else:
            macs[0] += out[0].numel() * mod.in_features

    for mod in m.modules():
        if isinstance(mod, (torch.nn.Conv2d, torch.nn.Linear)):
            mod.register_forward_hook(hook)
    with torch.no_grad():
        m(torch.zeros(1, 3, size, size))
    return {'params': sum(p.numel() for p in m.parameters()), 'macs': macs[0]}


torch.manual_seed(0)
res = {}
for arg in sys.argv[1:]:
    name, size = arg.split(':')
    res[arg] = count(name, int(size))
print(json.dumps(res))
