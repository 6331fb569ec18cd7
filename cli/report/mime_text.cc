#include "cli/report/mime_text.h"

#include <cstdio>
#include <ctime>

#include "engine/auth/base64.h"

namespace mailhoard::cli {

std::string EncodeHeaderText(std::string_view utf8) {
  bool ascii = true;
  for (char c : utf8) {
    auto u = static_cast<unsigned char>(c);
    if (u >= 0x80 || u < 0x20) ascii = false;
  }
  if (ascii) return std::string(utf8);
  // "=?UTF-8?B?" + "?=" is 12 characters; 63 left give 45 bytes of base64
  // input (60 characters). A character is never split across two words.
  constexpr size_t kMaxBytes = 45;
  std::string out;
  size_t i = 0;
  while (i < utf8.size()) {
    size_t end = std::min(utf8.size(), i + kMaxBytes);
    // Step back off UTF-8 continuation bytes (10xxxxxx).
    while (end < utf8.size() && end > i + 1 &&
           (static_cast<unsigned char>(utf8[end]) & 0xC0) == 0x80) {
      --end;
    }
    std::string_view chunk = utf8.substr(i, end - i);
    std::string clean;
    // Control characters would break the header: they become spaces.
    for (char c : chunk) clean += static_cast<unsigned char>(c) < 0x20 ? ' ' : c;
    if (!out.empty()) out += "\r\n ";
    out += "=?UTF-8?B?" + auth::Base64Encode(clean) + "?=";
    i = end;
  }
  return out;
}

std::string QuotedPrintable(std::string_view text) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t nl = text.find('\n', start);
    std::string_view line =
        text.substr(start, nl == std::string_view::npos ? std::string_view::npos : nl - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    std::string encoded;
    size_t width = 0;
    for (size_t i = 0; i < line.size(); ++i) {
      auto c = static_cast<unsigned char>(line[i]);
      bool last = i + 1 == line.size();
      std::string piece;
      if ((c >= 33 && c <= 126 && c != '=') || ((c == ' ' || c == '\t') && !last)) {
        piece = static_cast<char>(c);
      } else {
        piece = {'=', kHex[c >> 4], kHex[c & 15]};
      }
      // A soft line break ("=" at the end) keeps lines within 76.
      if (width + piece.size() > 75) {
        encoded += "=\r\n";
        width = 0;
      }
      encoded += piece;
      width += piece.size();
    }
    out += encoded;
    if (nl == std::string_view::npos) break;
    out += "\r\n";
    start = nl + 1;
  }
  return out;
}

std::string Rfc5322Date(int64_t unix_seconds) {
  time_t t = static_cast<time_t>(unix_seconds);
  tm tm_utc;
  gmtime_r(&t, &tm_utc);
  static const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  char buf[64];
  snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d +0000", kDays[tm_utc.tm_wday],
           tm_utc.tm_mday, kMonths[tm_utc.tm_mon], tm_utc.tm_year + 1900, tm_utc.tm_hour,
           tm_utc.tm_min, tm_utc.tm_sec);
  return buf;
}

std::string UtcMinute(int64_t unix_seconds) {
  time_t t = static_cast<time_t>(unix_seconds);
  tm tm_utc;
  gmtime_r(&t, &tm_utc);
  char buf[32];
  strftime(buf, sizeof buf, "%Y-%m-%d %H:%M UTC", &tm_utc);
  return buf;
}

std::string Megabytes(uint64_t bytes) {
  char buf[32];
  snprintf(buf, sizeof buf, "%.1f MB", static_cast<double>(bytes) / 1e6);
  return buf;
}

std::string Plural(uint64_t n, const char* word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

}  // namespace mailhoard::cli
