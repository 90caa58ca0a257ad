#!/usr/bin/python3
"""Independent facts about the model cards, from torchvision 0.14 and
keras_applications 1.0.8 themselves (test oracle; zoobench never runs it).

    cards_oracle.py tv [MODEL...]     JSON {name: {url, num_params, acc1, acc5,
                                      params, params_noaux, macs}} from the
                                      IMAGENET1K_V1 weights enums, sum(p.numel())
                                      and a MAC count by forward hooks
    cards_oracle.py keras             JSON {card name: {url, file, hash, params, macs}}:
                                      the URL, file name and file_hash each builder
                                      passes to keras get_file (recorded by a stub),
                                      and the weight count and MACs of the built graph
                                      (out_h * out_w * kernel size for conv kernels, kernel
                                      size for dense)
MACs (torchvision): Conv2d out_h*out_w*out_c*(in_c/groups)*kh*kw, Linear in*out, batch 1; nothing else.
"""
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def tv(names):
    import torch
    import torchvision.models as M
    torch.set_num_threads(1)
    out = {}
    for n in names:
        w = M.get_model_weights(n).IMAGENET1K_V1
        m = w.meta["_metrics"]["ImageNet-1K"]
        d = {"url": w.url, "num_params": w.meta["num_params"], "acc1": m["acc@1"], "acc5": m["acc@5"],
             "size": w.transforms().crop_size[0]}
        kw = {"init_weights": False} if n == "inception_v3" else {}
        net = M.get_model(n, weights=None, **kw).eval()
        d["params"] = sum(p.numel() for p in net.parameters())
        if n == "inception_v3":
            net = M.get_model(n, weights=None, aux_logits=False, init_weights=False).eval()
        d["params_noaux"] = sum(p.numel() for p in net.parameters())
        macs = [0]

        def hook(mod, inp, outp):
            if isinstance(mod, torch.nn.Conv2d):
                _, c, h, ww = outp.shape
                macs[0] += h * ww * c * (mod.in_channels // mod.groups) * mod.kernel_size[0] * mod.kernel_size[1]
            elif isinstance(mod, torch.nn.Linear):
                macs[0] += mod.in_features * mod.out_features
        for mod in net.modules():
            if isinstance(mod, (torch.nn.Conv2d, torch.nn.Linear)):
                mod.register_forward_hook(hook)
        with torch.no_grad():
            net(torch.zeros(1, 3, d["size"], d["size"]))
        d["macs"] = macs[0]
        out["torchvision/" + n] = d
    return out


class Recorded(Exception):
    pass


def keras():
    sys.path.insert(0, os.path.join(HERE, "keras"))
    import keras_standin as ks
    import zoo
    calls = []

    def get_file(fname, origin, **kw):
        calls.append((fname, origin, kw.get("file_hash") or kw.get("md5_hash")))
        raise Recorded()
    ks.utils.get_file = get_file
    out = {}

    def card(name, model, size=None, alpha=None, include_top=True):
        builder, default, _, has_alpha = zoo.MODELS[model]
        size = size or default
        kwargs = dict(include_top=include_top, weights="imagenet", input_shape=(size, size, 3))
        if has_alpha:
            kwargs["alpha"] = 1.0 if alpha is None else alpha
        ks.reset()
        kwargs.update(ks.modules())
        calls.clear()
        try:
            builder(**kwargs)
        except Recorded:
            pass
        fname, url, h = calls[0]
        ks.reset()
        m = zoo.build(model, size=size, alpha=alpha, include_top=include_top)
        params = macs = 0
        for layer in m.layers:
            for wname, shape in layer.weight_specs:
                n = 1
                for s in shape:
                    n *= s
                params += n
                if "kernel" in wname:  # conv, depthwise, separable and dense kernels
                    for node in layer._inbound_nodes:
                        oshape = node.output_tensors[0].shape
                        macs += n * (oshape[1] * oshape[2] if len(oshape) == 4 else 1)
        out["keras/" + name] = {"url": url, "file": fname, "hash": h, "params": params, "macs": macs}

    for n in zoo.MODELS:
        card(n, n)
    for a, t in ((0.75, "0.75"), (0.5, "0.5"), (0.25, "0.25")):
        card("mobilenet_" + t, "mobilenet", alpha=a)
    for a in (1.0, 0.75, 0.5, 0.25):
        for s in (128, 160, 192):
            card("mobilenet_%s_%d" % (a, s), "mobilenet", size=s, alpha=a)
    card("mobilenet_0.25_notop", "mobilenet", alpha=0.25, include_top=False)
    for a in (0.35, 0.5, 0.75, 1.3, 1.4):
        card("mobilenet_v2_%s" % a, "mobilenet_v2", alpha=a)
    for a in (0.35, 0.5, 0.75, 1.0, 1.3, 1.4):
        for s in (96, 128, 160, 192):
            card("mobilenet_v2_%s_%d" % (a, s), "mobilenet_v2", size=s, alpha=a)
    return out


def main():
    if sys.argv[1] == "tv":
        names = sys.argv[2:] or ["alexnet", "vgg11", "vgg11_bn", "vgg13", "vgg13_bn", "vgg16", "vgg16_bn",
                                 "vgg19", "vgg19_bn", "resnet18", "resnet34", "resnet50", "resnet101",
                                 "resnet152", "densenet121", "densenet161", "densenet169", "densenet201",
                                 "squeezenet1_0", "squeezenet1_1", "inception_v3"]
        print(json.dumps(tv(names), indent=1))
    else:
        print(json.dumps(keras(), indent=1))


if __name__ == "__main__":
    import warnings
    warnings.simplefilter("ignore")
    main()
