#include "storage/mime/text_sink.h"

#include <catch2/catch.hpp>

namespace mailhoard::mime {
namespace {

TEST_CASE("TextSink drops CR and NUL", "[mime][sink]") {
  TextSink s(100);
  CHECK(s.Append(std::string_view("a\r\nb\0c\r", 7)));
  CHECK(s.text() == "a\nbc");
  CHECK_FALSE(s.full());
}

TEST_CASE("TextSink cuts at a character boundary when full", "[mime][sink]") {
  TextSink s(5);
  CHECK(s.Append("abc"));
  CHECK_FALSE(s.Append("d\xe6\x97\xa5"));  // 'd' fits, the 3-byte char does not
  CHECK(s.full());
  CHECK(s.text() == "abcd");
  CHECK_FALSE(s.Append("x"));
  CHECK(s.text() == "abcd");

  TextSink split(4);
  CHECK(split.Append("ab\xe6"));  // a character split across two appends
  CHECK_FALSE(split.Append("\x97\xa5"));
  CHECK(split.text() == "ab");
}

TEST_CASE("TextSink separates parts and truncates to a mark", "[mime][sink]") {
  TextSink s(100);
  s.BeginPart();
  CHECK(s.text().empty());
  s.Append("one");
  size_t mark = s.size();
  s.BeginPart();
  s.Append("two");
  CHECK(s.text() == "one\ntwo");
  s.TruncateTo(mark);
  CHECK(s.text() == "one");
}

}  // namespace
}  // namespace mailhoard::mime
