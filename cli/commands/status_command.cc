#include <CLI/CLI.hpp>
#include <memory>

#include "cli/commands/commands.h"
#include "cli/commands/engine_handlers.h"

namespace mailhoard::cli {

void AddStatusCommand(CLI::App& app, CommandContext& ctx) {
  auto options = std::make_shared<StatusOptions>();
  CLI::App* cmd =
      app.add_subcommand("status", "Show what is archived: folders, message counts, the last runs");
  cmd->add_option("ACCOUNT", options->account, "Only this account (default: all)");
  cmd->add_option("--runs", options->runs,
                  "How many of the last runs to list, with their errors and report (default: 5)")
      ->check(CLI::Range(0, 1000));
  cmd->callback([&ctx, options] { ctx.exit_code = RunStatus(ctx, *options); });
}

}  // namespace mailhoard::cli
