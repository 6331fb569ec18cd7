// Content-Transfer-Encoding decoders (RFC 2045 §6), streaming.
//
// Both decoders accept input split anywhere (a "=3D" or a base64 quantum cut
// between chunks) and keep at most a few bytes of state. They are lenient the
// way mail readers are: junk is skipped, not fatal.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace mailhoard::mime {

enum class TransferEncoding { kIdentity, kQuotedPrintable, kBase64 };

// "quoted-printable" / "base64" (case-insensitive, padded); 7bit, 8bit,
// binary and anything unknown are identity.
TransferEncoding ParseTransferEncoding(std::string_view value);

// RFC 2045 §6.7. Soft line breaks ("=" before a line end) vanish; a "=" not
// followed by two hex digits is kept literally (rule 1, lenient reading).
class QuotedPrintableDecoder {
 public:
  void Write(std::string_view in, std::string& out);
  void Finish(std::string& out);

 private:
  // After "=": 0 = none, 1 = "=" seen, 2 = "=X" seen, 3 = soft break
  // whitespace being skipped up to the line end.
  int state_ = 0;
  char first_ = 0;
  char pad_[32] = {};  // blanks after "=" kept in case no line end follows
  size_t pad_len_ = 0;
};

// RFC 2045 §6.8. Characters outside the alphabet (line breaks, junk) are
// ignored; "=" ends a quantum, after which decoding simply resumes (some
// mailers concatenate base64 bodies).
class Base64Decoder {
 public:
  void Write(std::string_view in, std::string& out);
  void Finish(std::string& out);

 private:
  unsigned quantum_ = 0;
  int count_ = 0;
};

// RFC 2047 §4.2 "Q": like quoted-printable, plus "_" is a space. Returns false
// on a malformed "=" escape.
bool DecodeQEncoding(std::string_view in, std::string& out);
// RFC 2047 §4.1 "B": strict alphabet; returns false on invalid characters.
bool DecodeBEncoding(std::string_view in, std::string& out);

}  // namespace mailhoard::mime
