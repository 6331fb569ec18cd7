// The bounded buffer that body text is extracted into.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace mailhoard::mime {

// Holds at most `cap` bytes of UTF-8 text. Once an append does not fit, the
// text is cut at a character boundary and the sink is full: callers stop all
// work on seeing full() (the scanner then passes bytes through untouched).
class TextSink {
 public:
  explicit TextSink(size_t cap) : cap_(cap) {}

  // Appends valid UTF-8. CR and NUL are dropped (line ends become LF; NUL
  // has no place in an FTS column). Returns false once full.
  bool Append(std::string_view utf8);
  // Starts a new part: separates it from earlier text with a line break.
  void BeginPart();

  bool full() const { return full_; }
  size_t size() const { return text_.size(); }
  // Drops text after `mark` (a size() taken earlier). Used when a
  // multipart/alternative turns out to have a text/plain version after the
  // HTML one we already extracted.
  void TruncateTo(size_t mark);

  const std::string& text() const { return text_; }
  std::string Take() { return std::move(text_); }

 private:
  size_t cap_;
  bool full_ = false;
  std::string text_;
};

}  // namespace mailhoard::mime
