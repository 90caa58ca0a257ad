#!/usr/bin/env bash
# ZB_FULL=1 only: every keras/... model at its full input size against the TF.js
# oracle (same bar as keras_models.sh), plus MobileNet's alpha x size grid, every
# MobileNetV2 alpha, and include_top=False with avg/max pooling.
source "$(dirname "$0")/../lib.sh"
[ "${ZB_FULL:-0}" = 1 ] || skip "full-size Keras models run with ZB_FULL=1 (make test-full)"
source tests/oracle/keras/fixture_lib.bash

check_model resnet50 keras/resnet50 224
check_model vgg16 keras/vgg16 224
check_model vgg19 keras/vgg19 224 --strings vlen
check_model densenet121 keras/densenet121 224
check_model densenet169 keras/densenet169 224 --strings vlen
check_model densenet201 keras/densenet201 224 --full-model
check_model inception_v3 keras/inception_v3 299
check_model inception_resnet_v2 keras/inception_resnet_v2 299 --strings vlen
check_model xception keras/xception 299
check_model nasnet_mobile keras/nasnet_mobile 224
check_model nasnet_large keras/nasnet_large 331 --strings vlen --full-model
check_model mobilenet keras/mobilenet 224
check_model mobilenet_v2 keras/mobilenet_v2 224
for a in 0.25 0.5 0.75 1.0; do
    zb=keras/mobilenet_$a; [ $a = 1.0 ] && zb=keras/mobilenet
    for s in 128 160 192; do check_model mobilenet $zb $s --alpha $a; done
    [ $a = 1.0 ] || check_model mobilenet $zb 224 --alpha $a
done
for a in 0.35 0.5 0.75 1.3 1.4; do
    check_model mobilenet_v2 keras/mobilenet_v2_$a 224 --alpha $a
done
check_model mobilenet_v2 keras/mobilenet_v2_0.35 96 --alpha 0.35
check_model mobilenet keras/mobilenet_0.25_notop 224 --alpha 0.25 --no-top
check_model mobilenet keras/mobilenet_0.25_notop_avg 224 --alpha 0.25 --no-top --pooling avg
