#!/usr/bin/env bash
# The README's demo: a throwaway local Dovecot with generated sample mail,
# synced into ./demo-archive with the real `mailhoard`, then status, a
# search, an incremental run and what the archive looks like on disk.
# usage: tools/demo.sh BUILD_DIR
set -euo pipefail
build=$1
root=$(cd "$(dirname "$0")/.." && pwd)
mh="$build/cli/mailhoard"
work=$(mktemp -d /tmp/mailhoard-demo-XXXXXX)
ready="$work/server.env"

cleanup() {
  [ -n "${server_pid:-}" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "starting a throwaway Dovecot on 127.0.0.1 with 400 generated messages"
"$build/tests/support/mailhoard-testserver" --ready-file "$ready" --messages 400 --seed 42 &
server_pid=$!
for _ in $(seq 300); do [ -f "$ready" ] && break; sleep 0.1; done
[ -f "$ready" ] || { echo "test server did not start" >&2; exit 1; }
# shellcheck disable=SC1090
. "$ready"
echo "IMAPS on $MH_HOST:$MH_IMAPS_PORT, user $MH_USER, $MH_MESSAGES messages ($((MH_BYTES / 1000)) kB)"

archive="$root/demo-archive"
rm -rf "$archive"
config="$work/config.toml"
cat >"$config" <<TOML
# What a user writes in ~/.config/mailhoard/config.toml, pointed at the demo server.
archive = "$archive"

[accounts.demo]
host = "$MH_HOST"
port = $MH_IMAPS_PORT
tls = "implicit"
tls_ca_file = "$MH_CA_FILE"   # the demo server's own CA; real servers use the system store
user = "$MH_USER"
password_env = "MAILHOARD_DEMO_PASSWORD"
TOML
export MAILHOARD_DEMO_PASSWORD="$MH_PASSWORD"
sed 's/^/  /' "$config"

step "mailhoard sync  (first run: everything)"
"$mh" -c "$config" sync

step "mailhoard sync  (second run: nothing changed, no folder opened)"
"$mh" -c "$config" sync

step "new mail arrives on the server; mailhoard sync picks up only that"
printf 'From: Demo <demo@example.org>\nSubject: Quarterly numbers are in\nMessage-ID: <demo-new@example.org>\n\nThe quarterly budget report is attached.\n' |
  doveadm -c "$MH_DOVECOT_CONF" save -u "$MH_USER" -m INBOX
"$mh" -c "$config" sync

step "mailhoard status"
"$mh" -c "$config" status

step "mailhoard search 'subject:quarterly'"
"$mh" -c "$config" search 'subject:quarterly' --limit 5

step "the archive on disk: a plain Maildir tree any mail tool can read"
(cd "$archive/demo" && find . -maxdepth 1 | sort | head -20)
echo "  ... $(find "$archive/demo" -path '*/cur/*' -type f | wc -l) message files, index $(du -h "$archive/demo/.mailhoard.sqlite" | cut -f1)"
echo
echo "Done. The archive stays in $archive; the demo server is removed."
