#!/usr/bin/env bash
# Preprocessing speed, zoobench vs Pillow + torchvision / keras-applications, one run,
# same machine.  usage: bench/preprocess.sh [IMAGE_DIR_OR_FILES...]
# Default images: ../shared/data/images/imagenet_sample_one_per_class_eli (full-size
# ImageNet photos), else the darknet sample photos.
set -eu
cd "$(dirname "$0")/.."
make -s -j2 build/libzoobench.so
if [ $# -eq 0 ]; then
    d=../shared/data/images/imagenet_sample_one_per_class_eli
    if [ -d "$d" ]; then set -- "$d"; else set -- /usr/share/darknet/data/*.jpg; fi
fi
files=()
for a in "$@"; do
    if [ -d "$a" ]; then mapfile -t -O "${#files[@]}" files < <(find "$a" -type f | LC_ALL=C sort); else files+=("$a"); fi
done
echo "$(nproc) CPUs: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2-)"
exec /usr/bin/python3 bench/preprocess.py --rounds "${ROUNDS:-3}" "${files[@]}"
