#include <CLI/CLI.hpp>
#include <memory>

#include "cli/commands/commands.h"
#include "cli/commands/engine_handlers.h"

namespace mailhoard::cli {

void AddLoginCommand(CLI::App& app, CommandContext& ctx) {
  auto options = std::make_shared<LoginOptions>();
  CLI::App* cmd = app.add_subcommand(
      "login", "Sign in interactively to an OAuth2 account and store its refresh token");
  cmd->add_option("ACCOUNT", options->account, "Account with auth = xoauth2 or oauthbearer")
      ->required();
  cmd->footer("Needed once per account, and again when a sync exits with 77.");
  cmd->callback([&ctx, options] { ctx.exit_code = RunLogin(ctx, *options); });
}

}  // namespace mailhoard::cli
