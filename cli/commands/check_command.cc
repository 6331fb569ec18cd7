#include <CLI/CLI.hpp>
#include <memory>

#include "cli/commands/commands.h"
#include "cli/commands/engine_handlers.h"

namespace mailhoard::cli {

void AddCheckCommand(CLI::App& app, CommandContext& ctx) {
  auto options = std::make_shared<CheckOptions>();
  CLI::App* cmd = app.add_subcommand(
      "check", "Monitoring plugin: are the archives fresh and healthy? (Nagios/Icinga)");
  cmd->add_option("ACCOUNT", options->accounts, "Only these accounts (default: all)");
  cmd->footer(
      "Exit status: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (monitoring plugin convention).\n"
      "Thresholds: the [check] table of the config.");
  cmd->callback([&ctx, options] { ctx.exit_code = RunCheck(ctx, *options); });
}

}  // namespace mailhoard::cli
