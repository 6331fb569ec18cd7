// Command: one IMAP command line under construction, with its arguments
// encoded as atoms, quoted strings or literals (RFC 3501 §4.3, §9).
//
// The connection adds the tag and decides how literals go on the wire
// (synchronising, LITERAL+ or LITERAL-); the command only records which
// pieces are literals and which are secret, so the trace and error messages
// can show it without the password.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace mailhoard::imap {

// The bytes of a literal read while the command is written, never held
// whole in memory (APPEND of a message file). WriteTo() gives exactly
// size() bytes from the start each time it is called, so a command can be
// sent again after a reconnect.
class LiteralSource {
 public:
  using Sink = std::function<Status(const char* data, size_t len)>;
  virtual ~LiteralSource() = default;
  virtual uint64_t size() const = 0;
  virtual Status WriteTo(const Sink& sink) const = 0;
};

struct StringOptions {
  bool secret = false;      // redacted in the trace and in error messages
  bool allow_utf8 = false;  // UTF8=ACCEPT enabled: 8-bit text may be quoted (RFC 6855 §3)
};

class Command {
 public:
  struct Piece {
    std::string text;  // raw bytes; for a literal its contents
    bool literal = false;
    bool secret = false;
    std::shared_ptr<const LiteralSource> source;  // a streamed literal (text empty)

    uint64_t literal_size() const { return source ? source->size() : text.size(); }
  };

  // The command name and any leading raw text: "UID FETCH", "LOGIN".
  explicit Command(std::string_view text);

  // " " + raw text (sequence sets, parenthesised item lists, atoms we know
  // are safe).
  Command& Raw(std::string_view text);
  // " " + an astring: an atom when every byte is an ASTRING-CHAR, else a
  // quoted string, else (CR, LF, NUL, 8-bit without UTF8=ACCEPT, or very
  // long) a literal.
  Command& String(std::string_view text, StringOptions options = {});
  // " " + always a quoted string or literal, never an atom (list patterns,
  // LOGIN arguments, where an atom like NIL could be misread).
  Command& Quoted(std::string_view text, StringOptions options = {});
  // " " + a literal whose bytes come from `source` as the command is sent.
  Command& Streamed(std::shared_ptr<const LiteralSource> source);
  // Appends raw text without a leading space.
  Command& Append(std::string_view text);
  // Appends raw text that is secret (a SASL initial response).
  Command& AppendSecret(std::string_view text);

  const std::vector<Piece>& pieces() const { return pieces_; }
  // The command as a human reads it: secrets replaced by <redacted>,
  // literals by "{N bytes}", shortened to at most max_len characters.
  std::string Summary(size_t max_len = 200) const;
  // The command name ("UID FETCH", "EXAMINE"), for error messages.
  const std::string& name() const { return name_; }

 private:
  void AddStringPiece(std::string_view text, StringOptions options, bool allow_atom);
  std::vector<Piece> pieces_;
  std::string name_;
};

// A secret piece as the trace shows it: "<redacted>", keeping a leading space.
std::string RedactedPiece(const Command::Piece& piece);

// True if `text` can be sent as an atom astring (RFC 3501 ASTRING-CHAR).
bool IsAstringAtom(std::string_view text);

}  // namespace mailhoard::imap
