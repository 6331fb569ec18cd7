// Process exit codes of `mailhoard`, chosen for unattended runs (cron,
// systemd timers, Kubernetes Jobs). Values follow sysexits.h where one fits,
// so wrappers that already understand EX_TEMPFAIL/EX_NOPERM do the right
// thing. docs/config.md lists them for users.
#pragma once

#include <span>

#include "core/status.h"

namespace mailhoard::cli {

enum ExitCode : int {
  kExitOk = 0,
  // The run finished but some folders (or messages) failed; the rest is
  // archived. Re-running retries only what failed.
  kExitPartial = 1,
  // Bad command line or config file: nothing was attempted. Needs a human.
  kExitUsage = 2,
  // EX_SOFTWARE: a bug in mailhoard.
  kExitInternal = 70,
  // EX_CANTCREAT: another mailhoard holds the account's lock, so this run
  // skipped it. Distinct from 75 on purpose: a cron job that starts while the
  // previous (long, first) sync is still running is expected and harmless;
  // scripts and monitoring can whitelist 73 (`SuccessExitStatus=73` in a
  // systemd unit) without also hiding real temporary failures. With -q the
  // run also prints nothing, so cron sends no mail for it.
  kExitLocked = 73,
  // EX_IOERR: the local archive could not be written (disk full, permissions,
  // corrupt index). Retrying will not help until someone looks.
  kExitLocalIo = 74,
  // EX_TEMPFAIL: network down, timeout, server busy or throttling. Retry later.
  kExitTempFail = 75,
  // EX_NOPERM: authentication needed: password rejected, refresh token
  // revoked or expired. Run `mailhoard login ACCOUNT` (or fix the password).
  kExitAuth = 77,
  // EX_CONFIG: the server cannot be used as configured: its certificate is
  // not trusted (or not for this host, or expired), the port speaks another
  // TLS mode, or the host name does not exist. Retrying cannot help; the
  // message says which key to change.
  kExitConfig = 78,
};

// EX_CANTCREAT in its sysexits meaning: `export` will not create its output
// because the path exists (no --force) or is of the wrong kind. The same
// number as kExitLocked, which export never returns (it takes no lock).
inline constexpr ExitCode kExitCantCreate = kExitLocked;

// The exit code for a run that ended with `status` (kExitOk when ok()).
ExitCode ExitCodeFor(const Status& status);

// The code to report when several accounts ended differently: the one that
// most needs a human. Order: usage > config > auth > local I/O > internal > partial >
// temporary > locked > ok.
ExitCode WorstExitCode(std::span<const ExitCode> codes);

}  // namespace mailhoard::cli
