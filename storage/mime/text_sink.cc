#include "storage/mime/text_sink.h"

#include <cstring>

#include "storage/mime/utf8.h"

namespace mailhoard::mime {

bool TextSink::Append(std::string_view utf8) {
  if (full_) return false;
  size_t room = cap_ - text_.size();
  const char* p = utf8.data();
  const char* end = p + utf8.size();
  // The next CR and NUL, found with memchr (this runs on every text byte).
  const char* cr = static_cast<const char*>(std::memchr(p, '\r', utf8.size()));
  const char* nul = static_cast<const char*>(std::memchr(p, '\0', utf8.size()));
  while (p < end) {
    if (cr != nullptr && cr < p) cr = static_cast<const char*>(std::memchr(p, '\r', end - p));
    if (nul != nullptr && nul < p) nul = static_cast<const char*>(std::memchr(p, '\0', end - p));
    const char* stop = end;
    if (cr != nullptr && cr < stop) stop = cr;
    if (nul != nullptr && nul < stop) stop = nul;
    size_t len = static_cast<size_t>(stop - p);
    if (len > room) {
      text_.append(p, room);
      TrimIncompleteUtf8Tail(text_);
      full_ = true;
      return false;
    }
    text_.append(p, len);
    room -= len;
    p = stop == end ? end : stop + 1;
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
