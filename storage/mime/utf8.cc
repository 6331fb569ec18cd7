#include "storage/mime/utf8.h"

#include <cstring>

namespace mailhoard::mime {
namespace {

// Windows-1252 0x80..0x9F; 0 marks the five undefined positions, which map
// to U+FFFD. 0xA0..0xFF equal Latin-1 / Unicode.
constexpr uint16_t kCp1252High[32] = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};

void AppendInvalid(std::string& out, unsigned char b, InvalidByte mode) {
  if (mode == InvalidByte::kReplace) {
    AppendCodepoint(out, 0xFFFD);
    return;
  }
  uint32_t cp = b;
  if (b >= 0x80 && b < 0xA0) {
    cp = kCp1252High[b - 0x80];
    if (cp == 0) cp = 0xFFFD;
  }
  AppendCodepoint(out, cp);
}

}  // namespace

void AppendCodepoint(std::string& out, uint32_t cp) {
  if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

int Utf8SequenceLength(const unsigned char* p, size_t n) {
  unsigned char b = p[0];
  if (b < 0x80) return 1;
  int len;
  unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (b >= 0xC2 && b <= 0xDF) {
    len = 2;
  } else if (b >= 0xE0 && b <= 0xEF) {
    len = 3;
    if (b == 0xE0) lo = 0xA0;  // overlong
    if (b == 0xED) hi = 0x9F;  // surrogates
  } else if (b >= 0xF0 && b <= 0xF4) {
    len = 4;
    if (b == 0xF0) lo = 0x90;  // overlong
    if (b == 0xF4) hi = 0x8F;  // > U+10FFFF
  } else {
    return 0;
  }
  for (int i = 1; i < len; ++i) {
    if (static_cast<size_t>(i) >= n) return -1;
    unsigned char c = p[i];
    if (i == 1 ? (c < lo || c > hi) : (c < 0x80 || c > 0xBF)) return 0;
  }
  return len;
}

bool IsValidUtf8(std::string_view s) {
  auto* p = reinterpret_cast<const unsigned char*>(s.data());
  size_t n = s.size();
  size_t i = 0;
  while (i < n) {
    if (p[i] < 0x80) {
      ++i;
      continue;
    }
    int len = Utf8SequenceLength(p + i, n - i);
    if (len <= 0) return false;
    i += static_cast<size_t>(len);
  }
  return true;
}

void AppendSanitizedUtf8(std::string& out, std::string_view in, InvalidByte mode) {
  auto* p = reinterpret_cast<const unsigned char*>(in.data());
  size_t n = in.size();
  size_t i = 0;
  while (i < n) {
    // Copy ASCII runs in bulk: most text is ASCII.
    size_t run = i;
    while (run < n && p[run] < 0x80) ++run;
    if (run > i) {
      out.append(in.data() + i, run - i);
      i = run;
      if (i == n) break;
    }
    int len = Utf8SequenceLength(p + i, n - i);
    if (len > 0) {
      out.append(in.data() + i, static_cast<size_t>(len));
      i += static_cast<size_t>(len);
    } else {
      AppendInvalid(out, p[i], mode);
      ++i;
    }
  }
}

void AppendWindows1252AsUtf8(std::string& out, std::string_view in) {
  size_t i = 0;
  while (i < in.size()) {
    size_t run = i;
    while (run < in.size() && static_cast<unsigned char>(in[run]) < 0x80) ++run;
    out.append(in.data() + i, run - i);
    if (run == in.size()) break;
    AppendInvalid(out, static_cast<unsigned char>(in[run]), InvalidByte::kWindows1252);
    i = run + 1;
  }
}

std::string SanitizeUtf8(std::string_view in, InvalidByte mode) {
  std::string out;
  out.reserve(in.size());
  AppendSanitizedUtf8(out, in, mode);
  return out;
}

void TrimIncompleteUtf8Tail(std::string& s) {
  // Look back at most 3 bytes for the lead byte of the last sequence.
  size_t n = s.size();
  for (size_t back = 1; back <= 4 && back <= n; ++back) {
    auto b = static_cast<unsigned char>(s[n - back]);
    if ((b & 0xC0) == 0x80) continue;  // continuation byte
    if (b < 0x80) return;
    int len = Utf8SequenceLength(reinterpret_cast<const unsigned char*>(s.data()) + n - back, back);
    if (len < 0) s.resize(n - back);
    return;
  }
}

void Utf8Sanitizer::Write(std::string_view in, std::string& out) {
  if (held_len_ > 0) {
    // Complete the held sequence byte by byte; it needs at most 3 more.
    while (held_len_ > 0 && !in.empty()) {
      held_[held_len_++] = static_cast<unsigned char>(in.front());
      in.remove_prefix(1);
      int len = Utf8SequenceLength(held_, held_len_);
      if (len > 0) {
        out.append(reinterpret_cast<const char*>(held_), held_len_);
        held_len_ = 0;
      } else if (len == 0) {
        // The first held byte is invalid; re-scan the rest of the held bytes.
        AppendInvalid(out, held_[0], mode_);
        std::string_view rest(reinterpret_cast<const char*>(held_ + 1), held_len_ - 1);
        held_len_ = 0;
        std::string tmp(rest);
        Write(tmp, out);
      }
    }
    if (in.empty()) return;
  }
  // Hold a trailing partial sequence.
  auto* p = reinterpret_cast<const unsigned char*>(in.data());
  size_t n = in.size();
  size_t cut = n;
  for (size_t back = 1; back <= 3 && back <= n; ++back) {
    unsigned char b = p[n - back];
    if ((b & 0xC0) == 0x80) continue;
    if (b >= 0xC0 && Utf8SequenceLength(p + n - back, back) < 0) cut = n - back;
    break;
  }
  AppendSanitizedUtf8(out, in.substr(0, cut), mode_);
  std::memcpy(held_, p + cut, n - cut);
  held_len_ = n - cut;
}

void Utf8Sanitizer::Finish(std::string& out) {
  for (size_t i = 0; i < held_len_; ++i) AppendInvalid(out, held_[i], mode_);
  held_len_ = 0;
}

}  // namespace mailhoard::mime
