// TraceSink: a protocol log of one IMAP connection.
//
// Receives every line the client sends and every response it receives.
// Secrets never reach it: LOGIN's password, AUTHENTICATE initial responses
// and continuation lines (which carry passwords and bearer tokens) are
// replaced by "<redacted>" before the sink sees them, and message bodies are
// summarised as "{N bytes}" (they are streamed, never held as a line).
#pragma once

#include <string_view>

namespace mailhoard::imap {

enum class TraceDirection { kSent, kReceived };

class TraceSink {
 public:
  virtual ~TraceSink() = default;
  // `line` has no CRLF; literals are shown as "{N bytes}" or inline text.
  virtual void Line(TraceDirection direction, std::string_view line) = 0;
};

inline constexpr std::string_view kRedacted = "<redacted>";

}  // namespace mailhoard::imap
