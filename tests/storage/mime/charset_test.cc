#include "storage/mime/charset.h"

#include <catch2/catch.hpp>

#include "storage/mime/utf8.h"

namespace mailhoard::mime {
namespace {

std::string ConvertSplit(std::string_view label, std::string_view in, size_t step) {
  CharsetConverter c(label);
  std::string out;
  for (size_t i = 0; i < in.size(); i += step) c.Write(in.substr(i, step), out);
  c.Finish(out);
  return out;
}

std::string ConvertAllSplits(std::string_view label, std::string_view in) {
  std::string whole = ConvertSplit(label, in, in.size() + 1);
  for (size_t step = 1; step <= 5; ++step) CHECK(ConvertSplit(label, in, step) == whole);
  CHECK(IsValidUtf8(whole));
  return whole;
}

TEST_CASE("ResolveCharset maps labels", "[mime][charset]") {
  CHECK(ResolveCharset("UTF-8").kind == CharsetKind::kUtf8);
  CHECK(ResolveCharset("utf8").kind == CharsetKind::kUtf8);
  CHECK(ResolveCharset("").kind == CharsetKind::kAsciiOrUtf8);
  CHECK(ResolveCharset("US-ASCII").kind == CharsetKind::kAsciiOrUtf8);
  CHECK(ResolveCharset("iso-8859-1").kind == CharsetKind::kWindows1252);
  CHECK(ResolveCharset("Windows-1252").kind == CharsetKind::kWindows1252);
  CHECK(ResolveCharset("\"GB2312\"").iconv_name == "GBK");
  CHECK(ResolveCharset("koi8-r").kind == CharsetKind::kIconv);
  CHECK(ResolveCharset("no-such-charset").kind == CharsetKind::kUnknown);
  CHECK(ResolveCharset("utf-8//IGNORE").kind == CharsetKind::kUnknown);  // no iconv options
}

TEST_CASE("Streaming conversion carries split multibyte characters", "[mime][charset]") {
  CHECK(ConvertAllSplits("utf-8", "日本語 Ωmega") == "日本語 Ωmega");
  CHECK(ConvertAllSplits("shift_jis", "\x93\xfa\x96\x7b\x8c\xea") == "日本語");
  CHECK(ConvertAllSplits("gbk", "\xd6\xd0\xce\xc4") == "中文");
  CHECK(ConvertAllSplits("iso-2022-jp", "\x1b$BF|K\\8l\x1b(B!") == "日本語!");
  CHECK(ConvertAllSplits("windows-1251", "\xcf\xf0\xe8\xe2\xe5\xf2") == "Привет");
  CHECK(ConvertAllSplits("iso-8859-1", "\x80 caf\xe9") == "€ café");
}

TEST_CASE("Invalid input becomes U+FFFD or the Windows-1252 fallback", "[mime][charset]") {
  CHECK(ConvertAllSplits("utf-8",
                         "a\xff"
                         "b\xe6\x97") ==
        "a\xEF\xBF\xBD"
        "b\xEF\xBF\xBD\xEF\xBF\xBD");
  CHECK(ConvertAllSplits("us-ascii", "caf\xe9 \xc3\xa9") == "café é");
  CHECK(ConvertAllSplits("no-such-charset", "caf\xe9") == "café");
  CHECK(ConvertAllSplits("shift_jis", "\x93\xfa\x93") == "日\xEF\xBF\xBD");
  CHECK(ConvertAllSplits("gbk", "\xff\xff ok").find("ok") != std::string::npos);
}

TEST_CASE("UTF-8 helpers", "[mime][charset]") {
  CHECK(IsValidUtf8("plain ascii"));
  CHECK_FALSE(IsValidUtf8("\xc0\xaf"));          // overlong
  CHECK_FALSE(IsValidUtf8("\xed\xa0\x80"));      // surrogate
  CHECK_FALSE(IsValidUtf8("\xf4\x90\x80\x80"));  // > U+10FFFF
  std::string s = "ab\xe6\x97";
  TrimIncompleteUtf8Tail(s);
  CHECK(s == "ab");
  s = "ab\xe6\x97\xa5";
  TrimIncompleteUtf8Tail(s);
  CHECK(s == "ab\xe6\x97\xa5");
  CHECK(SanitizeUtf8("\x93hi\x94", InvalidByte::kWindows1252) == "“hi”");
  CHECK(SanitizeUtf8("\x81", InvalidByte::kWindows1252) == "\xEF\xBF\xBD");
}

}  // namespace
}  // namespace mailhoard::mime
