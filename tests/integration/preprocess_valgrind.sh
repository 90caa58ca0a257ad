#!/usr/bin/env bash
# zoobench preprocess under valgrind memcheck: no invalid access and no output byte
# computed from uninitialised memory (the JPEG decoder leaves pixels outside the
# crop's source box unwritten), on a few generated JPEG/PNG variants and bad files.
source "$(dirname "$0")/../lib.sh"
command -v valgrind >/dev/null || skip "valgrind is absent"
[ "$ZB_ASAN" = 0 ] || skip "the binary is built with AddressSanitizer (valgrind cannot run it)"
[ -x "$PY" ] && "$PY" -c 'import PIL, numpy' 2>/dev/null || skip "$PY with PIL and numpy is absent"
"$PY" - "$T" <<'PYEOF' || die "cannot generate test images"
import sys, io, numpy as np
from PIL import Image
d = sys.argv[1]
r = np.random.RandomState(0)
yy, xx = np.mgrid[0:301, 0:433]
a = np.clip(np.dstack([128 + 90 * np.sin(xx / 9.0), 128 + 90 * np.cos(yy / 7.0), (xx + yy) % 256])
            + r.normal(0, 10, (301, 433, 3)), 0, 255).astype(np.uint8)
im = Image.fromarray(a)
im.save(f"{d}/a.jpg", quality=90)
im.save(f"{d}/p.jpg", quality=80, progressive=True)
im.convert("CMYK").save(f"{d}/c.jpg")
im.convert("L").save(f"{d}/g.jpg")
im.transpose(Image.TRANSPOSE).save(f"{d}/t.jpg", subsampling=1)
im.convert("P", palette=Image.ADAPTIVE).save(f"{d}/p.png")
data = open(f"{d}/a.jpg", "rb").read()
open(f"{d}/cut.jpg", "wb").write(data[: len(data) // 2])
PYEOF
for recipe in torchvision keras-tf seed-keras-caffe; do
    out=$(valgrind -q --error-exitcode=9 "$ZB" preprocess --recipe "$recipe" --size 96 -o "$T/o.npy" \
        "$T"/a.jpg "$T"/p.jpg "$T"/c.jpg "$T"/g.jpg "$T"/t.jpg "$T"/p.png "$T"/cut.jpg 2>&1)
    rc=$?
    [ $rc -eq 1 ] || die "$recipe: exit $rc (9 = valgrind error): $out"
    [ "$out" = "error: $T/cut.jpg: image file is truncated" ] || die "$recipe: unexpected output: $out"
done
echo "valgrind clean: 3 recipes x 7 files"
# Nothing decodable: one error line, exit 1, and no output file.
expect_error "$ZB" preprocess --recipe torchvision -o "$T/none.npy" "$T/cut.jpg"
[ ! -e "$T/none.npy" ] || die "an output file was written although no image succeeded"
ls "$T" | grep -q '\.tmp\.' && die "temporary file left behind"
echo "no output when every image fails"
