// libFuzzer target for the streaming MIME scanner every archived byte goes
// through. Input: byte 0 = options (bit 0: small limits), bytes 1-4 = seed
// for the chunk sizes, the rest is a message. Oracles (message_scanner.h):
// feeding whole and in seeded random chunks gives the same header, text and
// flags; the text is valid UTF-8 within max_text_bytes; the raw header is
// within max_header_bytes; every byte is counted.
#include <cstdint>
#include <string>

#include "storage/mime/message_scanner.h"
#include "storage/mime/utf8.h"
#include "tests/fuzz/fuzz_util.h"

namespace {

using mailhoard::fuzz::Check;
using mailhoard::mime::MessageScanner;
using mailhoard::mime::ScanLimits;

struct Scanned {
  std::string header;
  std::string text;
  bool header_truncated = false;
  bool text_truncated = false;
  std::string message_id;
};

Scanned Scan(std::string_view message, const ScanLimits& limits, uint32_t seed) {
  MessageScanner scan(limits);
  mailhoard::fuzz::Splitter split(seed);
  size_t pos = 0;
  while (pos < message.size()) {
    const size_t n = seed == 0 ? message.size() : split.Next(message.size() - pos);
    scan.Feed(message.substr(pos, n));
    pos += n;
  }
  scan.Finish();
  scan.Finish();  // idempotent
  scan.Feed("ignored after Finish");
  Check(scan.bytes_seen() == message.size());
  Scanned s;
  s.header = scan.raw_header();
  s.text = scan.text();
  s.header_truncated = scan.header_truncated();
  s.text_truncated = scan.text_truncated();
  s.message_id = scan.headers().MessageId().value_or("<none>");
  Check(mailhoard::mime::IsValidUtf8(s.text));
  Check(s.text.size() <= limits.max_text_bytes);
  Check(s.header.size() <= limits.max_header_bytes);
  return s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 5 || size > 256 * 1024) return 0;
  const uint8_t options = data[0];
  const uint32_t seed = static_cast<uint32_t>(data[1]) | (static_cast<uint32_t>(data[2]) << 8) |
                        (static_cast<uint32_t>(data[3]) << 16) |
                        (static_cast<uint32_t>(data[4]) << 24);
  const std::string_view message = mailhoard::fuzz::AsText(data + 5, size - 5);
  ScanLimits limits;
  if (options & 1) {
    limits.max_header_bytes = 200;
    limits.max_text_bytes = 100;
    limits.max_mime_depth = 3;
    limits.max_part_header_bytes = 100;
  }
  const Scanned whole = Scan(message, limits, 0);
  const Scanned split = Scan(message, limits, seed | 1);
  Check(whole.header == split.header);
  Check(whole.text == split.text);
  Check(whole.header_truncated == split.header_truncated);
  Check(whole.text_truncated == split.text_truncated);
  Check(whole.message_id == split.message_id);
  return 0;
}
