#include "engine/imap/tokenizer.h"

#include <string>

#include "engine/imap/response_parser.h"

namespace mailhoard::imap {

void ValueBuilder::Reset() {
  root_ = Value::List();
  stack_.clear();
  stack_.push_back(&root_);
  tokens_ = 0;
}

Status ValueBuilder::Add(Value v, const ParserLimits& limits) {
  if (++tokens_ > limits.max_tokens) {
    return ProtocolError("response has more than max_tokens (" + std::to_string(limits.max_tokens) +
                         ") values");
  }
  stack_.back()->children.push_back(std::move(v));
  return Status::Ok();
}

Status ValueBuilder::Open(const ParserLimits& limits) {
  if (depth() >= limits.max_list_depth) {
    return ProtocolError("parentheses nested deeper than max_list_depth (" +
                         std::to_string(limits.max_list_depth) + ")");
  }
  MH_RETURN_IF_ERROR(Add(Value::List(), limits));
  stack_.push_back(&stack_.back()->children.back());
  return Status::Ok();
}

Status ValueBuilder::Close() {
  if (depth() == 0) return ProtocolError("unbalanced ')' in response");
  stack_.pop_back();
  return Status::Ok();
}

namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Control characters never appear outside literals and quoted strings
// (RFC 3501 §9: ATOM-CHAR excludes CTL).
bool IsCtl(char c) {
  auto u = static_cast<unsigned char>(c);
  return u < 0x20 || u == 0x7f;
}

// Reads a quoted string starting at seg[pos] == '"'. Any escaped character is
// accepted (RFC 3501 allows only \" and \\, but servers escape more).
Status ReadQuoted(std::string_view seg, size_t* pos, std::string* out) {
  size_t i = *pos + 1;
  while (true) {
    size_t stop = seg.find_first_of("\"\\", i);
    if (stop == std::string_view::npos) return ProtocolError("unterminated quoted string");
    if (out) out->append(seg.substr(i, stop - i));
    if (seg[stop] == '"') {
      *pos = stop + 1;
      return Status::Ok();
    }
    if (stop + 1 >= seg.size()) return ProtocolError("unterminated quoted string");
    if (out) out->push_back(seg[stop + 1]);
    i = stop + 2;
  }
}

Status ReadLiteralAnnounce(std::string_view seg, size_t* pos, LiteralAnnounce* literal) {
  size_t i = *pos;
  bool literal8 = false;
  if (seg[i] == '~') {
    literal8 = true;
    ++i;
  }
  ++i;  // '{'
  uint64_t n = 0;
  size_t digits = 0;
  while (i < seg.size() && IsDigit(seg[i])) {
    uint64_t d = static_cast<uint64_t>(seg[i] - '0');
    if (n > (UINT64_MAX - d) / 10) return ProtocolError("literal size overflows 64 bits");
    n = n * 10 + d;
    ++i;
    ++digits;
  }
  if (digits == 0) return ProtocolError("'{' without a literal size");
  if (i < seg.size() && seg[i] == '+') ++i;  // LITERAL+ spelling, tolerated
  if (i >= seg.size() || seg[i] != '}') return ProtocolError("malformed literal announcement");
  ++i;
  if (i != seg.size()) {
    return ProtocolError("literal announcement not at the end of the line");
  }
  if (!literal) return ProtocolError("literal where none is allowed");
  literal->present = true;
  literal->size = n;
  literal->literal8 = literal8;
  *pos = i;
  return Status::Ok();
}

// An atom, possibly with a bracketed section in which spaces, parentheses
// and quoted strings are allowed: BODY[HEADER.FIELDS (FROM "TO")]<0>.
Status ReadAtom(std::string_view seg, size_t* pos, Value* out) {
  size_t start = *pos;
  size_t i = start;
  int brackets = 0;
  while (i < seg.size()) {
    char c = seg[i];
    if (brackets > 0) {
      if (c == '[') {
        ++brackets;
      } else if (c == ']') {
        --brackets;
      } else if (c == '"') {
        MH_RETURN_IF_ERROR(ReadQuoted(seg, &i, nullptr));
        continue;
      } else if (c == '{') {
        return ProtocolError("literal inside a bracketed section is not supported");
      } else if (IsCtl(c)) {
        return ProtocolError("control character in a bracketed section");
      }
      ++i;
      continue;
    }
    if (c == ' ' || c == '(' || c == ')' || c == '"' || c == '{') break;
    if (IsCtl(c)) return ProtocolError("control character in an atom");
    if (c == '[') ++brackets;
    ++i;
  }
  if (brackets > 0) return ProtocolError("unterminated '[' in an atom");
  std::string_view text = seg.substr(start, i - start);
  *pos = i;
  bool all_digits = !text.empty() && text.size() <= 20;
  uint64_t n = 0;
  for (char c : text) {
    if (!all_digits) break;
    if (!IsDigit(c)) {
      all_digits = false;
      break;
    }
    uint64_t d = static_cast<uint64_t>(c - '0');
    if (n > (UINT64_MAX - d) / 10) all_digits = false;
    n = n * 10 + d;
  }
  if (all_digits) {
    *out = Value::Number(n, std::string(text));
  } else if (EqualsIgnoreCase(text, "NIL")) {
    *out = Value::Nil(std::string(text));
  } else {
    *out = Value::Atom(std::string(text));
  }
  return Status::Ok();
}

}  // namespace

Status TokenizeSegment(std::string_view seg, size_t pos, ValueBuilder& builder,
                       const ParserLimits& limits, LiteralAnnounce* literal) {
  if (literal) *literal = LiteralAnnounce{};
  while (pos < seg.size()) {
    char c = seg[pos];
    switch (c) {
      case ' ':
        ++pos;
        break;
      case '(':
        MH_RETURN_IF_ERROR(builder.Open(limits));
        ++pos;
        break;
      case ')':
        MH_RETURN_IF_ERROR(builder.Close());
        ++pos;
        break;
      case '"': {
        std::string s;
        MH_RETURN_IF_ERROR(ReadQuoted(seg, &pos, &s));
        MH_RETURN_IF_ERROR(builder.Add(Value::String(std::move(s), false), limits));
        break;
      }
      case '{':
        return ReadLiteralAnnounce(seg, &pos, literal);
      case '~':
        if (pos + 1 < seg.size() && seg[pos + 1] == '{') {
          return ReadLiteralAnnounce(seg, &pos, literal);
        }
        [[fallthrough]];
      default: {
        Value v;
        MH_RETURN_IF_ERROR(ReadAtom(seg, &pos, &v));
        MH_RETURN_IF_ERROR(builder.Add(std::move(v), limits));
        break;
      }
    }
  }
  return Status::Ok();
}

}  // namespace mailhoard::imap
