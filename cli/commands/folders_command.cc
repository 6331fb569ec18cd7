#include <CLI/CLI.hpp>
#include <memory>

#include "cli/commands/commands.h"
#include "cli/commands/engine_handlers.h"

namespace mailhoard::cli {

void AddFoldersCommand(CLI::App& app, CommandContext& ctx) {
  auto options = std::make_shared<FoldersOptions>();
  CLI::App* cmd = app.add_subcommand(
      "folders",
      "List the server's folders and whether [folders] include/exclude selects each one");
  cmd->add_option("ACCOUNT", options->account, "Account to ask (default: every account)");
  cmd->callback([&ctx, options] { ctx.exit_code = RunFolders(ctx, *options); });
}

}  // namespace mailhoard::cli
