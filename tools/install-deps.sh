#!/usr/bin/env bash
# Installs the Debian 12 packages mailhoard builds, tests and benchmarks with.
# Dovecot's maintainer scripts start a system-wide Dovecot on the standard
# ports; a policy-rc.d guard keeps it from starting so that nothing but the
# test harness's own instance ever runs.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build pkg-config git
  libssl-dev libsqlite3-dev sqlite3 libzstd-dev zstd libcurl4-openssl-dev zlib1g-dev
  libtomlplusplus-dev catch2 nlohmann-json3-dev libcli11-dev
  dovecot-core dovecot-imapd dovecot-pop3d
  openssl ca-certificates python3
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

guard=/usr/sbin/policy-rc.d
had_guard=0
[ -e "$guard" ] && had_guard=1
if [ $had_guard -eq 0 ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$guard" >/dev/null
  $SUDO chmod 755 "$guard"
fi
cleanup() { [ $had_guard -eq 0 ] && $SUDO rm -f "$guard"; }
trap cleanup EXIT

echo "installing: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# A system unit may still have been enabled for the next boot; it must not
# hold the standard ports in this session either.
if command -v systemctl >/dev/null 2>&1; then
  $SUDO systemctl disable --now dovecot >/dev/null 2>&1 || true
fi
