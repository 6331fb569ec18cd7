// Charset conversion to UTF-8 (glibc iconv), one-shot and streaming.
//
// Labels in mail are messy: "utf8", "iso_8859-1", "ks_c_5601-1987",
// "x-unknown". We map the common aliases to what iconv knows and, like
// browsers (WHATWG Encoding), read some labels as their supersets: Latin-1 as
// Windows-1252, GB2312 as GBK, Shift_JIS as CP932. Undeclared or US-ASCII
// data with 8-bit bytes falls back to Windows-1252 per byte.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "storage/mime/utf8.h"

namespace mailhoard::mime {

enum class CharsetKind {
  kUtf8,         // validate; invalid bytes become U+FFFD
  kAsciiOrUtf8,  // undeclared/us-ascii: UTF-8 if valid, else Windows-1252 per byte
  kWindows1252,  // Latin-1 / Windows-1252: converted by table, no iconv
  kIconv,        // any other charset iconv knows
  kUnknown,      // iconv does not know it
};

struct CharsetInfo {
  CharsetKind kind = CharsetKind::kAsciiOrUtf8;
  std::string iconv_name;  // set for kIconv
};

// Classifies a MIME charset label (case-insensitive, RFC 2231 "*lang" removed
// by the caller). Empty label means undeclared.
CharsetInfo ResolveCharset(std::string_view label);

// Converts `bytes` in `label` to UTF-8, appending to `out`. Returns false
// (appending nothing) when the charset is unknown.
bool AppendConvertedToUtf8(std::string& out, std::string_view bytes, std::string_view label);

// Streaming conversion to UTF-8: a multibyte character split across Write
// calls is carried over. Holds an iconv descriptor; not copyable.
class CharsetConverter {
 public:
  // Unknown charsets are treated as undeclared (kAsciiOrUtf8): for body text
  // readable ASCII beats nothing.
  explicit CharsetConverter(std::string_view label);
  ~CharsetConverter();
  CharsetConverter(const CharsetConverter&) = delete;
  CharsetConverter& operator=(const CharsetConverter&) = delete;

  void Write(std::string_view in, std::string& out);
  void Finish(std::string& out);
  bool uses_iconv() const { return kind_ == CharsetKind::kIconv; }

 private:
  void IconvWrite(const char* p, size_t n, std::string& out, bool final);

  CharsetKind kind_;
  void* cd_ = nullptr;  // iconv_t, kept out of the header
  Utf8Sanitizer sanitizer_;
  char carry_[16] = {};  // incomplete multibyte sequence between writes
  size_t carry_len_ = 0;
};

}  // namespace mailhoard::mime
