#include "engine/imap/mutf7.h"

#include <catch2/catch.hpp>

namespace mailhoard::imap {
namespace {

std::string Decode(std::string_view s) {
  auto r = DecodeMutf7(s);
  REQUIRE(r.ok());
  return *r;
}

std::string Encode(std::string_view s) {
  auto r = EncodeMutf7(s);
  REQUIRE(r.ok());
  return *r;
}

TEST_CASE("mUTF-7 round trips (RFC 3501 §5.1.3 examples)", "[imap][mutf7]") {
  const std::pair<const char*, const char*> cases[] = {
      {"Entwürfe", "Entw&APw-rfe"},
      {"~peter/mail/台北/日本語", "~peter/mail/&U,BTFw-/&ZeVnLIqe-"},
      {"A&B", "A&-B"},
      {"&", "&-"},
      {"INBOX", "INBOX"},
      {"Gelöschte Elemente", "Gel&APY-schte Elemente"},
      {"Отправленные", "&BB4EQgQ,BEAEMAQyBDsENQQ9BD0ESwQ1-"},
      {"😀 smile", "&2D3eAA- smile"},  // astral plane: a surrogate pair
      {"tab\there", "tab&AAk-here"},  // control characters are shifted
      {"ü&ü", "&APw-&-&APw-"},
      {"", ""},
  };
  for (const auto& [utf8, mutf7] : cases) {
    INFO(utf8);
    CHECK(Encode(utf8) == mutf7);
    CHECK(Decode(mutf7) == utf8);
  }
}

TEST_CASE("mUTF-7 decoding is strict", "[imap][mutf7]") {
  const char* bad[] = {
      "Entw&APw",         // unterminated
      "&",                // unterminated
      "a&A*w-",           // bad base64 character
      "&AGE-",            // shifted printable ASCII "a": non-canonical
      "&APw-&APw-",       // two adjacent shifted runs: non-canonical
      "&APx-",            // nonzero padding bits
      "&APwA-",           // excess bits (a sixth of a unit)
      "&2D0-",            // lone high surrogate
      "&3gA-",            // lone low surrogate
      "&2D3YPQ-",         // high surrogate followed by a high surrogate
      "Entw\xc3\xbcrfe",  // raw 8-bit
      "a\tb",             // control character
      "&AAA-",            // NUL
      "&A-",              // too short for a UTF-16 unit
  };
  for (const char* s : bad) {
    INFO(s);
    auto r = DecodeMutf7(s);
    CHECK_FALSE(r.ok());
    if (!r.ok()) CHECK(r.status().code() == ErrorCode::kProtocol);
  }
}

TEST_CASE("mUTF-7 encoding rejects invalid UTF-8", "[imap][mutf7]") {
  const std::string bad[] = {
      "\xc3",                  // truncated
      "\xc0\xaf",              // overlong
      "\xed\xa0\x80",          // surrogate
      "\xf4\x90\x80\x80",      // above U+10FFFF
      "\x80",                  // stray continuation
      std::string("a\0b", 3),  // NUL
  };
  for (const std::string& s : bad) {
    auto r = EncodeMutf7(s);
    CHECK_FALSE(r.ok());
    if (!r.ok()) CHECK(r.status().code() == ErrorCode::kInvalidArgument);
  }
}

}  // namespace
}  // namespace mailhoard::imap
