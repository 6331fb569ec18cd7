#!/usr/bin/env bash
# Runs tools/install-deps.sh against shimmed apt-get, dpkg-query, systemctl and
# sudo, with the policy-rc.d guard in a scratch directory, in each situation a
# fresh or half-provisioned machine can be in. Checks exit codes, messages and
# what happens to the guard. Never touches the real system.
#
#   install_deps_test.sh [path/to/install-deps.sh]
set -uo pipefail
SCRIPT=${1:-$(cd "$(dirname "$0")/../.." && pwd)/tools/install-deps.sh}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
FAILURES=0

mkdir -p "$WORK/bin"
# dpkg-query -W -f=... PKG: installed unless PKG is in $SHIM_MISSING.
cat >"$WORK/bin/dpkg-query" <<'SH'
#!/bin/sh
for p; do :; done
case " ${SHIM_MISSING:-} " in
  *" $p "*) echo "dpkg-query: no packages found matching $p" >&2; exit 1 ;;
esac
printf 'install ok installed'
SH
# apt-get: logs its arguments and whether the guard is in place; fails the
# subcommand named in $SHIM_APT_FAIL.
cat >"$WORK/bin/apt-get" <<'SH'
#!/bin/sh
guard_state=absent
[ -x "$MAILHOARD_POLICY_RC_D" ] && grep -q 'exit 101' "$MAILHOARD_POLICY_RC_D" && guard_state=present
echo "apt-get $* [guard $guard_state]" >>"$SHIM_LOG"
for a; do
  if [ "$a" = "${SHIM_APT_FAIL:-none}" ]; then
    echo "E: shimmed apt-get $a failure" >&2
    exit 100
  fi
done
exit 0
SH
printf '#!/bin/sh\necho "systemctl $*" >>"$SHIM_LOG"\n' >"$WORK/bin/systemctl"
printf '#!/bin/sh\nexec "$@"\n' >"$WORK/bin/sudo"
chmod +x "$WORK/bin/"*

# run NAME EXPECTED_RC GUARD_BEFORE(yes|no) [VAR=VALUE...]
# Leaves the output in $OUT, the shim log in $LOG, the guard path in $GUARD.
run() {
  local name=$1 want=$2 guard_before=$3
  shift 3
  CASE=$name
  local dir="$WORK/$name"
  mkdir -p "$dir"
  GUARD="$dir/policy-rc.d"
  LOG="$dir/shim.log"
  : >"$LOG"
  if [ "$guard_before" = yes ]; then
    printf '#!/bin/sh\n# the image own guard\nexit 101\n' >"$GUARD"
    chmod 755 "$GUARD"
  fi
  OUT=$(env PATH="$WORK/bin:$PATH" MAILHOARD_POLICY_RC_D="$GUARD" SHIM_LOG="$LOG" \
    SHIM_MISSING= SHIM_APT_FAIL= "$@" bash "$SCRIPT" 2>&1 </dev/null)
  local rc=$?
  if [ "$rc" -ne "$want" ]; then
    fail "exit $rc, want $want"
  fi
}

fail() {
  echo "FAIL [$CASE]: $*" >&2
  echo "  output: ${OUT//$'\n'/$'\n          '}" >&2
  echo "  shim log: $(tr '\n' ';' <"$LOG")" >&2
  FAILURES=$((FAILURES + 1))
}

expect_output() { grep -qF -- "$1" <<<"$OUT" || fail "output lacks: $1"; }
expect_log() { grep -qF -- "$1" "$LOG" || fail "shim log lacks: $1"; }
expect_no_log() { ! grep -qF -- "$1" "$LOG" || fail "shim log has: $1"; }

# Everything installed: nothing to do, apt never runs, no guard is written.
run nothing-missing 0 no
expect_no_log "apt-get"
[ ! -e "$GUARD" ] || fail "guard was created"

# Something missing, no guard: installed with the guard in place, then the
# guard is removed again.
run missing-no-guard 0 no SHIM_MISSING="notmuch zstd"
expect_output "installing: zstd notmuch"
expect_log "apt-get update -qq [guard present]"
expect_log "apt-get install -y -qq --no-install-recommends zstd notmuch [guard present]"
expect_log "systemctl disable --now dovecot"
[ ! -e "$GUARD" ] || fail "guard left behind"

# Something missing and the machine already has a guard (container and cloud
# images): a successful install exits 0 and the image's guard stays as it was.
run missing-guard-present 0 yes SHIM_MISSING="notmuch"
expect_log "apt-get install -y -qq --no-install-recommends notmuch [guard present]"
grep -q "the image own guard" "$GUARD" 2>/dev/null || fail "existing guard was changed or removed"

# Nothing missing with a guard present: exit 0, guard untouched.
run nothing-missing-guard-present 0 yes
grep -q "the image own guard" "$GUARD" 2>/dev/null || fail "existing guard was changed or removed"

# apt-get install fails: the script fails with the step and command named,
# and removes the guard it wrote.
run apt-install-fails 100 no SHIM_MISSING="notmuch" SHIM_APT_FAIL=install
expect_output "E: shimmed apt-get install failure"
expect_output "install-deps.sh: failed while installing notmuch (exit 100): "
expect_output "apt-get install -y -qq --no-install-recommends"
[ ! -e "$GUARD" ] || fail "guard left behind after failure"

# apt-get update fails with a guard present: failure named, guard kept.
run apt-update-fails-guard-present 100 yes SHIM_MISSING="notmuch" SHIM_APT_FAIL=update
expect_output "install-deps.sh: failed while running apt-get update (exit 100): "
expect_no_log "apt-get install"
grep -q "the image own guard" "$GUARD" 2>/dev/null || fail "existing guard was removed after failure"

# The guard cannot be written (its directory does not exist): named as well.
run guard-unwritable 1 no SHIM_MISSING="notmuch" MAILHOARD_POLICY_RC_D="$WORK/no/such/dir/policy-rc.d"
expect_output "install-deps.sh: failed while writing the policy-rc.d guard"
expect_no_log "apt-get"

if [ "$FAILURES" -ne 0 ]; then
  echo "$FAILURES check(s) failed" >&2
  exit 1
fi
echo "install-deps.sh: all cases passed"
