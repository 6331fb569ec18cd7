// `mailhoard check` judged as a pure function: each state a monitoring
// system must tell apart, with the clock and thresholds given, and output
// that parses as a Nagios/Icinga plugin's (one summary line, perfdata after
// '|', findings below).
#include "cli/report/health_check.h"

#include <catch2/catch.hpp>
#include <regex>

namespace mailhoard::cli {
namespace {

constexpr int64_t kNow = 1'800'000'000;
constexpr int64_t kHour = 3600;
constexpr int64_t kDay = 86400;

index::RunRecord Run(int64_t ended_ago, int exit_code, std::vector<index::RunError> errors = {}) {
  index::RunRecord r;
  r.started_at = kNow - ended_ago - 60;
  r.ended_at = kNow - ended_ago;
  r.account = "work";
  r.exit_code = exit_code;
  r.errors = std::move(errors);
  return r;
}

HealthInput Healthy() {
  HealthInput in;
  in.now = kNow;
  AccountHealthFacts a;
  a.name = "work";
  a.runs = {Run(kHour, 0)};
  in.accounts.push_back(a);
  in.disk = DiskSpace{"/srv/hoard", 50'000'000'000, 100'000'000'000};
  return in;
}

// The plugin format: "MAILHOARD STATE - text | 'label'=value[unit];warn;crit;min;max ..."
void CheckPluginFormat(const std::string& out, const std::string& state) {
  std::string first = out.substr(0, out.find('\n'));
  INFO(out);
  CHECK(first.rfind("MAILHOARD " + state + " - ", 0) == 0);
  size_t bar = first.find(" | ");
  REQUIRE(bar != std::string::npos);
  std::regex datum(R"('[^']+'=-?[0-9.]+[a-z%]*(;[0-9.]*){0,4})");
  std::string perf = first.substr(bar + 3);
  size_t start = 0;
  while (start < perf.size()) {
    size_t sp = perf.find(' ', start);
    std::string one = perf.substr(start, sp == std::string::npos ? std::string::npos : sp - start);
    CHECK(std::regex_match(one, datum));
    if (sp == std::string::npos) break;
    start = sp + 1;
  }
}

TEST_CASE("check: a fresh successful run with room on disk is OK") {
  HealthResult r = EvaluateHealth(Healthy());
  CHECK(r.state == HealthState::kOk);
  CHECK(r.exit_code() == 0);
  CheckPluginFormat(r.Render(), "OK");
  CHECK(r.Render().find("'work_last_success_age'=3600s;86400;259200;0") != std::string::npos);
}

TEST_CASE("check: the last success ages into WARNING, then CRITICAL") {
  HealthInput in = Healthy();
  in.accounts[0].runs = {Run(2 * kHour, 75), Run(30 * kHour, 0)};
  HealthResult r = EvaluateHealth(in);
  CHECK(r.state == HealthState::kWarning);
  CHECK(r.exit_code() == 1);
  CheckPluginFormat(r.Render(), "WARNING");
  CHECK(r.Render().find("last successful sync 30 h ago (last run: exit 75)") != std::string::npos);
  in.accounts[0].runs = {Run(2 * kHour, 75), Run(4 * kDay, 0)};
  r = EvaluateHealth(in);
  CHECK(r.state == HealthState::kCritical);
  CHECK(r.exit_code() == 2);
  CheckPluginFormat(r.Render(), "CRITICAL");
}

TEST_CASE("check: never run is UNKNOWN, runs that never succeeded are CRITICAL") {
  HealthInput in = Healthy();
  in.accounts[0].runs.clear();
  CHECK(EvaluateHealth(in).state == HealthState::kUnknown);
  CHECK(EvaluateHealth(in).exit_code() == 3);
  in.accounts[0].runs = {Run(kHour, 75)};
  CHECK(EvaluateHealth(in).state == HealthState::kCritical);
}

TEST_CASE("check: a refresh token nearing Microsoft's 90 days, or one that stopped working") {
  HealthInput in = Healthy();
  in.accounts[0].oauth = true;
  in.accounts[0].refresh_token_obtained_at = kNow - 10 * kDay;
  CHECK(EvaluateHealth(in).state == HealthState::kOk);
  in.accounts[0].refresh_token_obtained_at = kNow - 80 * kDay;
  HealthResult r = EvaluateHealth(in);
  CHECK(r.state == HealthState::kWarning);
  CHECK(r.Render().find("mailhoard login work") != std::string::npos);
  in.accounts[0].refresh_token_obtained_at = kNow - 88 * kDay;
  CHECK(EvaluateHealth(in).state == HealthState::kCritical);
  in.accounts[0].refresh_token_obtained_at = kNow - kDay;
  in.accounts[0].runs = {Run(kHour, 77), Run(2 * kHour, 0)};  // 77: authentication needed
  r = EvaluateHealth(in);
  CHECK(r.state == HealthState::kCritical);
  CHECK(r.Render().find("no longer works") != std::string::npos);
  in.accounts[0].token_missing = true;
  CHECK(EvaluateHealth(in).state == HealthState::kCritical);
}

TEST_CASE("check: a folder failing run after run, unfetchable messages, an unsent report") {
  HealthInput in = Healthy();
  index::RunError e{"Archive/2019", "the server refused EXAMINE"};
  in.accounts[0].runs = {Run(kHour, 1, {e}), Run(2 * kHour, 1, {e}), Run(3 * kHour, 1, {e}),
                         Run(4 * kHour, 0)};
  in.accounts[0].last_success_at = kNow - 4 * kHour;
  HealthResult r = EvaluateHealth(in);
  CHECK(r.state == HealthState::kWarning);
  CHECK(r.Render().find("folder Archive/2019 failed in the last 3 runs") != std::string::npos);

  in = Healthy();
  in.accounts[0].unfetchable = {{"Inbox", 2}};
  r = EvaluateHealth(in);
  CHECK(r.state == HealthState::kWarning);
  CHECK(r.Render().find("2 messages could not be fetched in Inbox (2)") != std::string::npos);

  in = Healthy();
  in.accounts[0].runs[0].report = index::ReportState::kFailed;
  in.accounts[0].runs[0].report_error = "smtp.example.org:587: STARTTLS refused";
  r = EvaluateHealth(in);
  CHECK(r.state == HealthState::kWarning);
  CHECK(r.Render().find("could not be sent: smtp.example.org:587") != std::string::npos);
}

TEST_CASE("check: the archive disk nearly full, and unreadable") {
  HealthInput in = Healthy();
  in.disk = DiskSpace{"/srv/hoard", 8'000'000'000, 100'000'000'000};
  HealthResult r = EvaluateHealth(in);
  CHECK(r.state == HealthState::kWarning);
  CHECK(r.Render().find("the disk holding /srv/hoard has 8000.0 MB left") != std::string::npos);
  in.disk = DiskSpace{"/srv/hoard", 1'000'000'000, 100'000'000'000};
  CHECK(EvaluateHealth(in).state == HealthState::kCritical);
  in.disk.reset();
  CHECK(EvaluateHealth(in).state == HealthState::kUnknown);
}

TEST_CASE("check: CRITICAL in one account is not hidden by UNKNOWN in another") {
  HealthInput in = Healthy();
  AccountHealthFacts never;
  never.name = "new";
  in.accounts.push_back(never);
  in.accounts[0].runs = {Run(5 * kDay, 0)};
  CHECK(EvaluateHealth(in).state == HealthState::kCritical);
}

}  // namespace
}  // namespace mailhoard::cli
