#!/usr/bin/env bash
# The generated man page and shell completions (cli/CMakeLists.txt target
# mailhoard_docs): the man page renders without groff warnings and has a
# section per command; bash, zsh and fish complete commands, option values
# and account names from the config. zsh and fish are skipped when missing.
#
#   completion_test.sh BIN_DIR GENERATED_DIR
set -uo pipefail
BIN_DIR=$1
GEN=$2
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
FAILURES=0
fail() { echo "FAIL: $*" >&2; FAILURES=$((FAILURES + 1)); }

mkdir -p "$WORK/xdg/mailhoard"
cat >"$WORK/xdg/mailhoard/config.toml" <<'TOML'
archive = "/tmp/hoard"
[accounts.work]
host = "imap.example.org"
user = "a"
password_cmd = "false"
[accounts.home]
host = "imap.example.org"
user = "b"
password_cmd = "false"
TOML
# A second config, named with -c/--config: completion must offer its accounts.
cat >"$WORK/other.toml" <<'TOML'
archive = "/tmp/hoard"
[accounts.alpha]
host = "imap.example.org"
user = "a"
password_cmd = "false"
[accounts.beta]
host = "imap.example.org"
user = "b"
password_cmd = "false"
TOML
OTHER=$WORK/other.toml
export PATH="$BIN_DIR:$PATH" XDG_CONFIG_HOME="$WORK/xdg"

[ "$(mailhoard config accounts | tr '\n' ' ')" = "work home " ] || fail "config accounts"

# man page
warnings=$(groff -man -ww -z "$GEN/mailhoard.1" 2>&1)
[ -z "$warnings" ] || fail "groff warnings: $warnings"
grep -qF '.SS "mailhoard sync"' "$GEN/mailhoard.1" || fail "man page lacks sync"
grep -qF '.SS "mailhoard config init"' "$GEN/mailhoard.1" || fail "man page lacks config init"
! grep -qF '.SS "mailhoard help' "$GEN/mailhoard.1" || fail "man page shows the hidden help commands"

