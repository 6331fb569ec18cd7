// ResponseParser: incremental framer + tokenizer for IMAP server responses.
//
// Fed arbitrary chunks of the byte stream, it delivers each complete response
// (value tree, see response.h) to a callback. Literals are recognised only
// where the grammar allows them — "{n}" / "{n+}" / "~{n}" as the last token
// before CRLF — never inside quoted strings or status text, so a literal can
// contain anything. Every size the server announces is checked against
// ParserLimits before a byte is stored.
//
// Message bodies are streamed, not stored: when a literal is the value of a
// FETCH body item (BODY[…], BINARY[…], RFC822, RFC822.HEADER, RFC822.TEXT)
// the parser asks the BodySinkFactory for a sink and passes the bytes through
// in the chunks they arrived in. A quoted-string body value goes to the sink
// too (in one Write), so consumers see one shape; a NIL body stays NIL.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/status.h"
#include "engine/imap/response.h"
#include "engine/imap/tokenizer.h"

namespace mailhoard::imap {

// Note for commands with big one-line replies: "* SEARCH" after UID SEARCH
// ALL on a 100,000-message folder is ~700 KB and 100,000 tokens, beyond the
// defaults below. Raise max_line_length and max_tokens around such commands
// (set_limits), or prefer ESEARCH (compact ranges) where offered.
struct ParserLimits {
  // Non-literal bytes in one response (all its lines together).
  size_t max_line_length = 64 * 1024;
  // Size of any literal that is kept in memory (mailbox names, X-GM-LABELS,
  // and bodies when no BodySinkFactory is set).
  uint64_t max_inline_literal = 1024 * 1024;
  // All in-memory literals of one response together: without it, many
  // small announcements ("{1048576}" is 9 bytes of line) would multiply
  // max_inline_literal.
  uint64_t max_inline_total = 8 * 1024 * 1024;
  // Size of a streamed body literal.
  uint64_t max_body_literal = uint64_t{2} * 1024 * 1024 * 1024;
  size_t max_list_depth = 64;
  // Values (atoms, strings, lists…) in one response.
  size_t max_tokens = 100'000;
};

// What the parser knows when a body literal begins.
struct BodyLiteralInfo {
  uint32_t sequence_number = 0;    // "* n FETCH"
  std::string item;                // as sent, e.g. "BODY[1.2]<0>" or "RFC822"
  std::string name;                // upper-cased, without section: "BODY", "BINARY", "RFC822.TEXT"
  std::string section;             // between the brackets, "" for BODY[] and RFC822*
  std::optional<uint64_t> origin;  // "<n>" partial fetch origin
  uint64_t size = 0;               // announced literal size (for a quoted value, its length)
  bool is_literal8 = false;        // ~{n}
  bool is_quoted = false;          // value came as a quoted string, not a literal
  std::optional<uint32_t> uid;     // when UID came earlier in the same FETCH
  // FETCH items parsed before this one in this response (name, value, …);
  // valid only during the factory call.
  std::span<const Value> preceding_items;
};

class BodySink {
 public:
  virtual ~BodySink() = default;
  virtual Status Write(const char* data, size_t len) = 0;
  // Called once after the last byte; not called if the parse fails.
  virtual Status Finish() = 0;
};

// May return a null sink: the body's bytes are then counted and discarded.
using BodySinkFactory = std::function<Result<std::unique_ptr<BodySink>>(const BodyLiteralInfo&)>;
using ResponseCallback = std::function<Status(Response&&)>;

class ResponseParser {
 public:
  explicit ResponseParser(ResponseCallback on_response, ParserLimits limits = {});
  ResponseParser(const ResponseParser&) = delete;
  ResponseParser& operator=(const ResponseParser&) = delete;

  void set_body_sink_factory(BodySinkFactory factory) { body_factory_ = std::move(factory); }
  void set_limits(const ParserLimits& limits) { limits_ = limits; }
  const ParserLimits& limits() const { return limits_; }

  // Consumes all of data, calling the callback for every response completed.
  // After an error the parser stays failed and returns that error again: the
  // stream position is lost, so the connection must be dropped.
  Status Feed(const char* data, size_t len);

  // True between the first byte of a response and its final CRLF; a caller
  // that sees EOF while this holds got a truncated response.
  bool InProgress() const;
  // Call at end of stream: OK if no response is incomplete, else a protocol
  // error saying what was missing (e.g. "connection closed inside a literal").
  Status AtEof() const;
  bool failed() const { return !error_.ok(); }

 private:
  enum class State { kLine, kInlineLiteral, kBodyLiteral };

  Status FeedLine(const char* data, size_t len, size_t* consumed);
  Status FeedLiteral(const char* data, size_t len, size_t* consumed);
  Status ProcessSegment(std::string_view seg);
  Status ParseFirstSegment(std::string_view seg);
  void ParseStatusRest(std::string_view rest);
  Status TokenizeData(std::string_view seg, size_t pos);
  Status BeginLiteral(const LiteralAnnounce& lit);
  Status FinishLiteral();
  Status CompleteResponse();
  bool AtBodyItemValue(BodyLiteralInfo* info) const;
  Status StreamQuotedBodies();
  void Reset();

  ResponseCallback on_response_;
  BodySinkFactory body_factory_;
  ParserLimits limits_;
  Status error_;

  State state_ = State::kLine;
  std::string line_;           // partial line carried over between Feed calls
  size_t response_bytes_ = 0;  // non-literal bytes of the current response
  uint64_t inline_bytes_ = 0;  // in-memory literal bytes of the current response
  bool in_response_ = false;   // a segment of the current response was seen

  Response current_;
  ValueBuilder builder_;  // the data values of current_ while parsing

  // Literal in progress.
  uint64_t literal_remaining_ = 0;
  uint64_t literal_size_ = 0;
  bool literal8_ = false;
  std::string literal_data_;
  std::unique_ptr<BodySink> sink_;
};

}  // namespace mailhoard::imap
