// Value: the generic tree an IMAP response is tokenized into.
//
// The framer (ResponseParser) knows only the grammar's shapes — atoms,
// numbers, strings, NIL, parenthesised lists — and the typed interpreters
// (fetch_response.h, mailbox_responses.h, …) give them meaning afterwards.
// This is Trojita's split: the byte-level layer never needs to know what a
// LIST response is, and the interpreters never see a partial response.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mailhoard::imap {

enum class ValueKind {
  kNil,           // NIL (text keeps the spelling, so an astring named "NIL" survives)
  kAtom,          // includes flags (\Seen), sequence sets and FETCH item names with
                  // their section and origin ("BODY[HEADER.FIELDS (FROM)]<0>")
  kNumber,        // an atom of digits that fits in 64 bits; text keeps the digits
  kString,        // quoted string or literal, unescaped
  kList,          // ( … )
  kStreamedBody,  // a message-body literal handed to a BodySink; only its size is kept
};

struct Value {
  ValueKind kind = ValueKind::kNil;
  std::string text;             // atom/number spelling, string contents
  uint64_t number = 0;          // kNumber: the value; kStreamedBody: the byte count
  bool is_literal = false;      // kString / kStreamedBody: came as {n} or ~{n}
  bool is_literal8 = false;     // ~{n} (RFC 3516 BINARY)
  std::vector<Value> children;  // kList

  bool IsNil() const { return kind == ValueKind::kNil; }
  bool IsAtom() const { return kind == ValueKind::kAtom; }
  bool IsNumber() const { return kind == ValueKind::kNumber; }
  bool IsString() const { return kind == ValueKind::kString; }
  bool IsList() const { return kind == ValueKind::kList; }
  bool IsStreamed() const { return kind == ValueKind::kStreamedBody; }
  // An atom, number or string: anything RFC 3501 accepts as an astring.
  bool IsAstring() const {
    return kind == ValueKind::kAtom || kind == ValueKind::kNumber || kind == ValueKind::kString ||
           kind == ValueKind::kNil;
  }
  // Case-insensitive comparison of an atom's spelling (IMAP keywords are
  // case-insensitive: RFC 3501 §9).
  bool AtomIs(std::string_view keyword) const;
  // A number that fits in 32 bits (sequence numbers, UIDs, counts).
  std::optional<uint32_t> AsU32() const;

  static Value Atom(std::string s);
  static Value Number(uint64_t n, std::string spelling);
  static Value String(std::string s, bool literal);
  static Value Nil(std::string spelling = "NIL");
  static Value List();

  // Debug/test rendering in IMAP-like syntax: strings are always quoted,
  // streamed bodies render as <streamed N>.
  std::string ToString() const;
  bool operator==(const Value& other) const = default;
};

// ASCII case-insensitive equality, no locale.
bool EqualsIgnoreCase(std::string_view a, std::string_view b);
std::string ToUpperAscii(std::string_view s);

}  // namespace mailhoard::imap
