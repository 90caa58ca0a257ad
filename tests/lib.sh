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
# Address-space cap for runs on hostile input (256 MB, `ulimit -v $ZB_VMEM`);
# none for a sanitizer build, whose shadow memory reserves terabytes of it.
ZB_VMEM=262144
if grep -q __asan_init "${ZB:-/nonexistent}" 2>/dev/null; then ZB_VMEM=unlimited; ZB_ASAN=1; else ZB_ASAN=0; fi
# Compiler for test helpers linked against $ZB_BUILD/libzoobench.a: a sanitizer
# build's library needs the same compiler and runtime (Open MPI's mpicc follows OMPI_CC).
if [ "$ZB_ASAN" = 1 ]; then
    ZB_SANFLAGS="-fsanitize=address,undefined"; ZB_CC="clang $ZB_SANFLAGS"; export OMPI_CC=clang
else
    ZB_SANFLAGS=""; ZB_CC=cc
fi
