#!/usr/bin/env bash
# The 13 keras/... models against the TF.js Keras-semantics oracle (issue 5):
# keras_applications 1.0.8 graphs with seeded random weights (non-trivial BN
# statistics) written in the Keras .h5 layout, both string styles, weights-only
# and full-model files; bar: max|logit diff| <= 1e-4 * max(1, max|logit|) and
# identical top-5.  Small valid input sizes here (odd and even, to exercise
# 'same' padding and correct_pad); every model at full size: keras_models_full.sh.
source "$(dirname "$0")/../lib.sh"
source tests/oracle/keras/fixture_lib.bash

check_model resnet50 keras/resnet50 32
check_model vgg16 keras/vgg16 32 --strings vlen
check_model mobilenet keras/mobilenet_0.25 33 --alpha 0.25 --strings vlen --full-model
check_model mobilenet_v2 keras/mobilenet_v2 33
check_model mobilenet_v2 keras/mobilenet_v2_1.4 32 --alpha 1.4 --full-model
check_model densenet121 keras/densenet121 32
check_model inception_v3 keras/inception_v3 75 --strings vlen
check_model inception_resnet_v2 keras/inception_resnet_v2 75
check_model xception keras/xception 71
check_model nasnet_mobile keras/nasnet_mobile 33 --strings vlen --full-model
check_model mobilenet keras/mobilenet_0.25_notop_avg 32 --alpha 0.25 --no-top --pooling avg
