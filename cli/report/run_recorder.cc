#include "cli/report/run_recorder.h"

#include <sys/statvfs.h>

#include <random>

#include "cli/commands/account_session.h"
#include "cli/exit_codes.h"
#include "cli/report/report_message.h"
#include "cli/report/report_policy.h"
#include "cli/report/report_routes.h"
#include "cli/report/run_summary.h"
#include "engine/smtp/mail_delivery.h"
#include "storage/index/index.h"

namespace mailhoard::cli {
namespace {

AccountOutcome OutcomeFrom(const AccountConfig& account, const nlohmann::json& j) {
  AccountOutcome a;
  a.name = account.name;
  a.oauth = IsOAuth(account.auth);
  a.started_at = j.value("started_at", int64_t{0});
  a.ended_at = j.value("ended_at", a.started_at);
  a.exit_code = j.value("exit_code", 0);
  a.error = j.value("error", std::string());
  a.new_messages = j.value("fetched", uint64_t{0});
  a.bytes = j.value("bytes", uint64_t{0});
  a.unfetchable = j.value("unfetchable", uint64_t{0});
  if (j.contains("folders")) {
    for (const auto& f : j["folders"]) {
      FolderOutcome fo;
      fo.name = f.value("name", std::string());
      fo.new_messages = f.value("fetched", uint64_t{0});
      fo.bytes = f.value("bytes", uint64_t{0});
      fo.unfetchable = f.value("unfetchable", uint64_t{0});
      fo.error = f.value("error", std::string());
      // A folder stopped by SIGINT/SIGTERM is not a failure.
      if (fo.error.rfind("cancelled", 0) == 0) fo.error.clear();
      a.folders.push_back(std::move(fo));
    }
  }
  return a;
}

index::RunRecord RecordFrom(const AccountOutcome& a) {
  index::RunRecord r;
  r.started_at = a.started_at;
  r.ended_at = a.ended_at;
  r.account = a.name;
  r.folders = static_cast<int>(a.folders.size());
  r.new_messages = a.new_messages;
  r.bytes = a.bytes;
  r.unfetchable = a.unfetchable;
  r.exit_code = a.exit_code;
  if (!a.error.empty()) r.errors.push_back({"", a.error});
  for (const auto& f : a.folders) {
    if (!f.error.empty()) r.errors.push_back({f.name, f.error});
  }
  return r;
}

std::optional<DiskSpace> DiskOf(const std::string& path) {
  struct statvfs st;
  if (statvfs(path.c_str(), &st) != 0) return std::nullopt;
  DiskSpace d;
  d.path = path;
  d.free_bytes = static_cast<uint64_t>(st.f_bavail) * st.f_frsize;
  d.total_bytes = static_cast<uint64_t>(st.f_blocks) * st.f_frsize;
  return d;
}

}  // namespace

int RecordRunAndReport(CommandContext& ctx, const RunRecorderInput& in) {
  const Config& config = *in.config;
  RunSummary run;
  run.host = LocalHostName();
  run.exit_code = in.exit_code;
  run.disk = DiskOf(config.archive_root);
  run.disk_warning_percent = config.check.disk_free_warning_percent;
  int64_t now = in.now();
  run.started_at = now;
  run.ended_at = now;

  // One history row per account whose index exists (an account that failed
  // before its first sync has none, and gets none just for this).
  std::vector<std::unique_ptr<index::Index>> indexes;
  std::vector<int64_t> run_ids;
  std::optional<int> previous;
  for (size_t i = 0; i < in.accounts.size() && i < in.results->size(); ++i) {
    const AccountConfig& account = *in.accounts[i];
    AccountOutcome outcome = OutcomeFrom(account, (*in.results)[i]);
    run.started_at = std::min(run.started_at, outcome.started_at ? outcome.started_at : now);
    index::IndexOptions o;
    o.create_if_missing = false;
    auto idx = index::Index::Open(IndexPath(account), o);
    if (idx.ok()) {
      auto last = (*idx)->ListRuns(1);
      if (last.ok() && !last->empty()) {
        int code = last->front().exit_code;
        std::vector<ExitCode> both = {static_cast<ExitCode>(code)};
        if (previous) both.push_back(static_cast<ExitCode>(*previous));
        previous = WorstExitCode(both);
      }
      index::RunRecord record = RecordFrom(outcome);
      auto id = (*idx)->InsertRun(record);
      if (id.ok()) {
        indexes.push_back(std::move(idx).value());
        run_ids.push_back(*id);
      } else {
        ctx.PrintWarning(account.name + ": could not record the run: " + id.status().message());
      }
    }
    run.accounts.push_back(std::move(outcome));
  }

  if (!config.report || !ShouldSendReport(config.report->when, in.exit_code, previous)) {
    return in.exit_code;
  }
  const ReportConfig& rep = *config.report;
  ReportHeaders headers;
  headers.from = rep.from;
  headers.to = rep.to;
  headers.date = now;
  std::random_device rd;
  headers.message_id =
      MakeMessageId(now, (uint64_t{rd()} << 32) | rd(), rep.ehlo.empty() ? run.host : rep.ehlo);
  std::string message = BuildReportMessage(run, headers);
  auto routes = MakeReportRoutes(config);
  smtp::DeliveryOutcome sent =
      smtp::DeliverWithFallback(routes, smtp::Envelope{rep.from, rep.to}, message);
  for (const auto& f : sent.failures) ctx.PrintError("report: " + f);
  for (const auto& [rcpt, why] : sent.result.rejected) {
    ctx.PrintError("report: recipient " + rcpt + " refused: " + why);
  }
  std::string error;
  if (!sent.delivered) {
    for (const auto& f : sent.failures) error += (error.empty() ? "" : "; ") + f;
    ctx.PrintError("the report of this run could not be sent");
  } else if (!ctx.quiet && !ctx.json && sent.failures.size() + sent.result.rejected.size() > 0) {
    ctx.err << "mailhoard: report sent by " << sent.route << "\n";
  }
  for (size_t i = 0; i < indexes.size(); ++i) {
    (void)indexes[i]->SetRunReport(
        run_ids[i], sent.delivered ? index::ReportState::kSent : index::ReportState::kFailed,
        error);
  }
  if (sent.delivered || IsFailedRun(in.exit_code)) return in.exit_code;
  // The run itself was fine; only the report failed.
  ExitCode code = ExitCodeFor(sent.last_error);
  return code == kExitOk ? kExitTempFail : code;
}

}  // namespace mailhoard::cli
