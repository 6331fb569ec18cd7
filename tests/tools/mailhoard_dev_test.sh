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
case "$1" in
  --build) [ "$SHIM_CMAKE_FAIL" = build ] && { echo "ninja: build stopped: shim" >&2; exit 1; } ;;
  *) [ "$SHIM_CMAKE_FAIL" = configure ] && { echo "CMake Error: shimmed configure failure"; exit 1; } ;;
esac
exit 0
SH
chmod +x "$WORK/bin/"*

run() {  # name expected-rc SHIM_CMAKE_FAIL
  CASE=$1
  OUT=$(env PATH="$WORK/bin:$PATH" SHIM_CMAKE_FAIL="$3" "$WORK/tree/mailhoard-dev" build 2>&1 </dev/null)
  local rc=$?
  [ "$rc" -eq "$2" ] || fail "exit $rc, want $2"
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

if [ "$FAILURES" -ne 0 ]; then
  echo "$FAILURES check(s) failed" >&2
  exit 1
fi
echo "mailhoard-dev: all cases passed"
