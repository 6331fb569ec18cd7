#include "engine/imap/response_parser.h"

#include <algorithm>
#include <cstring>
#include <string>

#include "engine/imap/fetch_item.h"

namespace mailhoard::imap {

namespace {

// Untagged responses whose grammar we know to be token-shaped. Anything else
// that fails to tokenize is kept as raw text instead of failing the stream.
bool IsKnownDataResponse(std::string_view name) {
  static constexpr std::string_view kKnown[] = {
      "CAPABILITY", "ENABLED",   "FLAGS", "LIST",     "LSUB",   "STATUS",
      "SEARCH",     "ESEARCH",   "FETCH", "EXISTS",   "RECENT", "EXPUNGE",
      "VANISHED",   "NAMESPACE", "ID",    "SORT",     "THREAD", "QUOTA",
      "QUOTAROOT",  "METADATA",  "XLIST", "MYRIGHTS", "ACL",    "LISTRIGHTS",
  };
  for (std::string_view k : kKnown) {
    if (EqualsIgnoreCase(name, k)) return true;
  }
  return false;
}

StatusWord ParseStatusWord(std::string_view w) {
  if (EqualsIgnoreCase(w, "OK")) return StatusWord::kOk;
  if (EqualsIgnoreCase(w, "NO")) return StatusWord::kNo;
  if (EqualsIgnoreCase(w, "BAD")) return StatusWord::kBad;
  if (EqualsIgnoreCase(w, "BYE")) return StatusWord::kBye;
  if (EqualsIgnoreCase(w, "PREAUTH")) return StatusWord::kPreauth;
  return StatusWord::kNone;
}

// tag = 1*<any ASTRING-CHAR except "+"> (RFC 3501 §9).
bool IsValidTag(std::string_view tag) {
  if (tag.empty()) return false;
  for (char c : tag) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f) return false;
    if (std::strchr("(){%*\"\\+", c) != nullptr) return false;
  }
  return true;
}

// "{123}" or "{123+}" or "~{123}" as the last bytes: a literal follows, so a
// line that failed to tokenize cannot be skipped as text without losing the
// framing.
bool EndsWithLiteralAnnounce(std::string_view seg) {
  if (seg.empty() || seg.back() != '}') return false;
  size_t i = seg.size() - 1;
  if (i > 0 && seg[i - 1] == '+') --i;
  size_t digits = 0;
  while (i > 0 && seg[i - 1] >= '0' && seg[i - 1] <= '9') {
    --i;
    ++digits;
  }
  return digits > 0 && i > 0 && seg[i - 1] == '{';
}

std::string_view NextWord(std::string_view s, size_t* pos) {
  size_t start = *pos;
  size_t end = s.find(' ', start);
  if (end == std::string_view::npos) end = s.size();
  *pos = end < s.size() ? end + 1 : end;
  return s.substr(start, end - start);
}

}  // namespace

ResponseParser::ResponseParser(ResponseCallback on_response, ParserLimits limits)
    : on_response_(std::move(on_response)), limits_(limits) {}

Status ResponseParser::Feed(const char* data, size_t len) {
  if (!error_.ok()) return error_;
  size_t pos = 0;
  while (pos < len) {
    size_t used = 0;
    Status s = state_ == State::kLine ? FeedLine(data + pos, len - pos, &used)
                                      : FeedLiteral(data + pos, len - pos, &used);
    if (!s.ok()) {
      // The stream position is lost; drop all partial state so the outcome
      // does not depend on how the input was split.
      error_ = s;
      sink_.reset();
      Reset();
      line_.clear();
      literal_data_.clear();
      state_ = State::kLine;
      return s;
    }
    pos += used;
  }
  return Status::Ok();
}

bool ResponseParser::InProgress() const {
  return in_response_ || !line_.empty() || state_ != State::kLine;
}

Status ResponseParser::AtEof() const {
  if (!error_.ok()) return error_;
  if (state_ != State::kLine) {
    return ProtocolError("connection closed inside a literal (" +
                         std::to_string(literal_remaining_) + " of " +
                         std::to_string(literal_size_) + " bytes missing)");
  }
  if (InProgress()) return ProtocolError("connection closed inside a response line");
  return Status::Ok();
}

