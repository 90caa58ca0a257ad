#!/usr/bin/env bash
# In-model time of each model's first convolution (the node reading the
# 3-channel input, from ZB_PROFILE) for two zoobench builds, interleaved
# (A B A B ...), best of ROUNDS:
#     bench/stem_layers.sh A_BINARY B_BINARY [MODEL...]
# env: ROUNDS (default 5), BATCH (1), THREADS (2), ITERS (20).
set -eu
A=$1 B=$2
shift 2
MODELS=${*:-"keras/mobilenet torchvision/squeezenet1_1 torchvision/alexnet torchvision/resnet50 \
torchvision/densenet121 torchvision/inception_v3 torchvision/vgg16"}
ROUNDS=${ROUNDS:-5} BATCH=${BATCH:-1} THREADS=${THREADS:-2} ITERS=${ITERS:-20}
# ms/run, op and output shape of the first conv2d whose input has 3 channels
first_conv() {
    ZB_PROFILE=1000 "$1" bench -m "$2" -b "$BATCH" -j "$THREADS" --iters "$ITERS" --peak 1 2>&1 |
        awk '/^ +[0-9]+ +[0-9.]+ +[0-9.]+ +conv2d / && $7 ~ /x3$/ { print $2, $5, $6; exit }'
}
printf '%-28s %-16s %-14s %9s %9s %7s\n' model layer out A_ms B_ms A/B
for m in $MODELS; do
    best_a=1e9 best_b=1e9 what=""
    for _ in $(seq "$ROUNDS"); do
        set -- $(first_conv "$A" "$m")
        a=$1
        set -- $(first_conv "$B" "$m")
        b=$1 what="$2 $3"
        best_a=$(awk -v x="$a" -v y="$best_a" 'BEGIN { print (x < y) ? x : y }')
        best_b=$(awk -v x="$b" -v y="$best_b" 'BEGIN { print (x < y) ? x : y }')
    done
    set -- $what
    printf '%-28s %-16s %-14s %9.3f %9.3f %7.2f\n' "$m" "$1" "$2" "$best_a" "$best_b" \
        "$(awk -v a="$best_a" -v b="$best_b" 'BEGIN { print a / b }')"
done
