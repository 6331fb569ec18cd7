#include "storage/mime/header_block.h"

#include <catch2/catch.hpp>

namespace mailhoard::mime {
namespace {

TEST_CASE("HeaderBlock unfolds continuation lines (RFC 5322 2.2.3)", "[mime][header]") {
  HeaderBlock h = HeaderBlock::Parse(
      "Subject: This\r\n is a test\r\n\tof folding\r\n"
      "To: a@example.com,\r\n  b@example.com\r\n"
      "\r\n"
      "Body: not a header\r\n");
  REQUIRE(h.fields().size() == 2);
  CHECK(h.First("subject") == "This is a test\tof folding");
  CHECK(h.First("TO") == "a@example.com,  b@example.com");
  CHECK_FALSE(h.First("Body"));
}

TEST_CASE("HeaderBlock accepts bare LF, keeps order, returns all values", "[mime][header]") {
  HeaderBlock h =
      HeaderBlock::Parse("Received: one\nReceived: two\n  folded\nX-Empty:\nx-empty: second\n");
  auto all = h.All("received");
  REQUIRE(all.size() == 2);
  CHECK(all[0] == "one");
  CHECK(all[1] == "two  folded");  // unfolding keeps the blank
  CHECK(h.First("X-EMPTY") == "");
  CHECK(h.All("X-Empty").size() == 2);
}

TEST_CASE("HeaderBlock skips garbage lines and tolerates truncation", "[mime][header]") {
  HeaderBlock h = HeaderBlock::Parse(
      "From someone@example.com Mon Jan  1 00:00:00 2024\n"
      "  orphan continuation\n"
      "Subject : obsolete blank before colon\n"
      "no colon here\n"
      "  continuation of a skipped line\n"
      "From: a@b.c\n"
      "Cc: cut mid-fi");
  CHECK(h.First("Subject") == "obsolete blank before colon");
  CHECK(h.First("From") == "a@b.c");
  CHECK(h.First("Cc") == "cut mid-fi");
  CHECK(h.fields().size() == 3);
}

TEST_CASE("HeaderBlock decodes From/To/Cc/Subject", "[mime][header]") {
  HeaderBlock h = HeaderBlock::Parse(
      "From: =?ISO-8859-1?Q?Keld_J=F8rn_Simonsen?= <keld@dkuug.dk>\r\n"
      "To: =?utf-8?B?QW5kcsOp?= <andre@example.com>\r\n"
      "Cc: one@example.com\r\n"
      "Cc: two@example.com\r\n"
      "Subject: =?utf-8?q?caf=C3=A9?=\r\n  au lait\r\n\r\n");
  CHECK(h.Decoded("From") == "Keld Jørn Simonsen <keld@dkuug.dk>");
  CHECK(h.Decoded("To") == "André <andre@example.com>");
  CHECK(h.DecodedJoined("Cc") == "one@example.com, two@example.com");
  CHECK(h.Decoded("Subject") == "café  au lait");
  CHECK_FALSE(h.Decoded("Reply-To"));
}

TEST_CASE("Message-ID is normalised without angle brackets", "[mime][header]") {
  CHECK(NormalizeMessageId("<1234@local.machine.example>") == "1234@local.machine.example");
  CHECK(NormalizeMessageId("  (comment) <abc@Example.COM> (trailing)") == "abc@Example.COM");
  CHECK(NormalizeMessageId("<abc@\r\n example.com>") == "abc@example.com");
  CHECK(NormalizeMessageId("bare-id@example.com extra") == "bare-id@example.com");
  CHECK(NormalizeMessageId("<unterminated@example.com") == "unterminated@example.com");
  CHECK_FALSE(NormalizeMessageId(""));
  CHECK_FALSE(NormalizeMessageId("<>"));
  CHECK_FALSE(NormalizeMessageId("   "));
  CHECK_FALSE(NormalizeMessageId("<" + std::string(1200, 'a') + ">"));

  HeaderBlock h = HeaderBlock::Parse("message-id:\r\n <x.y@z>\r\n\r\n");
  CHECK(h.MessageId() == "x.y@z");
  CHECK_FALSE(HeaderBlock::Parse("Subject: x\n").MessageId());
}

TEST_CASE("HeaderBlock Date goes through ParseDate", "[mime][header]") {
  HeaderBlock h = HeaderBlock::Parse("Date: Thu, 1 Jan 1970 00:01:00 +0000\n");
  CHECK(h.Date() == std::time_t{60});
  CHECK_FALSE(HeaderBlock::Parse("Date: whenever\n").Date());
}

}  // namespace
}  // namespace mailhoard::mime