Status ResponseParser::FeedLine(const char* data, size_t len, size_t* consumed) {
  const void* lf = std::memchr(data, '\n', len);
  size_t n = lf ? static_cast<size_t>(static_cast<const char*>(lf) - data) : len;
  if (response_bytes_ + line_.size() + n > limits_.max_line_length) {
    return ProtocolError("response line longer than max_line_length (" +
                         std::to_string(limits_.max_line_length) + " bytes)");
  }
  if (!lf) {
    line_.append(data, len);
    *consumed = len;
    return Status::Ok();
  }
  *consumed = n + 1;
  std::string_view seg;
  if (line_.empty()) {
    seg = std::string_view(data, n);  // common case: no copy
  } else {
    line_.append(data, n);
    seg = line_;
  }
  if (seg.empty() || seg.back() != '\r') {
    return ProtocolError("line ended with a bare LF (RFC 3501 §2.2 requires CRLF)");
  }
  seg.remove_suffix(1);
  response_bytes_ += seg.size();
  Status s = ProcessSegment(seg);
  line_.clear();
  return s;
}

Status ResponseParser::FeedLiteral(const char* data, size_t len, size_t* consumed) {
  size_t n = literal_remaining_ < len ? static_cast<size_t>(literal_remaining_) : len;
  if (state_ == State::kBodyLiteral) {
    if (sink_) MH_RETURN_IF_ERROR(sink_->Write(data, n));
  } else {
    literal_data_.append(data, n);
  }
  literal_remaining_ -= n;
  *consumed = n;
  if (literal_remaining_ == 0) return FinishLiteral();
  return Status::Ok();
}

Status ResponseParser::ProcessSegment(std::string_view seg) {
  // NUL is never legal outside a literal (RFC 3501 §9: CHAR8 excludes %x00),
  // and a CR not ending the line cannot be in text or a quoted string.
  if (std::memchr(seg.data(), '\0', seg.size()) != nullptr) {
    return ProtocolError("NUL byte outside a literal");
  }
  if (std::memchr(seg.data(), '\r', seg.size()) != nullptr) {
    return ProtocolError("bare CR inside a response line");
  }
  if (!in_response_) {
    in_response_ = true;
    return ParseFirstSegment(seg);
  }
  return TokenizeData(seg, 0);
}

Status ResponseParser::ParseFirstSegment(std::string_view seg) {
  if (seg.empty()) return ProtocolError("empty response line");
  if (seg[0] == '+') {
    // continue-req = "+" SP (resp-text / base64). Some servers omit the SP
    // when there is no text.
    current_.kind = ResponseKind::kContinuation;
    std::string_view rest = seg.substr(1);
    if (!rest.empty() && rest[0] == ' ') rest.remove_prefix(1);
    ParseStatusRest(rest);
    return CompleteResponse();
  }
  size_t pos = 0;
  if (seg[0] == '*') {
    if (seg.size() < 2 || seg[1] != ' ') return ProtocolError("malformed untagged response");
    current_.kind = ResponseKind::kUntagged;
    pos = 2;
    size_t word_start = pos;
    std::string_view word = NextWord(seg, &pos);
    StatusWord status = ParseStatusWord(word);
    if (status != StatusWord::kNone) {
      current_.status = status;
      ParseStatusRest(seg.substr(pos));
      return CompleteResponse();
    }
    // "* 12 FETCH …": the name follows the number.
    std::string_view name = word;
    if (!word.empty() && word[0] >= '0' && word[0] <= '9') {
      size_t p2 = pos;
      name = NextWord(seg, &p2);
    }
    if (IsKnownDataResponse(name)) return TokenizeData(seg, word_start);
    LiteralAnnounce lit;
    Status s = TokenizeSegment(seg, word_start, builder_, limits_, &lit);
    if ((!s.ok() && !EndsWithLiteralAnnounce(seg)) ||
        (s.ok() && !lit.present && builder_.depth() != 0)) {
      // An unknown response that is not token-shaped (free text?): keep it
      // raw rather than failing the connection.
      builder_.Reset();
      current_.raw_text_only = true;
      current_.text = std::string(seg.substr(word_start));
      return CompleteResponse();
    }
    MH_RETURN_IF_ERROR(s);
    if (lit.present) return BeginLiteral(lit);
    return CompleteResponse();
  }
  std::string_view tag = NextWord(seg, &pos);
  if (!IsValidTag(tag)) return ProtocolError("malformed response tag");
  current_.kind = ResponseKind::kTagged;
  current_.tag = std::string(tag);
  std::string_view word = NextWord(seg, &pos);
  StatusWord status = ParseStatusWord(word);
  if (status != StatusWord::kOk && status != StatusWord::kNo && status != StatusWord::kBad) {
    return ProtocolError("tagged response " + current_.tag + " is neither OK, NO nor BAD");
  }
  current_.status = status;
  ParseStatusRest(seg.substr(pos));
  return CompleteResponse();
}

