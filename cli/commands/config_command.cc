#include <CLI/CLI.hpp>

#include <sys/stat.h>

#include <memory>

#include "cli/account_parser.h"
#include "cli/commands/commands.h"
#include "cli/config_location.h"
#include "cli/config_summary.h"
#include "cli/example_config.h"
#include "cli/file_checks.h"
#include "cli/new_file.h"
#include "cli/starter_config.h"

namespace mailhoard::cli {
namespace {

int RunConfigExample(CommandContext& ctx) {
  ctx.out << ExampleConfigText();
  return kExitOk;
}

struct InitOptions {
  std::string provider;  // "", "microsoft365" or "gmail"
  std::string account = "work";
  std::string user;
};

int RunConfigInit(CommandContext& ctx, const InitOptions& init) {
  if (!IsValidAccountName(init.account)) {
    ctx.PrintError("--account " + init.account +
                   ": account names become directory names: use letters, digits, '.', '_' "
                   "and '-' (at most 64, not starting with '.')");
    return kExitUsage;
  }
  Result<ConfigLocation> location = LocateConfig(ctx.config_path);
  if (!location.ok()) {
    ctx.PrintError(location.status().message());
    return kExitUsage;
  }
  StarterOptions starter;
  if (init.provider == "microsoft365") starter.provider = Provider::kMicrosoft365;
  if (init.provider == "gmail") starter.provider = Provider::kGmail;
  starter.account = init.account;
  starter.user = init.user;
  Result<NewFileResult> written = WriteNewFile(location->path, StarterConfigText(starter));
  if (!written.ok()) {
    ctx.PrintError(written.status().message());
    return ExitCodeFor(written.status());
  }
  if (written->existed) {
    ctx.PrintError(location->path +
                   " already exists; config init never overwrites a config (edit it, or "
                   "write a new one elsewhere with `mailhoard -c NEW.toml config init`)");
    return kExitUsage;
  }
  if (!ctx.quiet) {
    ctx.out << "wrote " << location->path << "\n"
            << "next: edit it (the placeholders say what to replace), then run "
               "`mailhoard config check`\n";
  }
  return kExitOk;
}

int RunConfigPath(CommandContext& ctx) {
  Result<ConfigLocation> location = LocateConfig(ctx.config_path);
  if (!location.ok()) {
    ctx.PrintError(location.status().message());
    return kExitUsage;
  }
  struct stat st {};
  const bool exists = ::stat(location->path.c_str(), &st) == 0;
  ctx.out << location->path << "\n";
  if (!ctx.quiet) {
    ctx.out << "  why: " << location->reason << "\n"
            << "  exists: "
            << (exists ? "yes" : "no (`mailhoard config init` writes a starter config there)")
            << "\n";
  }
  return kExitOk;
}

// One account name a line, for the shell completions.
int RunConfigAccounts(CommandContext& ctx) {
  Result<Config> config = ctx.LoadConfigOrReport();
  if (!config.ok()) return kExitUsage;
  for (const AccountConfig& account : config->accounts) ctx.out << account.name << "\n";
  return kExitOk;
}

int RunConfigCheck(CommandContext& ctx) {
  Result<Config> config = ctx.LoadConfigOrReport();
  if (!config.ok()) return kExitUsage;
  for (const std::string& w : CheckReferencedFiles(*config)) {
    ctx.PrintWarning(w);
    config->warnings.push_back(w);
  }
  if (ctx.json) {
    ctx.out << ConfigSummaryJson(*config);
  } else if (!ctx.quiet) {
    ctx.out << ConfigSummaryText(*config);
    ctx.out << "\nconfig ok: " << config->accounts.size()
            << (config->accounts.size() == 1 ? " account" : " accounts")
            << " (secrets were not read; `mailhoard login` / `sync` use them)\n";
  }
  return kExitOk;
}

}  // namespace

void AddConfigCommand(CLI::App& app, CommandContext& ctx) {
  CLI::App* config = app.add_subcommand("config", "Write or check the configuration file");
  config->require_subcommand(1);
  CLI::App* example = config->add_subcommand(
      "example", "Print a commented example config.toml (docs/config.md explains every key)");
  example->callback([&ctx] { ctx.exit_code = RunConfigExample(ctx); });
  CLI::App* check = config->add_subcommand(
      "check", "Load and validate the config, then summarise each account (exit 2 on error)");
  check->footer("Secrets are not resolved: no password_cmd is run, no file or variable read.");
  check->callback([&ctx] { ctx.exit_code = RunConfigCheck(ctx); });

  auto init_options = std::make_shared<InitOptions>();
  CLI::App* init = config->add_subcommand(
      "init", "Create the config directory and a minimal commented config.toml (never overwrites)");
  init->add_option("--provider", init_options->provider,
                   "Start from a provider preset (OAuth2 sign-in with `mailhoard login`)")
      ->check(CLI::IsMember({"microsoft365", "gmail"}))
      ->option_text("microsoft365|gmail");
  init->add_option("--account", init_options->account, "Name of the account (default: work)")
      ->option_text("NAME");
  init->add_option("--user", init_options->user, "The account's login, usually the address")
      ->option_text("ADDRESS");
  init->footer("Written to the file `mailhoard config path` names (or -c FILE).");
  init->callback([&ctx, init_options] { ctx.exit_code = RunConfigInit(ctx, *init_options); });

  CLI::App* path = config->add_subcommand(
      "path", "Print which config file is used and why (-c, $XDG_CONFIG_HOME, $HOME)");
  path->callback([&ctx] { ctx.exit_code = RunConfigPath(ctx); });

  CLI::App* accounts = config->add_subcommand("accounts", "Print the account names");
  accounts->group("");  // hidden: what the shell completions call
  accounts->callback([&ctx] { ctx.exit_code = RunConfigAccounts(ctx); });
}

}  // namespace mailhoard::cli
