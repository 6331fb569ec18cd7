// RFC 2047 encoded-word decoding for header values.
#pragma once

#include <string>
#include <string_view>

namespace mailhoard::mime {

// Decodes a header value to UTF-8 for display and search:
//  - "=?charset[*lang]?B|Q?text?=" words are decoded through iconv; the
//    RFC 2231 §5 language suffix is ignored;
//  - whitespace between two adjacent encoded words is dropped (RFC 2047
//    §6.2), and their bytes are joined before conversion when the charset is
//    the same, because encoders split multibyte characters across words;
//  - a malformed word, or one in a charset iconv does not know, is kept as
//    written;
//  - other bytes are UTF-8 if valid, else read as Windows-1252 (undeclared
//    8-bit headers); bytes a charset cannot decode become U+FFFD.
// Encoded words inside quoted strings or glued to text are decoded too:
// RFC 2047 §5 forbids it, but mailers produce it and readers accept it.
// The result is always valid UTF-8, contains no NUL, CR or LF.
std::string DecodeHeaderText(std::string_view value);

}  // namespace mailhoard::mime