// resp-text = ["[" resp-text-code "]" SP] text. The text is free-form: it may
// hold quotes, braces or brackets (Microsoft 365 ends its greeting with a
// bracketed base64 blob), so it is never tokenized.
void ResponseParser::ParseStatusRest(std::string_view rest) {
  if (!rest.empty() && rest[0] == '[') {
    size_t close = rest.find(']');
    if (close != std::string_view::npos) {
      std::string_view body = rest.substr(1, close - 1);
      size_t p = 0;
      std::string_view name = NextWord(body, &p);
      ResponseCode code;
      code.name = ToUpperAscii(name);
      code.raw_args = std::string(body.substr(p));
      ValueBuilder b;
      LiteralAnnounce lit;
      Status s = TokenizeSegment(code.raw_args, 0, b, limits_, &lit);
      if (s.ok() && !lit.present && b.depth() == 0) {
        code.args = std::move(b.root().children);
      } else {
        code.args_tokenized = false;
      }
      current_.code = std::move(code);
      rest = rest.substr(close + 1);
      if (!rest.empty() && rest[0] == ' ') rest.remove_prefix(1);
    }
  }
  current_.text = std::string(rest);
}

Status ResponseParser::TokenizeData(std::string_view seg, size_t pos) {
  LiteralAnnounce lit;
  MH_RETURN_IF_ERROR(TokenizeSegment(seg, pos, builder_, limits_, &lit));
  if (lit.present) return BeginLiteral(lit);
  return CompleteResponse();
}

bool ResponseParser::AtBodyItemValue(BodyLiteralInfo* info) const {
  if (current_.kind != ResponseKind::kUntagged || builder_.depth() != 1) return false;
  const std::vector<Value>& top = builder_.root().children;
  if (top.size() != 3 || !top[0].IsNumber() || !top[1].AtomIs("FETCH") || !top[2].IsList()) {
    return false;
  }
  const std::vector<Value>& items = top[2].children;
  if (items.size() % 2 != 1 || !items.back().IsAtom()) return false;
  std::optional<FetchItemName> name = SplitFetchItemName(items.back().text);
  if (!name || !IsBodyContentItem(*name) || !top[0].AsU32()) return false;
  info->sequence_number = *top[0].AsU32();
  info->item = items.back().text;
  info->name = name->name;
  info->section = name->section;
  info->origin = name->origin;
  info->preceding_items = std::span<const Value>(items.data(), items.size() - 1);
  for (size_t i = 0; i + 1 < items.size(); i += 2) {
    if (items[i].AtomIs("UID")) info->uid = items[i + 1].AsU32();
  }
  return true;
}

