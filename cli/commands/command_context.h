// What every command handler gets: the global options and where to write.
#pragma once

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "cli/config_types.h"
#include "cli/exit_codes.h"
#include "core/status.h"

namespace mailhoard::cli {

struct CommandContext {
  CommandContext(std::ostream& out_stream, std::ostream& err_stream)
      : out(out_stream), err(err_stream) {}

  // Global options.
  std::string config_path;  // -c FILE; empty = the default location
  int verbose = 0;          // number of -v
  bool quiet = false;       // -q: only errors on stderr (cron mails any output)
  std::string trace_file;   // --trace FILE: protocol trace, secrets redacted
  bool json = false;        // --json: machine-readable output on stdout

  std::ostream& out;
  std::ostream& err;
  int exit_code = kExitOk;  // set by the command that ran

  // Loads -c FILE or the default config; on failure prints the error and
  // sets exit_code to kExitUsage.
  Result<Config> LoadConfigOrReport();

  // "mailhoard: message" on stderr; kept in `errors` too, for the --json
  // error object of a command that ends before printing its own document.
  void PrintError(std::string_view message) const;
  mutable std::vector<std::string> errors;
  // "mailhoard: warning: message" on stderr, unless -q.
  void PrintWarning(std::string_view message) const;
  // Reports how one account's run failed and returns its exit code. A held
  // lock (ErrorCode::kLocked) is expected under cron, so -q prints nothing
  // for it: cron then sends no mail for an overlapping run.
  ExitCode ReportAccountFailure(const Status& status) const;
};

}  // namespace mailhoard::cli
