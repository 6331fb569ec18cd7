// `mailhoard sync`: the main job. One account after another, each under its
// lock; SIGINT/SIGTERM stop at a message boundary, leaving an archive the
// next run continues from.
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <nlohmann/json.hpp>

#include "cli/account_lock.h"
#include "cli/commands/account_runs.h"
#include "cli/commands/account_session.h"
#include "cli/commands/engine_handlers.h"
#include "cli/commands/progress_display.h"
#include "cli/commands/stop_signal.h"
#include "cli/commands/sync_summary.h"
#include "cli/commands/tenant_tokens.h"
#include "cli/commands/trace_file.h"
#include "cli/report/mime_text.h"
#include "cli/report/run_recorder.h"
#include "engine/sync/imap_sync.h"
#include "engine/sync/pop3_sync.h"

namespace mailhoard::cli {
namespace {

const char* ActionName(sync::FolderAction a) {
  switch (a) {
    case sync::FolderAction::kSkip:
      return "unchanged";
    case sync::FolderAction::kFull:
      return "full";
    case sync::FolderAction::kIncremental:
      return "incremental";
    case sync::FolderAction::kUidValidityChanged:
      return "uidvalidity-changed";
  }
  return "?";
}

nlohmann::json FolderJson(const sync::FolderResult& f) {
  nlohmann::json j = {
      {"name", f.name},         {"action", ActionName(f.action)}, {"fetched", f.fetched},
      {"bytes", f.bytes},       {"flag_updates", f.flag_updates}, {"expunged", f.expunged},
      {"remapped", f.remapped}, {"adopted", f.adopted},           {"unfetchable", f.unfetchable},
      {"attempts", f.attempts}};
  if (!f.status.ok()) j["error"] = f.status.ToString();
  return j;
}

sync::ImapSyncOptions ImapOptions(const AccountConfig& account, const auth::Credentials& creds,
                                  const SyncOptions& options, imap::TraceSink* trace,
                                  CommandContext& ctx) {
  sync::ImapSyncOptions o;
  o.client = ImapClientOptionsFor(account, trace, ctx);
  o.credentials = creds;
  o.filter = sync::FolderFilter(account.folders.include, account.folders.AllExcludes());
  o.renames = account.folders.rename;
  o.policy = account.policy == Policy::kMirror ? sync::Policy::kMirror : sync::Policy::kArchive;
  o.connections = account.connections;
  o.dry_run = options.dry_run;
  o.only_folders = options.folders;
  o.cancel = &StopRequestFlag();
  return o;
}

sync::Pop3SyncOptions Pop3Options(const AccountConfig& account, const auth::Credentials& creds,
                                  const SyncOptions& options, TraceFile* trace,
                                  CommandContext& ctx) {
  sync::Pop3SyncOptions o;
  o.client.endpoint = {account.host, account.port};
  o.client.connect = ConnectOptionsFor(account);
  o.client.allow_plaintext_login = account.allow_plaintext;
  o.client.trace = trace;
  o.credentials = creds;
  o.mode = account.policy == Policy::kDrain ? sync::Pop3Mode::kDrain : sync::Pop3Mode::kKeep;
  o.delete_after_days = account.delete_after_days;
  o.dry_run = options.dry_run;
  o.only_folders = options.folders;
  o.cancel = &StopRequestFlag();
  o.on_warning = [&ctx, name = account.name](std::string_view text) {
    ctx.PrintWarning(name + ": " + std::string(text));
  };
  return o;
}

// Where a dry run of an account never synced before keeps its lock and
// index: a private directory under $TMPDIR, removed when the run ends, so
// that "changes nothing" holds for the first run too.
class ScratchArchive {
 public:
  static Result<std::unique_ptr<ScratchArchive>> Create() {
    const char* tmp = getenv("TMPDIR");
    std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/mailhoard-dry-run-XXXXXX";
    if (!mkdtemp(pattern.data())) {
      return IoError("creating a scratch directory for the dry run (" + pattern +
                     "): " + strerror(errno));
    }
    return std::unique_ptr<ScratchArchive>(new ScratchArchive(pattern));
  }
  ~ScratchArchive() {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  const std::string& dir() const { return dir_; }

 private:
  explicit ScratchArchive(std::string dir) : dir_(std::move(dir)) {}
  std::string dir_;
};

ExitCode SyncAccountIn(CommandContext& ctx, const AccountConfig& account,
                       const SyncOptions& options, TraceFile* trace, TenantTokens* tenants,
                       bool output_buffered, nlohmann::json* json);

// An account that failed as a whole: the reason (explained for a tenant's
// mailbox) on stderr and in `json`; returns its exit code.
ExitCode AccountFailed(CommandContext& ctx, TenantTokens* tenants, const AccountConfig& account,
                       const Status& failure, nlohmann::json* json) {
  const Status s = tenants->Explain(account, failure);
  (*json)["name"] = account.name;
  (*json)["error"] = s.ToString();
  ExitCode code = ctx.ReportAccountFailure(s.WithContext(account.name));
  (*json)["exit_code"] = code;
  return code;
}

// Runs one account; returns its exit code and fills `json`.
ExitCode SyncAccount(CommandContext& ctx, const AccountConfig& account, const SyncOptions& options,
                     TraceFile* trace, TenantTokens* tenants, bool output_buffered,
                     nlohmann::json* json) {
  if (!options.dry_run || HasIndex(account)) {
    return SyncAccountIn(ctx, account, options, trace, tenants, output_buffered, json);
  }
  auto scratch = ScratchArchive::Create();
  if (!scratch.ok()) return AccountFailed(ctx, tenants, account, scratch.status(), json);
  AccountConfig in_scratch = account;
  in_scratch.archive_dir = (*scratch)->dir();
  return SyncAccountIn(ctx, in_scratch, options, trace, tenants, output_buffered, json);
}

ExitCode SyncAccountIn(CommandContext& ctx, const AccountConfig& account,
                       const SyncOptions& options, TraceFile* trace, TenantTokens* tenants,
                       bool output_buffered, nlohmann::json* json) {
  (*json)["name"] = account.name;
  auto fail = [&](const Status& failure) {
    return AccountFailed(ctx, tenants, account, failure, json);
  };
  auto lock = AccountLock::Acquire(account.archive_dir, account.name);
  if (!lock.ok()) return fail(lock.status());
  std::vector<std::string> warnings;
  auto creds = CredentialsFor(account, &warnings, tenants);
  for (const auto& w : warnings) ctx.PrintWarning(account.name + ": " + w);
  if (!creds.ok()) return fail(creds.status());
  auto archive = OpenArchive(account);
  if (!archive.ok()) return fail(archive.status());

  ProgressDisplay progress(ctx, account.name, /*live_allowed=*/!output_buffered);
  auto on_progress = [&progress](const sync::ProgressEvent& e) { progress.Update(e); };
  auto started = std::chrono::steady_clock::now();
  sync::SyncResult result;
  if (account.protocol == Protocol::kPop3) {
    sync::Pop3SyncOptions o = Pop3Options(account, *creds, options, trace, ctx);
    o.on_progress = on_progress;
    result = sync::SyncPop3Account(**archive, o);
  } else {
    sync::ImapSyncOptions o = ImapOptions(account, *creds, options, trace, ctx);
    o.on_progress = on_progress;
    result = sync::SyncImapAccount(**archive, o);
  }
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  progress.Done();

  nlohmann::json folders = nlohmann::json::array();
  for (const auto& f : result.folders) folders.push_back(FolderJson(f));
  (*json)["folders"] = folders;
  (*json)["folders_listed"] = result.folders_listed;
  (*json)["folders_unchanged"] = result.folders_skipped;
  (*json)["fetched"] = result.fetched();
  (*json)["bytes"] = result.bytes();
  (*json)["seconds"] = seconds;
  (*json)["dry_run"] = options.dry_run;

  if (!result.status.ok()) return fail(result.status);
  if (!options.folders.empty() && result.folders_listed == 0) {
    ctx.PrintWarning(account.name + ": no folder matches --folder (`mailhoard folders " +
                     account.name + "` lists them)");
  }
  uint64_t stopped = 0;
  for (const auto& f : result.folders) {
    if (f.status.code() == ErrorCode::kCancelled) {
      ++stopped;  // not a failure: the next run continues it
    } else if (!f.status.ok()) {
      ctx.PrintError(account.name + ": " + f.name + ": " + f.status.ToString());
    }
  }
  uint64_t failed = result.failed_folders() - stopped;
  (*json)["flag_updates"] = result.flag_updates();
  (*json)["expunged"] = result.expunged();
  (*json)["folders_gone"] = result.folders_gone;
  // Messages the server listed and would not deliver: not lost, not
  // archived either, so the run is not a success.
  uint64_t unfetchable = 0;
  for (const auto& f : result.folders) {
    if (f.unfetchable == 0 || options.dry_run) continue;
    unfetchable += f.unfetchable;
    ctx.PrintError(account.name + ": " + std::to_string(f.unfetchable) + " message" +
                   (f.unfetchable == 1 ? "" : "s") + " in " + f.name +
                   " could not be fetched; they will be tried again (`mailhoard folders " +
                   account.name + "` shows why)");
  }
  (*json)["unfetchable"] = unfetchable;
  if (!ctx.quiet && !ctx.json)
    ctx.out << SyncSummary(account.name, result, options.dry_run, seconds);
  ExitCode code = failed || unfetchable ? kExitPartial : kExitOk;
  if (StopRequested()) code = kExitTempFail;
  (*json)["exit_code"] = code;
  return code;
}

}  // namespace

int RunSync(CommandContext& ctx, const SyncOptions& options) {
  CommandAccounts loaded =
      LoadAccounts(ctx, options.accounts, options.shard, {.repeat_config_warnings = true});
  if (!loaded.ok()) return loaded.exit_code;
  const Config& config = loaded.config;
  const std::vector<const AccountConfig*>& accounts = loaded.accounts;
  auto opened = StartServerCommand(ctx);
  if (!opened.ok()) return kExitUsage;
  std::unique_ptr<TraceFile> trace = std::move(opened).value();
  // --- accounts at once (parallel_accounts), one app token per tenant ---
  TenantTokens tenants;
  const size_t n = accounts.size();
  const bool buffered = config.parallel_accounts > 1 && n > 1;
  std::vector<nlohmann::json> results(n);
  std::vector<ExitCode> codes_at(n, kExitOk);
  auto now = [] { return static_cast<int64_t>(std::time(nullptr)); };
  std::vector<bool> started = ForEachAccount(
      n, config.parallel_accounts, [] { return StopRequested(); },
      [&](size_t i) {
        AccountOutput output(ctx, /*pass_through=*/!buffered);
        results[i] = {{"started_at", now()}};
        codes_at[i] = SyncAccount(output.ctx(), *accounts[i], options, trace.get(), &tenants,
                                  output.buffered(), &results[i]);
        results[i]["ended_at"] = now();
        output.Flush();
      });
  std::vector<ExitCode> codes;
  std::vector<const AccountConfig*> ran;
  nlohmann::json out = {{"accounts", nlohmann::json::array()}};
  for (size_t i = 0; i < n; ++i) {
    if (!started[i]) continue;
    codes.push_back(codes_at[i]);
    ran.push_back(accounts[i]);
    out["accounts"].push_back(std::move(results[i]));
  }
  out["summary"] = RunSummaryJson(out["accounts"]);
  if (ran.size() > 1 && !ctx.quiet && !ctx.json) ctx.out << RunSummaryText(out["summary"]) << "\n";
  // --- end of accounts at once ---
  int worst = WorstExitCode(codes);
  if (!options.dry_run) {
    // Run history for `status` and `check`, and the [report] mail.
    worst = RecordRunAndReport(ctx, {&config, ran, &out["accounts"], worst, now});
  }
  if (ctx.json) {
    out["exit_code"] = worst;
    ctx.out << out.dump(2) << "\n";
  }
  return worst;
}

}  // namespace mailhoard::cli
