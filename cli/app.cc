#include "cli/app.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <streambuf>
#include <string_view>

#include "cli/commands/commands.h"
#include "cli/suggest.h"

#ifndef MAILHOARD_VERSION
#define MAILHOARD_VERSION "unknown"
#endif

namespace mailhoard::cli {
namespace {

// Forwards to another stream buffer and notes whether anything was written:
// with --json, a command that failed before printing its document still
// owes stdout an error object.
class NotingStreambuf final : public std::streambuf {
 public:
  explicit NotingStreambuf(std::streambuf* to) : to_(to) {}
  bool written() const { return written_; }

 protected:
  int_type overflow(int_type c) override {
    if (traits_type::eq_int_type(c, traits_type::eof())) return traits_type::not_eof(c);
    written_ = true;
    return to_->sputc(traits_type::to_char_type(c));
  }
  std::streamsize xsputn(const char* s, std::streamsize n) override {
    written_ = written_ || n > 0;
    return to_->sputn(s, n);
  }
  int sync() override { return to_->pubsync(); }

 private:
  std::streambuf* to_;
  bool written_ = false;
};

void PrintJsonError(std::ostream& out, int code, const std::vector<std::string>& errors) {
  std::string first = errors.empty() ? "failed" : errors.front();
  out << nlohmann::json({{"error", first}, {"errors", errors}, {"exit_code", code}}).dump(2)
      << "\n";
}

bool AskedForJson(int argc, const char* const* argv) {
  for (int i = 1; i < argc; ++i) {
    if (std::string_view(argv[i]) == "--json") return true;
  }
  return false;
}

// CLI11 reports a mistyped command ("mailhoard synk") only as "A subcommand
// is required"; name the word and suggest the closest command instead.
std::string UnknownCommandMessage(CLI::App& app) {
  CLI::App* current = &app;
  while (!current->get_subcommands().empty()) current = current->get_subcommands().front();
  std::vector<std::string> names;
  for (CLI::App* sub : current->get_subcommands([](CLI::App*) { return true; })) {
    names.push_back(sub->get_name());
  }
  if (names.empty()) return "";
  std::vector<std::string> words = current->remaining(true);
  if (current != &app) {
    for (std::string& w : app.remaining()) words.push_back(std::move(w));
  }
  for (const std::string& word : words) {
    if (word.empty() || word[0] == '-') continue;
    std::vector<std::string_view> views(names.begin(), names.end());
    std::string message = "unknown command \"" + word + "\"";
    if (auto s = DidYouMean(word, views)) {
      message += " (did you mean \"" + *s + "\"?)";
    } else {
      message += "; expected one of";
      for (const auto& n : names) message += " " + n;
    }
    return message;
  }
  return "";
}

}  // namespace

int RunMailhoard(int argc, const char* const* argv, std::ostream& real_out, std::ostream& err) {
  NotingStreambuf noting(real_out.rdbuf());
  std::ostream out(&noting);
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
      "Run `mailhoard config init` to start (`mailhoard config path` says where it goes).\n"
      "Exit status: 0 ok, 1 some folders failed, 2 usage/config error, 73 account locked\n"
      "by another run, 74 local archive I/O error, 75 temporary failure, 77 authentication\n"
      "needed, 78 server unusable as configured (certificate, TLS mode, host name), 70\n"
      "internal error. See docs/config.md.");

  AddSyncCommand(app, ctx);
  AddPushCommand(app, ctx);
  AddStatusCommand(app, ctx);
  AddFoldersCommand(app, ctx);
  AddLoginCommand(app, ctx);
  AddSearchCommand(app, ctx);
  AddVerifyCommand(app, ctx);
  AddExportCommand(app, ctx);
  AddConfigCommand(app, ctx);
  AddReportCommand(app, ctx);
  AddCheckCommand(app, ctx);
  AddHelpFormatCommands(app, ctx);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (const std::string unknown = UnknownCommandMessage(app); !unknown.empty()) {
      err << "mailhoard: " << unknown << "\nRun `mailhoard --help` for usage.\n";
      if (AskedForJson(argc, argv)) PrintJsonError(out, kExitUsage, {unknown});
      return kExitUsage;
    }
    const int code = app.exit(e, out, err);
    // --help and --version are successes; CLI11's own codes for usage errors
    // (106, 109, ...) collapse into our single usage code.
    if (code != 0 && AskedForJson(argc, argv)) PrintJsonError(out, kExitUsage, {e.what()});
    return code == 0 ? kExitOk : kExitUsage;
  }
  if (ctx.json && ctx.exit_code != kExitOk && !noting.written()) {
    PrintJsonError(out, ctx.exit_code, ctx.errors);
  }
  out.flush();
  return ctx.exit_code;
}

}  // namespace mailhoard::cli
