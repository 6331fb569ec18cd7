// The steps every account command starts with: load the config (its errors
// and warnings reported by CommandContext::LoadConfigOrReport), pick the
// accounts the command line names, and for the commands that talk to
// servers, open --trace and install the stop handlers. A step that fails has
// printed why; the handler returns the exit code it gives.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/account_selection.h"
#include "cli/commands/command_context.h"
#include "cli/commands/trace_file.h"
#include "cli/config_types.h"
#include "cli/exit_codes.h"
#include "core/status.h"

namespace mailhoard::cli {

struct PreambleOptions {
  // sync, push, folders and login print the config's warnings a second
  // time after LoadConfigOrReport printed them; kept so that their output
  // stays as it was.
  bool repeat_config_warnings = false;
};

// A loaded config and the accounts a command acts on, or the exit code of
// why it cannot run. Move-only: `accounts` point into `config.accounts`.
struct CommandAccounts {
  Config config;
  std::vector<const AccountConfig*> accounts;
  int exit_code = kExitOk;

  CommandAccounts() = default;
  CommandAccounts(CommandAccounts&&) = default;
  CommandAccounts& operator=(CommandAccounts&&) = default;
  CommandAccounts(const CommandAccounts&) = delete;
  CommandAccounts& operator=(const CommandAccounts&) = delete;

  bool ok() const { return exit_code == kExitOk; }
  // The first (for LoadAccount: the only) account.
  const AccountConfig& account() const { return *accounts.front(); }
};

// SelectAccounts(names, shard): no names is every account, a tenant's name
// all its mailboxes; an unknown name is kExitUsage with a did-you-mean.
CommandAccounts LoadAccounts(CommandContext& ctx, const std::vector<std::string>& names,
                             std::optional<Shard> shard = std::nullopt,
                             PreambleOptions options = {});
// The one ACCOUNT argument of status and verify, or every account when it
// was not given.
CommandAccounts LoadAccountOrAll(CommandContext& ctx, const std::string& name);
// One account by its exact name: "no account named NAME in FILE",
// kExitUsage.
CommandAccounts LoadAccount(CommandContext& ctx, const std::string& name,
                            PreambleOptions options = {});

// For the commands that talk to servers (sync, push): the --trace file
// (null when not asked for), then SIGINT/SIGTERM stop at a message
// boundary. A file that cannot be opened is printed: exit with kExitUsage.
Result<std::unique_ptr<TraceFile>> StartServerCommand(CommandContext& ctx);

}  // namespace mailhoard::cli
