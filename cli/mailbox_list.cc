#include "cli/mailbox_list.h"

#include <cstdio>
#include <unordered_map>

namespace mailhoard::cli {
namespace {

std::string_view Trim(std::string_view s) {
  const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

// Deliberately loose (RFC 5321 allows far more than providers do), but
// strict where it matters to us: exactly one '@', both sides present, no
// whitespace or control bytes, no '/' (the address becomes a path and an
// account name "TENANT/ADDRESS").
std::string AddressProblem(std::string_view a) {
  if (a.size() > 320) return "longer than an address can be (320 bytes)";
  const size_t at = a.find('@');
  if (at == std::string_view::npos) return "expected an address like user@example.com";
  if (a.find('@', at + 1) != std::string_view::npos) return "more than one '@'";
  if (at == 0) return "nothing before the '@'";
  if (at + 1 == a.size()) return "nothing after the '@'";
  for (unsigned char c : a) {
    if (c <= ' ' || c == 0x7f) return "contains a space or control character";
    if (c == '/' || c == '\\') return "contains a slash";
  }
  return "";
}

}  // namespace

std::string LowerAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

Result<std::vector<MailboxEntry>> ParseMailboxList(std::string_view text,
                                                   const std::string& source_name) {
  std::vector<MailboxEntry> out;
  std::unordered_map<std::string, int> seen;  // lower-case address -> line
  int line = 0;
  while (!text.empty()) {
    ++line;
    const size_t nl = text.find('\n');
    std::string_view raw = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    const size_t hash = raw.find('#');
    const std::string_view entry = Trim(raw.substr(0, hash));
    if (entry.empty()) continue;
    const std::string where = source_name + ":" + std::to_string(line) + ": ";
    if (std::string problem = AddressProblem(entry); !problem.empty()) {
      return InvalidArgument(where + "\"" + std::string(entry.substr(0, 80)) + "\": " + problem);
    }
    auto [it, inserted] = seen.emplace(LowerAscii(entry), line);
    if (!inserted) {
      return InvalidArgument(where + std::string(entry) + " is already listed on line " +
                             std::to_string(it->second));
    }
    out.push_back({std::string(entry), line});
  }
  return out;
}

std::string MailboxDirName(std::string_view address) {
  std::string out;
  for (unsigned char c : LowerAscii(address)) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '@' || c == '_' ||
                       c == '+' || c == '-' || (c == '.' && !out.empty());
    if (plain) {
      out += static_cast<char>(c);
    } else {
      char hex[4];
      std::snprintf(hex, sizeof hex, "%%%02X", c);
      out += hex;
    }
  }
  return out;
}

}  // namespace mailhoard::cli
