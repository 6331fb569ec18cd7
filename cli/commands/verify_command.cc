#include <CLI/CLI.hpp>
#include <memory>

#include "cli/commands/commands.h"
#include "cli/commands/engine_handlers.h"

namespace mailhoard::cli {

void AddVerifyCommand(CLI::App& app, CommandContext& ctx) {
  auto options = std::make_shared<VerifyOptions>();
  CLI::App* cmd = app.add_subcommand(
      "verify", "Check that the Maildir files and the index agree (hashes, sizes, names)");
  cmd->add_option("ACCOUNT", options->account, "Only this account (default: all)");
  cmd->add_flag("--repair", options->repair,
                "Re-index files the index lacks and mark missing files for re-download");
  cmd->callback([&ctx, options] { ctx.exit_code = RunVerify(ctx, *options); });
}

}  // namespace mailhoard::cli
