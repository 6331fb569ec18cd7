#!/usr/bin/env bash
# `cmake --install` from a built tree, once with --prefix and once with
# DESTDIR: checks every file lands where it should, the installed binary runs,
# and the installed unit names the binary of that install.
#
#   install_test.sh BUILD_DIR CONFIGURED_PREFIX
set -uo pipefail
BUILD=$1
CONFIGURED_PREFIX=$2
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
FAILURES=0
fail() { echo "FAIL [$CASE]: $*" >&2; FAILURES=$((FAILURES + 1)); }

check_tree() {  # root (the prefix as seen on disk), prefix (as the system will see it)
  local root=$1 prefix=$2 f
  for f in bin/mailhoard \
           lib/systemd/user/mailhoard.service lib/systemd/user/mailhoard.timer \
           lib/systemd/user/mailhoard-check.service lib/systemd/user/mailhoard-check.timer \
           lib/systemd/user/mailhoard-failure@.service \
           share/doc/mailhoard/README.md share/doc/mailhoard/config.md \
           share/doc/mailhoard/config.example.toml share/doc/mailhoard/scheduling.md \
           share/doc/mailhoard/cron.example share/doc/mailhoard/copyright \
           share/man/man1/mailhoard.1 \
           share/bash-completion/completions/mailhoard share/zsh/site-functions/_mailhoard \
           share/fish/vendor_completions.d/mailhoard.fish; do
    [ -f "$root/$f" ] || fail "missing $f"
  done
  [ -x "$root/bin/mailhoard" ] || fail "bin/mailhoard not executable"
  grep -q '^\.TH MAILHOARD 1' "$root/share/man/man1/mailhoard.1" || fail "mailhoard.1 is not a man page"
  "$root/bin/mailhoard" --version | grep -q '^mailhoard ' || fail "installed mailhoard --version"
  grep -qx "ExecStart=$prefix/bin/mailhoard -q sync" \
    "$root/lib/systemd/user/mailhoard.service" || fail "unit ExecStart is not $prefix/bin/mailhoard"
  for f in mailhoard-check.service mailhoard-failure@.service; do
    grep -qx "ExecStart=$prefix/bin/mailhoard check" "$root/lib/systemd/user/$f" ||
      fail "$f: ExecStart is not $prefix/bin/mailhoard check"
  done
}

CASE=prefix
cmake --install "$BUILD" --prefix "$WORK/prefix" >"$WORK/prefix.log" 2>&1 || { cat "$WORK/prefix.log"; fail "cmake --install --prefix"; }
check_tree "$WORK/prefix" "$WORK/prefix"

CASE=destdir
DESTDIR="$WORK/destdir" cmake --install "$BUILD" >"$WORK/destdir.log" 2>&1 || { cat "$WORK/destdir.log"; fail "DESTDIR cmake --install"; }
check_tree "$WORK/destdir$CONFIGURED_PREFIX" "$CONFIGURED_PREFIX"

if [ "$FAILURES" -ne 0 ]; then
  echo "$FAILURES check(s) failed" >&2
  exit 1
fi
echo "cmake --install: prefix and DESTDIR installs complete"
