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
# sanitized: true when $ZB is built with AddressSanitizer (`make asan` exports
# ZB_SANITIZE=1).  Valgrind cannot run such binaries, and `ulimit -v` breaks the
# terabytes of shadow memory ASan reserves.
sanitized() { [ "${ZB_SANITIZE:-0}" = 1 ] || grep -q __asan_init "$ZB" 2>/dev/null; }
# skip_sanitized WHY: skip this script (visibly) under ASan.
skip_sanitized() { sanitized && skip "under AddressSanitizer: $*"; return 0; }
# The per-case caps on a hostile input: 2 s and 256 MiB of address space
# (no address-space cap under ASan, see above).
ZB_HOSTILE_VMEM=262144
sanitized && ZB_HOSTILE_VMEM=unlimited
# expect_hostile CMD...: CMD must refuse its input within the caps: exit 1
# (not a signal, not a timeout), exactly one stderr line starting "error: ".
# Prints that line.  ZB_FULL=1 also runs CMD under valgrind (no errors, no leaks)
# unless sanitized.
expect_hostile() {
    local err rc
    err=$(ulimit -v $ZB_HOSTILE_VMEM; exec timeout 2 "$@" 2>&1 >/dev/null); rc=$?
    [ $rc -ne 124 ] || die "hang (over 2 s): $*"
    [ $rc -lt 128 ] || die "crashed (exit $rc): $*: $err"
    [ $rc -eq 1 ] || die "exit $rc (want 1): $*: $err"
    [ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ] || die "not one line: $*: $err"
    [[ $err == error:* ]] || die "not an 'error:' line: $*: $err"
    [ "${ZB_FULL:-0}" = 1 ] && ! sanitized && expect_valgrind_clean "$@"
    printf '%s' "$err"
}
# expect_hostile_or_ok CMD...: like expect_hostile, but a clean success (exit 0,
# empty stderr) is also accepted (a bit flip that left the file valid).
# Returns 0 on a refusal, 2 on a success.
expect_hostile_or_ok() {
    local err rc
    err=$(ulimit -v $ZB_HOSTILE_VMEM; exec timeout 2 "$@" 2>&1 >/dev/null); rc=$?
    if [ $rc -eq 0 ]; then
        [ -z "$err" ] || die "exit 0 but stderr: $*: $err"
        [ "${ZB_FULL:-0}" = 1 ] && ! sanitized && expect_valgrind_clean "$@"
        return 2
    fi
    expect_hostile "$@" >/dev/null
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
# $ZB_CC: a compiler command that links a test helper against $ZB_BUILD/libzoobench.a
# (clang with the sanitizer runtimes when the library is sanitized).
ZB_CC="cc"
sanitized && ZB_CC="clang -fsanitize=address,undefined"
