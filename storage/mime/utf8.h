// UTF-8 helpers shared by header decoding and body text extraction.
//
// Everything the index stores must be valid UTF-8, but mail is full of raw
// 8-bit bytes that were never declared (RFC 6532 made UTF-8 headers legal;
// older mailers sent Latin-1 or Windows-1252 without saying so). The
// sanitizer keeps valid UTF-8 and reinterprets every other byte through a
// fallback, so output is always valid and still readable.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace mailhoard::mime {

// What to do with a byte that does not start a valid UTF-8 sequence.
enum class InvalidByte {
  kReplace,      // U+FFFD: the data claimed to be UTF-8
  kWindows1252,  // undeclared 8-bit: Windows-1252 (a superset of Latin-1 for text)
};

void AppendCodepoint(std::string& out, uint32_t cp);

// Length of the valid UTF-8 sequence starting at p (n bytes available), 0 if
// the bytes are invalid, or -1 if the sequence is valid so far but cut short.
int Utf8SequenceLength(const unsigned char* p, size_t n);

bool IsValidUtf8(std::string_view s);

// One-shot: valid UTF-8 copied, other bytes mapped per `mode`.
void AppendSanitizedUtf8(std::string& out, std::string_view in, InvalidByte mode);
std::string SanitizeUtf8(std::string_view in, InvalidByte mode);

// Windows-1252 (and so Latin-1 text) to UTF-8, without iconv: it is the
// most common non-UTF-8 charset in mail and this is a table lookup.
void AppendWindows1252AsUtf8(std::string& out, std::string_view in);

// Drops a trailing partial UTF-8 sequence (after a byte cap cut one).
void TrimIncompleteUtf8Tail(std::string& s);

// Streaming sanitizer: a sequence split across chunks is held (at most 3
// bytes) until the next chunk completes or refutes it.
class Utf8Sanitizer {
 public:
  explicit Utf8Sanitizer(InvalidByte mode) : mode_(mode) {}
  // Appends the sanitized form of `in` to `out`.
  void Write(std::string_view in, std::string& out);
  // Flushes a held partial sequence as invalid bytes.
  void Finish(std::string& out);

 private:
  InvalidByte mode_;
  unsigned char held_[4] = {};
  size_t held_len_ = 0;
};

}  // namespace mailhoard::mime
