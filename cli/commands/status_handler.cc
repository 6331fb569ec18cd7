// `mailhoard status [ACCOUNT]`: what each account holds and how its last
// runs went, from the index alone (no network).
#include <ctime>
#include <map>
#include <nlohmann/json.hpp>

#include "cli/account_lock.h"
#include "cli/commands/account_session.h"
#include "cli/commands/engine_handlers.h"
#include "cli/commands/status_runs.h"
#include "cli/display_width.h"
#include "cli/exit_codes.h"
#include "cli/report/run_advice.h"
#include "storage/index/index.h"

namespace mailhoard::cli {
namespace {

std::string When(std::optional<int64_t> t) {
  if (!t) return "never";
  char buf[32];
  time_t tt = static_cast<time_t>(*t);
  tm tm_utc;
  gmtime_r(&tt, &tm_utc);
  strftime(buf, sizeof buf, "%Y-%m-%d %H:%M UTC", &tm_utc);
  return buf;
}

struct FolderCounts {
  uint64_t messages = 0, bytes = 0, expunged = 0, unfetchable = 0;
};

// Microsoft's refresh tokens die after 90 days without use.
constexpr int64_t kTokenWarnAgeDays = 75;

}  // namespace

int RunStatus(CommandContext& ctx, const StatusOptions& options) {
  CommandAccounts loaded = LoadAccountOrAll(ctx, options.account);
  if (!loaded.ok()) return loaded.exit_code;
  nlohmann::json out = {{"accounts", nlohmann::json::array()}};
  for (const AccountConfig* account : loaded.accounts) {
    nlohmann::json ja = {{"name", account->name}, {"archive", account->archive_dir}};
    auto idx = OpenIndexReadOnly(*account);
    if (!idx.ok()) {
      ja["error"] =
          idx.status().code() == ErrorCode::kNotFound || idx.status().code() == ErrorCode::kIo
              ? "never synced"
              : idx.status().ToString();
      if (!ctx.json) ctx.out << account->name << ": " << ja["error"].get<std::string>() << "\n";
      out["accounts"].push_back(ja);
      continue;
    }
    index::Index& index = **idx;
    std::map<int64_t, FolderCounts> counts;
    (void)index.ForEachMessageFile([&](const index::MessageFile& f) {
      FolderCounts& c = counts[f.folder_id];
      if (f.unfetchable) {
        ++c.unfetchable;
      } else {
        ++c.messages;
        c.bytes += f.size;
      }
      c.expunged += f.expunged;
      return Status::Ok();
    });
    auto listed = index.ListRuns(options.runs);
    std::vector<index::RunRecord> runs;
    if (listed.ok()) {
      runs = std::move(listed).value();
    } else {
      ctx.PrintWarning(account->name + ": run history unreadable: " + listed.status().message());
    }
    LastRunTimes last = ReadLastRunTimes(index, runs);
    ja["last_success_at"] =
        last.last_success_at ? nlohmann::json(*last.last_success_at) : nlohmann::json();
    ja["last_run_at"] = last.last_run_at ? nlohmann::json(*last.last_run_at) : nlohmann::json();
    ja["runs"] = RunsJson(runs);
    const std::optional<LockHolder> running = FindLockHolder(account->archive_dir);
    ja["running"] = running ? nlohmann::json{{"pid", running->pid}, {"since", running->since}}
                            : nlohmann::json();
    if (!ctx.json) {
      ctx.out << account->name << " (" << account->archive_dir << ")\n";
      if (running) {
        ctx.out << "  in progress: pid " << running->pid << ", started " << When(running->since)
                << "\n";
      }
      ctx.out << "  last successful sync: " << When(last.last_success_at) << "\n";
      if (last.last_run_at && last.last_run_at != last.last_success_at) {
        // The run history's newest entry is that run when it was recorded.
        if (!runs.empty() && runs.front().exit_code != kExitOk) {
          ctx.out << "  last run: " << When(last.last_run_at) << " (exit " << runs.front().exit_code
                  << ": " << ExitMeaning(runs.front().exit_code) << ")\n";
        } else {
          ctx.out << "  last run: " << When(last.last_run_at) << " (failed or partial)\n";
        }
      }
      PrintRuns(ctx.out, runs);
    }
    if (IsOAuth(account->auth)) {
      std::vector<std::string> notices;
      auto store = OpenTokenStore(*account, &notices);
      for (const auto& n : notices) ctx.PrintWarning(account->name + ": " + n);
      if (!store.ok()) ctx.PrintWarning(account->name + ": " + store.status().message());
      auto token = store.ok() ? store->Load() : Result<auth::StoredToken>(store.status());
      if (!token.ok()) {
        ja["token"] = "missing";
        if (!ctx.json)
          ctx.out << "  sign-in: none — run `mailhoard login " << account->name << "`\n";
      } else {
        auto age = std::chrono::duration_cast<std::chrono::hours>(std::chrono::system_clock::now() -
                                                                  token->refresh_token_obtained_at)
                       .count() /
                   24;
        ja["refresh_token_age_days"] = age;
        if (age >= kTokenWarnAgeDays && !ctx.json) {
          ctx.out << "  warning: sign-in is " << age
                  << " days old; Microsoft expires unused refresh tokens after 90 days — run "
                     "`mailhoard login "
                  << account->name << "`\n";
        }
      }
    }
    auto folders = index.ListFolders();
    nlohmann::json jf = nlohmann::json::array();
    if (folders.ok()) {
      for (const auto& f : *folders) {
        const FolderCounts& c = counts[f.id];
        bool gone = f.state == index::FolderState::kGoneOnServer;
        jf.push_back(
            {{"name", f.display_name},
             {"path", f.local_path},
             {"messages", c.messages},
             {"bytes", c.bytes},
             {"expunged_on_server", c.expunged},
             {"unfetchable", c.unfetchable},
             {"last_sync_at", f.last_sync_at ? nlohmann::json(*f.last_sync_at) : nlohmann::json()},
             {"last_error", f.last_error},
             {"gone_on_server", gone}});
        if (!ctx.json) {
          char line[128];
          snprintf(line, sizeof line, " %7llu msgs %9.1f MB",
                   static_cast<unsigned long long>(c.messages), static_cast<double>(c.bytes) / 1e6);
          ctx.out << "  " << PadRight(f.display_name, 32) << line;
          if (c.expunged) ctx.out << ", " << c.expunged << " expunged on server";
          if (c.unfetchable) ctx.out << ", " << c.unfetchable << " unfetchable";
          if (gone) ctx.out << " [gone on server]";
          if (!f.last_error.empty()) ctx.out << "\n    last error: " << f.last_error;
          ctx.out << "\n";
        }
      }
    }
    ja["folders"] = jf;
    out["accounts"].push_back(ja);
  }
  if (ctx.json) ctx.out << out.dump(2) << "\n";
  return kExitOk;
}

}  // namespace mailhoard::cli
