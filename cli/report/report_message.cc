#include "cli/report/report_message.h"

#include <cstdio>
#include <ctime>

#include "cli/report/mime_text.h"
#include "cli/report/report_policy.h"
#include "cli/report/run_advice.h"

namespace mailhoard::cli {
namespace {

std::string Join(const std::vector<std::string>& v, const char* sep) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : sep) + s;
  return out;
}

// Error texts come from servers and the OS: one line each in the report.
std::string OneLine(std::string s) {
  for (char& c : s) {
    if (c == '\r' || c == '\n' || c == '\t') c = ' ';
  }
  return s;
}

std::string Message(const std::string& subject, const std::string& body, const ReportHeaders& h) {
  std::string m;
  m += "Date: " + Rfc5322Date(h.date) + "\r\n";
  m += "From: " + h.from + "\r\n";
  m += "To: " + Join(h.to, ", ") + "\r\n";
  m += "Subject: " + EncodeHeaderText(subject) + "\r\n";
  m += "Message-ID: " + h.message_id + "\r\n";
  // RFC 3834: machine-made, so auto-responders leave it alone.
  m += "Auto-Submitted: auto-generated\r\n";
  m += "MIME-Version: 1.0\r\n";
  m += "Content-Type: text/plain; charset=UTF-8\r\n";
  m += "Content-Transfer-Encoding: quoted-printable\r\n";
  m += "\r\n";
  m += QuotedPrintable(body);
  if (m.size() < 2 || m.compare(m.size() - 2, 2, "\r\n") != 0) m += "\r\n";
  return m;
}

}  // namespace

std::string ReportSubject(const RunSummary& run) {
  uint64_t fresh = 0, bytes = 0;
  std::vector<std::string> failed;
  for (const auto& a : run.accounts) {
    fresh += a.new_messages;
    bytes += a.bytes;
    if (IsFailedRun(a.exit_code)) failed.push_back(a.name);
  }
  std::string s = "mailhoard on " + run.host + ": ";
  if (IsFailedRun(run.exit_code)) {
    s += "FAILED (exit " + std::to_string(run.exit_code) + ", " + ExitMeaning(run.exit_code) +
         ") \xE2\x80\x94 " + Join(failed, ", ");
  } else {
    s += "OK, " + Plural(fresh, "new message") + " (" + Megabytes(bytes) + ")";
  }
  return s;
}

std::string ReportBody(const RunSummary& run) {
  std::string b;
  b += "mailhoard sync on " + run.host + " " +
       (IsFailedRun(run.exit_code) ? "FAILED" : "succeeded") + " with exit status " +
       std::to_string(run.exit_code) + " (" + ExitMeaning(run.exit_code) + ").\n";
  b += "Run from " + UtcMinute(run.started_at) + " to " + UtcMinute(run.ended_at) + ".\n\n";
  auto advice = RunAdvice(run);
  if (!advice.empty()) {
    b += "What to do:\n";
    for (const auto& a : advice) b += "  * " + a + "\n";
    b += "\n";
  }
  for (const auto& a : run.accounts) {
    b += a.name + ": " + Plural(a.new_messages, "new message") + " (" + Megabytes(a.bytes) +
         "), exit " + std::to_string(a.exit_code) + " (" + ExitMeaning(a.exit_code) + ")\n";
    if (!a.error.empty()) b += "  error: " + OneLine(a.error) + "\n";
    for (const auto& f : a.folders) {
      if (f.error.empty() && f.new_messages == 0 && f.unfetchable == 0) continue;
      b += "  " + f.name + ": ";
      if (!f.error.empty()) {
        b += "FAILED: " + OneLine(f.error);
      } else {
        b += Plural(f.new_messages, "new message") + " (" + Megabytes(f.bytes) + ")";
      }
      if (f.unfetchable) b += ", " + Plural(f.unfetchable, "message") + " could not be fetched";
      b += "\n";
    }
  }
  if (run.disk) {
    b += "\nArchive " + run.disk->path + ": " + Megabytes(run.disk->free_bytes) + " free of " +
         Megabytes(run.disk->total_bytes) + ".\n";
  }
  b += "\n-- \nSent by mailhoard on " + run.host + " ([report] in its config decides when).\n";
  return b;
}

std::string BuildReportMessage(const RunSummary& run, const ReportHeaders& headers) {
  return Message(ReportSubject(run), ReportBody(run), headers);
}

std::string BuildTestMessage(const std::string& host, const ReportHeaders& headers) {
  std::string body = "This is a test report from mailhoard on " + host +
                     ", sent by `mailhoard report --test`.\n\n"
                     "If you read this, reports of unattended runs will reach you.\n";
  return Message("mailhoard on " + host + ": test report", body, headers);
}

std::string MakeMessageId(int64_t unix_seconds, uint64_t random, const std::string& host) {
  time_t t = static_cast<time_t>(unix_seconds);
  tm tm_utc;
  gmtime_r(&t, &tm_utc);
  char buf[96];
  strftime(buf, sizeof buf, "%Y%m%d%H%M%S", &tm_utc);
  char rnd[24];
  snprintf(rnd, sizeof rnd, "%016llx", static_cast<unsigned long long>(random));
  return std::string("<") + buf + "." + rnd + "@" + host + ">";
}

}  // namespace mailhoard::cli
