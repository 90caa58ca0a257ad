#!/usr/bin/env bash
# `zoobench classify -w model.json photo`: the real Keras MobileNet 0.75 (TF.js
# files) names a dog breed first for darknet's dog photo.  Dog breeds are the
# ImageNet classes n02085620 (Chihuahua) .. n02113978 (Mexican hairless), ids
# 151..268 in sorted-wnid order (checked against the shared synset list).
source "$(dirname "$0")/../lib.sh"
need_shared data/weights/keras_mobilenet_v1_0.75_224_tfjs
[ -f /usr/share/darknet/data/dog.jpg ] || skip "darknet's dog.jpg is absent"
ZB=${ZB:-build/zoobench}
J=$ZB_SHARED/data/weights/keras_mobilenet_v1_0.75_224_tfjs/model.json
S=$ZB_SHARED/data/labels/synset_words.txt
[ "$(sed -n 152p "$S" | cut -c1-9)" = n02085620 ] && [ "$(sed -n 269p "$S" | cut -c1-9)" = n02113978 ] ||
    die "synset list: dog breeds are not at 151..268"
"$ZB" classify -w "$J" /usr/share/darknet/data/dog.jpg >"$T/out" || die "classify failed"
cat "$T/out"
id=$(sed -n 2p "$T/out" | sed 's/.*(\([0-9]*\))$/\1/')
[ "$id" -ge 151 ] && [ "$id" -le 268 ] || die "top-1 class $id is not a dog breed"
# the same with -m keras-json, and through 'run'
"$ZB" classify -m keras-json -w "$J" /usr/share/darknet/data/dog.jpg | cmp -s - "$T/out" || die "-m keras-json differs"
"$ZB" run -w "$J" /usr/share/darknet/data/dog.jpg | grep -q "	$id	" || die "run's top-1 differs"
# no -m and a weight file that is not a model.json: usage error
"$ZB" classify -w "$T/out" /usr/share/darknet/data/dog.jpg 2>/dev/null && die "accepted no -m"
echo "real_classify: ok"
