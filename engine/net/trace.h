// TraceSink: a protocol log of one connection, whatever the protocol (IMAP,
// POP3). Receives every line the client sends and every line it receives.
// Secrets never reach it: passwords, AUTHENTICATE / AUTH exchanges and APOP
// digests are replaced by "<redacted>" by the protocol client before the
// sink sees them, and message bodies are summarised as "{N bytes}" (they
// are streamed, never held as a line).
#pragma once

#include <string_view>

namespace mailhoard::net {

enum class TraceDirection { kSent, kReceived };

class TraceSink {
 public:
  virtual ~TraceSink() = default;
  // `line` has no CRLF; literals are shown as "{N bytes}" or inline text.
  virtual void Line(TraceDirection direction, std::string_view line) = 0;
};

inline constexpr std::string_view kRedacted = "<redacted>";

}  // namespace mailhoard::net
