#include <CLI/CLI.hpp>
#include <memory>

#include "cli/commands/commands.h"
#include "cli/commands/engine_handlers.h"

namespace mailhoard::cli {

void AddSyncCommand(CLI::App& app, CommandContext& ctx) {
  auto options = std::make_shared<SyncOptions>();
  CLI::App* cmd = app.add_subcommand(
      "sync", "Archive new mail (and flag changes) from the server; safe to run from cron");
  cmd->add_option("ACCOUNT", options->accounts,
                  "Accounts to sync, as named in [accounts.NAME], a tenant's NAME or one of its "
                  "mailboxes NAME/ADDRESS (default: all)");
  cmd->add_option("--folder", options->folders,
                  "Only the folders matching PATTERN this time (repeatable; * and % globs as in "
                  "[folders] include, e.g. --folder INBOX --folder 'Projects/*'); the config's "
                  "excludes still apply and no other folder is marked gone")
      ->option_text("PATTERN")
      ->allow_extra_args(false);
  cmd->add_flag("--dry-run", options->dry_run,
                "Connect and count exactly what would be fetched (messages and bytes), the flag "
                "changes, expunges and folders gone; write nothing, not even a first archive");
  cmd->add_option_function<std::string>(
         "--shard",
         [options](const std::string& text) {
           Result<Shard> shard = ParseShard(text);
           if (!shard.ok()) throw CLI::ValidationError(shard.status().message());
           options->shard = *shard;
         },
         "Only the accounts of shard I of N (0-based, by a stable hash of the account name, or "
         "of a tenant mailbox's address), for splitting many accounts over N scheduler jobs; "
         "\"/N\" takes I from $JOB_COMPLETION_INDEX")
      ->option_text("I/N");
  cmd->footer(
      "Exit status: 0 ok, 1 some folders failed, 2 usage/config error,\n"
      "73 account locked by another run, 75 temporary failure (retry later),\n"
      "77 authentication needed (run `mailhoard login ACCOUNT`), 78 server unusable as\n"
      "configured (certificate, TLS mode, host name: the message names the key).");
  cmd->callback([&ctx, options] { ctx.exit_code = RunSync(ctx, *options); });
}

}  // namespace mailhoard::cli
