// libFuzzer target for RFC 2047 encoded-word decoding of header values.
// Oracles (encoded_words.h): the result is valid UTF-8 without NUL, CR or
// LF, and decoding is deterministic.
#include <cstdint>
#include <string>

#include "storage/mime/encoded_words.h"
#include "storage/mime/utf8.h"
#include "tests/fuzz/fuzz_util.h"

using mailhoard::fuzz::AsText;
using mailhoard::fuzz::Check;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 64 * 1024) return 0;  // header values are bounded long before this
  const std::string out = mailhoard::mime::DecodeHeaderText(AsText(data, size));
  Check(mailhoard::mime::IsValidUtf8(out));
  Check(out.find_first_of(std::string_view("\0\r\n", 3)) == std::string::npos);
  Check(out == mailhoard::mime::DecodeHeaderText(AsText(data, size)));
  return 0;
}
