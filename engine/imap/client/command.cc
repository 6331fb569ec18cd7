#include "engine/imap/client/command.h"

#include "engine/imap/client/trace.h"
#include "engine/imap/value.h"

namespace mailhoard::imap {
namespace {

// Longer strings go as literals: some servers cap quoted strings, and a
// literal costs nothing extra with LITERAL+.
constexpr size_t kMaxQuoted = 1000;

bool IsAtomSpecial(unsigned char c) {
  // atom-specials minus "]" (resp-specials are allowed in ASTRING-CHAR).
  return c <= 0x1f || c == 0x7f || c >= 0x80 || c == '(' || c == ')' || c == '{' || c == ' ' ||
         c == '%' || c == '*' || c == '"' || c == '\\';
}

bool NeedsLiteral(std::string_view text, bool allow_utf8) {
  if (text.size() > kMaxQuoted) return true;
  for (unsigned char c : text) {
    if (c == '\r' || c == '\n' || c == '\0') return true;
    if (c >= 0x80 && !allow_utf8) return true;
  }
  return false;
}

}  // namespace

bool IsAstringAtom(std::string_view text) {
  if (text.empty() || EqualsIgnoreCase(text, "NIL")) return false;
  for (unsigned char c : text) {
    if (IsAtomSpecial(c)) return false;
  }
  return true;
}

Command::Command(std::string_view text) : name_(text) {
  pieces_.push_back(Piece{std::string(text), false, false, nullptr});
}

Command& Command::Raw(std::string_view text) { return Append(" ").Append(text); }

Command& Command::Append(std::string_view text) {
  // Never extend a literal or a secret piece: the added text is neither.
  if (pieces_.back().literal || pieces_.back().secret) {
    pieces_.push_back(Piece{std::string(text), false, false, nullptr});
  } else {
    pieces_.back().text.append(text);
  }
  return *this;
}

Command& Command::AppendSecret(std::string_view text) {
  pieces_.push_back(Piece{std::string(text), false, true, nullptr});
  return *this;
}

std::string RedactedPiece(const Command::Piece& piece) {
  const bool space = !piece.literal && !piece.text.empty() && piece.text.front() == ' ';
  return (space ? " " : "") + std::string(kRedacted);
}

Command& Command::String(std::string_view text, StringOptions options) {
  AddStringPiece(text, options, /*allow_atom=*/true);
  return *this;
}

Command& Command::Quoted(std::string_view text, StringOptions options) {
  AddStringPiece(text, options, /*allow_atom=*/false);
  return *this;
}

void Command::AddStringPiece(std::string_view text, StringOptions options, bool allow_atom) {
  if (NeedsLiteral(text, options.allow_utf8)) {
    Append(" ");
    pieces_.push_back(Piece{std::string(text), true, options.secret, nullptr});
    return;
  }
  std::string encoded;
  if (allow_atom && IsAstringAtom(text)) {
    encoded = text;
  } else {
    encoded.reserve(text.size() + 2);
    encoded += '"';
    for (char c : text) {
      if (c == '"' || c == '\\') encoded += '\\';
      encoded += c;
    }
    encoded += '"';
  }
  pieces_.push_back(Piece{" " + encoded, false, options.secret, nullptr});
}

Command& Command::Streamed(std::shared_ptr<const LiteralSource> source) {
  Append(" ");
  Piece piece;
  piece.literal = true;
  piece.source = std::move(source);
  pieces_.push_back(std::move(piece));
  return *this;
}

std::string Command::Summary(size_t max_len) const {
  std::string out;
  for (const Piece& p : pieces_) {
    if (p.secret) {
      out += RedactedPiece(p);
    } else if (p.literal) {
      out += "{" + std::to_string(p.literal_size()) + " bytes}";
    } else {
      out += p.text;
    }
  }
  if (out.size() > max_len) {
    out.resize(max_len);
    out += "…";
  }
  return out;
}

}  // namespace mailhoard::imap
