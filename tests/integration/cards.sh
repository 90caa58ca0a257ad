#!/usr/bin/env bash
# `zoobench models` against the frameworks themselves (tests/oracle/cards_oracle.py):
# torchvision 0.14's IMAGENET1K_V1 url / num_params / acc@1 / acc@5, sum(p.numel()) and a
# forward-hook MAC count (conv + linear); keras_applications 1.0.8's get_file arguments
# (URL, file name, file_hash) and the built graph's weight count and MACs (from its
# layers' kernel shapes and output shapes under the Keras stand-in).  A few torchvision
# models by default, all 21 with ZB_FULL=1.
source "$(dirname "$0")/../lib.sh"
/usr/bin/python3 -c "import torchvision, keras_applications" 2>/dev/null || skip "torchvision/keras_applications absent"
"$ZB" models --format json > "$T/cards.json" || die "models failed"
"$ZB" models --format csv > /dev/null || die "csv failed"
"$ZB" run --list | tail -n +2 | awk '{print $1}' | sort > "$T/registry"
"$ZB" models --format md > /dev/null || die "md failed"
if [ "${ZB_FULL:-0}" = 1 ]; then tvm=(); else tvm=(alexnet resnet50 squeezenet1_1 densenet121 inception_v3); fi
/usr/bin/python3 tests/oracle/cards_oracle.py tv "${tvm[@]}" > "$T/tv.json" || die "torchvision oracle failed"
/usr/bin/python3 tests/oracle/cards_oracle.py keras > "$T/keras.json" || die "keras oracle failed"
/usr/bin/python3 - "$T/cards.json" "$T/tv.json" "$T/keras.json" "$T/registry" <<'PY' || exit 1
import json, re, sys
cards = {c["name"]: c for c in json.load(open(sys.argv[1]))}
tv, ks = json.load(open(sys.argv[2])), json.load(open(sys.argv[3]))
bad = []
def eq(name, what, got, want):
    if got != want:
        bad.append("%s: %s is %r, the framework says %r" % (name, what, got, want))
for n, o in tv.items():
    c = cards[n]
    eq(n, "url", c["url"], o["url"])
    eq(n, "hash", c["hash"], re.search(r"-([a-f0-9]*)\.", o["url"].rsplit("/", 1)[1]).group(1))
    eq(n, "fw_params", c["fw_params"], o["num_params"])
    eq(n, "fw_top1", c["fw_top1"], o["acc1"])
    eq(n, "fw_top5", c["fw_top5"], o["acc5"])
    eq(n, "input_size", c["input_size"], o["size"])
    # zoobench's graph has no AuxLogits (inference only): compare with aux_logits=False
    eq(n, "params", c["params"], o["params_noaux"])
    eq(n, "macs", c["macs"], o["macs"])
for n, o in ks.items():
    c = cards.get(n)
    if c is None:
        bad.append("%s: no card" % n)
        continue
    eq(n, "url", c["url"], o["url"])
    eq(n, "file", c["file"], o["file"])
    eq(n, "hash", c["hash"], o["hash"])
    eq(n, "params", c["params"], o["params"])
    eq(n, "macs", c["macs"], o["macs"])
keras_cards = [n for n in cards if n.startswith("keras/")]
extra = sorted(set(keras_cards) - set(ks) - {"keras/mobilenet_0.25_notop_avg"})
if extra:
    bad.append("cards the oracle does not know: %s" % extra)
if len([n for n in cards if n.startswith("torchvision/")]) != 21:
    bad.append("expected 21 torchvision cards")
seeded = [c for c in cards.values() if c["seed_top1"] is not None]
if len(seeded) != 34:
    bad.append("expected the seed's 34 models, got %d" % len(seeded))
# Every model the registry runs has a card of its own name.
for m in open(sys.argv[4]).read().split():
    if m not in cards:
        bad.append("registry model %s has no card" % m)
    elif cards[m]["builds"] != m:
        bad.append("card %s builds %s" % (m, cards[m]["builds"]))
if bad:
    print("FAIL:\n  " + "\n  ".join(bad), file=sys.stderr)
    sys.exit(1)
print("checked %d torchvision and %d keras cards" % (len(tv), len(ks)))
PY
echo ok
