#include "storage/mime/html_text.h"

#include "storage/mime/utf8.h"

namespace mailhoard::mime {
namespace {

constexpr size_t kMaxTagName = 16;
constexpr size_t kMaxEntity = 32;

bool IsHtmlSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }
bool IsAsciiAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
char LowerAscii(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

struct NamedEntity {
  const char* name;
  uint32_t cp;
};
// The references that matter for text: the XML five, spacing, punctuation
// and the Latin-1 letters mailers love to escape.
constexpr NamedEntity kEntities[] = {
    {"amp", '&'},       {"lt", '<'},       {"gt", '>'},       {"quot", '"'},     {"apos", '\''},
    {"nbsp", ' '},      {"ensp", ' '},     {"emsp", ' '},     {"thinsp", ' '},   {"shy", 0},
    {"zwnj", 0},        {"zwj", 0},        {"copy", 0xA9},    {"reg", 0xAE},     {"trade", 0x2122},
    {"hellip", 0x2026}, {"mdash", 0x2014}, {"ndash", 0x2013}, {"lsquo", 0x2018}, {"rsquo", 0x2019},
    {"sbquo", 0x201A},  {"ldquo", 0x201C}, {"rdquo", 0x201D}, {"bdquo", 0x201E}, {"laquo", 0xAB},
    {"raquo", 0xBB},    {"bull", 0x2022},  {"middot", 0xB7},  {"euro", 0x20AC},  {"pound", 0xA3},
    {"yen", 0xA5},      {"cent", 0xA2},    {"sect", 0xA7},    {"deg", 0xB0},     {"plusmn", 0xB1},
    {"times", 0xD7},    {"divide", 0xF7},  {"para", 0xB6},    {"iexcl", 0xA1},   {"iquest", 0xBF},
    {"auml", 0xE4},     {"ouml", 0xF6},    {"uuml", 0xFC},    {"Auml", 0xC4},    {"Ouml", 0xD6},
    {"Uuml", 0xDC},     {"szlig", 0xDF},   {"eacute", 0xE9},  {"egrave", 0xE8},  {"ecirc", 0xEA},
    {"aacute", 0xE1},   {"agrave", 0xE0},  {"acirc", 0xE2},   {"iacute", 0xED},  {"oacute", 0xF3},
    {"uacute", 0xFA},   {"ntilde", 0xF1},  {"ccedil", 0xE7},  {"Eacute", 0xC9},  {"aring", 0xE5},
    {"oslash", 0xF8},   {"aelig", 0xE6},   {"Aring", 0xC5},   {"Oslash", 0xD8},
};

// Elements that end a line of text when they open or close.
bool IsBlockTag(const std::string& t) {
  static constexpr const char* kBlocks[] = {
      "br",  "p",     "div", "li", "tr",      "h1",      "h2",     "h3",
      "h4",  "h5",    "h6",  "ul", "ol",      "hr",      "table",  "blockquote",
      "pre", "title", "dt",  "dd", "section", "article", "header", "footer"};
  for (const char* b : kBlocks) {
    if (t == b) return true;
  }
  return false;
}

}  // namespace

void HtmlTextExtractor::EmitText(char c, std::string& out) {
  if (IsHtmlSpace(c)) {
    pending_space_ = true;
    return;
  }
  if (pending_space_ && last_ != ' ' && last_ != '\n') out.push_back(' ');
  pending_space_ = false;
  out.push_back(c);
  last_ = c;
}

void HtmlTextExtractor::EmitBreak(std::string& out) {
  pending_space_ = false;
  if (last_ != '\n') {
    out.push_back('\n');
    last_ = '\n';
  }
}

void HtmlTextExtractor::EmitEntity(std::string& out, bool terminated) {
  uint32_t cp = 0xFFFFFFFF;
  if (!entity_.empty() && entity_[0] == '#') {
    uint32_t v = 0;
    bool hex = entity_.size() > 1 && (entity_[1] == 'x' || entity_[1] == 'X');
    size_t digits = 0;
    for (size_t i = hex ? 2 : 1; i < entity_.size(); ++i) {
      char c = entity_[i];
      int d = c >= '0' && c <= '9'                                  ? c - '0'
              : hex && LowerAscii(c) >= 'a' && LowerAscii(c) <= 'f' ? LowerAscii(c) - 'a' + 10
                                                                    : -1;
      if (d < 0) {
        digits = 0;
        break;
      }
      if (v < 0x110000) v = v * (hex ? 16 : 10) + static_cast<uint32_t>(d);
      ++digits;
    }
    if (digits > 0) cp = v == 0 ? 0xFFFD : v;
  } else {
    for (const NamedEntity& e : kEntities) {
      if (entity_ == e.name) {
        cp = e.cp;
        break;
      }
    }
  }
  if (cp == 0xFFFFFFFF) {
    // Not a reference we know: the text was literal.
    EmitText('&', out);
    for (char c : entity_) EmitText(c, out);
    if (terminated) EmitText(';', out);
    return;
  }
  if (cp == 0) return;  // soft hyphen, joiners: invisible
  if (cp == ' ') {
    EmitText(' ', out);
    return;
  }
  std::string utf8;
  AppendCodepoint(utf8, cp);
  for (char c : utf8) EmitText(c, out);
}

void HtmlTextExtractor::EndTag(std::string& out) {
  if (IsBlockTag(tag_)) EmitBreak(out);
  if (!closing_ && (tag_ == "script" || tag_ == "style")) {
    raw_end_ = "</" + tag_;
    raw_match_ = 0;
    state_ = State::kRawText;
    return;
  }
  if (tag_ == "td" || tag_ == "th") pending_space_ = true;
  state_ = State::kText;
}

void HtmlTextExtractor::Write(std::string_view in, std::string& out) {
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    switch (state_) {
      case State::kText:
        if (c == '<') {
          state_ = State::kTagOpen;
        } else if (c == '&') {
          entity_.clear();
          state_ = State::kEntity;
        } else {
          EmitText(c, out);
        }
        break;
      case State::kTagOpen:
        tag_.clear();
        closing_ = false;
        if (c == '/') {
          closing_ = true;
          state_ = State::kTagName;
        } else if (IsAsciiAlpha(c)) {
          tag_.push_back(LowerAscii(c));
          state_ = State::kTagName;
        } else if (c == '!') {
          dashes_ = 0;
          state_ = State::kBang;
        } else if (c == '?') {
          state_ = State::kDeclaration;
        } else {
          // "a < b": a literal less-than sign.
          EmitText('<', out);
          state_ = State::kText;
          --i;
        }
        break;
      case State::kTagName:
        if (IsAsciiAlpha(c) || (c >= '0' && c <= '9')) {
          if (tag_.size() < kMaxTagName) tag_.push_back(LowerAscii(c));
        } else if (c == '>') {
          EndTag(out);
        } else {
          state_ = State::kTagBody;
        }
        break;
      case State::kTagBody:
        if (c == '>') {
          EndTag(out);
        } else if (c == '"' || c == '\'') {
          quote_ = c;
          state_ = State::kQuoted;
        }
        break;
      case State::kQuoted:
        if (c == quote_) state_ = State::kTagBody;
        break;
      case State::kBang:
        if (c == '-' && dashes_ < 2) {
          if (++dashes_ == 2) {
            dashes_ = 0;
            state_ = State::kComment;
          }
        } else {
          state_ = c == '>' ? State::kText : State::kDeclaration;
        }
        break;
      case State::kComment:
        if (c == '>' && dashes_ >= 2) {
          state_ = State::kText;
        } else {
          dashes_ = c == '-' ? dashes_ + 1 : 0;
        }
        break;
      case State::kDeclaration:
        if (c == '>') state_ = State::kText;
        break;
      case State::kRawText:
        if (LowerAscii(c) == raw_end_[raw_match_]) {
          if (++raw_match_ == raw_end_.size()) {
            tag_.clear();
            closing_ = true;
            state_ = State::kTagBody;
          }
        } else {
          raw_match_ = c == '<' ? 1 : 0;
        }
        break;
      case State::kEntity:
        if (c == ';') {
          EmitEntity(out, true);
          state_ = State::kText;
        } else if ((IsAsciiAlpha(c) || (c >= '0' && c <= '9') || (c == '#' && entity_.empty())) &&
                   entity_.size() < kMaxEntity) {
          entity_.push_back(c);
        } else {
          // Unterminated ("&nbsp " or "AT&T"): decode if known, else literal.
          EmitEntity(out, false);
          state_ = State::kText;
          --i;
        }
        break;
    }
  }
}

void HtmlTextExtractor::Finish(std::string& out) {
  if (state_ == State::kEntity) EmitEntity(out, false);
  state_ = State::kText;
}

}  // namespace mailhoard::mime
