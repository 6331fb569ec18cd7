// MessageScanner: one pass over a raw RFC 5322 message as it streams to
// disk, producing what the index stores: the raw header block and bounded
// plain text of the body for full-text search.
//
// The sync engine calls Feed() from the loop that writes the Maildir file,
// so every archived byte goes through here. Memory is bounded by the limits
// (never by the message), and once the text cap is reached — or nothing more
// can be text — Feed() only counts bytes.
//
//   MessageScanner scan;
//   while (read chunk) { file.Write(chunk); scan.Feed(chunk); }
//   scan.Finish();
//   index.Put(scan.raw_header(), scan.headers().MessageId(), scan.text());
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "storage/mime/body_parser.h"
#include "storage/mime/header_block.h"
#include "storage/mime/text_sink.h"

namespace mailhoard::mime {

struct ScanLimits {
  size_t max_header_bytes = 256 * 1024;  // raw header block kept
  size_t max_text_bytes = 256 * 1024;    // extracted body text (UTF-8)
  size_t max_mime_depth = 16;            // nested multiparts + embedded messages
  size_t max_part_header_bytes = 64 * 1024;
};

class MessageScanner {
 public:
  explicit MessageScanner(ScanLimits limits = {});
  ~MessageScanner();
  MessageScanner(const MessageScanner&) = delete;
  MessageScanner& operator=(const MessageScanner&) = delete;

  // Any split of the message is fine, including one byte at a time. Never
  // fails: malformed mail yields what could be understood.
  void Feed(std::string_view chunk);
  // End of message. Idempotent; Feed after Finish is ignored.
  void Finish();

  // Everything before the first empty line (CRLF or LF), without that
  // empty line. When over max_header_bytes it is cut after the last whole
  // line that fits and header_truncated() is set.
  const std::string& raw_header() const { return raw_header_; }
  bool header_truncated() const { return header_truncated_; }
  // The parsed header; complete once the empty line was seen or Finish ran.
  const HeaderBlock& headers() const { return headers_; }

  // Extracted body text, valid UTF-8, at most max_text_bytes. Complete after
  // Finish().
  const std::string& text() const { return sink_.text(); }
  std::string TakeText() { return sink_.Take(); }
  bool text_truncated() const { return sink_.full(); }

  uint64_t bytes_seen() const { return bytes_seen_; }
  // True once no further byte can change text(): the cap was reached, the
  // last multipart closed, or the rest is an attachment. From then on Feed()
  // only counts bytes.
  bool extraction_done() const { return !in_header_ && body_.done(); }

 private:
  void FeedHeader(const char*& p, size_t& n);
  void AppendHeader(const char* p, size_t n);
  void EndHeader();

  ScanLimits limits_;
  TextSink sink_;
  BodyParser body_;
  HeaderBlock headers_;
  std::string raw_header_;
  bool in_header_ = true;
  bool header_truncated_ = false;
  bool line_start_ = true;
  bool cr_at_line_start_ = false;  // a CR opened this line: maybe the empty line
  bool finished_ = false;
  uint64_t bytes_seen_ = 0;
};

}  // namespace mailhoard::mime
