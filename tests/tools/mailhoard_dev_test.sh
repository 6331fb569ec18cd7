#!/usr/bin/env bash
# Runs ./mailhoard-dev build from a scratch copy of the tree with shimmed
# dpkg-query (everything installed) and cmake, and checks that a failing step
# is named instead of exiting in silence, and that success stays success.
#
#   mailhoard_dev_test.sh [path/to/source-tree]
set -uo pipefail
SRC=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
FAILURES=0

mkdir -p "$WORK/bin" "$WORK/tree/tools"
cp "$SRC/mailhoard-dev" "$WORK/tree/"
cp "$SRC/tools/install-deps.sh" "$WORK/tree/tools/"
printf '#!/bin/sh\nprintf "install ok installed"\n' >"$WORK/bin/dpkg-query"
# cmake: fails the configure or the build when $SHIM_CMAKE_FAIL says so.
cat >"$WORK/bin/cmake" <<'SH'
#!/bin/sh
echo "cmake $*" >>"$SHIM_LOG"
case "$1" in
  --build) [ "$SHIM_CMAKE_FAIL" = build ] && { echo "ninja: build stopped: shim" >&2; exit 1; } ;;
  --install) [ "$SHIM_CMAKE_FAIL" = install ] && { echo "CMake Error: shimmed install failure" >&2; exit 1; } ;;
  *) [ "$SHIM_CMAKE_FAIL" = configure ] && { echo "CMake Error: shimmed configure failure"; exit 1; } ;;
esac
exit 0
SH
chmod +x "$WORK/bin/"*

LOG="$WORK/cmake.log"
run() {  # name expected-rc SHIM_CMAKE_FAIL [command [VAR=VALUE...]]
  CASE=$1
  local want=$2 cmake_fail=$3 cmd=${4:-build}
  shift 3
  [ $# -gt 0 ] && shift
  : >"$LOG"
  OUT=$(env PATH="$WORK/bin:$PATH" SHIM_CMAKE_FAIL="$cmake_fail" SHIM_LOG="$LOG" "$@" \
    "$WORK/tree/mailhoard-dev" "$cmd" 2>&1 </dev/null)
  local rc=$?
  [ "$rc" -eq "$want" ] || fail "exit $rc, want $want"
}
fail() {
  echo "FAIL [$CASE]: $*" >&2
  echo "  output: ${OUT//$'\n'/$'\n          '}" >&2
  FAILURES=$((FAILURES + 1))
}
expect_output() { grep -qF -- "$1" <<<"$OUT" || fail "output lacks: $1"; }

run success 0 ""
[ -z "$OUT" ] || fail "unexpected output"

run configure-fails 1 configure
expect_output "CMake Error: shimmed configure failure"
expect_output "mailhoard-dev: cmake configure of build failed"

run build-fails 1 build
expect_output 'mailhoard-dev: failed in step "build mailhoard" (exit 1): cmake --build'

# A user install: configured for the prefix, user units where the user's
# systemd looks, then cmake --install.
run install 0 "" install PREFIX="$WORK/prefix" HOME="$WORK/home"
grep -qF -- "-DCMAKE_INSTALL_PREFIX=$WORK/prefix -DMAILHOARD_SYSTEMD_USER_DIR=share/systemd/user" "$LOG" ||
  fail "configure lacks the prefix: $(cat "$LOG")"
grep -qF -- "--target mailhoard mailhoard_docs" "$LOG" ||
  fail "the man page and completions are not built before the install: $(cat "$LOG")"
grep -qF -- "cmake --install $WORK/tree/build" "$LOG" || fail "no cmake --install: $(cat "$LOG")"
expect_output "installed $WORK/prefix/bin/mailhoard"

run install-default-prefix 0 "" install HOME="$WORK/home"
grep -qF -- "-DCMAKE_INSTALL_PREFIX=$WORK/home/.local " "$LOG" || fail "default prefix is not ~/.local"

run install-fails 1 install install PREFIX="$WORK/prefix"
expect_output "mailhoard-dev: failed in step \"install into $WORK/prefix\" (exit 1): cmake --install"

if [ "$FAILURES" -ne 0 ]; then
  echo "$FAILURES check(s) failed" >&2
  exit 1
fi
echo "mailhoard-dev: all cases passed"
