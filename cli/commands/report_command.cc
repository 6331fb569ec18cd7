#include <CLI/CLI.hpp>
#include <memory>

#include "cli/commands/commands.h"
#include "cli/commands/engine_handlers.h"

namespace mailhoard::cli {

void AddReportCommand(CLI::App& app, CommandContext& ctx) {
  auto options = std::make_shared<ReportOptions>();
  CLI::App* cmd =
      app.add_subcommand("report", "Mail reports of runs as [report] says; --test sends one now");
  cmd->add_flag("--test", options->test,
                "Send a test message by the [report] routes (primary, then fallbacks)");
  cmd->footer("Exit status: 0 sent, 2 no [report] or no --test, 75/77 as for sync.");
  cmd->callback([&ctx, options] { ctx.exit_code = RunReport(ctx, *options); });
}

}  // namespace mailhoard::cli
