#include "storage/mime/encoded_words.h"

#include <catch2/catch.hpp>

#include "storage/mime/utf8.h"

namespace mailhoard::mime {
namespace {

TEST_CASE("RFC 2047 section 8 examples", "[mime][rfc2047]") {
  CHECK(DecodeHeaderText("=?US-ASCII?Q?Keith_Moore?= <moore@cs.utk.edu>") ==
        "Keith Moore <moore@cs.utk.edu>");
  CHECK(DecodeHeaderText("=?ISO-8859-1?Q?Keld_J=F8rn_Simonsen?= <keld@dkuug.dk>") ==
        "Keld Jørn Simonsen <keld@dkuug.dk>");
  CHECK(DecodeHeaderText("=?ISO-8859-1?Q?Andr=E9?= Pirard <PIRARD@vm1.ulg.ac.be>") ==
        "André Pirard <PIRARD@vm1.ulg.ac.be>");
  CHECK(DecodeHeaderText("=?ISO-8859-1?B?SWYgeW91IGNhbiByZWFkIHRoaXMgeW8=?="
                         "\r\n =?ISO-8859-2?B?dSB1bmRlcnN0YW5kIHRoZSBleGFtcGxlLg==?=") ==
        "If you can read this you understand the example.");
  CHECK(DecodeHeaderText("Nathaniel Borenstein <nsb@thumper.bellcore.com>\r\n"
                         "    (=?iso-8859-8?b?7eXs+SDv4SDp7Oj08A==?=)") ==
        "Nathaniel Borenstein <nsb@thumper.bellcore.com>    (םולש ןב ילטפנ)");
  // The table of section 8: spacing between words.
  CHECK(DecodeHeaderText("(=?ISO-8859-1?Q?a?=)") == "(a)");
  CHECK(DecodeHeaderText("(=?ISO-8859-1?Q?a?= b)") == "(a b)");
  CHECK(DecodeHeaderText("(=?ISO-8859-1?Q?a?= =?ISO-8859-1?Q?b?=)") == "(ab)");
  CHECK(DecodeHeaderText("(=?ISO-8859-1?Q?a?=  =?ISO-8859-1?Q?b?=)") == "(ab)");
  CHECK(DecodeHeaderText("(=?ISO-8859-1?Q?a?=\r\n    =?ISO-8859-1?Q?b?=)") == "(ab)");
  CHECK(DecodeHeaderText("(=?ISO-8859-1?Q?a_b?=)") == "(a b)");
  CHECK(DecodeHeaderText("(=?ISO-8859-1?Q?a?= =?ISO-8859-2?Q?_b?=)") == "(a b)");
}

TEST_CASE("RFC 2047 charsets through iconv", "[mime][rfc2047]") {
  CHECK(DecodeHeaderText("=?UTF-8?B?0J/RgNC40LLQtdGC?=") == "Привет");
  CHECK(DecodeHeaderText("=?koi8-r?B?8NLJ18XU?=") == "Привет");
  CHECK(DecodeHeaderText("=?windows-1251?Q?=CF=F0=E8=E2=E5=F2?=") == "Привет");
  CHECK(DecodeHeaderText("=?ISO-2022-JP?B?GyRCRnxLXDhsGyhC?=") == "日本語");
  CHECK(DecodeHeaderText("=?Shift_JIS?B?k/qWe4zq?=") == "日本語");
  CHECK(DecodeHeaderText("=?gb2312?B?1tDOxA==?=") == "中文");
  CHECK(DecodeHeaderText("=?windows-1252?Q?=80_5?=") == "€ 5");
  CHECK(DecodeHeaderText("=?iso-8859-15?q?=A4?=") == "€");
}

TEST_CASE("RFC 2047 adjacent words join bytes before conversion", "[mime][rfc2047]") {
  // "日本語" in UTF-8 split in the middle of a character across two words.
  CHECK(DecodeHeaderText("=?UTF-8?B?5pel5pw=?= =?UTF-8?B?rOiqng==?=") == "日本語");
  CHECK(DecodeHeaderText("=?utf-8?q?a?=\r\n\t=?UTF-8?Q?b?= c =?utf-8?q?d?=") == "ab c d");
  CHECK(DecodeHeaderText("x =?utf-8?q?a?= y") == "x a y");
}

TEST_CASE("RFC 2231 language suffix is stripped", "[mime][rfc2047]") {
  CHECK(DecodeHeaderText("=?US-ASCII*EN?Q?Keith_Moore?=") == "Keith Moore");
  CHECK(DecodeHeaderText("=?utf-8*de-DE?B?R3LDvMOfZQ==?=") == "Grüße");
}

TEST_CASE("Malformed or unknown encoded words are kept as written", "[mime][rfc2047]") {
  CHECK(DecodeHeaderText("=?utf-8?X?abc?=") == "=?utf-8?X?abc?=");
  CHECK(DecodeHeaderText("=?utf-8?Q?abc") == "=?utf-8?Q?abc");
  CHECK(DecodeHeaderText("=?utf-8?B?!!!!?=") == "=?utf-8?B?!!!!?=");
  CHECK(DecodeHeaderText("=?utf-8?Q?a=Zb?=") == "=?utf-8?Q?a=Zb?=");
  CHECK(DecodeHeaderText("=??Q?abc?=") == "=??Q?abc?=");
  CHECK(DecodeHeaderText("=?no-such-charset?Q?abc?= tail") == "=?no-such-charset?Q?abc?= tail");
  CHECK(DecodeHeaderText("a =?utf-8?Q?has space?= b") == "a =?utf-8?Q?has space?= b");
  CHECK(DecodeHeaderText("=?utf-8?Q?ok?= =?bogus?Q?x?=") == "ok =?bogus?Q?x?=");
  CHECK(DecodeHeaderText("=?bogus?Q?x?= =?utf-8?Q?ok?=") == "=?bogus?Q?x?= ok");
  CHECK(DecodeHeaderText("=?bogus?Q?x?=  =?bogus?Q?y?= z") == "=?bogus?Q?x?=  =?bogus?Q?y?= z");
  CHECK(DecodeHeaderText("=?") == "=?");
  CHECK(DecodeHeaderText("") == "");
}

TEST_CASE("Hostile headers decode in linear time", "[mime][rfc2047]") {
  std::string opens;
  for (int i = 0; i < 100000; ++i) opens += "=?";
  CHECK(DecodeHeaderText(opens) == opens);
  std::string words;
  for (int i = 0; i < 20000; ++i) words += "=?x?q?a";
  words += "?=";
  CHECK(DecodeHeaderText(words) == words);
  std::string long_word = "=?utf-8?q?" + std::string(5000, 'a') + "?=";
  CHECK(DecodeHeaderText(long_word) == long_word);  // over the word bound: kept
  // A failed long-charset candidate must not hide a later, shorter word.
  CHECK(DecodeHeaderText("=?abcdefghijklmnopqrstuvwxyz?q?x =?u?q?a?=") ==
        "=?abcdefghijklmnopqrstuvwxyz?q?x =?u?q?a?=");
  CHECK(DecodeHeaderText("=?abcdefghijklmnop?x?x=?utf-8?q?a?= b") == "=?abcdefghijklmnop?x?xa b");
  std::string ok_word = "=?utf-8?q?" + std::string(500, 'a') + "?=";
  CHECK(DecodeHeaderText(ok_word) == std::string(500, 'a'));
}

TEST_CASE("Invalid bytes become U+FFFD, raw 8-bit falls back to Windows-1252", "[mime][rfc2047]") {
  CHECK(DecodeHeaderText("=?utf-8?Q?a=FFb?=") ==
        "a\xEF\xBF\xBD"
        "b");
  CHECK(DecodeHeaderText("caf\xE9 \x93quoted\x94") == "café “quoted”");
  CHECK(DecodeHeaderText("already UTF-8: caf\xC3\xA9") == "already UTF-8: café");
  CHECK(DecodeHeaderText("=?utf-8?q?=00nul?=") == " nul");
  std::string junk;
  for (int i = 0; i < 256; ++i) junk.push_back(static_cast<char>(i));
  CHECK(IsValidUtf8(DecodeHeaderText(junk)));
  CHECK(IsValidUtf8(DecodeHeaderText("=?shift_jis?B?gf+B?=")));
  CHECK(IsValidUtf8(DecodeHeaderText("=?iso-2022-jp?B?GyRCRnw=?=")));
}

}  // namespace
}  // namespace mailhoard::mime
