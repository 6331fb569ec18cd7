#include "engine/imap/value.h"

#include "core/ascii.h"

namespace mailhoard::imap {

namespace {
char UpperAscii(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; }
}  // namespace

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return EqualsIgnoreAsciiCase(a, b);
}

std::string ToUpperAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = UpperAscii(c);
  return out;
}

bool Value::AtomIs(std::string_view keyword) const {
  return (kind == ValueKind::kAtom || kind == ValueKind::kNil) && EqualsIgnoreCase(text, keyword);
}

std::optional<uint32_t> Value::AsU32() const {
  if (kind != ValueKind::kNumber || number > UINT32_MAX) return std::nullopt;
  return static_cast<uint32_t>(number);
}

Value Value::Atom(std::string s) {
  Value v;
  v.kind = ValueKind::kAtom;
  v.text = std::move(s);
  return v;
}

Value Value::Number(uint64_t n, std::string spelling) {
  Value v;
  v.kind = ValueKind::kNumber;
  v.number = n;
  v.text = std::move(spelling);
  return v;
}

Value Value::String(std::string s, bool literal) {
  Value v;
  v.kind = ValueKind::kString;
  v.text = std::move(s);
  v.is_literal = literal;
  return v;
}

Value Value::Nil(std::string spelling) {
  Value v;
  v.kind = ValueKind::kNil;
  v.text = std::move(spelling);
  return v;
}

Value Value::List() {
  Value v;
  v.kind = ValueKind::kList;
  return v;
}

std::string Value::ToString() const {
  switch (kind) {
    case ValueKind::kNil:
      return "NIL";
    case ValueKind::kAtom:
    case ValueKind::kNumber:
      return text;
    case ValueKind::kString: {
      std::string out = "\"";
      for (char c : text) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
      }
      return out + "\"";
    }
    case ValueKind::kList: {
      std::string out = "(";
      for (size_t i = 0; i < children.size(); ++i) {
        if (i) out += ' ';
        out += children[i].ToString();
      }
      return out + ")";
    }
    case ValueKind::kStreamedBody:
      return "<streamed " + std::to_string(number) + ">";
  }
  return "";
}

}  // namespace mailhoard::imap
