#!/usr/bin/python3
"""Oracle for the torchvision fidelity tests (run with Debian's /usr/bin/python3).

For each model: seeded random weights with BatchNorm running statistics,
gamma and beta randomised (so BN is not the identity) and random biases; the
state_dict saved in torch's zip format (<m>.pth) and legacy format
(<m>.legacy.pth); a seeded input (<m>.input.npy, N,3,H,W float32) and the
logits torch 1.13 computes in eval mode (<m>.logits.npy).

  torch_models.py --out DIR --models resnet18,densenet121 [--size 64] [--batch 2]
                  [--formats zip,legacy,oldkeys]

'oldkeys' also writes densenet checkpoints with the old "norm.1" key style
(<m>.oldkeys.pth), as torchvision's published files have them.
"""
import argparse
import os
import re
import sys
import warnings

import numpy as np
import torch
import torchvision

warnings.filterwarnings("ignore")


def build(name):
    if name == "inception_v3":
        # as inception_v3(pretrained=True) builds it
        return torchvision.models.inception_v3(weights=None, aux_logits=True, transform_input=True,
                                               init_weights=True)
    return getattr(torchvision.models, name)(weights=None)


def randomise(model, gen, size):
    with torch.no_grad():
        if isinstance(model, torchvision.models.Inception3):
            # its trunc_normal(std 0.1) init makes logits ~1e9; use fan-in scaling instead
            for mod in model.modules():
                if isinstance(mod, (torch.nn.Conv2d, torch.nn.Linear)):
                    fan_in = mod.weight[0].numel()
                    mod.weight.copy_(torch.randn(mod.weight.shape, generator=gen) * (2.0 / fan_in) ** 0.5)
        for mod in model.modules():
            if isinstance(mod, (torch.nn.Conv2d, torch.nn.Linear)) and mod.bias is not None:
                mod.bias.copy_(torch.randn(mod.bias.shape, generator=gen) * 0.1)
        if hasattr(model, "classifier") and isinstance(model.classifier, torch.nn.Sequential):
            # squeezenet ends in conv -> relu -> mean: keep its logits away from 0 (no ties)
            for mod in model.classifier:
                if isinstance(mod, torch.nn.Conv2d):
                    mod.bias.copy_(torch.rand(mod.bias.shape, generator=gen) + 0.5)
        bns = [m for m in model.modules() if isinstance(m, torch.nn.BatchNorm2d)]
        for mod in bns:
            c = mod.num_features
            mod.weight.copy_(torch.rand(c, generator=gen) * 1.0 + 0.5)
            mod.bias.copy_(torch.randn(c, generator=gen) * 0.1)
        if bns:
            # Running statistics near the activations' own (one train-mode pass
            # over a calibration batch), then perturbed: BN is far from the
            # identity, yet deep nets keep logits of a sane size.
            for mod in bns:
                mod.momentum = 1.0
            aux = getattr(model, "AuxLogits", None)
            if aux is not None:  # inception's aux head runs in training only, and not at small sizes
                model.AuxLogits = None
            model.train()
            model(torch.randn(4, 3, size, size, generator=gen))
            model.eval()
            if aux is not None:
                model.AuxLogits = aux
            for mod in bns:
                c = mod.num_features
                mod.running_mean.add_(torch.randn(c, generator=gen) * 0.1)
                mod.running_var.mul_(torch.rand(c, generator=gen) * 0.6 + 0.7)


def old_keys(sd):
    pat = re.compile(r"^(.*denselayer\d+\.(?:norm|relu|conv))((?:[12])\.(?:weight|bias|running_mean|running_var))$")
    out = type(sd)()
    for k, v in sd.items():
        m = pat.match(k)
        out[m.group(1) + "." + m.group(2) if m else k] = v
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--models", required=True)
    ap.add_argument("--size", type=int, default=0, help="input side; 0: the model's own (224, 299)")
    ap.add_argument("--batch", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--formats", default="zip,legacy")
    a = ap.parse_args()
    formats = a.formats.split(",")
    torch.set_grad_enabled(False)
    os.makedirs(a.out, exist_ok=True)
    for i, name in enumerate(a.models.split(",")):
        torch.manual_seed(a.seed + i)
        gen = torch.Generator().manual_seed(a.seed + 1000 + i)
        model = build(name)
        size = a.size or (299 if name == "inception_v3" else 224)
        randomise(model, gen, size)
        model.eval()
        x = torch.randn(a.batch, 3, size, size, generator=gen)
        logits = model(x).numpy().astype(np.float32)
        sd = model.state_dict()
        base = os.path.join(a.out, name)
        np.save(base + ".input.npy", x.numpy())
        np.save(base + ".logits.npy", logits)
        if "zip" in formats:
            torch.save(sd, base + ".pth")
        if "legacy" in formats:
            torch.save(sd, base + ".legacy.pth", _use_new_zipfile_serialization=False)
        if "oldkeys" in formats and name.startswith("densenet"):
            torch.save(old_keys(sd), base + ".oldkeys.pth")
        print("%s: size %d, max|logit| %.4g" % (name, size, float(np.abs(logits).max())), file=sys.stderr)


if __name__ == "__main__":
    main()
