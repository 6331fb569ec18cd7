#include <CLI/CLI.hpp>

#include "cli/commands/commands.h"
#include "cli/config_summary.h"
#include "cli/example_config.h"
#include "cli/file_checks.h"

namespace mailhoard::cli {
namespace {

int RunConfigExample(CommandContext& ctx) {
  ctx.out << ExampleConfigText();
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
}

}  // namespace mailhoard::cli
