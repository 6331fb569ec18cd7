// The report mail as a pure function of a run: every failing folder named on
// its own line with its cause, counts per account and folder, advice in
// plain words, and nothing but what the run summary holds.
#include "cli/report/report_message.h"

#include <catch2/catch.hpp>
#include <sstream>

namespace mailhoard::cli {
namespace {

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

bool HasLine(const std::vector<std::string>& lines, const std::string& want) {
  for (const auto& l : lines) {
    if (l == want) return true;
  }
  return false;
}

RunSummary TwoAccounts() {
  RunSummary run;
  run.host = "backup";
  run.started_at = 1796000000;
  run.ended_at = 1796000090;
  run.exit_code = 77;
  AccountOutcome work;
  work.name = "work";
  work.exit_code = 1;
  work.new_messages = 5;
  work.bytes = 2'500'000;
  work.folders = {
      {"INBOX", 5, 2'500'000, 0, ""},
      {"Archive/2019", 0, 0, 0, "SELECT failed: NO [NOPERM] Permission denied"},
      // A server's error text may hold line breaks: still one line.
      {"Shared/Team", 0, 0, 0, "EXAMINE failed:\r\nNO [SERVERBUG] Internal error"},
      {"Sent", 0, 0, 2, ""},
      {"Drafts", 0, 0, 0, ""},  // nothing happened: not listed
  };
  work.unfetchable = 2;
  AccountOutcome home;
  home.name = "home";
  home.oauth = true;
  home.exit_code = 77;
  home.error = "token refresh failed: invalid_grant (AADSTS70000)";
  run.accounts = {work, home};
  return run;
}

TEST_CASE("the report body names each failing folder with its cause, one line each") {
  auto lines = Lines(ReportBody(TwoAccounts()));
  INFO(ReportBody(TwoAccounts()));
  CHECK(HasLine(lines, "  Archive/2019: FAILED: SELECT failed: NO [NOPERM] Permission denied"));
  CHECK(HasLine(lines, "  Shared/Team: FAILED: EXAMINE failed:  NO [SERVERBUG] Internal error"));
  CHECK(HasLine(lines, "  INBOX: 5 new messages (2.5 MB)"));
  CHECK(HasLine(lines, "  Sent: 0 new messages (0.0 MB), 2 messages could not be fetched"));
  for (const auto& l : lines) CHECK(l.find("Drafts") == std::string::npos);
  CHECK(HasLine(lines, "work: 5 new messages (2.5 MB), exit 1 (some folders or messages failed)"));
  CHECK(HasLine(lines, "home: 0 new messages (0.0 MB), exit 77 (authentication needed)"));
  CHECK(HasLine(lines, "  error: token refresh failed: invalid_grant (AADSTS70000)"));
}

TEST_CASE("the report says what to do: log in again, failed folders retried, unfetchable") {
  std::string body = ReportBody(TwoAccounts());
  CHECK(body.find("FAILED with exit status 77 (authentication needed)") != std::string::npos);
  CHECK(body.find("run `mailhoard login home`: the refresh token was revoked") !=
        std::string::npos);
  CHECK(body.find("retries the 2 failed folders of work") != std::string::npos);
  CHECK(body.find("run `mailhoard folders work` to see why 2 messages") != std::string::npos);
}

TEST_CASE("the subject says FAILED and names the failed accounts, or OK with the counts") {
  RunSummary run = TwoAccounts();
  std::string s = ReportSubject(run);
  CHECK(s.find("mailhoard on backup: FAILED (exit 77, authentication needed)") == 0);
  CHECK(s.find("work, home") != std::string::npos);
  run.exit_code = 0;
  run.accounts = {run.accounts[0]};
  run.accounts[0].exit_code = 0;
  run.accounts[0].folders = {{"INBOX", 5, 2'500'000, 0, ""}};
  CHECK(ReportSubject(run) == "mailhoard on backup: OK, 5 new messages (2.5 MB)");
}

TEST_CASE("the message: headers, quoted-printable body, CRLF, the folder cause survives") {
  ReportHeaders h{
      "hoard@example.org", {"a@example.org", "b@example.org"}, 1796000090, "<x@backup>"};
  std::string m = BuildReportMessage(TwoAccounts(), h);
  CHECK(m.find("From: hoard@example.org\r\n") != std::string::npos);
  CHECK(m.find("To: a@example.org, b@example.org\r\n") != std::string::npos);
  CHECK(m.find("Message-ID: <x@backup>\r\n") != std::string::npos);
  CHECK(m.find("Content-Transfer-Encoding: quoted-printable\r\n") != std::string::npos);
  // No bare LF anywhere (RFC 5322 2.3).
  for (size_t i = 0; i < m.size(); ++i) {
    if (m[i] == '\n') REQUIRE((i > 0 && m[i - 1] == '\r'));
  }
  CHECK(m.find("Archive/2019: FAILED: SELECT failed: NO [NOPERM] Permission denied") !=
        std::string::npos);
}

}  // namespace
}  // namespace mailhoard::cli
