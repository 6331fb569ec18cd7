#include "storage/mime/text_sink.h"

#include "storage/mime/utf8.h"

namespace mailhoard::mime {

bool TextSink::Append(std::string_view utf8) {
  if (full_) return false;
  size_t room = cap_ - text_.size();
  size_t i = 0;
  while (i < utf8.size()) {
    // Copy runs without CR/NUL in bulk.
    size_t j = i;
    while (j < utf8.size() && utf8[j] != '\r' && utf8[j] != '\0') ++j;
    size_t len = j - i;
    if (len > room) {
      text_.append(utf8.data() + i, room);
      TrimIncompleteUtf8Tail(text_);
      full_ = true;
      return false;
    }
    text_.append(utf8.data() + i, len);
    room -= len;
    i = j + (j < utf8.size() ? 1 : 0);
  }
  return true;
}

void TextSink::BeginPart() {
  if (!text_.empty() && text_.back() != '\n') Append("\n");
}

void TextSink::TruncateTo(size_t mark) {
  if (mark < text_.size()) text_.resize(mark);
}

}  // namespace mailhoard::mime
