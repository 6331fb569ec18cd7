#include "storage/maildir/message_name.h"

#include "core/ascii.h"

#include <algorithm>
#include <charconv>

namespace mailhoard::maildir {
namespace {

struct Letter {
  char letter;
  MaildirFlag flag;
  const char* name;
};

// ASCII order; the order FlagLetters emits.
constexpr Letter kLetters[] = {
    {'D', kFlagDraft, "\\Draft"},     {'F', kFlagFlagged, "\\Flagged"},
    {'P', kFlagPassed, "$Forwarded"}, {'R', kFlagReplied, "\\Answered"},
    {'S', kFlagSeen, "\\Seen"},       {'T', kFlagTrashed, "\\Deleted"},
};

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return EqualsIgnoreAsciiCase(a, b);
}

template <typename T>
std::optional<T> ParseNumber(std::string_view s) {
  T v{};
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

}  // namespace

MaildirFlags FlagsFromLetters(std::string_view letters, std::string* unknown) {
  MaildirFlags flags = 0;
  for (char c : letters) {
    bool known = false;
    for (const Letter& l : kLetters) {
      if (c == l.letter) {
        flags |= l.flag;
        known = true;
      }
    }
    if (!known && unknown && unknown->find(c) == std::string::npos) unknown->push_back(c);
  }
  return flags;
}

std::string FlagLetters(MaildirFlags flags) {
  std::string out;
  for (const Letter& l : kLetters) {
    if (flags & l.flag) out.push_back(l.letter);
  }
  return out;
}

SplitFlags SplitFlagNames(const std::vector<std::string>& names) {
  SplitFlags out;
  for (const std::string& name : names) {
    bool matched = false;
    for (const Letter& l : kLetters) {
      if (EqualsIgnoreCase(name, l.name)) {
        out.flags |= l.flag;
        matched = true;
      }
    }
    if (EqualsIgnoreCase(name, "Passed") || EqualsIgnoreCase(name, "\\Passed")) {
      out.flags |= kFlagPassed;
      matched = true;
    }
    if (matched || EqualsIgnoreCase(name, "\\Recent") || name.empty()) continue;
    if (std::find(out.keywords.begin(), out.keywords.end(), name) == out.keywords.end()) {
      out.keywords.push_back(name);
    }
  }
  return out;
}

std::vector<std::string> FlagNames(MaildirFlags flags) {
  std::vector<std::string> out;
  for (const Letter& l : kLetters) {
    if (flags & l.flag) out.emplace_back(l.name);
  }
  return out;
}

Result<ParsedName> ParseMessageName(std::string_view name) {
  if (name.empty() || name.front() == '.' || name.find('/') != std::string_view::npos) {
    return InvalidArgument("not a Maildir message file name: \"" + std::string(name) + "\"");
  }
  ParsedName out;
  // The host part of the unique name has ':' escaped, so the last ':' starts
  // the info. Only version 2 info carries flags; version 1 is experimental.
  std::string_view base = name;
  size_t colon = name.rfind(':');
  if (colon != std::string_view::npos) {
    base = name.substr(0, colon);
    std::string_view info = name.substr(colon + 1);
    if (info.size() >= 2 && info[0] == '2' && info[1] == ',') {
      out.has_info = true;
      out.flags = FlagsFromLetters(info.substr(2), &out.other_flags);
    }
  }
  out.base = std::string(base);
  size_t comma = base.find(',');
  out.unique = std::string(base.substr(0, comma));
  while (comma != std::string_view::npos) {
    size_t next = base.find(',', comma + 1);
    std::string_view field = base.substr(
        comma + 1, next == std::string_view::npos ? std::string_view::npos : next - comma - 1);
    if (field.size() > 2 && field[1] == '=') {
      if (field[0] == 'U') out.uid = ParseNumber<uint32_t>(field.substr(2));
      if (field[0] == 'S') out.size = ParseNumber<uint64_t>(field.substr(2));
    }
    comma = next;
  }
  return out;
}

std::string WithFlags(const ParsedName& parsed, MaildirFlags flags) {
  std::string letters = FlagLetters(flags) + parsed.other_flags;
  std::sort(letters.begin(), letters.end());
  return parsed.base + ":2," + letters;
}

}  // namespace mailhoard::maildir
