// HTML to plain text for search, streaming: tags dropped, script/style
// contents and comments skipped, block elements turned into line breaks,
// character references decoded. Not a renderer: it only has to give the
// words a reader would see.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace mailhoard::mime {

class HtmlTextExtractor {
 public:
  // `in` is UTF-8 (after charset conversion), split anywhere.
  void Write(std::string_view in, std::string& out);
  void Finish(std::string& out);

 private:
  enum class State : uint8_t {
    kText,
    kTagOpen,      // after "<"
    kTagName,      // reading the element name
    kTagBody,      // attributes, up to ">"
    kQuoted,       // attribute value in quote_
    kBang,         // after "<!"
    kComment,      // inside "<!-- ... -->"
    kDeclaration,  // "<!DOCTYPE ...>", "<?xml ...?>"
    kRawText,      // script/style contents up to the end tag
    kEntity,       // after "&"
  };
  void EndTag(std::string& out);
  void EmitText(char c, std::string& out);
  void EmitBreak(std::string& out);
  void EmitEntity(std::string& out, bool terminated);

  State state_ = State::kText;
  char quote_ = 0;
  bool closing_ = false;
  bool pending_space_ = false;
  char last_ = '\n';  // last byte written (start of text counts as a line start)
  int dashes_ = 0;
  size_t raw_match_ = 0;  // bytes of raw_end_ matched
  std::string tag_;       // lower-cased element name (bounded)
  std::string raw_end_;   // "</script" or "</style"
  std::string entity_;    // bounded
};

}  // namespace mailhoard::mime
