#!/usr/bin/env bash
# End-to-end A/B of two zoobench builds, interleaved run by run:
#     A=/path/to/main/build/zoobench B=build/zoobench [BATCH=1] [ROUNDS=3] [ITERS=5] [MODELS="vgg16 ..."] \
#         bench/winograd_ab.sh          # prints "model A|B img/s" per run (zoobench bench, 2 threads)
A=${A:?set A to the baseline zoobench}; B=${B:-build/zoobench}
BATCH=${BATCH:-1}; ROUNDS=${ROUNDS:-3}; ITERS=${ITERS:-5}
for r in $(seq $ROUNDS); do
  for m in ${MODELS:-vgg16 resnet50 resnet18 densenet121 inception_v3}; do
    for side in A B; do
      bin=${!side}
      v=$($bin bench -m torchvision/$m -b $BATCH -j 2 --iters $ITERS --peak 400 --format csv 2>/dev/null | tail -1 | cut -d, -f6)
      echo "$m $side $v"
    done
  done
done
