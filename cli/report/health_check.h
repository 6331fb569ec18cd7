// `mailhoard check` as a pure function: facts read from the indexes, token
// stores and the disk, plus the time, in; a monitoring plugin's verdict out
// (Nagios/Icinga convention: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN; one
// summary line with perfdata, then one line per finding).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cli/config_types.h"
#include "cli/report/run_summary.h"
#include "storage/index/run_record.h"

namespace mailhoard::cli {

enum class HealthState { kOk = 0, kWarning = 1, kCritical = 2, kUnknown = 3 };
const char* ToString(HealthState s);  // "OK", "WARNING", ...

struct AccountHealthFacts {
  std::string name;
  bool synced = true;                      // false: no index yet
  std::vector<index::RunRecord> runs;      // newest first
  std::optional<int64_t> last_success_at;  // from the index's meta (older builds)
  bool oauth = false;
  bool token_missing = false;  // OAuth account never signed in (or file unreadable)
  std::optional<int64_t> refresh_token_obtained_at;
  // Messages the server listed and would not deliver, per folder.
  std::vector<std::pair<std::string, uint64_t>> unfetchable;
};

struct HealthInput {
  std::vector<AccountHealthFacts> accounts;
  std::optional<DiskSpace> disk;  // nullopt: could not be read
  CheckConfig thresholds;
  int64_t now = 0;
};

struct HealthFinding {
  HealthState state;
  std::string account;  // empty: the archive as a whole (disk)
  std::string text;
};

struct PerfDatum {
  std::string label;
  double value = 0;
  std::string unit;  // "s", "%", "" …
  std::optional<double> warn, crit, min, max;
};

struct HealthResult {
  HealthState state = HealthState::kOk;
  std::vector<HealthFinding> findings;  // worst first
  std::vector<PerfDatum> perfdata;

  int exit_code() const { return static_cast<int>(state); }
  // "MAILHOARD WARNING - work: … | 'work_last_success_age'=…" then one line
  // per finding.
  std::string Render() const;
};

HealthResult EvaluateHealth(const HealthInput& input);

// 'label'=value[unit];[warn];[crit];[min];[max] (Nagios plugin guidelines).
std::string FormatPerfDatum(const PerfDatum& d);

}  // namespace mailhoard::cli
