// Options and handlers of the engine-backed commands. The *_command.cc files
// own the command-line surface and fill these structs; the handlers
// (<name>_handler.cc) run the engine. Each returns the process exit code;
// most start with the steps of command_preamble.h.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "cli/account_selection.h"
#include "cli/commands/command_context.h"
#include "cli/commands/command_preamble.h"

namespace mailhoard::cli {

struct SyncOptions {
  std::vector<std::string> accounts;  // empty = all
  bool dry_run = false;
  std::vector<std::string> folders;  // --folder: only these (globs); empty = as configured
  std::optional<Shard> shard;  // --shard I/N; pass to SelectAccounts()
};
struct StatusOptions {
  std::string account;  // empty = all
  int runs = 5;         // the last runs shown from the history; 0: none
};
struct FoldersOptions {
  std::string account;
};
struct LoginOptions {
  std::string account;
};
struct SearchOptions {
  std::string query;
  int limit = 50;      // over all accounts
  bool paths = false;  // only the file paths
  int print = 0;       // > 0: write that hit's message (1-based) to stdout
};
struct VerifyOptions {
  std::string account;  // empty = all
  bool repair = false;
};
struct ExportOptions {
  std::string account;
  std::string folder;               // empty = every folder of the account
  std::string mbox_file;            // --mbox: one file ("-": stdout)
  std::string mbox_dir;             // --mbox-dir: one file per folder
  bool force = false;               // replace an existing file / write into an existing directory
  std::string since, until, as_of;  // dates as typed; empty = not given
};

struct PushOptions {
  std::string source;
  std::string target;
  std::vector<std::string> folders;  // --folder patterns; empty = the config's push rules
  bool dry_run = false;
  bool verify = false;
  bool mirror_deletes = false;
  bool include_expunged = false;
  bool retry_refused = false;
};

struct ReportOptions {
  bool test = false;
};
struct CheckOptions {
  std::vector<std::string> accounts;  // empty = all
  // Injected so that tests can judge a prepared index at any time.
  std::function<int64_t()> now;  // Unix seconds; null = the real clock
  // Free space of a path; null = statvfs.
  std::function<std::optional<std::pair<uint64_t, uint64_t>>(const std::string&)> disk;
};

int RunSync(CommandContext& ctx, const SyncOptions& options);
int RunStatus(CommandContext& ctx, const StatusOptions& options);
int RunFolders(CommandContext& ctx, const FoldersOptions& options);
int RunLogin(CommandContext& ctx, const LoginOptions& options);
int RunSearch(CommandContext& ctx, const SearchOptions& options);
int RunVerify(CommandContext& ctx, const VerifyOptions& options);
int RunExport(CommandContext& ctx, const ExportOptions& options);
int RunReport(CommandContext& ctx, const ReportOptions& options);
int RunPush(CommandContext& ctx, const PushOptions& options);
int RunCheck(CommandContext& ctx, const CheckOptions& options);

}  // namespace mailhoard::cli
