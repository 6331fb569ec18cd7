#include "storage/mime/message_scanner.h"

#include <cstring>

namespace mailhoard::mime {

MessageScanner::MessageScanner(ScanLimits limits)
    : limits_(limits),
      sink_(limits.max_text_bytes),
      body_(&sink_, BodyLimits{limits.max_mime_depth, limits.max_part_header_bytes}) {}

MessageScanner::~MessageScanner() = default;

void MessageScanner::AppendHeader(const char* p, size_t n) {
  if (header_truncated_) return;
  if (raw_header_.size() + n <= limits_.max_header_bytes) {
    raw_header_.append(p, n);
    return;
  }
  // Keep whole lines only, so no field is cut in the middle of a value.
  header_truncated_ = true;
  size_t last_nl = raw_header_.rfind('\n');
  raw_header_.resize(last_nl == std::string::npos ? 0 : last_nl + 1);
}

void MessageScanner::FeedHeader(const char*& p, size_t& n) {
  while (n > 0) {
    if (line_start_) {
      char c = *p;
      if (c == '\n') {
        // The empty line: the header ends, the body follows (RFC 5322 §2.1).
        ++p;
        --n;
        EndHeader();
        return;
      }
      if (c == '\r' && !cr_at_line_start_) {
        cr_at_line_start_ = true;
        ++p;
        --n;
        continue;
      }
      if (cr_at_line_start_) AppendHeader("\r", 1);  // a stray CR, not CRLF
      cr_at_line_start_ = false;
      line_start_ = false;
    }
    const char* nl = static_cast<const char*>(std::memchr(p, '\n', n));
    size_t take = nl != nullptr ? static_cast<size_t>(nl - p) + 1 : n;
    AppendHeader(p, take);
    p += take;
    n -= take;
    if (nl != nullptr) line_start_ = true;
  }
}

void MessageScanner::EndHeader() {
  in_header_ = false;
  headers_ = HeaderBlock::Parse(raw_header_);
  body_.Start(headers_);
}

void MessageScanner::Feed(std::string_view chunk) {
  if (finished_) return;
  bytes_seen_ += chunk.size();
  const char* p = chunk.data();
  size_t n = chunk.size();
  if (in_header_) {
    FeedHeader(p, n);
    if (in_header_) return;
  }
  if (n > 0 && !body_.done()) body_.Feed(p, n);
}

void MessageScanner::Finish() {
  if (finished_) return;
  if (in_header_) {
    // No empty line: the whole message was header (RFC 5322 allows no body).
    if (cr_at_line_start_) AppendHeader("\r", 1);
    in_header_ = false;
    headers_ = HeaderBlock::Parse(raw_header_);
  } else {
    body_.Finish();
  }
  finished_ = true;
}

}  // namespace mailhoard::mime
