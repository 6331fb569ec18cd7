#include "storage/mbox/entry_headers.h"

#include <ctime>
#include <sstream>

#include "storage/mime/header_block.h"

namespace mailhoard::mbox {
namespace {

constexpr size_t kMaxAddress = 254;  // RFC 5321 §4.5.3.1.3 path limit

// The address of an address-list field: inside the first <...>, else the
// value up to the first ',' without (comments). Empty when unusable.
std::string AddressIn(std::string_view value) {
  std::string_view addr;
  size_t lt = value.find('<');
  if (lt != std::string_view::npos) {
    size_t gt = value.find('>', lt + 1);
    if (gt == std::string_view::npos) return "";
    addr = value.substr(lt + 1, gt - lt - 1);
  } else {
    addr = value.substr(0, value.find(','));
    size_t paren = addr.find('(');
    if (paren != std::string_view::npos) addr = addr.substr(0, paren);
  }
  while (!addr.empty() && (addr.front() == ' ' || addr.front() == '\t')) addr.remove_prefix(1);
  while (!addr.empty() && (addr.back() == ' ' || addr.back() == '\t')) addr.remove_suffix(1);
  if (addr.size() > kMaxAddress) return "";
  for (unsigned char c : addr) {
    if (c <= ' ' || c == 127) return "";
  }
  return std::string(addr);
}

}  // namespace

std::string EnvelopeSender(std::string_view header_block) {
  const mime::HeaderBlock header = mime::HeaderBlock::Parse(header_block);
  if (auto rp = header.First("Return-Path")) {
    // "<>" is the null sender of a bounce.
    std::string addr = AddressIn(*rp);
    if (!addr.empty()) return addr;
    if (rp->find("<>") != std::string_view::npos) return "MAILER-DAEMON";
  }
  if (auto from = header.First("From")) {
    std::string addr = AddressIn(*from);
    if (!addr.empty()) return addr;
  }
  return "MAILER-DAEMON";
}

std::string FromLine(std::string_view sender, int64_t unix_seconds) {
  time_t t = static_cast<time_t>(unix_seconds);
  tm utc{};
  gmtime_r(&t, &utc);
  char date[64];
  // asctime(): "Thu Nov 27 05:23:00 2026" (day of month padded with a blank).
  strftime(date, sizeof date, "%a %b %e %H:%M:%S %Y", &utc);
  return "From " + std::string(sender) + " " + date;
}

std::vector<std::string> FlagHeaders(std::string_view maildir_flags, std::string_view keywords) {
  auto has = [&](char c) { return maildir_flags.find(c) != std::string_view::npos; };
  std::vector<std::string> out;
  out.push_back(std::string("Status: ") + (has('S') ? "RO" : "O"));
  std::string x;
  if (has('R')) x += 'A';
  if (has('F')) x += 'F';
  if (has('D')) x += 'T';
  if (has('T')) x += 'D';
  if (!x.empty()) out.push_back("X-Status: " + x);
  std::istringstream words{std::string(keywords)};
  std::string kw, all;
  while (words >> kw) all += (all.empty() ? "" : " ") + kw;
  if (!all.empty()) out.push_back("X-Keywords: " + all);
  return out;
}

std::vector<std::string> FlagHeaderNames() { return {"Status", "X-Status", "X-Keywords"}; }

}  // namespace mailhoard::mbox
