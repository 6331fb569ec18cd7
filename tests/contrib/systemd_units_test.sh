#!/usr/bin/env bash
# contrib/systemd: every unit passes `systemd-analyze verify` (an unknown key
# or a bad value prints a complaint, which fails the test), with ExecStart
# pointing at the built binary as an install does; verify does not look for
# an OnFailure= target, so the test checks that the failure hook the service
# names exists, runs check, and treats check's WARNING, CRITICAL and UNKNOWN
# as its job done.
#
#   systemd_units_test.sh CONTRIB_SYSTEMD_DIR MAILHOARD_BINARY
set -uo pipefail
SRC=$1
BIN=$2
command -v systemd-analyze >/dev/null || { echo "systemd-analyze not installed: skipped"; exit 77; }
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
FAILURES=0
fail() { echo "FAIL: $*" >&2; FAILURES=$((FAILURES + 1)); }

for f in "$SRC"/*.service "$SRC"/*.timer; do
  sed "s#ExecStart=%h/.local/bin/mailhoard#ExecStart=$BIN#" "$f" >"$WORK/$(basename "$f")"
done
cd "$WORK" || exit 1
# A template is verified through an instance, named as OnFailure=%n makes it.
for unit in mailhoard.service mailhoard.timer mailhoard-check.service mailhoard-check.timer \
            mailhoard-failure@mailhoard.service.service; do
  out=$(systemd-analyze verify "./$unit" 2>&1)
  [ -z "$out" ] || fail "$unit: $out"
done
grep -qx 'OnFailure=mailhoard-failure@%n.service' mailhoard.service ||
  fail "mailhoard.service has no OnFailure= naming mailhoard-failure@.service"
[ -f mailhoard-failure@.service ] || fail "mailhoard-failure@.service missing"
grep -qx "ExecStart=$BIN check" mailhoard-failure@.service || fail "the failure hook does not run check"
grep -qx 'SuccessExitStatus=1 2 3' mailhoard-failure@.service ||
  fail "the failure hook would itself fail on check's WARNING/CRITICAL/UNKNOWN"
grep -qx "ExecStart=$BIN check" mailhoard-check.service || fail "mailhoard-check.service does not run check"
grep -q '^OnCalendar=' mailhoard-check.timer || fail "mailhoard-check.timer has no OnCalendar="

if [ "$FAILURES" -ne 0 ]; then
  echo "$FAILURES check(s) failed" >&2
  exit 1
fi
echo "contrib/systemd: units verified"
