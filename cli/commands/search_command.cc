#include <CLI/CLI.hpp>
#include <memory>

#include "cli/commands/commands.h"
#include "cli/commands/engine_handlers.h"

namespace mailhoard::cli {

void AddSearchCommand(CLI::App& app, CommandContext& ctx) {
  auto options = std::make_shared<SearchOptions>();
  CLI::App* cmd = app.add_subcommand(
      "search", "Full-text search of the archived headers in every account's index");
  cmd->add_option("QUERY", options->query, "Search words (SQLite FTS5 query syntax)")->required();
  cmd->add_flag("--json", ctx.json, "One JSON object per match on stdout");
  cmd->add_option("--limit", options->limit, "At most N matches")
      ->check(CLI::PositiveNumber)
      ->default_val(50);
  cmd->callback([&ctx, options] { ctx.exit_code = RunSearch(ctx, *options); });
}

}  // namespace mailhoard::cli
