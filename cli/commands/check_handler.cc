// `mailhoard check [ACCOUNT…]`: reads each account's index (run history,
// unfetchable messages), token store and the archive disk, and lets the
// pure EvaluateHealth() judge. Never touches the network.
#include <sys/statvfs.h>

#include <ctime>
#include <map>
#include <nlohmann/json.hpp>

#include "cli/commands/account_session.h"
#include "cli/commands/engine_handlers.h"
#include "cli/report/health_check.h"
#include "storage/index/index.h"

namespace mailhoard::cli {
namespace {

// Enough history for folder_failures_critical (at most 1000).
constexpr int kRunsRead = 1000;

AccountHealthFacts FactsFor(const AccountConfig& account) {
  AccountHealthFacts f;
  f.name = account.name;
  f.oauth = IsOAuth(account.auth);
  auto idx = OpenIndexReadOnly(account);
  if (!idx.ok()) {
    f.synced = false;
    return f;
  }
  index::Index& index = **idx;
  auto runs = index.ListRuns(kRunsRead);
  if (runs.ok()) f.runs = std::move(runs).value();
  auto meta = index.GetMeta("last_success_at");
  if (meta.ok() && meta->has_value()) {
    try {
      f.last_success_at = std::stoll(**meta);
    } catch (...) {
    }
  }
  auto counts = index.CountUnfetchable();
  auto folders = index.ListFolders();
  if (counts.ok() && folders.ok()) {
    std::map<int64_t, std::string> names;
    for (const auto& folder : *folders) names[folder.id] = folder.display_name;
    for (const auto& [id, n] : *counts) f.unfetchable.emplace_back(names[id], n);
  }
  if (f.oauth) {
    auto token = auth::TokenStore(TokenStorePath(account)).Load();
    if (!token.ok()) {
      f.token_missing = true;
    } else {
      f.refresh_token_obtained_at = std::chrono::duration_cast<std::chrono::seconds>(
                                        token->refresh_token_obtained_at.time_since_epoch())
                                        .count();
    }
  }
  return f;
}

std::optional<std::pair<uint64_t, uint64_t>> StatDisk(const std::string& path) {
  struct statvfs st;
  if (statvfs(path.c_str(), &st) != 0) return std::nullopt;
  return std::make_pair(static_cast<uint64_t>(st.f_bavail) * st.f_frsize,
                        static_cast<uint64_t>(st.f_blocks) * st.f_frsize);
}

}  // namespace

int RunCheck(CommandContext& ctx, const CheckOptions& options) {
  constexpr int kUnknown = static_cast<int>(HealthState::kUnknown);
  auto config = ctx.LoadConfigOrReport();
  if (!config.ok()) {
    ctx.out << "MAILHOARD UNKNOWN - the configuration could not be read\n";
    return kUnknown;
  }
  auto accounts = SelectAccounts(*config, options.accounts, std::nullopt);
  if (!accounts.ok()) {
    ctx.out << "MAILHOARD UNKNOWN - " << accounts.status().message() << "\n";
    return kUnknown;
  }
  HealthInput in;
  in.thresholds = config->check;
  in.now = options.now ? options.now() : static_cast<int64_t>(std::time(nullptr));
  for (const AccountConfig* a : *accounts) in.accounts.push_back(FactsFor(*a));
  auto disk = options.disk ? options.disk(config->archive_root) : StatDisk(config->archive_root);
  if (disk) in.disk = DiskSpace{config->archive_root, disk->first, disk->second};
  HealthResult r = EvaluateHealth(in);
  if (ctx.json) {
    nlohmann::json j = {{"status", ToString(r.state)},
                        {"exit_code", r.exit_code()},
                        {"findings", nlohmann::json::array()},
                        {"perfdata", nlohmann::json::array()}};
    for (const auto& f : r.findings) {
      j["findings"].push_back(
          {{"state", ToString(f.state)}, {"account", f.account}, {"text", f.text}});
    }
    for (const auto& d : r.perfdata) {
      nlohmann::json p = {{"label", d.label}, {"value", d.value}, {"unit", d.unit}};
      if (d.warn) p["warn"] = *d.warn;
      if (d.crit) p["crit"] = *d.crit;
      j["perfdata"].push_back(p);
    }
    ctx.out << j.dump(2) << "\n";
  } else {
    ctx.out << r.Render();
  }
  return r.exit_code();
}

}  // namespace mailhoard::cli