# bash: the words a <TAB> after "$*" offers
bash_complete() {
  bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1));
           _mailhoard; [ ${#COMPREPLY[@]} -eq 0 ] || printf "%s\n" "${COMPREPLY[@]}"' _ "$GEN/mailhoard.bash" "$@" | sort | tr '\n' ' '
}
check() {  # shell want got
  [ "$3" = "$2" ] || fail "$1: want '$2', got '$3'"
}
check "bash: mailhoard sy" "sync " "$(bash_complete mailhoard sy)"
check "bash: mailhoard sync <TAB>" "home work " "$(bash_complete mailhoard sync '')"
check "bash: mailhoard <TAB>" "check config export folders login push report search status sync verify " "$(bash_complete mailhoard '')"
check "bash: mailhoard -q sync w" "work " "$(bash_complete mailhoard -q sync w)"
check "bash: mailhoard config i" "init " "$(bash_complete mailhoard config i)"
check "bash: config init --provider" "gmail microsoft365 " "$(bash_complete mailhoard config init --provider '')"
check "bash: sync --d" "--dry-run " "$(bash_complete mailhoard sync --d)"
check "bash: mailhoard help-m (hidden)" "" "$(bash_complete mailhoard help-m)"
check "bash: -c FILE sync <TAB>" "alpha beta " "$(bash_complete mailhoard -c "$OTHER" sync '')"
check "bash: sync --config FILE <TAB>" "alpha beta " "$(bash_complete mailhoard sync --config "$OTHER" '')"
# bash splits --config=FILE at the '=' (COMP_WORDBREAKS).
check "bash: --config=FILE sync <TAB>" "alpha beta " "$(bash_complete mailhoard --config = "$OTHER" sync '')"
check "bash: -cFILE sync a" "alpha " "$(bash_complete mailhoard "-c$OTHER" sync a)"
check "bash: -c ~/FILE sync <TAB>" "alpha beta " "$(HOME=$WORK bash_complete mailhoard -c '~/other.toml' sync '')"
check "bash: -c FILE -q sync (path still found)" "alpha beta " "$(bash_complete mailhoard -c "$OTHER" -q sync '')"
check "bash: -c missing.toml sync <TAB>" "" "$(bash_complete mailhoard -c "$WORK/missing.toml" sync '')"

if command -v zsh >/dev/null; then
  zsh_complete() {
    # compadd stubbed: prints what completion would offer.
    # The file ends by calling _mailhoard, as an autoloaded completion does.
    zsh -f -c 'compadd() { [ "$1" = "--" ] && shift; print -l -- "$@"; }; _files() { print FILES; };
               f=$1; shift; words=("$@"); CURRENT=$#; source "$f"' _ "$GEN/_mailhoard" "$@" |
      sort | tr '\n' ' '
  }
  zsh -n "$GEN/_mailhoard" || fail "zsh: syntax"
  # compadd filters by the prefix itself: the stub sees every candidate.
  check "zsh: mailhoard <TAB>" "check config export folders login push report search status sync verify " "$(zsh_complete mailhoard '')"
  check "zsh: mailhoard sync <TAB>" "home work " "$(zsh_complete mailhoard sync '')"
  check "zsh: mailhoard sync --" "--config --dry-run --folder --help --json --quiet --shard --trace --verbose --version -c -h -q -v " \
    "$(zsh_complete mailhoard sync --)"
  check "zsh: config init --provider" "gmail microsoft365 " "$(zsh_complete mailhoard config init --provider '')"
  check "zsh: -c FILE" "FILES " "$(zsh_complete mailhoard -c '')"
  check "zsh: -c FILE sync <TAB>" "alpha beta " "$(zsh_complete mailhoard -c "$OTHER" sync '')"
  check "zsh: --config=FILE sync <TAB>" "alpha beta " "$(zsh_complete mailhoard "--config=$OTHER" sync '')"
  check "zsh: sync --config FILE <TAB>" "alpha beta " "$(zsh_complete mailhoard sync --config "$OTHER" '')"
  check "zsh: -c ~/FILE sync <TAB>" "alpha beta " "$(HOME=$WORK zsh_complete mailhoard -c '~/other.toml' sync '')"
else
  echo "zsh not installed: zsh checks skipped"
fi

if command -v fish >/dev/null; then
  fish_complete() {
    fish --no-config -c "source '$GEN/mailhoard.fish'; complete -C '$*'" | cut -f1 | sort | tr '\n' ' '
  }
  check "fish: mailhoard sy" "sync " "$(fish_complete mailhoard sy)"
  check "fish: mailhoard sync <TAB>" "home work " "$(fish_complete 'mailhoard sync ' | tr ' ' '\n' | grep -v '^-' | grep . | tr '\n' ' ')"
  check "fish: config init --provider" "gmail microsoft365 " "$(fish_complete 'mailhoard config init --provider ')"
  fish_accounts() { fish_complete "$@" | tr ' ' '\n' | grep -v '^-' | grep . | tr '\n' ' '; }
  check "fish: -c FILE sync <TAB>" "alpha beta " "$(fish_accounts "mailhoard -c $OTHER sync ")"
  check "fish: --config=FILE sync <TAB>" "alpha beta " "$(fish_accounts "mailhoard --config=$OTHER sync ")"
  check "fish: sync --config FILE <TAB>" "alpha beta " "$(fish_accounts "mailhoard sync --config $OTHER ")"
  check "fish: -c ~/FILE sync <TAB>" "alpha beta " "$(HOME=$WORK fish_accounts "mailhoard -c ~/other.toml sync ")"
  check "fish: mailhoard config " "check example init path " "$(fish_complete 'mailhoard config ' | tr ' ' '\n' | grep -v '^-' | grep . | tr '\n' ' ')"
else
  echo "fish not installed: fish checks skipped"
fi

if [ "$FAILURES" -ne 0 ]; then
  echo "$FAILURES check(s) failed" >&2
  exit 1
fi
echo "man page and completions: all checks passed"
