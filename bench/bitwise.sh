#!/usr/bin/env bash
# Bitwise comparison of two builds' logits (random weights, fixed input):
#     bench/bitwise.sh OTHER_CHECKOUT [MODEL:SIZE...]
# builds bench/logits_hash.c against OTHER_CHECKOUT/build/libzoobench.a and
# this checkout's, and prints "same" or "DIFF" per model at batch 1 / 1 thread
# and batch 3 / 2 threads.  Exit status 1 on any difference.
set -eu
cd "$(dirname "$0")/.."
OTHER=$1
shift
MODELS=${*:-"torchvision/squeezenet1_1:224 torchvision/densenet121:96 torchvision/inception_v3:107 \
torchvision/resnet50:96 torchvision/squeezenet1_0:96 torchvision/alexnet:224 keras/mobilenet:128 \
keras/mobilenet_v2:96 keras/resnet50:96 keras/densenet121:96 keras/inception_v3:107 \
keras/inception_resnet_v2:107 keras/xception:96 keras/nasnet_mobile:96"}
LIBS="-lcurl -lzip -ljpeg -lpng -larchive -lmatio -lz -lm -lpthread"
make -s -j2 build/libzoobench.a
make -s -C "$OTHER" -j2 build/libzoobench.a
T=$(mktemp -d "${TMPDIR:-/tmp}/zbbits.XXXXXX")
trap 'rm -rf "$T"' EXIT
${CC:-cc} -O2 -Iinclude -Isrc -o "$T/this" bench/logits_hash.c build/libzoobench.a $LIBS
${CC:-cc} -O2 -I"$OTHER/include" -I"$OTHER/src" -o "$T/other" bench/logits_hash.c "$OTHER/build/libzoobench.a" $LIBS
fail=0
for ms in $MODELS; do
    case $ms in
    *:[0-9]*) m=${ms%%:*} s=${ms##*:} ;;
    *) echo "error: $ms: expected MODEL:SIZE (e.g. $ms:224)" >&2; exit 2 ;;
    esac
    for bj in "1 1" "3 2"; do
        set -- $bj
        a=$("$T/other" "$m" "$1" "$2" "$s") b=$("$T/this" "$m" "$1" "$2" "$s")
        if [ "$a" = "$b" ]; then echo "same $m ${s}px b$1 j$2 $a"; else echo "DIFF $m ${s}px b$1 j$2 $a $b"; fail=1; fi
    done
done
exit $fail
