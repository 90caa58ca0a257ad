"""The 13 Keras Applications models, built by Debian's keras_applications 1.0.8
under the Keras 2.2.4 stand-in (test oracle only)."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import keras_standin as ks  # noqa: E402

from keras_applications import densenet, inception_resnet_v2, inception_v3  # noqa
from keras_applications import mobilenet, mobilenet_v2, nasnet, resnet50    # noqa
from keras_applications import vgg16, vgg19, xception                       # noqa

# name: (builder, default input size, smallest input size the builder accepts
#        and whose graph stays valid, takes alpha)
MODELS = {
    'densenet121': (densenet.DenseNet121, 224, 32, False),
    'densenet169': (densenet.DenseNet169, 224, 32, False),
    'densenet201': (densenet.DenseNet201, 224, 32, False),
    'inception_resnet_v2': (inception_resnet_v2.InceptionResNetV2, 299, 75, False),
    'inception_v3': (inception_v3.InceptionV3, 299, 75, False),
    'mobilenet': (mobilenet.MobileNet, 224, 32, True),
    'mobilenet_v2': (mobilenet_v2.MobileNetV2, 224, 32, True),
    'nasnet_large': (nasnet.NASNetLarge, 331, 32, False),
    'nasnet_mobile': (nasnet.NASNetMobile, 224, 32, False),
    'resnet50': (resnet50.ResNet50, 224, 32, False),
    'vgg16': (vgg16.VGG16, 224, 32, False),
    'vgg19': (vgg19.VGG19, 224, 32, False),
    'xception': (xception.Xception, 299, 71, False),
}

MOBILENET_ALPHAS = (0.25, 0.5, 0.75, 1.0)
MOBILENET_SIZES = (128, 160, 192, 224)
MOBILENET_V2_ALPHAS = (0.35, 0.5, 0.75, 1.0, 1.3, 1.4)


def build(name, size=None, include_top=True, pooling=None, alpha=None, classes=1000):
    """Builds one model under a fresh stand-in session; returns the stand-in Model."""
    if name not in MODELS:
        raise ValueError('unknown model %r (known: %s)' % (name, ', '.join(MODELS)))
    builder, default, smallest, has_alpha = MODELS[name]
    size = size or default
    if size < smallest:
        raise ValueError('%s needs an input of at least %d pixels' % (name, smallest))
    kwargs = dict(include_top=include_top, weights=None, input_shape=(size, size, 3),
                  pooling=pooling, classes=classes)
    if has_alpha:
        kwargs['alpha'] = 1.0 if alpha is None else alpha
    elif alpha is not None:
        raise ValueError('%s has no alpha' % name)
    ks.reset()
    kwargs.update(ks.modules())
    return builder(**kwargs)


def main():
    import argparse
    import warnings
    p = argparse.ArgumentParser(
        description='Write a model\'s Keras 2.2.4 topology JSON (Model.to_json()).')
    p.add_argument('model', choices=sorted(MODELS))
    p.add_argument('out', help='output .json ("-" for stdout)')
    p.add_argument('--size', type=int, default=None)
    p.add_argument('--alpha', type=float, default=None)
    p.add_argument('--no-top', action='store_true')
    p.add_argument('--pooling', choices=('avg', 'max'), default=None)
    p.add_argument('--weights-list', action='store_true',
                   help='write the weighted layers instead: one line per weight, '
                        '"layer<TAB>weight name<TAB>shape" in Keras order')
    args = p.parse_args()
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        model = build(args.model, size=args.size, include_top=not args.no_top,
                      pooling=args.pooling, alpha=args.alpha)
    if args.weights_list:
        text = ''.join('%s\t%s\t%s\n' % (layer, name, ','.join(map(str, shape)))
                       for layer, specs in model.weight_specs() for name, shape in specs)
    else:
        text = model.to_json()
    if args.out == '-':
        sys.stdout.write(text)
    else:
        tmp = args.out + '.tmp%d' % os.getpid()
        with open(tmp, 'w') as f:
            f.write(text)
        os.replace(tmp, args.out)


if __name__ == '__main__':
    main()
