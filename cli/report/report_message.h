// The report mail: a pure function from a run summary to an RFC 5322
// message (plain text, UTF-8, quoted-printable, CRLF). Only what the run
// summary holds goes in — counts, folder names, error messages that were
// already made safe to print — so no password or token can appear.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "cli/report/run_summary.h"

namespace mailhoard::cli {

struct ReportHeaders {
  std::string from;
  std::vector<std::string> to;
  int64_t date = 0;        // Unix seconds
  std::string message_id;  // "<unique@host>"
};

std::string ReportSubject(const RunSummary& run);
// The text (LF line ends) before transfer encoding.
std::string ReportBody(const RunSummary& run);
std::string BuildReportMessage(const RunSummary& run, const ReportHeaders& headers);

// `mailhoard report --test`: says where it came from and by which route.
std::string BuildTestMessage(const std::string& host, const ReportHeaders& headers);

// "<20261204210742.3f9a…@host>" from the time and 64 random bits.
std::string MakeMessageId(int64_t unix_seconds, uint64_t random, const std::string& host);

}  // namespace mailhoard::cli
