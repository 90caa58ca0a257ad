#!/usr/bin/env bash
# CPU seconds per image of two zoobench builds, one thread: the user + sys time of
# `bench --iters 1+K` minus that of `--iters 1`, divided by K and the batch.  CPU time is
# far less disturbed than wall time by other processes on a shared machine.
#     A=/path/to/main/build/zoobench B=build/zoobench [BATCH=1] [K=5] [MODELS="vgg16 ..."] bench/winograd_cpu.sh
A=${A:?set A to the baseline zoobench}; B=${B:-build/zoobench}
BATCH=${BATCH:-1}; K=${K:-5}
cpu() { /usr/bin/time -f "%U %S" "$@" 2>&1 >/dev/null | tail -1 | awk '{print $1+$2}'; }
for m in ${MODELS:-vgg16 resnet50 resnet18 densenet121 inception_v3}; do
  for side in A B; do bin=${!side}
    t1=$(cpu $bin bench -m torchvision/$m -b $BATCH -j 1 --iters 1 --warmup 0 --peak 400)
    t2=$(cpu $bin bench -m torchvision/$m -b $BATCH -j 1 --iters $((1 + K)) --warmup 0 --peak 400)
    echo "$m $side $(echo "$t1 $t2" | awk -v k=$K -v b=$BATCH '{printf "%.4f", ($2-$1)/k/b}')"
  done
done
