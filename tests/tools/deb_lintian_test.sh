#!/usr/bin/env bash
# Builds the Debian package with CPack from this build tree and runs lintian
# on it: no error (E:) and no warning (W:) tags. Informational tags are
# printed, not failed. Skipped (exit 77) without lintian, dpkg-deb or
# dpkg-shlibdeps (tools/install-deps.sh installs all three).
#
#   deb_lintian_test.sh BUILD_DIR
set -uo pipefail
BUILD=$1
for tool in lintian dpkg-deb dpkg-shlibdeps cpack; do
  command -v "$tool" >/dev/null || { echo "$tool not installed: skipped"; exit 77; }
done
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

if ! (cd "$BUILD" && cpack -G DEB -B "$WORK/out") >"$WORK/cpack.log" 2>&1; then
  cat "$WORK/cpack.log"
  echo "FAIL: cpack" >&2
  exit 1
fi
deb=$(ls "$WORK"/out/mailhoard_*_*.deb 2>/dev/null | head -1)
[ -n "$deb" ] || { echo "FAIL: no mailhoard_VERSION_ARCH.deb" >&2; exit 1; }

# --display-info shows the informational tags too; lintian's own exit status is not
# used, the tag lines are (its --fail-on default differs across versions).
lintian --display-info --tag-display-limit 0 "$deb" >"$WORK/lintian.out" 2>"$WORK/lintian.err"
cat "$WORK/lintian.out"
bad=$(grep -E '^[EW]: ' "$WORK/lintian.out")
if [ -n "$bad" ]; then
  echo "FAIL: lintian errors or warnings on $(basename "$deb"):" >&2
  echo "$bad" >&2
  exit 1
fi
# A lintian that could not check the package prints no tags either.
if grep -qiE '^(error|internal error)|died|cannot' "$WORK/lintian.err"; then
  cat "$WORK/lintian.err" >&2
  echo "FAIL: lintian did not run cleanly" >&2
  exit 1
fi
echo "$(basename "$deb"): lintian reports no errors or warnings" \
  "($(grep -c '^I: ' "$WORK/lintian.out") informational tag(s))"
