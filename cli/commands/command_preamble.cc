#include "cli/commands/command_preamble.h"

#include <utility>

#include "cli/commands/stop_signal.h"

namespace mailhoard::cli {
namespace {

// The config, or the exit code in `out` when it could not be read.
bool LoadConfigInto(CommandContext& ctx, PreambleOptions options, CommandAccounts* out) {
  Result<Config> config = ctx.LoadConfigOrReport();
  if (!config.ok()) {
    out->exit_code = ctx.exit_code;
    return false;
  }
  out->config = std::move(config).value();
  if (options.repeat_config_warnings) {
    for (const auto& w : out->config.warnings) ctx.PrintWarning(w);
  }
  return true;
}

}  // namespace

CommandAccounts LoadAccounts(CommandContext& ctx, const std::vector<std::string>& names,
                             std::optional<Shard> shard, PreambleOptions options) {
  CommandAccounts out;
  if (!LoadConfigInto(ctx, options, &out)) return out;
  auto accounts = SelectAccounts(out.config, names, shard);
  if (!accounts.ok()) {
    ctx.PrintError(accounts.status().message());
    out.exit_code = kExitUsage;
    return out;
  }
  out.accounts = std::move(accounts).value();
  return out;
}

CommandAccounts LoadAccountOrAll(CommandContext& ctx, const std::string& name) {
  std::vector<std::string> names;
  if (!name.empty()) names.push_back(name);
  return LoadAccounts(ctx, names);
}

CommandAccounts LoadAccount(CommandContext& ctx, const std::string& name, PreambleOptions options) {
  CommandAccounts out;
  if (!LoadConfigInto(ctx, options, &out)) return out;
  const AccountConfig* account = out.config.FindAccount(name);
  if (!account) {
    ctx.PrintError("no account named " + name + " in " + out.config.source_path);
    out.exit_code = kExitUsage;
    return out;
  }
  out.accounts.push_back(account);
  return out;
}

Result<std::unique_ptr<TraceFile>> StartServerCommand(CommandContext& ctx) {
  auto opened = TraceFile::OpenIfAsked(ctx.trace_file);
  if (!opened.ok()) {
    ctx.PrintError(opened.status().message());
    return opened.status();
  }
  InstallStopHandlers();
  return opened;
}

}  // namespace mailhoard::cli
