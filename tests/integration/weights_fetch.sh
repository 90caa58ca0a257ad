#!/usr/bin/env bash
# `zoobench weights` against tests/oracle/httpd.py on 127.0.0.1, with small fake weight
# files laid out at the official URL paths (ZOOBENCH_WEIGHTS_BASE_URL swaps the host)
# and their hashes computed here by sha256sum/md5sum (ZOOBENCH_WEIGHTS_HASHES): a good
# fetch, a cut transfer that resumes, wrong hashes (SHA-256 prefix and Keras MD5), a 404,
# a stalled server, a cache that cannot be written, a file with no published hash
# (pinned at download), and -w MODEL in `zoobench run`.
source "$(dirname "$0")/../lib.sh"
export no_proxy=127.0.0.1 NO_PROXY=127.0.0.1
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; rm -rf "$T"' EXIT

SRV=$T/srv
TV=/models/resnet18-f37072fd.pth
KV=/fchollet/deep-learning-models/releases/download/v0.1/vgg16_weights_tf_dim_ordering_tf_kernels.h5
MB=/fchollet/deep-learning-models/releases/download/v0.6/mobilenet_5_0_160_tf.h5
mkdir -p "$SRV$(dirname $TV)" "$SRV$(dirname $KV)" "$SRV$(dirname $MB)"
/usr/bin/python3 - "$SRV" "$TV" "$KV" "$MB" <<'PY'
import sys, random
root = sys.argv[1]
r = random.Random(9)
for i, p in enumerate(sys.argv[2:]):
    body = bytes(r.getrandbits(8) for _ in range(300000 + 1000 * i))
    if p.endswith(".h5"):
        body = b"\x89HDF\r\n\x1a\n" + body
    open(root + p, "wb").write(body)
PY
tvsha=$(/usr/bin/sha256sum "$SRV$TV" | cut -c1-12)
kvmd5=$(/usr/bin/md5sum "$SRV$KV" | cut -c1-32)
printf 'torchvision/resnet18 %s\nkeras/vgg16 %s\n' "$tvsha" "$kvmd5" > "$T/hashes"
export ZOOBENCH_WEIGHTS_HASHES=$T/hashes XDG_CACHE_HOME=$T/xdg
W=$T/xdg/zoobench/weights

serve() {
    : > "$T/httpd.log"; rm -f "$T/port"
    /usr/bin/python3 tests/oracle/httpd.py --root "$SRV" --log "$T/httpd.log" "$@" > "$T/port" &
    pids+=($!)
    for _ in $(seq 50); do [ -s "$T/port" ] && break; sleep 0.1; done
    PORT=$(head -n 1 "$T/port")
    [ -n "$PORT" ] || die "httpd.py did not start"
    export ZOOBENCH_WEIGHTS_BASE_URL=http://127.0.0.1:$PORT
}
stop() { kill "${pids[-1]}"; wait "${pids[-1]}" 2>/dev/null; }
nopart() { [ -z "$(find "$T/xdg" -name '*.part' 2>/dev/null)" ] || die "partial file left: $1"; }

# 1. Good fetches: SHA-256 prefix (torchvision) and MD5 (keras); list and verify agree.
serve
"$ZB" weights fetch --no-progress torchvision/resnet18 keras/vgg16 > "$T/out" 2> "$T/err" || die "fetch: $(cat "$T/err")"
cmp -s "$SRV$TV" "$W/torchvision/resnet18-f37072fd.pth" || die "torchvision file differs"
cmp -s "$SRV$KV" "$W/keras/vgg16_weights_tf_dim_ordering_tf_kernels.h5" || die "keras file differs"
grep -q "GET $TV range=- status=200" "$T/httpd.log" || die "no request for $TV: $(cat "$T/httpd.log")"
"$ZB" weights list > "$T/list" || die "list failed"
grep -Eq '^torchvision/resnet18 +ok ' "$T/list" || die "list: $(grep resnet18 "$T/list")"
grep -Eq '^keras/vgg16 +ok ' "$T/list" || die "list: $(grep vgg16 "$T/list")"
grep -Eq '^torchvision/resnet50 +missing ' "$T/list" || die "list shows resnet50 present"
"$ZB" weights verify > /dev/null || die "verify of good files failed"
# Present and good: no request at all.
: > "$T/httpd.log"
"$ZB" weights fetch --no-progress torchvision/resnet18 > /dev/null || die "cached fetch failed"
[ ! -s "$T/httpd.log" ] || die "cached fetch made requests"
stop

# 2. A transfer cut after 100000 bytes resumes with a Range request.
rm -f "$W/torchvision/resnet18-f37072fd.pth"
serve --cut "$TV:100000"
"$ZB" weights fetch --no-progress torchvision/resnet18 > /dev/null 2> "$T/err" || die "resume failed: $(cat "$T/err")"
grep -q "GET $TV range=bytes=100000- status=206" "$T/httpd.log" || die "no Range request: $(cat "$T/httpd.log")"
cmp -s "$SRV$TV" "$W/torchvision/resnet18-f37072fd.pth" || die "resumed file differs"
nopart resume
stop

