// Streaming MIME structure walker (RFC 2045/2046) that feeds the text parts
// of a message body into a TextSink.
//
// It sees the body after the top-level header, in chunks split anywhere, and
// keeps only bounded state: the head of the current line while it may still
// be a boundary delimiter, the header of the current body part (capped), one
// decoder chain, and a stack of open multiparts (capped depth).
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "storage/mime/header_block.h"
#include "storage/mime/text_part_decoder.h"
#include "storage/mime/text_sink.h"

namespace mailhoard::mime {

struct BodyLimits {
  size_t max_depth = 16;  // nested multiparts + embedded messages
  size_t max_part_header_bytes = 64 * 1024;
};

class BodyParser {
 public:
  BodyParser(TextSink* sink, BodyLimits limits);
  ~BodyParser();

  // The top-level header; the body follows through Feed.
  void Start(const HeaderBlock& top);
  void Feed(const char* p, size_t n);
  void Finish();

  // Nothing more can reach the sink (it is full, or every remaining byte is
  // an attachment, epilogue or unparsable): the caller may stop feeding.
  bool done() const { return mode_ == Mode::kDone; }

 private:
  enum class Mode { kHeaders, kSkip, kText, kDone };
  struct Frame {
    std::string boundary;  // empty for an embedded message/rfc822
    bool alternative = false;
    bool digest = false;
    bool plain_taken = false;
    bool html_taken = false;
    size_t html_mark = 0;  // sink size before the HTML alternative
  };

  void FeedHeaders(const char*& p, size_t& n);
  void HeaderLine(std::string_view line);
  void BeginPart(const HeaderBlock& h, std::string_view default_type);
  void SkipPart();
  void BeginText(bool html, const HeaderBlock& h, std::string_view charset);
  bool MatchBoundary(std::string_view line, size_t* frame, bool* close) const;
  void OnBoundary(size_t frame, bool close);
  void EndText();
  void Content(const char* p, size_t n);
  void FlushNewline();
  bool HasBoundary() const;

  TextSink* sink_;
  BodyLimits limits_;
  Mode mode_ = Mode::kDone;
  std::vector<Frame> frames_;
  std::unique_ptr<TextPartDecoder> decoder_;

  bool at_line_start_ = true;
  // RFC 2046 §5.1.1: the line break before a boundary belongs to the
  // boundary, so a content line's LF is withheld until the next line is
  // known not to be a delimiter.
  bool pending_newline_ = false;
  std::string line_;  // current line while it may be a delimiter or is a header line
  std::string part_header_;
  std::string_view part_default_type_ = "text/plain";
};

}  // namespace mailhoard::mime
