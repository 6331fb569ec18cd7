// `mailhoard verify [ACCOUNT] [--repair]`: does the Maildir hold what the
// index says, byte for byte, and does the index know every message file?
// Runs under the account lock: a sync in progress has files in cur/ that
// its open batch has not recorded yet, which would look like orphans.
#include <nlohmann/json.hpp>
#include <vector>

#include "cli/account_lock.h"
#include "cli/commands/account_session.h"
#include "cli/commands/engine_handlers.h"
#include "engine/sync/verify.h"
#include "storage/index/index.h"

namespace mailhoard::cli {
namespace {

// Checks with a read-only index: verify without --repair writes nothing.
Result<sync::CheckReport> CheckAccount(const AccountConfig& account) {
  MH_ASSIGN_OR_RETURN(std::unique_ptr<index::Index> index, OpenIndexReadOnly(account));
  return sync::CheckArchive(*index, *maildir::DefaultFileSystem(), account.archive_dir);
}

Result<sync::RepairResult> RepairAccount(const AccountConfig& account,
                                         const sync::CheckReport& report) {
  MH_ASSIGN_OR_RETURN(std::unique_ptr<sync::Archive> archive, OpenArchive(account));
  return sync::RepairArchive(*archive, report);
}

void PrintReport(CommandContext& ctx, const AccountConfig& account, const sync::CheckReport& r,
                 size_t adopted) {
  for (const auto& p : r.findings) {
    ctx.out << account.name << ": " << sync::FindingKindName(p.kind) << ": " << p.path << " ("
            << p.detail << ")\n";
  }
  if (r.quick_check != "ok") {
    ctx.out << account.name << ": index quick_check failed: " << r.quick_check << "\n";
  }
  ctx.out << account.name << ": " << r.rows_checked << " messages checked, " << r.files_seen
          << " files seen, " << r.unfetchable << " unfetchable, " << r.findings.size() << " problem"
          << (r.findings.size() == 1 ? "" : "s");
  if (adopted) ctx.out << ", " << adopted << " adopted";
  ctx.out << (r.clean() ? " — clean\n" : "\n");
}

nlohmann::json ReportJson(const AccountConfig& account, const sync::CheckReport& r,
                          size_t adopted) {
  nlohmann::json problems = nlohmann::json::array();
  for (const auto& p : r.findings) {
    problems.push_back(
        {{"kind", sync::FindingKindName(p.kind)}, {"path", p.path}, {"detail", p.detail}});
  }
  return {{"name", account.name},       {"messages_checked", r.rows_checked},
          {"files_seen", r.files_seen}, {"unfetchable", r.unfetchable},
          {"adopted", adopted},         {"quick_check", r.quick_check},
          {"problems", problems},       {"clean", r.clean()}};
}

ExitCode VerifyAccount(CommandContext& ctx, const AccountConfig& account, bool repair,
                       nlohmann::json* json) {
  auto fail = [&](const Status& s) {
    (*json) = {{"name", account.name}, {"error", s.ToString()}};
    ExitCode code = ctx.ReportAccountFailure(s.WithContext(account.name));
    (*json)["exit_code"] = code;
    return code;
  };
  if (!HasIndex(account)) {
    (*json) = {{"name", account.name}, {"error", "never synced"}, {"clean", true}};
    if (!ctx.json && !ctx.quiet) ctx.out << account.name << ": never synced, nothing to verify\n";
    return kExitOk;
  }
  // A sync in progress has files in cur/ its open batch has not recorded.
  auto lock = AccountLock::Acquire(account.archive_dir, account.name);
  if (!lock.ok()) return fail(lock.status());
  auto checked = CheckAccount(account);
  if (!checked.ok()) return fail(checked.status());
  sync::CheckReport report = std::move(checked).value();
  sync::RepairResult repaired;
  if (repair && sync::NeedsRepair(report)) {
    auto done = RepairAccount(account, report);
    if (!done.ok()) return fail(done.status());
    repaired = *done;
    // Check again so the report shows what is left after the repair.
    checked = CheckAccount(account);
    if (!checked.ok()) return fail(checked.status());
    report = std::move(checked).value();
  }
  const size_t requeued = repaired.requeued;
  const size_t missing = report.Count(sync::FindingKind::kMissing);
  if (!ctx.json && !(ctx.quiet && report.clean())) {
    PrintReport(ctx, account, report, repaired.adopted);
    if (requeued) {
      ctx.out << account.name << ": " << requeued << " missing message file"
              << (requeued == 1 ? "" : "s") << " queued: the next sync fetches "
              << (requeued == 1 ? "it" : "them") << " from the server again\n";
    }
    if (repair && missing) {
      ctx.out << account.name << ": " << missing << " message file" << (missing == 1 ? "" : "s")
              << " missing and expunged on the server: cannot be fetched again; restore "
              << (missing == 1 ? "it" : "them") << " from a backup\n";
    }
  }
  *json = ReportJson(account, report, repaired.adopted);
  ExitCode code = report.clean() ? kExitOk : kExitPartial;
  (*json)["exit_code"] = code;
  return code;
}

}  // namespace

int RunVerify(CommandContext& ctx, const VerifyOptions& options) {
  CommandAccounts loaded = LoadAccountOrAll(ctx, options.account);
  if (!loaded.ok()) return loaded.exit_code;
  std::vector<ExitCode> codes;
  nlohmann::json out = {{"accounts", nlohmann::json::array()}};
  for (const AccountConfig* account : loaded.accounts) {
    nlohmann::json j;
    codes.push_back(VerifyAccount(ctx, *account, options.repair, &j));
    out["accounts"].push_back(j);
  }
  ExitCode worst = WorstExitCode(codes);
  if (ctx.json) {
    out["exit_code"] = worst;
    ctx.out << out.dump(2) << "\n";
  }
  return worst;
}

}  // namespace mailhoard::cli
