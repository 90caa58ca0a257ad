"""Test-only bridge while zoobench's own .h5 reader is being written: copies a
Keras weight file's tensors, read with h5py by Keras's rules (layer_names order,
chunked or not, then each layer's weight_names order; full-model files through
model_weights), into a .pth state dict with the same keys in the same order,
which is what zb_h5_load_wmap yields.  zoobench then matches them to the model
by position, as Keras's load_weights(by_name=False).

usage: /usr/bin/python3 h5_to_pth.py IN.h5 OUT.pth
"""
import collections
import sys

import h5py
import numpy as np
import torch


def attr_list(group, name):
    def dec(v):
        return v.decode('utf8') if isinstance(v, bytes) else str(v)
    if name in group.attrs:
        return [dec(v) for v in np.atleast_1d(group.attrs[name])]
    out, i = [], 0
    while '%s%d' % (name, i) in group.attrs:
        out.extend(dec(v) for v in group.attrs['%s%d' % (name, i)])
        i += 1
    return out


def main():
    src, dst = sys.argv[1], sys.argv[2]
    sd = collections.OrderedDict()
    with h5py.File(src, 'r') as f:
        if 'layer_names' not in f.attrs and 'layer_names0' not in f.attrs and 'model_weights' in f:
            f = f['model_weights']
        for layer in attr_list(f, 'layer_names'):
            for wn in attr_list(f[layer], 'weight_names'):
                sd[wn] = torch.from_numpy(np.asarray(f[layer][wn], dtype=np.float32))
    torch.save(sd, dst)


if __name__ == '__main__':
    main()
