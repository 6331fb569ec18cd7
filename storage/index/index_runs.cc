// Index: the run history (schema v3), bounded to kRunHistoryLimit rows.
#include "storage/index/index.h"
#include "storage/index/index_impl.h"

namespace mailhoard::index {

namespace {

constexpr char kInsertRun[] =
    "INSERT INTO runs (started_at, ended_at, account, folders, new_messages, bytes, unfetchable, "
    "exit_code, report, report_error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
constexpr char kInsertRunError[] =
    "INSERT INTO run_errors (run_id, folder, error) VALUES (?, ?, ?)";
// Cascades to run_errors.
constexpr char kPruneRuns[] = "DELETE FROM runs WHERE id <= (SELECT max(id) FROM runs) - ?";
constexpr char kSelectRuns[] =
    "SELECT id, started_at, ended_at, account, folders, new_messages, bytes, unfetchable, "
    "exit_code, report, report_error FROM runs ORDER BY id DESC LIMIT ?";
constexpr char kSelectRunErrors[] =
    "SELECT folder, error FROM run_errors WHERE run_id = ? ORDER BY rowid";
// Served by the partial index messages_unfetchable (schema v2).
constexpr char kCountUnfetchable[] =
    "SELECT folder_id, count(*) FROM messages WHERE unfetchable_reason IS NOT NULL "
    "GROUP BY folder_id ORDER BY folder_id";
constexpr char kLastSuccessfulRunEnd[] =
    "SELECT ended_at FROM runs WHERE exit_code = 0 ORDER BY id DESC LIMIT 1";
constexpr char kUpdateRunReport[] = "UPDATE runs SET report = ?, report_error = ? WHERE id = ?";

}  // namespace

Result<int64_t> Index::InsertRun(const RunRecord& run) {
  Transaction t(&impl_->db);
  MH_RETURN_IF_ERROR(t.Begin());
  Statement s = impl_->db.GetCachedStatement(kInsertRun);
  s.BindInt64(0, run.started_at);
  s.BindInt64(1, run.ended_at);
  s.BindText(2, run.account);
  s.BindInt64(3, run.folders);
  s.BindInt64(4, static_cast<int64_t>(run.new_messages));
  s.BindInt64(5, static_cast<int64_t>(run.bytes));
  s.BindInt64(6, static_cast<int64_t>(run.unfetchable));
  s.BindInt64(7, run.exit_code);
  s.BindInt64(8, static_cast<int64_t>(run.report));
  s.BindText(9, run.report_error);
  MH_RETURN_IF_ERROR(s.Run());
  int64_t id = impl_->db.last_insert_rowid();
  for (const auto& e : run.errors) {
    Statement es = impl_->db.GetCachedStatement(kInsertRunError);
    es.BindInt64(0, id);
    es.BindText(1, e.folder);
    es.BindText(2, e.error);
    MH_RETURN_IF_ERROR(es.Run());
  }
  Statement prune = impl_->db.GetCachedStatement(kPruneRuns);
  prune.BindInt64(0, kRunHistoryLimit);
  MH_RETURN_IF_ERROR(prune.Run());
  MH_RETURN_IF_ERROR(t.Commit());
  return id;
}

Status Index::SetRunReport(int64_t run_id, ReportState state, std::string_view error) {
  Statement s = impl_->db.GetCachedStatement(kUpdateRunReport);
  s.BindInt64(0, static_cast<int64_t>(state));
  s.BindText(1, error);
  s.BindInt64(2, run_id);
  MH_RETURN_IF_ERROR(s.Run());
  return impl_->ExpectChanged("run", run_id);
}

Result<std::vector<RunRecord>> Index::ListRuns(int limit) {
  std::vector<RunRecord> out;
  {
    Statement s = impl_->db.GetCachedStatement(kSelectRuns);
    s.BindInt64(0, limit);
    while (s.Step()) {
      RunRecord r;
      r.id = s.ColumnInt64(0);
      r.started_at = s.ColumnInt64(1);
      r.ended_at = s.ColumnInt64(2);
      r.account = s.ColumnText(3);
      r.folders = static_cast<int>(s.ColumnInt64(4));
      r.new_messages = static_cast<uint64_t>(s.ColumnInt64(5));
      r.bytes = static_cast<uint64_t>(s.ColumnInt64(6));
      r.unfetchable = static_cast<uint64_t>(s.ColumnInt64(7));
      r.exit_code = static_cast<int>(s.ColumnInt64(8));
      r.report = static_cast<ReportState>(s.ColumnInt64(9));
      r.report_error = s.ColumnText(10);
      out.push_back(std::move(r));
    }
    MH_RETURN_IF_ERROR(s.status());
  }
  for (auto& r : out) {
    Statement s = impl_->db.GetCachedStatement(kSelectRunErrors);
    s.BindInt64(0, r.id);
    while (s.Step()) r.errors.push_back({s.ColumnText(0), s.ColumnText(1)});
    MH_RETURN_IF_ERROR(s.status());
  }
  return out;
}

Result<std::optional<int64_t>> Index::LastSuccessfulRunEnd() {
  std::optional<int64_t> out;
  Statement s = impl_->db.GetCachedStatement(kLastSuccessfulRunEnd);
  if (s.Step()) out = s.ColumnInt64(0);
  MH_RETURN_IF_ERROR(s.status());
  return out;
}

Result<std::vector<std::pair<int64_t, uint64_t>>> Index::CountUnfetchable() {
  std::vector<std::pair<int64_t, uint64_t>> out;
  Statement s = impl_->db.GetCachedStatement(kCountUnfetchable);
  while (s.Step()) out.emplace_back(s.ColumnInt64(0), static_cast<uint64_t>(s.ColumnInt64(1)));
  MH_RETURN_IF_ERROR(s.status());
  return out;
}

}  // namespace mailhoard::index
