#include "cli/report/health_check.h"

#include <algorithm>
#include <cstdio>
#include <map>

#include "cli/exit_codes.h"
#include "cli/report/mime_text.h"

namespace mailhoard::cli {
namespace {

// CRITICAL beats WARNING beats UNKNOWN beats OK: an account that cannot be
// judged must not hide one that is known to be broken.
int Severity(HealthState s) {
  switch (s) {
    case HealthState::kOk:
      return 0;
    case HealthState::kUnknown:
      return 1;
    case HealthState::kWarning:
      return 2;
    case HealthState::kCritical:
      return 3;
  }
  return 0;
}

std::string Hours(int64_t seconds) {
  if (seconds < 2 * 3600) return std::to_string(seconds / 60) + " min";
  if (seconds < 72 * 3600) return std::to_string(seconds / 3600) + " h";
  return std::to_string(seconds / 86400) + " days";
}

struct Collector {
  HealthResult* r;
  void Add(HealthState s, const std::string& account, std::string text) {
    r->findings.push_back({s, account, std::move(text)});
  }
};

void CheckLastSuccess(const AccountHealthFacts& a, const HealthInput& in, Collector& c,
                      HealthResult& r) {
  std::optional<int64_t> last = a.last_success_at;
  for (const auto& run : a.runs) {
    if (run.exit_code == kExitOk) {
      if (!last || run.ended_at > *last) last = run.ended_at;
      break;
    }
  }
  const CheckConfig& t = in.thresholds;
  int64_t warn = int64_t{t.last_success_warning_hours} * 3600;
  int64_t crit = int64_t{t.last_success_critical_hours} * 3600;
  if (!last) {
    c.Add(a.runs.empty() ? HealthState::kUnknown : HealthState::kCritical, a.name,
          a.runs.empty() ? "no run recorded yet" : "no run has succeeded yet");
    return;
  }
  int64_t age = std::max<int64_t>(0, in.now - *last);
  r.perfdata.push_back({a.name + "_last_success_age", static_cast<double>(age), "s",
                        static_cast<double>(warn), static_cast<double>(crit), 0.0, std::nullopt});
  if (age < warn) return;
  std::string why;
  if (!a.runs.empty() && a.runs.front().exit_code != kExitOk) {
    why = " (last run: exit " + std::to_string(a.runs.front().exit_code) + ")";
  }
  c.Add(age >= crit ? HealthState::kCritical : HealthState::kWarning, a.name,
        "last successful sync " + Hours(age) + " ago" + why);
}

void CheckToken(const AccountHealthFacts& a, const HealthInput& in, Collector& c, HealthResult& r) {
  if (!a.oauth) return;
  const std::string login = "run `mailhoard login " + a.name + "`";
  if (!a.runs.empty() && a.runs.front().exit_code == kExitAuth) {
    c.Add(HealthState::kCritical, a.name,
          "the sign-in no longer works (the last run could not refresh its token): " + login);
  }
  if (a.token_missing) {
    c.Add(HealthState::kCritical, a.name, "not signed in: " + login);
    return;
  }
  if (!a.refresh_token_obtained_at) return;
  int64_t days = std::max<int64_t>(0, in.now - *a.refresh_token_obtained_at) / 86400;
  const CheckConfig& t = in.thresholds;
  r.perfdata.push_back({a.name + "_token_idle", static_cast<double>(days), "d",
                        static_cast<double>(t.token_idle_warning_days),
                        static_cast<double>(t.token_idle_critical_days), 0.0, 90.0});
  if (days < t.token_idle_warning_days) return;
  c.Add(days >= t.token_idle_critical_days ? HealthState::kCritical : HealthState::kWarning, a.name,
        "refresh token unused for " + std::to_string(days) +
            " days; Microsoft expires it after 90: " + login + " (or let a sync use it)");
}

void CheckFolders(const AccountHealthFacts& a, const HealthInput& in, Collector& c,
                  HealthResult& r) {
  // For each folder that failed in the newest run: in how many runs in a
  // row (newest first) it failed.
  std::map<std::string, std::string> last_error;
  if (!a.runs.empty()) {
    for (const auto& e : a.runs.front().errors) {
      if (!e.folder.empty()) last_error.emplace(e.folder, e.error);
    }
  }
  std::map<std::string, int> streak;
  for (const auto& [folder, _] : last_error) {
    int n = 0;
    for (const auto& run : a.runs) {
      bool failed = std::any_of(run.errors.begin(), run.errors.end(),
                                [&](const index::RunError& e) { return e.folder == folder; });
      if (!failed) break;
      ++n;
    }
    streak[folder] = n;
  }
  const CheckConfig& t = in.thresholds;
  int failing = 0;
  for (const auto& [folder, n] : streak) {
    if (n < t.folder_failures_warning) continue;
    ++failing;
    c.Add(n >= t.folder_failures_critical ? HealthState::kCritical : HealthState::kWarning, a.name,
          "folder " + folder + " failed in the last " + std::to_string(n) +
              " runs: " + last_error[folder]);
  }
  r.perfdata.push_back({a.name + "_failing_folders", static_cast<double>(failing), "", std::nullopt,
                        std::nullopt, 0.0, std::nullopt});
  uint64_t unfetchable = 0;
  std::string where;
  for (const auto& [folder, n] : a.unfetchable) {
    if (n == 0) continue;
    unfetchable += n;
    where += (where.empty() ? "" : ", ") + folder + " (" + std::to_string(n) + ")";
  }
  r.perfdata.push_back({a.name + "_unfetchable", static_cast<double>(unfetchable), "", std::nullopt,
                        std::nullopt, 0.0, std::nullopt});
  if (unfetchable) {
    c.Add(HealthState::kWarning, a.name,
          std::to_string(unfetchable) + " message" + (unfetchable == 1 ? "" : "s") +
              " could not be fetched in " + where + ": `mailhoard folders " + a.name +
              "` shows why");
  }
}

void CheckReport(const AccountHealthFacts& a, Collector& c) {
  for (const auto& run : a.runs) {
    if (run.report == index::ReportState::kNotNeeded) continue;
    if (run.report == index::ReportState::kFailed || run.report == index::ReportState::kPending) {
      c.Add(HealthState::kWarning, a.name,
            "the report of the run at " + UtcMinute(run.started_at) +
                " could not be sent: " + (run.report_error.empty() ? "unknown" : run.report_error));
    }
    return;  // only the latest report counts
  }
}

void CheckDisk(const HealthInput& in, Collector& c, HealthResult& r) {
  if (!in.disk || in.disk->total_bytes == 0) {
    c.Add(HealthState::kUnknown, "", "free space of the archive disk could not be read");
    return;
  }
  double percent =
      100.0 * static_cast<double>(in.disk->free_bytes) / static_cast<double>(in.disk->total_bytes);
  const CheckConfig& t = in.thresholds;
  r.perfdata.push_back({"archive_free", percent, "%",
                        static_cast<double>(t.disk_free_warning_percent),
                        static_cast<double>(t.disk_free_critical_percent), 0.0, 100.0});
  if (percent >= t.disk_free_warning_percent) return;
  char buf[160];
  snprintf(buf, sizeof buf, "the disk holding %s has %.1f MB left (%.1f%% free)",
           in.disk->path.c_str(), static_cast<double>(in.disk->free_bytes) / 1e6, percent);
  c.Add(percent < t.disk_free_critical_percent ? HealthState::kCritical : HealthState::kWarning, "",
        buf);
}

std::string Number(double v) {
  char buf[32];
  if (v == static_cast<double>(static_cast<int64_t>(v))) {
    snprintf(buf, sizeof buf, "%lld", static_cast<long long>(v));
  } else {
    snprintf(buf, sizeof buf, "%.2f", v);
  }
  return buf;
}

}  // namespace

const char* ToString(HealthState s) {
  switch (s) {
    case HealthState::kOk:
      return "OK";
    case HealthState::kWarning:
      return "WARNING";
    case HealthState::kCritical:
      return "CRITICAL";
    case HealthState::kUnknown:
      return "UNKNOWN";
  }
  return "UNKNOWN";
}

HealthResult EvaluateHealth(const HealthInput& in) {
  HealthResult r;
  Collector c{&r};
  for (const auto& a : in.accounts) {
    if (!a.synced) {
      c.Add(HealthState::kUnknown, a.name, "never synced: run `mailhoard sync " + a.name + "`");
      continue;
    }
    CheckLastSuccess(a, in, c, r);
    CheckToken(a, in, c, r);
    CheckFolders(a, in, c, r);
    CheckReport(a, c);
  }
  CheckDisk(in, c, r);
  std::stable_sort(r.findings.begin(), r.findings.end(),
                   [](const HealthFinding& x, const HealthFinding& y) {
                     return Severity(x.state) > Severity(y.state);
                   });
  for (const auto& f : r.findings) {
    if (Severity(f.state) > Severity(r.state)) r.state = f.state;
  }
  return r;
}

std::string FormatPerfDatum(const PerfDatum& d) {
  auto opt = [](const std::optional<double>& v) { return v ? Number(*v) : std::string(); };
  std::string s = "'" + d.label + "'=" + Number(d.value) + d.unit + ";" + opt(d.warn) + ";" +
                  opt(d.crit) + ";" + opt(d.min) + ";" + opt(d.max);
  while (!s.empty() && s.back() == ';') s.pop_back();
  return s;
}

std::string HealthResult::Render() const {
  std::string line = std::string("MAILHOARD ") + ToString(state) + " - ";
  if (findings.empty()) {
    line += "all accounts synced recently, nothing needs attention";
  } else {
    const HealthFinding& f = findings.front();
    line += (f.account.empty() ? "" : f.account + ": ") + f.text;
    if (findings.size() > 1) line += " (+" + std::to_string(findings.size() - 1) + " more)";
  }
  // '|' separates perfdata; it must not appear in the text part.
  std::replace(line.begin(), line.end(), '|', '/');
  if (!perfdata.empty()) {
    line += " |";
    for (const auto& d : perfdata) line += " " + FormatPerfDatum(d);
  }
  line += "\n";
  for (const auto& f : findings) {
    std::string l = std::string(ToString(f.state)) + ": " +
                    (f.account.empty() ? "" : f.account + ": ") + f.text;
    std::replace(l.begin(), l.end(), '|', '/');
    line += l + "\n";
  }
  return line;
}

}  // namespace mailhoard::cli
