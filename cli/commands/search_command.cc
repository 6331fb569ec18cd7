#include <CLI/CLI.hpp>
#include <memory>

#include "cli/commands/commands.h"
#include "cli/commands/engine_handlers.h"

namespace mailhoard::cli {

void AddSearchCommand(CLI::App& app, CommandContext& ctx) {
  auto options = std::make_shared<SearchOptions>();
  CLI::App* cmd = app.add_subcommand(
      "search", "Search the archived messages of every account (headers and body text)");
  cmd->add_option("QUERY", options->query, "What to find; the language is below")->required();
  cmd->add_flag("--json", ctx.json, "One JSON object: {\"hits\": [...], \"total\", \"limited\"}");
  cmd->add_option("--limit", options->limit, "At most N hits over all accounts, newest first")
      ->check(CLI::PositiveNumber)
      ->default_val(50);
  cmd->add_flag("--paths", options->paths, "Only the message files' paths, one per line");
  cmd->add_option("--print", options->print,
                  "Write hit N (as numbered in the listing) to stdout, as stored")
      ->check(CLI::PositiveNumber)
      ->option_text("N");
  cmd->footer(
      "Query language (docs/search.md has it all):\n"
      "  budget report           both words (AND is implied; AND may be written)\n"
      "  budget OR report        either; OR binds looser than AND\n"
      "  -draft  NOT draft       without; ( ) group: (a OR b) -c\n"
      "  \"exact phrase\"  rep*    a phrase; a word prefix\n"
      "  from: to: cc: subject:  a word or \"phrase\" in that header only\n"
      "  folder:Work/*  account:work   the name; * and ? are wildcards\n"
      "  flag:seen|answered|flagged|draft|deleted|forwarded, or flag:KEYWORD\n"
      "  larger:10k  smaller:2M  size in bytes (k, M, G = 1024^n)\n"
      "  after:2024-01-01  before:2024-02-01  on:2024-01-15   UTC days\n"
      "Operators are upper case; \"quote\" text that has a ':' or looks like one.\n"
      "Unknown fields and malformed queries exit 2 naming the column.");
  cmd->callback([&ctx, options] { ctx.exit_code = RunSearch(ctx, *options); });
}

}  // namespace mailhoard::cli
