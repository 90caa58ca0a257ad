#!/usr/bin/env bash
# zoobench run / classify on torchvision checkpoints written by torch 1.13
# (zip and legacy formats), against torch's logits; NCHW and NHWC inputs;
# error lines for wrong models, files and shapes.
source tests/lib.sh
$PY -c 'import torch, torchvision' 2>/dev/null || skip "/usr/bin/python3 has no torch"
$PY tests/oracle/torch_models.py --out "$T" --models resnet18,squeezenet1_1 --size 64 --batch 3 \
    --formats zip,legacy 2>/dev/null || die "oracle failed"
if ! "$ZB" inspect "$T/resnet18.pth" >/dev/null 2>"$T/err"; then
    grep -q "not built yet" "$T/err" && skip ".pth loader not built yet"
    die "inspect failed: $(cat "$T/err")"
fi

for m in resnet18 squeezenet1_1; do
    for f in pth legacy.pth; do
        "$ZB" run -m torchvision/$m -w "$T/$m.$f" -b 2 --logits "$T/l.npy" --probs "$T/p.npy" \
            "$T/$m.input.npy" || die "run $m $f"
        $PY tests/oracle/compare_logits.py "$T/l.npy" "$T/$m.logits.npy" || die "$m $f logits"
        $PY tests/oracle/compare_logits.py "$T/p.npy" "$T/$m.logits.npy" --probs || die "$m $f probs"
    done
done

# NHWC input gives bitwise the same logits as NCHW; batch size does not matter
$PY -c "import numpy as np; x = np.load('$T/resnet18.input.npy'); np.save('$T/nhwc.npy', x.transpose(0, 2, 3, 1).copy())"
"$ZB" run -m torchvision/resnet18 -w "$T/resnet18.pth" -b 3 --logits "$T/a.npy" "$T/resnet18.input.npy" || die run
"$ZB" run -m torchvision/resnet18 -w "$T/resnet18.pth" -b 1 --logits "$T/b.npy" "$T/nhwc.npy" || die run
cmp -s "$T/a.npy" "$T/b.npy" || die "NHWC input or batch size changed the logits"

# classify: torch's top-5 class names, in order
"$ZB" classify -m torchvision/resnet18 -w "$T/resnet18.pth" "$T/resnet18.input.npy" >"$T/cls" || die classify
$PY - "$T" <<'PY' || die "classify output differs from torch's top-5"
import sys, numpy as np
from torchvision.models._meta import _IMAGENET_CATEGORIES as C
t = sys.argv[1]
ref = np.load(t + "/resnet18.logits.npy")
lines = open(t + "/cls").read().split("\n")
want = []
for i, row in enumerate(ref):
    want.append("%s/resnet18.input.npy[%d]" % (t, i))
    p = np.exp(row.astype(np.float64) - row.max()); p /= p.sum()
    for k in np.argsort(-row, kind="stable")[:5]:
        want.append("%s (%d)" % (C[k], k))
got = [l.strip().split("  ", 1)[-1].strip() if l.startswith("  ") else l for l in lines if l]
assert got == want, (got[:7], want[:7])
PY

# image files through the model's recipe: as torchvision's Resize(256),
# CenterCrop(224), ToTensor, Normalize on PIL images, then the torch model
imgs=()
for f in dog eagle; do
    [ -f /usr/share/darknet/data/$f.jpg ] && imgs+=(/usr/share/darknet/data/$f.jpg)
done
if [ ${#imgs[@]} -gt 0 ]; then
    "$ZB" run -m torchvision/resnet18 -w "$T/resnet18.pth" --logits "$T/img.npy" "${imgs[@]}" || die "run on images"
    $PY - "$T" "${imgs[@]}" <<'PY' || die "image logits differ from torchvision + torch"
import sys, subprocess, numpy as np, torch, torchvision
from PIL import Image
from torchvision import transforms as T
t, files = sys.argv[1], sys.argv[2:]
m = torchvision.models.resnet18()
m.load_state_dict(torch.load(t + "/resnet18.pth"))
m.eval()
tf = T.Compose([T.Resize(256), T.CenterCrop(224), T.ToTensor(),
                T.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])])
x = torch.stack([tf(Image.open(f).convert("RGB")) for f in files])
with torch.no_grad():
    np.save(t + "/img_ref.npy", m(x).numpy())
sys.exit(subprocess.call(["/usr/bin/python3", "tests/oracle/compare_logits.py", t + "/img.npy", t + "/img_ref.npy"]))
PY
    "$ZB" classify -m torchvision/resnet18 -w "$T/resnet18.pth" "${imgs[0]}" | grep -q "^${imgs[0]}\$" \
        || die "classify on an image"
    expect_error "$ZB" run -m torchvision/resnet18 -w "$T/resnet18.pth" --recipe nosuch "${imgs[0]}"
fi
printf 'not an image' >"$T/junk.jpg"
expect_error "$ZB" classify -m torchvision/resnet18 -w "$T/resnet18.pth" "$T/junk.jpg"

# errors: exactly one line naming what is wrong
expect_error "$ZB" run -m torchvision/nosuchnet -w "$T/resnet18.pth" "$T/resnet18.input.npy"
expect_error "$ZB" run -m torchvision/resnet18 -w "$T/missing.pth" "$T/resnet18.input.npy"
expect_error "$ZB" run -m torchvision/resnet34 -w "$T/resnet18.pth" "$T/resnet18.input.npy"
err=$("$ZB" run -m torchvision/resnet34 -w "$T/resnet18.pth" "$T/resnet18.input.npy" 2>&1)
[[ $err == *"layer1.2.conv1.weight"* || $err == *"key '"* ]] || die "no key named: $err"
expect_error "$ZB" run -m torchvision/squeezenet1_1 -w "$T/resnet18.pth" "$T/resnet18.input.npy"
$PY -c "import numpy as np; np.save('$T/bad.npy', np.zeros((2, 5, 8, 8), np.float32))"
expect_error "$ZB" run -m torchvision/resnet18 -w "$T/resnet18.pth" "$T/bad.npy"
expect_error "$ZB" run -m torchvision/resnet18 -w "$T/resnet18.pth" -b 0 "$T/resnet18.input.npy"
[ ! -e "$T/none.npy" ] || die "leftover"
expect_error "$ZB" run -m torchvision/resnet18 -w "$T/resnet18.pth" --logits "$T/none.npy" "$T/bad.npy"
[ ! -e "$T/none.npy" ] || die "output written on error"
echo ok
