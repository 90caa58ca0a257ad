#!/usr/bin/env bash
# `zoobench table --published` against tests/oracle/httpd.py serving ../shared/seed-results:
# a good run, an interrupted transfer that resumes, a corrupted file that is rejected,
# and a server that is down (clear error, no partial file).
source "$(dirname "$0")/../lib.sh"
need_shared seed-results
"$ZB" table -h 2>&1 | grep -q -- --published || skip "zoobench table has no --published yet"

SEED=$ZB_SHARED/seed-results
PUB=published/74df938db0f266947abedb2ec9f741af65e2d8ed
export no_proxy=127.0.0.1 NO_PROXY=127.0.0.1
unset ZOOBENCH_BASE_URL
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; rm -rf "$T"' EXIT

# serve ARGS...: starts httpd.py, sets $PORT; log in $T/httpd.log.
serve() {
    : > "$T/httpd.log"; rm -f "$T/port"  # the old port must not be read before the new server writes its own
    /usr/bin/python3 tests/oracle/httpd.py --root "$SEED" --log "$T/httpd.log" "$@" > "$T/port" &
    pids+=($!)
    for _ in $(seq 50); do [ -s "$T/port" ] && break; sleep 0.1; done
    PORT=$(head -n 1 "$T/port")
    [ -n "$PORT" ] || die "httpd.py did not start"
}
stop() { kill "${pids[-1]}"; wait "${pids[-1]}" 2>/dev/null; }

# 1. A good run into $XDG_CACHE_HOME/zoobench; every file matches SHA256SUMS.
serve
XDG_CACHE_HOME=$T/xdg "$ZB" table --published --base-url "http://127.0.0.1:$PORT" > "$T/out" 2> "$T/err" \
    || die "good run failed: $(cat "$T/err")"
CACHE=$T/xdg/zoobench/$PUB
[ "$(grep -c ' status=200 ' "$T/httpd.log")" -eq 68 ] || die "expected 68 downloads"
grep -E ' (keras|pytorch)_imagenet/' "$SEED/SHA256SUMS" > "$T/sums"
(cd "$CACHE" && /usr/bin/sha256sum --quiet -c "$T/sums") || die "cache content differs from SHA256SUMS"
for m in nasnetlarge resnet152 squeezenet1_1; do grep -q "$m" "$T/out" || die "table lacks $m"; done
[ -z "$(find "$T/xdg" -name '*.part')" ] || die "partial files left behind"
# Cached: a second run makes no request.
: > "$T/httpd.log"
"$ZB" table --published --cache-dir "$T/xdg/zoobench" --base-url "http://127.0.0.1:$PORT" > "$T/out2" \
    || die "cached run failed"
cmp -s "$T/out" "$T/out2" || die "cached run printed a different table"
[ ! -s "$T/httpd.log" ] || die "cached run made requests: $(cat "$T/httpd.log")"
stop

# 2. An interrupted transfer resumes with a Range request (ZOOBENCH_BASE_URL this time).
F=keras_imagenet/inceptionv3_keras_imagenet_top5preds.npy
rm "$CACHE/$F"
serve --cut "/$F:700000"
ZOOBENCH_BASE_URL="http://127.0.0.1:$PORT" "$ZB" table --published --cache-dir "$T/xdg/zoobench" > /dev/null \
    || die "resumed run failed"
grep -q "GET /$F range=bytes=700000- status=206" "$T/httpd.log" || die "no Range request: $(cat "$T/httpd.log")"
(cd "$CACHE" && /usr/bin/sha256sum --quiet -c "$T/sums") || die "resumed file is wrong"
stop

# 3. A corrupted file is rejected, named in the error, and not kept.
F=pytorch_imagenet/resnet18_pytorch_imagenet_top5probs.npy
rm "$CACHE/$F"
serve --corrupt "/$F"
expect_error "$ZB" table --published --cache-dir "$T/xdg/zoobench" --base-url "http://127.0.0.1:$PORT"
err=$("$ZB" table --published --cache-dir "$T/xdg/zoobench" --base-url "http://127.0.0.1:$PORT" 2>&1 >/dev/null)
[[ $err == *resnet18_pytorch_imagenet_top5probs.npy*SHA-256* ]] || die "unclear error: $err"
[ ! -e "$CACHE/$F" ] && [ ! -e "$CACHE/$F.part" ] || die "corrupted file kept"
stop

# 4. Server down: clear error, nothing partial in the cache.
PORT_DOWN=$PORT
expect_error "$ZB" table --published --cache-dir "$T/xdg/zoobench" --base-url "http://127.0.0.1:$PORT_DOWN"
err=$("$ZB" table --published --cache-dir "$T/xdg/zoobench" --base-url "http://127.0.0.1:$PORT_DOWN" 2>&1 >/dev/null)
[[ $err == *"cannot download"* ]] || die "unclear error: $err"
[ ! -e "$CACHE/$F" ] && [ -z "$(find "$T/xdg" -name '*.part')" ] || die "partial file left behind"

# 5. A cache directory that cannot be created.
touch "$T/plain"
expect_error "$ZB" table --published --cache-dir "$T/plain/cache" --base-url "http://127.0.0.1:$PORT_DOWN"
echo ok
