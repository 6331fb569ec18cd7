#include <CLI/CLI.hpp>
#include <memory>

#include "cli/commands/commands.h"
#include "cli/commands/engine_handlers.h"

namespace mailhoard::cli {

void AddPushCommand(CLI::App& app, CommandContext& ctx) {
  auto options = std::make_shared<PushOptions>();
  CLI::App* cmd = app.add_subcommand(
      "push",
      "Upload an archived account into another IMAP mailbox (migration or restore); resumable, "
      "never appends a message twice");
  cmd->add_option("SOURCE", options->source, "The archived account, as named in [accounts.NAME]")
      ->required();
  cmd->add_option("--to", options->target, "The target account, another [accounts.NAME] entry")
      ->required()
      ->option_text("TARGET");
  cmd->add_option("--folder", options->folders,
                  "Only archived folders matching PATTERN ('*' any text, '%' not the delimiter); "
                  "repeatable")
      ->option_text("PATTERN");
  cmd->add_flag("--dry-run", options->dry_run,
                "Show the folders to create and the messages and bytes to upload; change nothing");
  cmd->add_flag("--verify", options->verify,
                "After pushing, fetch every pushed message from the target and compare SHA-256");
  cmd->add_flag("--mirror-deletes", options->mirror_deletes,
                "Expunge from the target what the source expunged since it was pushed");
  cmd->add_flag("--include-expunged", options->include_expunged,
                "Also push messages the source expunged that the archive kept (a full restore)");
  cmd->add_flag("--retry-refused", options->retry_refused,
                "Try again the messages the target refused in an earlier push");
  cmd->footer(
      "Exit status: 0 ok, 1 some folders failed, messages were refused or --verify found\n"
      "differences, 2 usage/config error, 73 source account locked, 75 temporary failure\n"
      "(retry later), 77 authentication needed for the target or source, 78 a server\n"
      "unusable as configured (certificate, TLS mode, host name).");
  cmd->callback([&ctx, options] { ctx.exit_code = RunPush(ctx, *options); });
}

}  // namespace mailhoard::cli
