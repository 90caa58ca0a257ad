"""PyTorch side of bench/compare.sh: times one model at one batch size and
optionally exports it to ONNX for ONNX Runtime.

    /usr/bin/python3 bench/compare_torch.py MODEL BATCH THREADS RUNS [--onnx FILE]

MODEL is a torchvision name (resnet50 ...) or "mobilenet": Keras
MobileNet v1 (alpha 1.0, 224) rebuilt layer for layer in torch (same
zero-padding, convolutions, depthwise convolutions, BN, ReLU6, 1x1-conv
classifier), as keras-applications 1.0.8 mobilenet.py builds it.
Random weights (torch's default init, seed 0), eval(), no_grad, fp32,
torch.set_num_threads(THREADS); one untimed pass, then RUNS timed passes.
Prints one JSON line: framework, model, batch, threads, times (s), median."""
import json
import statistics
import sys
import time

import torch
import torchvision
from torch import nn


def keras_mobilenet_v1():
    def conv_bn(cin, cout, stride):
        # keras: ZeroPadding2D(((0, 1), (0, 1))) then a 'valid' 3x3 stride-2 conv
        return [nn.ZeroPad2d((0, 1, 0, 1)), nn.Conv2d(cin, cout, 3, stride, 0, bias=False),
                nn.BatchNorm2d(cout, eps=1e-3), nn.ReLU6()]

    def dw_block(cin, cout, stride):
        pad = [nn.ZeroPad2d((0, 1, 0, 1))] if stride == 2 else []
        return pad + [nn.Conv2d(cin, cin, 3, stride, 1 if stride == 1 else 0, groups=cin, bias=False),
                      nn.BatchNorm2d(cin, eps=1e-3), nn.ReLU6(),
                      nn.Conv2d(cin, cout, 1, bias=False), nn.BatchNorm2d(cout, eps=1e-3), nn.ReLU6()]

    cfg = [(32, 64, 1), (64, 128, 2), (128, 128, 1), (128, 256, 2), (256, 256, 1), (256, 512, 2)] + \
          [(512, 512, 1)] * 5 + [(512, 1024, 2), (1024, 1024, 1)]
    layers = conv_bn(3, 32, 2)
    for cin, cout, s in cfg:
        layers += dw_block(cin, cout, s)
    layers += [nn.AdaptiveAvgPool2d(1), nn.Dropout(1e-3), nn.Conv2d(1024, 1000, 1), nn.Flatten()]
    return nn.Sequential(*layers)


def build(name):
    if name == 'mobilenet':
        return keras_mobilenet_v1(), 224
    if name == 'inception_v3':
        # as zoobench runs it: transform_input on, no auxiliary classifier (eval never runs it)
        return torchvision.models.inception_v3(aux_logits=False, transform_input=True, init_weights=False), 299
    return getattr(torchvision.models, name)(), 224


def main():
    name, batch, threads, runs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    onnx = sys.argv[6] if len(sys.argv) > 6 and sys.argv[5] == '--onnx' else None
    torch.manual_seed(0)
    torch.set_num_threads(threads)
    m, size = build(name)
    m = m.eval()
    x = torch.randn(batch, 3, size, size)
    with torch.no_grad():
        if onnx:
            torch.onnx.export(m, x[:1], onnx, opset_version=13, input_names=['x'], output_names=['y'],
                              dynamic_axes={'x': {0: 'n'}, 'y': {0: 'n'}})
        m(x)
        times = []
        for _ in range(runs):
            t = time.perf_counter()
            m(x)
            times.append(time.perf_counter() - t)
    print(json.dumps({'framework': 'pytorch', 'model': name, 'batch': batch, 'threads': threads,
                      'size': size, 'times': times, 'median': statistics.median(times),
                      'version': torch.__version__}))


main()
