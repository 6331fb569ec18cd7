#include "storage/mime/encoded_words.h"

#include "core/ascii.h"

#include <algorithm>
#include <optional>

#include "storage/mime/charset.h"
#include "storage/mime/transfer_encoding.h"
#include "storage/mime/utf8.h"

namespace mailhoard::mime {
namespace {

struct EncodedWord {
  std::string_view charset;  // without "*lang"
  std::string bytes;         // decoded, still in charset
  size_t length = 0;         // of the whole "=?...?=" token
};

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// RFC 2047 §2 limits a word to 75 characters; mailers exceed that, but a
// bound keeps a hostile header ("=?=?=?...") from costing quadratic time.
constexpr size_t kMaxWord = 1024;
constexpr size_t kMaxCharsetLabel = 64;

// Finds "?=" at or after `from`, remembering the last answer so that a run
// of failed candidates scans the value once, not once per candidate.
class CloseFinder {
 public:
  explicit CloseFinder(std::string_view value) : value_(value) {}
  size_t Next(size_t from) {
    if (valid_ && from < searched_from_) {
      // A later candidate may start its text a little before the last
      // search did (a shorter charset label): look in that gap only.
      size_t gap_end = std::min(searched_from_ + 1, value_.size());
      size_t hit = value_.substr(0, gap_end).find("?=", from);
      if (hit != std::string_view::npos) return hit;
      return cached_;
    }
    if (!valid_ || (cached_ != std::string_view::npos && cached_ < from)) {
      cached_ = value_.find("?=", from);
      searched_from_ = from;
      valid_ = true;
    }
    return cached_;
  }

 private:
  std::string_view value_;
  size_t cached_ = std::string_view::npos;
  size_t searched_from_ = 0;
  bool valid_ = false;
};

// Parses an encoded word starting at value[pos] == '=', value[pos+1] == '?'.
std::optional<EncodedWord> ParseEncodedWord(std::string_view value, size_t pos,
                                            CloseFinder& closer) {
  std::string_view s = value.substr(pos, kMaxWord);
  size_t q1 = s.substr(0, 2 + kMaxCharsetLabel + 1).find('?', 2);
  if (q1 == std::string_view::npos || q1 == 2 || q1 + 2 >= s.size() || s[q1 + 2] != '?')
    return std::nullopt;
  std::string_view charset = s.substr(2, q1 - 2);
  for (char c : charset) {
    if (IsSpace(c) || c == '=') return std::nullopt;
  }
  size_t star = charset.find('*');
  if (star != std::string_view::npos) charset = charset.substr(0, star);
  char enc = s[q1 + 1];
  size_t text_begin = q1 + 3;
  size_t close = closer.Next(pos + text_begin);
  if (close == std::string_view::npos || close - pos + 2 > s.size()) return std::nullopt;
  size_t end = close - pos;
  std::string_view text = s.substr(text_begin, end - text_begin);
  for (char c : text) {
    if (IsSpace(c)) return std::nullopt;  // RFC 2047 §2: no white space inside
  }
  EncodedWord w;
  w.charset = charset;
  w.length = end + 2;
  bool ok = false;
  if (enc == 'B' || enc == 'b') ok = DecodeBEncoding(text, w.bytes);
  if (enc == 'Q' || enc == 'q') ok = DecodeQEncoding(text, w.bytes);
  if (!ok) return std::nullopt;
  return w;
}

bool SameCharset(std::string_view a, std::string_view b) { return EqualsIgnoreAsciiCase(a, b); }

}  // namespace

std::string DecodeHeaderText(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  // A run is a sequence of adjacent same-charset words: their decoded bytes
  // are converted together. If the charset turns out to be unknown, the run
  // is emitted as written, with the blanks in front of it.
  std::string run_bytes;
  std::string_view run_charset;
  std::string_view run_blanks;  // dropped blanks before the run (adjacent words)
  size_t run_begin = 0, run_end = 0;
  bool in_run = false;
  bool last_run_failed = false;

  auto flush_run = [&]() {
    if (!in_run) return;
    size_t mark = out.size();
    out.append(run_blanks);
    size_t after_blanks = out.size();
    if (AppendConvertedToUtf8(out, run_bytes, run_charset)) {
      // Blanks between two decoded words vanish (RFC 2047 §6.2).
      if (!last_run_failed) out.erase(mark, after_blanks - mark);
      last_run_failed = false;
    } else {
      AppendSanitizedUtf8(out, value.substr(run_begin, run_end - run_begin),
                          InvalidByte::kWindows1252);
      last_run_failed = true;
    }
    run_bytes.clear();
    in_run = false;
  };

  CloseFinder closer(value);
  size_t i = 0;
  size_t text_begin = 0;  // start of plain text not yet emitted
  bool last_was_word = false;
  while (i < value.size()) {
    size_t pos = value.find("=?", i);
    if (pos == std::string_view::npos) break;
    std::optional<EncodedWord> w = ParseEncodedWord(value, pos, closer);
    if (!w) {
      i = pos + 2;
      continue;
    }
    std::string_view between = value.substr(text_begin, pos - text_begin);
    bool only_space = true;
    for (char c : between) only_space = only_space && IsSpace(c);
    bool adjacent = last_was_word && only_space;
    if (!adjacent) {
      flush_run();
      last_run_failed = false;
      AppendSanitizedUtf8(out, between, InvalidByte::kWindows1252);
    } else if (in_run && !SameCharset(run_charset, w->charset)) {
      flush_run();
    }
    if (!in_run) {
      in_run = true;
      run_charset = w->charset;
      run_begin = pos;
      run_blanks = adjacent ? between : std::string_view();
    }
    run_bytes += w->bytes;
    run_end = pos + w->length;
    i = run_end;
    text_begin = i;
    last_was_word = true;
  }
  flush_run();
  AppendSanitizedUtf8(out, value.substr(text_begin), InvalidByte::kWindows1252);

  // Unfold (RFC 5322 §2.2.3: the line break goes, the blank stays); other
  // control characters a decoded word may smuggle in become blanks.
  std::string clean;
  clean.reserve(out.size());
  for (size_t k = 0; k < out.size(); ++k) {
    char c = out[k];
    if (c == '\r' || c == '\n') continue;
    clean.push_back(c == '\0' || c == '\t' ? ' ' : c);
  }
  return clean;
}

}  // namespace mailhoard::mime
