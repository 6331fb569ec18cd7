#include "storage/mime/content_type.h"

#include <algorithm>
#include <map>

#include "storage/mime/charset.h"

namespace mailhoard::mime {
namespace {

constexpr size_t kMaxParams = 64;
constexpr size_t kMaxValue = 8 * 1024;
constexpr int kMaxSegment = 999;

bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string Lower(std::string_view s) {
  std::string r(s);
  for (char& c : r) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return r;
}

void SkipBlanksAndComments(std::string_view s, size_t& i) {
  while (i < s.size()) {
    if (IsBlank(s[i])) {
      ++i;
    } else if (s[i] == '(') {
      int depth = 0;
      while (i < s.size()) {
        if (s[i] == '\\') {
          // A quoted pair; a '\' that ends the value must not carry i past
          // the end (found by tests/fuzz/mime_scan_fuzz.cc).
          i = std::min(i + 2, s.size());
          continue;
        } else if (s[i] == '(') {
          ++depth;
        } else if (s[i] == ')' && --depth == 0) {
          ++i;
          break;
        }
        ++i;
      }
    } else {
      break;
    }
  }
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

std::string PercentDecode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && HexValue(s[i + 1]) >= 0 && HexValue(s[i + 2]) >= 0) {
      out.push_back(static_cast<char>(HexValue(s[i + 1]) * 16 + HexValue(s[i + 2])));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

struct Segment {
  std::string value;
  bool extended = false;
};

struct Pending {
  std::map<int, Segment> segments;  // RFC 2231 §3: ordered by index
};

}  // namespace

std::optional<std::string_view> ParameterList::Get(std::string_view name) const {
  for (const auto& [n, v] : params_) {
    if (n == name) return std::string_view(v);
  }
  return std::nullopt;
}

void ParameterList::Set(std::string name, std::string value) {
  for (auto& [n, v] : params_) {
    if (n == name) return;  // first one wins
  }
  params_.emplace_back(std::move(name), std::move(value));
}

ParameterList ParseParameters(std::string_view s) {
  std::vector<std::pair<std::string, Pending>> pending;  // keeps first-seen order
  size_t i = 0;
  size_t count = 0;
  while (i < s.size() && count < kMaxParams) {
    // Find the next parameter after a ';' (lenient: also after blanks).
    SkipBlanksAndComments(s, i);
    while (i < s.size() && s[i] == ';') {
      ++i;
      SkipBlanksAndComments(s, i);
    }
    size_t name_begin = i;
    while (i < s.size() && s[i] != '=' && s[i] != ';' && !IsBlank(s[i])) ++i;
    std::string name = Lower(s.substr(name_begin, i - name_begin));
    SkipBlanksAndComments(s, i);
    if (i >= s.size() || s[i] != '=') {
      // Not "name=value": skip to the next ';'.
      while (i < s.size() && s[i] != ';') ++i;
      continue;
    }
    ++i;
    SkipBlanksAndComments(s, i);
    std::string value;
    if (i < s.size() && s[i] == '"') {
      ++i;
      while (i < s.size() && s[i] != '"') {
        if (s[i] == '\\' && i + 1 < s.size()) ++i;
        if (value.size() < kMaxValue) value.push_back(s[i]);
        ++i;
      }
      if (i < s.size()) ++i;  // closing quote; an unterminated one runs to the end
    } else {
      size_t b = i;
      while (i < s.size() && s[i] != ';' && !IsBlank(s[i])) ++i;
      value.assign(s.substr(b, std::min(i - b, kMaxValue)));
    }
    if (name.empty()) continue;
    ++count;

    // RFC 2231: "name*" (extended), "name*N" (segment), "name*N*" (both).
    bool extended = false;
    int index = -1;
    std::string base = name;
    if (!base.empty() && base.back() == '*') {
      extended = true;
      base.pop_back();
    }
    size_t star = base.rfind('*');
    if (star != std::string::npos && star + 1 < base.size() &&
        std::all_of(base.begin() + static_cast<long>(star) + 1, base.end(),
                    [](char c) { return c >= '0' && c <= '9'; }) &&
        base.size() - star <= 4) {
      index = std::stoi(base.substr(star + 1));
      base.resize(star);
    }
    if (index < 0) index = 0;
    if (index > kMaxSegment) continue;
    auto it = std::find_if(pending.begin(), pending.end(),
                           [&](const auto& p) { return p.first == base; });
    if (it == pending.end()) {
      pending.emplace_back(base, Pending{});
      it = pending.end() - 1;
    }
    it->second.segments.emplace(index, Segment{std::move(value), extended});
  }

  ParameterList out;
  for (auto& [name, p] : pending) {
    std::string charset;
    std::string raw;  // bytes in `charset`
    bool any_extended = false;
    bool first = true;
    for (auto& [index, seg] : p.segments) {
      std::string_view v = seg.value;
      if (seg.extended) {
        any_extended = true;
        if (first) {
          // charset'language'value (RFC 2231 §4); language ignored.
          size_t q1 = v.find('\'');
          size_t q2 = q1 == std::string_view::npos ? q1 : v.find('\'', q1 + 1);
          if (q2 != std::string_view::npos) {
            charset.assign(v.substr(0, q1));
            v.remove_prefix(q2 + 1);
          }
        }
        raw += PercentDecode(v);
      } else {
        raw += v;
      }
      first = false;
      if (raw.size() > kMaxValue) raw.resize(kMaxValue);
    }
    std::string value;
    if (!any_extended || charset.empty() || !AppendConvertedToUtf8(value, raw, charset)) {
      value = std::move(raw);
    }
    out.Set(name, std::move(value));
  }
  return out;
}

ContentType ParseContentType(std::optional<std::string_view> value, std::string_view fallback) {
  ContentType ct;
  size_t slash = fallback.find('/');
  ct.type = std::string(fallback.substr(0, slash));
  ct.subtype = std::string(fallback.substr(slash + 1));
  if (!value) return ct;
  std::string_view s = *value;
  size_t i = 0;
  SkipBlanksAndComments(s, i);
  size_t b = i;
  while (i < s.size() && s[i] != '/' && s[i] != ';' && !IsBlank(s[i])) ++i;
  std::string type = Lower(s.substr(b, i - b));
  SkipBlanksAndComments(s, i);
  std::string subtype;
  if (i < s.size() && s[i] == '/') {
    ++i;
    SkipBlanksAndComments(s, i);
    b = i;
    while (i < s.size() && s[i] != ';' && !IsBlank(s[i]) && s[i] != '(') ++i;
    subtype = Lower(s.substr(b, i - b));
  }
  // Parameters are kept even when the type is garbage: a charset may still
  // be right.
  size_t semi = s.find(';', i);
  if (semi != std::string_view::npos) ct.params = ParseParameters(s.substr(semi + 1));
  if (!type.empty() && !subtype.empty()) {
    ct.type = std::move(type);
    ct.subtype = std::move(subtype);
  } else if (type == "text") {
    ct.subtype = "plain";  // "Content-Type: text" from old mailers
    ct.type = "text";
  }
  return ct;
}

ContentDisposition ParseContentDisposition(std::optional<std::string_view> value) {
  ContentDisposition cd;
  if (!value) return cd;
  std::string_view s = *value;
  size_t i = 0;
  SkipBlanksAndComments(s, i);
  size_t b = i;
  while (i < s.size() && s[i] != ';' && !IsBlank(s[i])) ++i;
  cd.type = Lower(s.substr(b, i - b));
  size_t semi = s.find(';', i);
  if (semi != std::string_view::npos) cd.params = ParseParameters(s.substr(semi + 1));
  return cd;
}

}  // namespace mailhoard::mime
