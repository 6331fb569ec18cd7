#include "cli/app.h"

#include <CLI/CLI.hpp>

#include "cli/commands/commands.h"

#ifndef MAILHOARD_VERSION
#define MAILHOARD_VERSION "unknown"
#endif

namespace mailhoard::cli {

int RunMailhoard(int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
  CommandContext ctx(out, err);
  CLI::App app("mailhoard: archive IMAP and POP3 mailboxes into Maildir with a searchable index",
               "mailhoard");
  app.set_version_flag("--version", "mailhoard " MAILHOARD_VERSION);
  app.require_subcommand(1);
  // Global options are accepted after the subcommand too (`mailhoard sync -q`).
  app.fallthrough();
  app.add_option("-c,--config", ctx.config_path,
                 "Config file (default: $XDG_CONFIG_HOME/mailhoard/config.toml, else "
                 "~/.config/mailhoard/config.toml)")
      ->option_text("FILE");
  CLI::Option* verbose =
      app.add_flag("-v,--verbose", ctx.verbose, "More progress detail; repeat for more");
  CLI::Option* quiet = app.add_flag(
      "-q,--quiet", ctx.quiet, "Print only errors (cron mails any output; this keeps it silent)");
  verbose->excludes(quiet);
  app.add_option("--trace", ctx.trace_file,
                 "Write a protocol trace to FILE (passwords and tokens are redacted)")
      ->option_text("FILE");
  app.add_flag("--json", ctx.json, "Machine-readable JSON on stdout");
  app.footer(
      "Run `mailhoard config example > ~/.config/mailhoard/config.toml` to start.\n"
      "Exit status: 0 ok, 1 some folders failed, 2 usage/config error, 73 account locked\n"
      "by another run, 74 local archive I/O error, 75 temporary failure, 77 authentication\n"
      "needed, 70 internal error. See docs/config.md.");

  AddSyncCommand(app, ctx);
  AddStatusCommand(app, ctx);
  AddFoldersCommand(app, ctx);
  AddLoginCommand(app, ctx);
  AddSearchCommand(app, ctx);
  AddVerifyCommand(app, ctx);
  AddExportCommand(app, ctx);
  AddConfigCommand(app, ctx);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e, out, err);
    // --help and --version are successes; CLI11's own codes for usage errors
    // (106, 109, ...) collapse into our single usage code.
    return code == 0 ? kExitOk : kExitUsage;
  }
  return ctx.exit_code;
}

}  // namespace mailhoard::cli
