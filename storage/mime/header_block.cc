#include "storage/mime/header_block.h"

#include "core/ascii.h"

#include "storage/mime/date.h"
#include "storage/mime/encoded_words.h"

namespace mailhoard::mime {
namespace {

bool IsBlank(char c) { return c == ' ' || c == '\t'; }

std::string_view TrimBlanks(std::string_view s) {
  while (!s.empty() && (IsBlank(s.front()) || s.front() == '\r' || s.front() == '\n'))
    s.remove_prefix(1);
  while (!s.empty() && (IsBlank(s.back()) || s.back() == '\r' || s.back() == '\n'))
    s.remove_suffix(1);
  return s;
}

// RFC 5322 §3.6.8: printable US-ASCII except ":" (no blanks; obs-optional
// allows blanks before the colon, trimmed by the caller).
bool IsFieldName(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c <= 32 || c >= 127 || c == ':') return false;
  }
  return true;
}

}  // namespace

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return EqualsIgnoreAsciiCase(a, b);
}

HeaderBlock HeaderBlock::Parse(std::string_view raw) {
  HeaderBlock block;
  bool current_valid = false;  // a continuation belongs to a skipped line otherwise
  size_t pos = 0;
  while (pos < raw.size()) {
    size_t nl = raw.find('\n', pos);
    size_t end = nl == std::string_view::npos ? raw.size() : nl;
    std::string_view line = raw.substr(pos, end - pos);
    pos = nl == std::string_view::npos ? raw.size() : nl + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) break;  // end of the header block
    if (IsBlank(line.front())) {
      // RFC 5322 §2.2.3: unfolding removes the CRLF, keeps the blank.
      if (current_valid) {
        std::string& v = block.fields_.back().value;
        std::string_view more = line;
        while (!more.empty() && IsBlank(more.back())) more.remove_suffix(1);
        if (v.empty()) {
          v.assign(TrimBlanks(more));
        } else if (!TrimBlanks(more).empty()) {
          v.append(more);
        }
      }
      continue;
    }
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) {
      current_valid = false;
      continue;
    }
    std::string_view name = line.substr(0, colon);
    while (!name.empty() && IsBlank(name.back())) name.remove_suffix(1);
    if (!IsFieldName(name)) {
      current_valid = false;
      continue;
    }
    block.fields_.push_back({std::string(name), std::string(TrimBlanks(line.substr(colon + 1)))});
    current_valid = true;
  }
  return block;
}

std::optional<std::string_view> HeaderBlock::First(std::string_view name) const {
  for (const HeaderField& f : fields_) {
    if (EqualsIgnoreCase(f.name, name)) return std::string_view(f.value);
  }
  return std::nullopt;
}

std::vector<std::string_view> HeaderBlock::All(std::string_view name) const {
  std::vector<std::string_view> out;
  for (const HeaderField& f : fields_) {
    if (EqualsIgnoreCase(f.name, name)) out.emplace_back(f.value);
  }
  return out;
}

std::optional<std::string> HeaderBlock::Decoded(std::string_view name) const {
  std::optional<std::string_view> v = First(name);
  if (!v) return std::nullopt;
  return DecodeHeaderText(*v);
}

std::optional<std::string> HeaderBlock::DecodedJoined(std::string_view name) const {
  std::vector<std::string_view> all = All(name);
  if (all.empty()) return std::nullopt;
  std::string out;
  for (std::string_view v : all) {
    std::string d = DecodeHeaderText(v);
    if (d.empty()) continue;
    if (!out.empty()) out += ", ";
    out += d;
  }
  return out;
}

std::optional<std::string> HeaderBlock::MessageId() const {
  std::optional<std::string_view> v = First("Message-ID");
  if (!v) return std::nullopt;
  return NormalizeMessageId(*v);
}

std::optional<std::time_t> HeaderBlock::Date() const {
  std::optional<std::string_view> v = First("Date");
  if (!v) return std::nullopt;
  return ParseDate(*v);
}

std::optional<std::string> NormalizeMessageId(std::string_view value) {
  // Drop RFC 5322 comments "(...)" (CFWS around msg-id) and blanks inside
  // the brackets (obs-id-left allows folding there).
  std::string clean;
  int depth = 0;
  for (size_t i = 0; i < value.size(); ++i) {
    char c = value[i];
    if (c == '\\' && depth > 0) {
      ++i;
      continue;
    }
    if (c == '(') {
      ++depth;
    } else if (c == ')' && depth > 0) {
      --depth;
    } else if (depth == 0) {
      clean.push_back(c == '\t' || c == '\r' || c == '\n' ? ' ' : c);
    }
  }
  std::string id;
  size_t lt = clean.find('<');
  size_t gt = lt == std::string::npos ? std::string::npos : clean.find('>', lt + 1);
  if (gt != std::string::npos) {
    for (size_t i = lt + 1; i < gt; ++i) {
      if (clean[i] != ' ') id.push_back(clean[i]);
    }
  } else {
    std::string_view s = TrimBlanks(clean);
    if (!s.empty() && s.front() == '<') s.remove_prefix(1);
    size_t sp = s.find(' ');
    id.assign(s.substr(0, sp));
  }
  if (id.empty() || id.size() > 998) return std::nullopt;
  for (char c : id) {
    if (static_cast<unsigned char>(c) < 32 || c == 127) return std::nullopt;
  }
  return id;
}

}  // namespace mailhoard::mime
