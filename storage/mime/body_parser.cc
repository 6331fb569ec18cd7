#include "storage/mime/body_parser.h"

#include <cstring>

#include "storage/mime/content_type.h"
#include "storage/mime/transfer_encoding.h"

namespace mailhoard::mime {
namespace {

// RFC 2046 §5.1.1 limits boundaries to 70 characters; real mail exceeds it a
// little, and a delimiter line may carry trailing blanks. A line longer than
// this cannot be a delimiter and is passed on as content.
constexpr size_t kMaxDelimiterLine = 512;
constexpr size_t kMaxBoundary = 256;
constexpr size_t kMaxHeaderLine = 16 * 1024;

std::string_view StripLineEnd(std::string_view s) {
  if (!s.empty() && s.back() == '\n') s.remove_suffix(1);
  if (!s.empty() && s.back() == '\r') s.remove_suffix(1);
  return s;
}

bool AllBlank(std::string_view s) {
  for (char c : s) {
    if (c != ' ' && c != '\t' && c != '\r') return false;
  }
  return true;
}

}  // namespace

BodyParser::BodyParser(TextSink* sink, BodyLimits limits) : sink_(sink), limits_(limits) {}
BodyParser::~BodyParser() = default;

void BodyParser::Start(const HeaderBlock& top) {
  frames_.clear();
  at_line_start_ = true;
  pending_newline_ = false;
  BeginPart(top, "text/plain");
}

bool BodyParser::HasBoundary() const {
  for (const Frame& f : frames_) {
    if (!f.boundary.empty()) return true;
  }
  return false;
}

void BodyParser::SkipPart() {
  decoder_.reset();
  // Without an enclosing multipart nothing after this part can be text.
  mode_ = HasBoundary() ? Mode::kSkip : Mode::kDone;
}

void BodyParser::BeginPart(const HeaderBlock& h, std::string_view default_type) {
  decoder_.reset();
  ContentType ct = ParseContentType(h.First("Content-Type"), default_type);
  ContentDisposition cd = ParseContentDisposition(h.First("Content-Disposition"));
  TransferEncoding te = ParseTransferEncoding(h.First("Content-Transfer-Encoding").value_or(""));

  if (ct.type == "multipart") {
    std::optional<std::string_view> boundary = ct.params.Get("boundary");
    if (!boundary || boundary->empty() || boundary->size() > kMaxBoundary ||
        frames_.size() >= limits_.max_depth) {
      SkipPart();
      return;
    }
    Frame f;
    f.boundary = std::string(*boundary);
    f.alternative = ct.subtype == "alternative";
    f.digest = ct.subtype == "digest";
    frames_.push_back(std::move(f));
    mode_ = Mode::kSkip;  // the preamble (RFC 2046 §5.1.1) is not text
    return;
  }
  if (cd.type == "attachment") {
    SkipPart();
    return;
  }
  if (ct.type == "message" && (ct.subtype == "rfc822" || ct.subtype == "global") &&
      te == TransferEncoding::kIdentity && frames_.size() < limits_.max_depth) {
    // A forwarded message shown inline: its own header, then its body.
    frames_.push_back(Frame{});
    mode_ = Mode::kHeaders;
    part_header_.clear();
    part_default_type_ = "text/plain";
    return;
  }
  if (ct.type == "text" && (ct.subtype == "plain" || ct.subtype == "html")) {
    BeginText(ct.subtype == "html", h, ct.params.Get("charset").value_or(""));
    return;
  }
  SkipPart();
}

void BodyParser::BeginText(bool html, const HeaderBlock& h, std::string_view charset) {
  // The nearest multipart/alternative within this message decides between
  // plain and HTML: plain wins (RFC 2046 §5.1.4 orders by faithfulness, but
  // for search the plain version is the cleaner text).
  Frame* alt = nullptr;
  for (size_t i = frames_.size(); i-- > 0;) {
    if (frames_[i].boundary.empty()) break;  // an embedded message starts afresh
    if (frames_[i].alternative) {
      alt = &frames_[i];
      break;
    }
  }
  if (alt != nullptr) {
    if (html && alt->plain_taken) {
      SkipPart();
      return;
    }
    if (!html && alt->html_taken) {
      sink_->TruncateTo(alt->html_mark);
      alt->html_taken = false;
    }
    if (html) {
      alt->html_taken = true;
      alt->html_mark = sink_->size();
    } else {
      alt->plain_taken = true;
    }
  }
  TransferEncoding te = ParseTransferEncoding(h.First("Content-Transfer-Encoding").value_or(""));
  sink_->BeginPart();
  decoder_ = std::make_unique<TextPartDecoder>(te, charset, html, sink_);
  mode_ = Mode::kText;
}

bool BodyParser::MatchBoundary(std::string_view line, size_t* frame, bool* close) const {
  if (line.size() < 3 || line[0] != '-' || line[1] != '-') return false;
  std::string_view rest = line.substr(2);
  for (size_t i = frames_.size(); i-- > 0;) {
    const std::string& b = frames_[i].boundary;
    if (b.empty() || rest.size() < b.size() || rest.compare(0, b.size(), b) != 0) continue;
    std::string_view tail = rest.substr(b.size());
    bool is_close = tail.size() >= 2 && tail[0] == '-' && tail[1] == '-';
    if (is_close) tail.remove_prefix(2);
    // Only transport padding may follow (RFC 2046 §5.1.1); anything else
    // means this boundary is merely a prefix of the real one.
    if (!AllBlank(tail)) continue;
    *frame = i;
    *close = is_close;
    return true;
  }
  return false;
}

void BodyParser::EndText() {
  if (decoder_) {
    decoder_->Finish();
    decoder_.reset();
  }
  if (sink_->full()) mode_ = Mode::kDone;
}

void BodyParser::OnBoundary(size_t frame, bool close) {
  pending_newline_ = false;
  EndText();
  if (mode_ == Mode::kDone) return;
  // A delimiter of an outer multipart also ends every part nested inside
  // (broken mail omits inner close delimiters).
  frames_.resize(frame + 1);
  if (close) {
    frames_.pop_back();
    mode_ = Mode::kSkip;  // epilogue
    if (!HasBoundary()) mode_ = Mode::kDone;
    return;
  }
  mode_ = Mode::kHeaders;
  part_header_.clear();
  // RFC 2046 §5.1.5: in a digest the default part type is message/rfc822.
  part_default_type_ = frames_[frame].digest ? "message/rfc822" : "text/plain";
}

void BodyParser::FlushNewline() {
  if (pending_newline_) {
    pending_newline_ = false;
    if (mode_ == Mode::kText) Content("\n", 1);
  }
}

void BodyParser::Content(const char* p, size_t n) {
  if (mode_ != Mode::kText || n == 0) return;
  decoder_->Write(std::string_view(p, n));
  if (sink_->full()) {
    // The text cap is reached: stop all work (the scanner passes bytes
    // through from now on).
    decoder_.reset();
    mode_ = Mode::kDone;
  }
}

void BodyParser::HeaderLine(std::string_view raw) {
  std::string_view line = StripLineEnd(raw);
  size_t frame;
  bool close;
  if (MatchBoundary(line, &frame, &close)) {
    // A part with a header but no body: broken, but harmless.
    OnBoundary(frame, close);
    return;
  }
  if (line.empty()) {
    HeaderBlock h = HeaderBlock::Parse(part_header_);
    part_header_.clear();
    at_line_start_ = true;
    pending_newline_ = false;
    BeginPart(h, part_default_type_);
    return;
  }
  if (part_header_.size() + raw.size() <= limits_.max_part_header_bytes) part_header_.append(raw);
}

void BodyParser::FeedHeaders(const char*& p, size_t& n) {
  const char* nl = static_cast<const char*>(std::memchr(p, '\n', n));
  size_t take = nl != nullptr ? static_cast<size_t>(nl - p) + 1 : n;
  size_t room = kMaxHeaderLine - line_.size();
  line_.append(p, std::min(take, room));
  p += take;
  n -= take;
  if (nl == nullptr) return;
  if (line_.back() != '\n') line_.push_back('\n');  // an over-long line was cut
  std::string line = std::move(line_);
  line_.clear();
  HeaderLine(line);
}

void BodyParser::Feed(const char* p, size_t n) {
  while (n > 0 && mode_ != Mode::kDone) {
    if (mode_ == Mode::kHeaders) {
      FeedHeaders(p, n);
      continue;
    }
    if (at_line_start_) {
      if (line_.empty() && *p != '-') {
        at_line_start_ = false;
        FlushNewline();
        continue;
      }
      // The line starts with "-": hold it until it is known not to be a
      // delimiter.
      const char* nl = static_cast<const char*>(std::memchr(p, '\n', n));
      size_t take = nl != nullptr ? static_cast<size_t>(nl - p) + 1 : n;
      if (line_.size() + take > kMaxDelimiterLine) {
        at_line_start_ = false;
        FlushNewline();
        std::string held = std::move(line_);
        line_.clear();
        Content(held.data(), held.size());
        continue;
      }
      line_.append(p, take);
      p += take;
      n -= take;
      if (nl == nullptr) continue;
      std::string held = std::move(line_);
      line_.clear();
      size_t frame;
      bool close;
      if (MatchBoundary(StripLineEnd(held), &frame, &close)) {
        OnBoundary(frame, close);
        continue;
      }
      FlushNewline();
      Content(held.data(), held.size() - 1);
      pending_newline_ = true;
      continue;
    }
    // Mid-line: everything up to the next line that starts with "-" is
    // content (or skipped). memchr for "-" jumps over base64 attachments in
    // one go ("-" is not in the base64 alphabet); a "-" here is never at a
    // line start at p[0], since we are mid-line.
    const char* hit = nullptr;
    for (const char* q = p + 1; q < p + n;) {
      q = static_cast<const char*>(std::memchr(q, '-', static_cast<size_t>(p + n - q)));
      if (q == nullptr) break;
      if (q[-1] == '\n') {
        hit = q - 1;
        break;
      }
      ++q;
    }
    size_t len;
    if (hit != nullptr) {
      len = static_cast<size_t>(hit - p);
    } else if (p[n - 1] == '\n') {
      len = n - 1;
    } else {
      Content(p, n);
      return;
    }
    Content(p, len);
    pending_newline_ = mode_ == Mode::kText;
    at_line_start_ = true;
    p += len + 1;
    n -= len + 1;
  }
}

void BodyParser::Finish() {
  if (mode_ == Mode::kHeaders && !line_.empty()) {
    std::string held = std::move(line_);
    line_.clear();
    HeaderLine(held);
  }
  if (mode_ == Mode::kText && !line_.empty()) {
    // A last line starting with "-" that never got its line end.
    FlushNewline();
    std::string held = std::move(line_);
    line_.clear();
    Content(held.data(), held.size());
  }
  // Outside a multipart the last line break is content, not a delimiter's.
  if (mode_ == Mode::kText) FlushNewline();
  if (mode_ == Mode::kHeaders) {
    // A part header with no body (truncated message): nothing to extract.
    mode_ = Mode::kDone;
  }
  EndText();
  mode_ = Mode::kDone;
}

}  // namespace mailhoard::mime
