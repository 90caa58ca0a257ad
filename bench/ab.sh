#!/usr/bin/env bash
# A/B speed of two zoobench builds, interleaved (A B B A A B ...), best of ROUNDS:
#     bench/ab.sh A_BINARY B_BINARY [MODEL...]
# env: ROUNDS (default 5), BATCH (1), THREADS (2), ITERS (10: the median of ITERS passes per round).
# Prints, per model, the best img/s of each build over the rounds and B / A.
set -eu
A=$1 B=$2
shift 2
MODELS=${*:-"torchvision/squeezenet1_1 keras/mobilenet torchvision/densenet121 torchvision/inception_v3 torchvision/resnet50"}
ROUNDS=${ROUNDS:-5} BATCH=${BATCH:-1} THREADS=${THREADS:-2} ITERS=${ITERS:-10}
ips() { "$1" bench -m "$2" -b "$BATCH" -j "$THREADS" --iters "$ITERS" --peak 1 --format csv | awk -F, 'NR == 2 { print $6 }'; }
printf '%-28s %5s %3s %10s %10s %7s\n' model batch thr A_img/s B_img/s B/A
for m in $MODELS; do
    best_a=0 best_b=0
    for r in $(seq "$ROUNDS"); do
        # the order alternates: the second process of a pair ran up to 4%
        # slower here whichever build it was (alexnet, batch 1)
        if [ $((r % 2)) = 1 ]; then a=$(ips "$A" "$m") b=$(ips "$B" "$m"); else b=$(ips "$B" "$m") a=$(ips "$A" "$m"); fi
        best_a=$(awk -v x="$a" -v y="$best_a" 'BEGIN { print (x > y) ? x : y }')
        best_b=$(awk -v x="$b" -v y="$best_b" 'BEGIN { print (x > y) ? x : y }')
    done
    printf '%-28s %5s %3s %10.2f %10.2f %7.3f\n' "$m" "$BATCH" "$THREADS" "$best_a" "$best_b" \
        "$(awk -v a="$best_a" -v b="$best_b" 'BEGIN { print b / a }')"
done
