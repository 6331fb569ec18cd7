#!/usr/bin/env bash
# Installs the Debian 12 packages mailhoard builds, tests and benchmarks with.
# Dovecot's maintainer scripts start a system-wide Dovecot on the standard
# ports; a policy-rc.d guard keeps it from starting so that nothing but the
# test harness's own instance ever runs.
#
# Every failure names its step and command (ERR trap); the EXIT trap only
# cleans up and never changes the exit status. MAILHOARD_POLICY_RC_D overrides
# the guard's path (tests/tools/install_deps_test.sh runs this script with
# shimmed apt-get/dpkg-query and a scratch guard).
set -Eeuo pipefail

step="checking installed packages"
trap 'echo "install-deps.sh: failed while $step (exit $?): $BASH_COMMAND" >&2' ERR

PACKAGES=(
  build-essential cmake ninja-build pkg-config git
  libssl-dev libsqlite3-dev sqlite3 libzstd-dev zstd libcurl4-openssl-dev zlib1g-dev
  libtomlplusplus-dev catch2 nlohmann-json3-dev libcli11-dev
  dovecot-core dovecot-imapd dovecot-pop3d dovecot-submissiond
  openssl ca-certificates python3
  groff-base dpkg-dev lintian
  clang-14 libclang-rt-14-dev
  notmuch
)
[ "${1:-}" = "--bench" ] && PACKAGES+=(isync mpop fetchmail time)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"

guard=${MAILHOARD_POLICY_RC_D:-/usr/sbin/policy-rc.d}
had_guard=0
if [ -e "$guard" ]; then had_guard=1; fi
# An existing guard (common in container and cloud images) is left as it is.
# The EXIT trap must not end on a false test: under set -e that status would
# become the script's (a successful install exiting 1).
cleanup() {
  local rc=$?
  if [ $had_guard -eq 0 ]; then $SUDO rm -f "$guard" || true; fi
  exit $rc
}
trap cleanup EXIT
if [ $had_guard -eq 0 ]; then
  step="writing the policy-rc.d guard $guard"
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$guard" >/dev/null
  $SUDO chmod 755 "$guard"
fi

echo "installing: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
step="running apt-get update"
$SUDO apt-get update -qq
step="installing ${missing[*]}"
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
step="disabling the packaged dovecot service"
# A system unit may still have been enabled for the next boot; it must not
# hold the standard ports in this session either.
if command -v systemctl >/dev/null 2>&1; then
  $SUDO systemctl disable --now dovecot >/dev/null 2>&1 || true
fi
