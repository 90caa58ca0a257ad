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
# sanitized: true for a sanitizer build of $ZB (valgrind cannot run it).
sanitized() { [ "$ZB_ASAN" = 1 ]; }
# expect_hostile CMD...: CMD must refuse its input within the caps: exit 1
# (not a signal, not a timeout), exactly one stderr line starting "error: ".
# Prints that line.  ZB_FULL=1 also runs CMD under valgrind (no errors, no leaks)
# unless sanitized.
expect_hostile() {
    local err rc
    err=$(ulimit -v $ZB_VMEM; exec timeout 2 "$@" 2>&1 >/dev/null); rc=$?
    hostile_check "$err" $rc "$@"
    printf '%s' "$err"
}
# hostile_check ERR RC CMD...: expect_hostile's checks on CMD's stderr and status.
hostile_check() {
    local err=$1 rc=$2; shift 2
    [ $rc -ne 124 ] || die "hang (over 2 s): $*"
    [ $rc -lt 128 ] || die "crashed (exit $rc): $*: $err"
    [ $rc -eq 1 ] || die "exit $rc (want 1): $*: $err"
    [ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ] || die "not one line: $*: $err"
    [[ $err == error:* ]] || die "not an 'error:' line: $*: $err"
    [ "${ZB_FULL:-0}" = 1 ] && ! sanitized && expect_valgrind_clean "$@"
    return 0
}
# expect_hostile_or_ok CMD...: like expect_hostile, but a clean success (exit 0,
# empty stderr) is also accepted (a bit flip that left the file valid).
# Returns 0 on a refusal, 2 on a success.
expect_hostile_or_ok() {
    local err rc
    err=$(ulimit -v $ZB_VMEM; exec timeout 2 "$@" 2>&1 >/dev/null); rc=$?
    if [ $rc -eq 0 ]; then
        [ -z "$err" ] || die "exit 0 but stderr: $*: $err"
        [ "${ZB_FULL:-0}" = 1 ] && ! sanitized && expect_valgrind_clean "$@"
        return 2
    fi
    hostile_check "$err" $rc "$@"
}
# expect_valgrind_clean CMD...: no memory error and no leak under memcheck
# (CMD's own exit status is not checked).
expect_valgrind_clean() {
    local rc
    command -v valgrind >/dev/null || return 0
    valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect \
        "$@" >/dev/null 2>"$T/vg.err"; rc=$?
    [ $rc -ne 99 ] || die "valgrind: $*: $(head -20 "$T/vg.err")"
}