# 3. Wrong content: rejected, named, deleted (SHA-256 prefix, then Keras MD5).
rm -f "$W/torchvision/resnet18-f37072fd.pth" "$W/keras/vgg16_weights_tf_dim_ordering_tf_kernels.h5"
serve --corrupt "$TV" --corrupt "$KV"
expect_error "$ZB" weights fetch --no-progress torchvision/resnet18
err=$("$ZB" weights fetch --no-progress torchvision/resnet18 2>&1 >/dev/null)
[[ $err == *resnet18-f37072fd.pth*SHA-256\ mismatch* ]] || die "unclear error: $err"
err=$("$ZB" weights fetch --no-progress keras/vgg16 2>&1 >/dev/null)
[[ $err == *vgg16_weights_tf_dim_ordering_tf_kernels.h5*MD5\ mismatch*$kvmd5* ]] || die "unclear error: $err"
[ ! -e "$W/torchvision/resnet18-f37072fd.pth" ] && [ ! -e "$W/keras/vgg16_weights_tf_dim_ordering_tf_kernels.h5" ] \
    || die "mismatching file kept"
nopart corrupt
# A cached file altered later is reported by verify and not used by -w.
"$ZB" weights fetch --no-progress keras/vgg16 > /dev/null 2>&1
stop
serve
"$ZB" weights fetch --no-progress torchvision/resnet18 > /dev/null || die "refetch failed"
printf 'x' >> "$W/torchvision/resnet18-f37072fd.pth"
expect_error "$ZB" weights verify torchvision/resnet18
"$ZB" weights list | grep -Eq '^torchvision/resnet18 +BAD ' || die "list does not flag the altered file"
/usr/bin/python3 -c "import numpy; numpy.save('$T/x.npy', numpy.zeros((1, 3, 224, 224), numpy.float32))"
err=$("$ZB" run -m torchvision/resnet18 -w torchvision/resnet18 --no-download "$T/x.npy" 2>&1 >/dev/null)
[[ $err == *resnet18*verification* ]] || die "-w used an altered file: $err"
stop

# 4. A 404: clear error, nothing left.
rm -f "$W/torchvision/resnet18-f37072fd.pth"
serve --status "$TV:404"
err=$("$ZB" weights fetch --no-progress torchvision/resnet18 2>&1 >/dev/null) && die "404 accepted"
[[ $err == error:*HTTP\ 404* ]] || die "unclear error: $err"
[ ! -e "$W/torchvision/resnet18-f37072fd.pth" ] || die "404 left a file"
nopart 404
stop

# 5. A server that stalls after 1000 bytes: times out with a clear error.
serve --stall "$TV:1000"
err=$(ZOOBENCH_STALL_TIMEOUT=2 timeout 60 "$ZB" weights fetch --no-progress torchvision/resnet18 2>&1 >/dev/null)
rc=$?
[ $rc -ne 0 ] && [ $rc -ne 124 ] || die "stalled fetch: rc $rc"
[[ $err == error:*stalled* ]] || die "unclear error: $err"
[ ! -e "$W/torchvision/resnet18-f37072fd.pth" ] || die "stall left a final file"
stop

# 6. A cache directory that cannot be created or written.
touch "$T/plain"
serve
expect_error "$ZB" weights fetch --no-progress --cache-dir "$T/plain/cache" torchvision/resnet18
if [ "$(id -u)" != 0 ]; then
    mkdir -p "$T/ro/weights/torchvision" && chmod 555 "$T/ro/weights/torchvision"
    expect_error "$ZB" weights fetch --no-progress --cache-dir "$T/ro" torchvision/resnet18
    chmod 755 "$T/ro/weights/torchvision"
fi

# 7. No published hash (Keras MobileNet): HDF5 checked, SHA-256 pinned at download, then enforced.
"$ZB" weights fetch --no-progress keras/mobilenet_0.5_160 > /dev/null || die "unhashed fetch failed"
want=$(/usr/bin/sha256sum "$SRV$MB" | cut -c1-64)
[ "$(cat "$W/keras/mobilenet_5_0_160_tf.h5.sha256")" = "$want" ] || die "pinned hash differs"
"$ZB" weights list | grep -Eq '^keras/mobilenet_0.5_160 +ok \(no published hash' || die "list: not pinned"
printf 'x' >> "$W/keras/mobilenet_5_0_160_tf.h5"
expect_error "$ZB" weights verify keras/mobilenet_0.5_160

# 8. -w MODEL: --no-download refuses a missing file; otherwise it is fetched and used.
rm -f "$W/torchvision/resnet18-f37072fd.pth"
err=$("$ZB" run -m torchvision/resnet18 -w torchvision/resnet18 --no-download "$T/x.npy" 2>&1 >/dev/null)
[[ $err == *"downloads are off"* ]] || die "unclear error: $err"
err=$("$ZB" run -m torchvision/resnet50 -w torchvision/resnet18 "$T/x.npy" 2>&1 >/dev/null)
[[ $err == *"not of torchvision/resnet50"* ]] || die "card for another model accepted: $err"
: > "$T/httpd.log"
# The fake file is no checkpoint: loading it fails, naming the cached path it was resolved to.
err=$("$ZB" run -m torchvision/resnet18 -w torchvision/resnet18 "$T/x.npy" 2>&1 >/dev/null)
grep -q "GET $TV " "$T/httpd.log" || die "-w MODEL did not fetch"
[[ $err == *"$W/torchvision/resnet18-f37072fd.pth"* ]] || die "-w MODEL did not use the cache: $err"
echo ok
