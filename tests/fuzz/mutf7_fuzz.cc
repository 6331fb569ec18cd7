// libFuzzer target for modified UTF-7 (RFC 3501 §5.1.3) both ways.
// Oracles: a name that decodes re-encodes to itself (decoding accepts only
// canonical input); UTF-8 that encodes decodes back to itself, and its
// encoding is printable ASCII.
#include <cstdint>
#include <string>

#include "engine/imap/mutf7.h"
#include "tests/fuzz/fuzz_util.h"

using mailhoard::fuzz::AsText;
using mailhoard::fuzz::Check;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input = AsText(data, size);
  auto decoded = mailhoard::imap::DecodeMutf7(input);
  if (decoded.ok()) {
    auto again = mailhoard::imap::EncodeMutf7(*decoded);
    Check(again.ok() && *again == input);
  }
  auto encoded = mailhoard::imap::EncodeMutf7(input);
  if (encoded.ok()) {
    for (char c : *encoded) Check(c >= 0x20 && c < 0x7f);
    auto back = mailhoard::imap::DecodeMutf7(*encoded);
    Check(back.ok() && *back == input);
  }
  return 0;
}
