#!/usr/bin/env bash
# zoobench preprocess and the image library against Pillow 9.4 / torchvision 0.14 /
# keras-applications 1.0.8 (tests/oracle/preprocess_check.py).  The default run uses
# generated cases, the darknet photos and a fixed sample of ../shared/data/images;
# ZB_FULL=1 uses every shared image.
source "$(dirname "$0")/../lib.sh"
[ -x "$PY" ] || skip "$PY is absent"
"$PY" -c 'import PIL, torch, torchvision, numpy, keras_applications' 2>/dev/null ||
    skip "Pillow / torch / torchvision / numpy / keras_applications missing for $PY"
args=()
[ "${ZB_FULL:-0}" = 1 ] && args+=(--full)
if [ -d "$ZB_SHARED/data/images" ]; then
    args+=(--shared "$ZB_SHARED/data/images")
else
    echo "note: ../shared/data/images absent; generated cases and darknet photos only"
fi
real=(/usr/share/darknet/data/*.jpg)
[ -e "${real[0]}" ] || real=()
"$PY" tests/oracle/preprocess_check.py "$ZB" "$ZB_BUILD/tests/test_image" "$T" "${args[@]}" "${real[@]}" ||
    die "zoobench's image pipeline differs from Pillow/torchvision/keras (see MISMATCH lines)"
