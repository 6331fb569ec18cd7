#include <CLI/CLI.hpp>
#include <memory>

#include "cli/commands/commands.h"
#include "cli/commands/engine_handlers.h"

namespace mailhoard::cli {

void AddExportCommand(CLI::App& app, CommandContext& ctx) {
  auto options = std::make_shared<ExportOptions>();
  CLI::App* cmd = app.add_subcommand("export", "Write archived mail to an mbox file");
  cmd->add_option("ACCOUNT", options->account, "Account to export")->required();
  cmd->add_option("FOLDER", options->folder, "Only this folder (default: all folders)");
  cmd->add_option("--mbox", options->mbox_file, "Output mbox file (mboxrd quoting)")->required();
  cmd->callback([&ctx, options] { ctx.exit_code = RunExport(ctx, *options); });
}

}  // namespace mailhoard::cli
