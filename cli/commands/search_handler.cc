// `mailhoard search QUERY`: full-text search over every account's index.
#include <ctime>
#include <nlohmann/json.hpp>

#include "cli/commands/account_session.h"
#include "cli/commands/engine_handlers.h"
#include "storage/index/index.h"

namespace mailhoard::cli {

int RunSearch(CommandContext& ctx, const SearchOptions& options) {
  auto config = ctx.LoadConfigOrReport();
  if (!config.ok()) return ctx.exit_code;
  nlohmann::json hits = nlohmann::json::array();
  int found = 0;
  for (const AccountConfig& account : config->accounts) {
    auto idx = OpenIndexReadOnly(account);
    if (!idx.ok()) continue;  // never synced: nothing to search
    auto result = (*idx)->Search(options.query, options.limit);
    if (!result.ok()) {
      ctx.PrintError(result.status().message());
      return result.status().code() == ErrorCode::kInvalidArgument ? kExitUsage
                                                                   : ExitCodeFor(result.status());
    }
    for (const auto& h : *result) {
      ++found;
      std::string path = account.archive_dir + "/" +
                         (h.folder_local_path.empty() ? "" : h.folder_local_path + "/") +
                         h.file_name;
      char date[32] = "";
      if (h.date) {
        time_t t = static_cast<time_t>(*h.date);
        tm tm_utc;
        gmtime_r(&t, &tm_utc);
        strftime(date, sizeof date, "%Y-%m-%d", &tm_utc);
      }
      if (ctx.json) {
        hits.push_back({{"account", account.name},
                        {"folder", h.folder_display_name},
                        {"date", h.date ? nlohmann::json(*h.date) : nlohmann::json()},
                        {"from", h.from_addr},
                        {"subject", h.subject},
                        {"path", path}});
      } else {
        ctx.out << account.name << "  " << h.folder_display_name << "  " << date << "  "
                << h.from_addr << "  " << h.subject << "\n    " << path << "\n";
      }
    }
  }
  if (ctx.json) {
    ctx.out << nlohmann::json({{"hits", hits}}).dump(2) << "\n";
  } else if (found == 0 && !ctx.quiet) {
    ctx.err << "no messages match\n";
  }
  return kExitOk;
}

}  // namespace mailhoard::cli
