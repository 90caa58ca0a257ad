# Sourced by integration scripts: helpers and a per-test temp dir.
set -u
T=$(mktemp -d "${TMPDIR:-/tmp}/zbtest.XXXXXX")
trap 'rm -rf "$T"' EXIT
die() { echo "FAIL: $*" >&2; exit 1; }
skip() { echo "skipped: $*"; exit 77; }
need_shared() { [ -d "$ZB_SHARED/$1" ] || skip "../shared/$1 is absent"; }
# expect_error CMD...: exactly one stderr line starting "error: ", non-zero exit.
expect_error() {
    local err rc
    err=$("$@" 2>&1 >/dev/null); rc=$?
    [ $rc -ne 0 ] || die "expected failure: $*"
    [ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ] || die "expected one line, got: $err"
    [[ $err == error:* ]] || die "expected 'error:' line, got: $err"
}