Status ResponseParser::BeginLiteral(const LiteralAnnounce& lit) {
  BodyLiteralInfo info;
  bool body = body_factory_ && AtBodyItemValue(&info);
  if (body) {
    if (lit.size > limits_.max_body_literal) {
      return ProtocolError("body literal of " + std::to_string(lit.size) +
                           " bytes exceeds max_body_literal (" +
                           std::to_string(limits_.max_body_literal) + ")");
    }
    info.size = lit.size;
    info.is_literal8 = lit.literal8;
    MH_ASSIGN_OR_RETURN(sink_, body_factory_(info));
    state_ = State::kBodyLiteral;
  } else {
    if (lit.size > limits_.max_inline_literal) {
      return ProtocolError("literal of " + std::to_string(lit.size) +
                           " bytes exceeds max_inline_literal (" +
                           std::to_string(limits_.max_inline_literal) + ")");
    }
    if (lit.size > limits_.max_inline_total - std::min(inline_bytes_, limits_.max_inline_total)) {
      return ProtocolError("literals of one response exceed max_inline_total (" +
                           std::to_string(limits_.max_inline_total) + " bytes)");
    }
    inline_bytes_ += lit.size;
    literal_data_.clear();
    state_ = State::kInlineLiteral;
  }
  literal_size_ = literal_remaining_ = lit.size;
  literal8_ = lit.literal8;
  if (lit.size == 0) return FinishLiteral();
  return Status::Ok();
}

Status ResponseParser::FinishLiteral() {
  Value v;
  if (state_ == State::kBodyLiteral) {
    if (sink_) {
      MH_RETURN_IF_ERROR(sink_->Finish());
      sink_.reset();
    }
    v.kind = ValueKind::kStreamedBody;
    v.number = literal_size_;
  } else {
    v = Value::String(std::move(literal_data_), true);
    literal_data_.clear();
  }
  v.is_literal = true;
  v.is_literal8 = literal8_;
  state_ = State::kLine;
  return builder_.Add(std::move(v), limits_);
}

// A body sent as a quoted string (rare; some servers do it for tiny or empty
// sections) goes to the sink too, so consumers handle one shape.
Status ResponseParser::StreamQuotedBodies() {
  std::vector<Value>& top = builder_.root().children;
  if (!body_factory_ || top.size() != 3 || !top[0].AsU32() || !top[1].AtomIs("FETCH") ||
      !top[2].IsList()) {
    return Status::Ok();
  }
  std::vector<Value>& items = top[2].children;
  for (size_t i = 1; i < items.size(); i += 2) {
    if (!items[i].IsString() || items[i].is_literal || !items[i - 1].IsAtom()) continue;
    std::optional<FetchItemName> name = SplitFetchItemName(items[i - 1].text);
    if (!name || !IsBodyContentItem(*name)) continue;
    BodyLiteralInfo info;
    info.sequence_number = *top[0].AsU32();
    info.item = items[i - 1].text;
    info.name = name->name;
    info.section = name->section;
    info.origin = name->origin;
    info.size = items[i].text.size();
    info.is_quoted = true;
    info.preceding_items = std::span<const Value>(items.data(), i - 1);
    for (size_t j = 0; j + 1 < i; j += 2) {
      if (items[j].AtomIs("UID")) info.uid = items[j + 1].AsU32();
    }
    MH_ASSIGN_OR_RETURN(std::unique_ptr<BodySink> sink, body_factory_(info));
    if (sink) {
      // Sinks never see zero-length writes.
      if (!items[i].text.empty()) {
        MH_RETURN_IF_ERROR(sink->Write(items[i].text.data(), items[i].text.size()));
      }
      MH_RETURN_IF_ERROR(sink->Finish());
    }
    Value placeholder;
    placeholder.kind = ValueKind::kStreamedBody;
    placeholder.number = items[i].text.size();
    items[i] = std::move(placeholder);
  }
  return Status::Ok();
}

Status ResponseParser::CompleteResponse() {
  if (builder_.depth() != 0) {
    return ProtocolError("response ended with " + std::to_string(builder_.depth()) +
                         " unclosed '('");
  }
  if (current_.kind == ResponseKind::kUntagged && !current_.IsStatus() && !current_.raw_text_only) {
    MH_RETURN_IF_ERROR(StreamQuotedBodies());
    if (builder_.root().children.empty()) return ProtocolError("empty untagged response");
  }
  current_.data = std::move(builder_.root().children);
  Response r = std::move(current_);
  Reset();
  return on_response_(std::move(r));
}

void ResponseParser::Reset() {
  current_ = Response{};
  builder_.Reset();
  response_bytes_ = 0;
  inline_bytes_ = 0;
  in_response_ = false;
}

}  // namespace mailhoard::imap
