#!/usr/bin/env bash
# Builds the Debian package with CPack from this build tree, unpacks it into
# a scratch root with dpkg -x and runs the packaged mailhoard from there.
# Skipped (exit 77) without dpkg-deb and dpkg-shlibdeps.
#
#   deb_package_test.sh BUILD_DIR
set -uo pipefail
BUILD=$1
for tool in dpkg-deb dpkg-shlibdeps cpack; do
  command -v "$tool" >/dev/null || { echo "$tool not installed: skipped"; exit 77; }
done
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
FAILURES=0
fail() { echo "FAIL: $*" >&2; FAILURES=$((FAILURES + 1)); }

(cd "$BUILD" && cpack -G DEB -B "$WORK/out") >"$WORK/cpack.log" 2>&1 || { cat "$WORK/cpack.log"; fail "cpack"; }
deb=$(ls "$WORK"/out/mailhoard_*_*.deb 2>/dev/null | head -1)
[ -n "$deb" ] || { fail "no mailhoard_VERSION_ARCH.deb"; exit 1; }

depends=$(dpkg-deb -f "$deb" Depends)
for lib in libc6 libssl3 libsqlite3-0 libzstd1; do
  grep -q "$lib" <<<"$depends" || fail "Depends lacks $lib: $depends"
done

# libcurl is dlopen()ed (OAuth2, reports): shlibdeps cannot see it.
grep -q "libcurl4" <<<"$(dpkg-deb -f "$deb" Recommends)" || fail "Recommends lacks libcurl4"

dpkg -x "$deb" "$WORK/root" || fail "dpkg -x"
for f in usr/bin/mailhoard usr/lib/systemd/user/mailhoard.service usr/lib/systemd/user/mailhoard.timer \
         usr/share/man/man1/mailhoard.1.gz usr/share/bash-completion/completions/mailhoard \
         usr/share/zsh/vendor-completions/_mailhoard usr/share/fish/vendor_completions.d/mailhoard.fish \
         usr/share/doc/mailhoard/config.md usr/share/doc/mailhoard/copyright \
         usr/share/doc/mailhoard/changelog.gz; do
  [ -f "$WORK/root/$f" ] || fail "package lacks /$f"
done
[ ! -e "$WORK/root/usr/share/man/man1/mailhoard.1" ] || fail "uncompressed man page beside the .gz"
gzip -t "$WORK/root/usr/share/man/man1/mailhoard.1.gz" || fail "man page is not gzip"
# The changelog's first line names this version; dpkg-parsechangelog reads it.
head=$(gzip -dc "$WORK/root/usr/share/doc/mailhoard/changelog.gz" | head -1)
[[ $head == "mailhoard ($(dpkg-deb -f "$deb" Version)) "* ]] || fail "changelog starts: $head"
maintainer=$(dpkg-deb -f "$deb" Maintainer)
configured=$(sed -n 's/^MAILHOARD_DEB_MAINTAINER:STRING=//p' "$BUILD/CMakeCache.txt")
[ -n "$maintainer" ] && [ "$maintainer" = "$configured" ] ||
  fail "Maintainer '$maintainer' is not MAILHOARD_DEB_MAINTAINER '$configured'"
grep -qx "ExecStart=/usr/bin/mailhoard -q sync" "$WORK/root/usr/lib/systemd/user/mailhoard.service" ||
  fail "unit does not name /usr/bin/mailhoard"
! dpkg-deb -c "$deb" | grep -q '\./tmp/\|/usr/local/' || fail "package holds paths outside /usr"
version=$("$WORK/root/usr/bin/mailhoard" --version) || fail "packaged mailhoard --version"
[[ $version == "mailhoard "* ]] || fail "--version printed: $version"

if [ "$FAILURES" -ne 0 ]; then
  echo "$FAILURES check(s) failed" >&2
  exit 1
fi
echo "$(basename "$deb"): unpacked, $version"
