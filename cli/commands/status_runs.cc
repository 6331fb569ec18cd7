#include "cli/commands/status_runs.h"

#include <algorithm>
#include <string>

#include "cli/report/mime_text.h"
#include "storage/index/index.h"

namespace mailhoard::cli {
namespace {

std::optional<int64_t> MetaTime(index::Index& idx, const char* key) {
  auto v = idx.GetMeta(key);
  if (!v.ok() || !v->has_value()) return std::nullopt;
  try {
    return std::stoll(**v);
  } catch (...) {
    return std::nullopt;  // a damaged value is as good as none
  }
}

std::optional<int64_t> Newer(std::optional<int64_t> a, std::optional<int64_t> b) {
  if (!a) return b;
  if (!b) return a;
  return std::max(*a, *b);
}

std::string Duration(int64_t seconds) {
  if (seconds < 0) seconds = 0;
  if (seconds < 120) return std::to_string(seconds) + " s";
  if (seconds < 7200) return std::to_string(seconds / 60) + " min";
  return std::to_string(seconds / 3600) + " h " + std::to_string(seconds % 3600 / 60) + " min";
}

}  // namespace

const char* ReportStateName(index::ReportState state) {
  switch (state) {
    case index::ReportState::kNotNeeded:
      return "not needed";
    case index::ReportState::kSent:
      return "sent";
    case index::ReportState::kFailed:
      return "failed";
    case index::ReportState::kPending:
      return "pending";
  }
  return "?";
}

LastRunTimes ReadLastRunTimes(index::Index& index, const std::vector<index::RunRecord>& newest) {
  LastRunTimes t;
  if (!newest.empty()) t.last_run_at = newest.front().ended_at;
  auto success = index.LastSuccessfulRunEnd();
  if (success.ok()) t.last_success_at = *success;
  t.last_run_at = Newer(t.last_run_at, MetaTime(index, "last_run_at"));
  t.last_success_at = Newer(t.last_success_at, MetaTime(index, "last_success_at"));
  return t;
}

nlohmann::json RunsJson(const std::vector<index::RunRecord>& runs) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& r : runs) {
    nlohmann::json errors = nlohmann::json::array();
    for (const auto& e : r.errors) errors.push_back({{"folder", e.folder}, {"error", e.error}});
    nlohmann::json j = {{"started_at", r.started_at},
                        {"ended_at", r.ended_at},
                        {"seconds", std::max<int64_t>(0, r.ended_at - r.started_at)},
                        {"folders", r.folders},
                        {"new_messages", r.new_messages},
                        {"bytes", r.bytes},
                        {"unfetchable", r.unfetchable},
                        {"exit_code", r.exit_code},
                        {"errors", errors},
                        {"report", ReportStateName(r.report)}};
    if (!r.report_error.empty()) j["report_error"] = r.report_error;
    out.push_back(std::move(j));
  }
  return out;
}

void PrintRuns(std::ostream& out, const std::vector<index::RunRecord>& runs) {
  if (runs.empty()) return;
  out << "  recent runs (newest first):\n";
  for (const auto& r : runs) {
    out << "    " << UtcMinute(r.started_at) << ", " << Duration(r.ended_at - r.started_at)
        << ": exit " << r.exit_code << ", " << r.new_messages << " new (" << Megabytes(r.bytes)
        << ")";
    if (r.unfetchable) out << ", " << r.unfetchable << " unfetchable";
    if (!r.errors.empty()) {
      out << ", " << r.errors.size() << " error" << (r.errors.size() == 1 ? "" : "s");
    }
    if (r.report != index::ReportState::kNotNeeded) {
      out << ", report " << ReportStateName(r.report);
    }
    out << "\n";
    for (const auto& e : r.errors) {
      out << "      " << (e.folder.empty() ? "" : e.folder + ": ") << e.error << "\n";
    }
    if (r.report == index::ReportState::kFailed && !r.report_error.empty()) {
      out << "      report not sent: " << r.report_error << "\n";
    }
  }
}

}  // namespace mailhoard::cli
