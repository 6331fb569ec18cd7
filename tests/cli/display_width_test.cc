#include "cli/display_width.h"

#include <catch2/catch.hpp>

namespace mailhoard::cli {
namespace {

TEST_CASE("display width counts columns, not bytes", "[display_width]") {
  CHECK(DisplayWidth("INBOX") == 5);
  CHECK(DisplayWidth("Entwürfe") == 8);                // ü is 2 bytes, 1 column
  CHECK(DisplayWidth("已发送") == 6);                  // wide
  CHECK(DisplayWidth("Re\xCC\x81sume\xCC\x81") == 6);  // combining accents take none
  CHECK(DisplayWidth("\xF0\x9F\x93\xA7 Mail") == 7);   // an emoji is wide
  CHECK(DisplayWidth("\xFF\xFE") == 2);                // invalid bytes: one column each
  CHECK(DisplayWidth("\xE4\xB8") == 2);                // a truncated sequence too
  CHECK(DisplayWidth("") == 0);
}

TEST_CASE("padding lines up names whatever their script", "[display_width]") {
  CHECK(PadRight("Sent", 8) == "Sent    ");
  CHECK(PadRight("已发送", 8) == "已发送  ");
  CHECK(PadRight("Entwürfe", 10) == "Entwürfe  ");
  CHECK(PadRight("a-very-long-name", 4) == "a-very-long-name");
}

}  // namespace
}  // namespace mailhoard::cli
