#include <CLI/CLI.hpp>
#include <memory>

#include "cli/commands/commands.h"
#include "cli/commands/engine_handlers.h"

namespace mailhoard::cli {

void AddExportCommand(CLI::App& app, CommandContext& ctx) {
  auto options = std::make_shared<ExportOptions>();
  CLI::App* cmd = app.add_subcommand("export", "Write archived mail to mbox files (mboxrd)");
  cmd->add_option("ACCOUNT", options->account, "Account to export")->required();
  cmd->add_option("FOLDER", options->folder, "Only this folder (default: all folders)");
  auto* file = cmd->add_option("--mbox", options->mbox_file,
                               "One mbox file ('-': stdout); without FOLDER every message "
                               "carries an X-Folder: header naming its folder")
                   ->option_text("FILE");
  auto* dir = cmd->add_option("--mbox-dir", options->mbox_dir,
                              "One mbox per folder in DIR, named after the folder "
                              "(Archive/2024 -> Archive.2024.mbox, INBOX -> INBOX.mbox)")
                  ->option_text("DIR");
  file->excludes(dir);
  cmd->add_flag("--force", options->force,
                "Replace an existing FILE; write into an existing DIR, replacing its "
                "same-named mbox files");
  cmd->add_option("--since", options->since,
                  "Only messages that arrived on or after DATE (INTERNALDATE, UTC)")
      ->option_text("DATE");
  cmd->add_option("--until", options->until,
                  "Only messages that arrived on or before DATE (a bare date: all of that day)")
      ->option_text("DATE");
  cmd->add_option("--as-of", options->as_of,
                  "The folders as the archive saw them at DATE (end of day for a bare date), "
                  "or 'now': messages archived by then and not found expunged by then; flags "
                  "are today's")
      ->option_text("DATE");
  cmd->footer(
      "DATE is YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS], in UTC. Without --as-of the export holds\n"
      "every archived message, also those the server has since expunged.\n"
      "Each message gets Status:/X-Status:/X-Keywords: from its archived flags and a\n"
      "\"From \" line with its envelope sender (Return-Path, else From) and INTERNALDATE.\n"
      "Files are written beside the target and renamed into place (mode 0600, directories\n"
      "0700); an existing FILE or non-empty DIR is never replaced without --force.\n"
      "A message whose file is missing, or whose size or SHA-256 differs from the index,\n"
      "is left out and named on stderr (so is one the archive has no file for).\n"
      "See docs/export.md for the file names and what --as-of can know.\n"
      "Exit status: 0 ok, 1 messages were left out (named on stderr),\n"
      "2 usage error or unknown folder, 73 the output exists (use --force) or is of the\n"
      "wrong kind, 74 the output could not be written, 75 interrupted (in both cases\n"
      "nothing is left in its place).");
  cmd->callback([&ctx, options] { ctx.exit_code = RunExport(ctx, *options); });
}

}  // namespace mailhoard::cli
