#include "storage/mime/content_type.h"

#include <catch2/catch.hpp>

namespace mailhoard::mime {
namespace {

TEST_CASE("Content-Type type, subtype and parameters", "[mime][content-type]") {
  ContentType ct = ParseContentType("Text/HTML; Charset=\"ISO-8859-1\" (comment); format=flowed");
  CHECK(ct.type == "text");
  CHECK(ct.subtype == "html");
  CHECK(ct.params.Get("charset") == "ISO-8859-1");
  CHECK(ct.params.Get("format") == "flowed");
  CHECK_FALSE(ct.params.Get("boundary"));

  ContentType mp =
      ParseContentType("multipart/mixed;\r\n boundary=\"----=_Part_0_12345.678\"; type=\"a\\\"b\"");
  CHECK(mp.Is("multipart", "mixed"));
  CHECK(mp.params.Get("boundary") == "----=_Part_0_12345.678");
  CHECK(mp.params.Get("type") == "a\"b");

  CHECK(ParseContentType("multipart/alternative; boundary=0000000000001a2b3c")
            .params.Get("boundary") == "0000000000001a2b3c");
}

TEST_CASE("Content-Type defaults (RFC 2045 5.2, RFC 2046 5.1.5)", "[mime][content-type]") {
  CHECK(ParseContentType(std::nullopt).Is("text", "plain"));
  CHECK(ParseContentType(std::nullopt, "message/rfc822").Is("message", "rfc822"));
  ContentType broken = ParseContentType("garbage; charset=utf-8");
  CHECK(broken.Is("text", "plain"));
  CHECK(broken.params.Get("charset") == "utf-8");
  CHECK(ParseContentType("text").Is("text", "plain"));
}

TEST_CASE("RFC 2231 continuations and extended values", "[mime][content-type]") {
  // RFC 2231 section 3 and 4 examples.
  ContentType ct = ParseContentType(
      "message/external-body; access-type=URL;\r\n"
      " URL*0=\"ftp://\";\r\n"
      " URL*1=\"cs.utk.edu/pub/moore/bulk-mailer/bulk-mailer.tar\"");
  CHECK(ct.params.Get("url") == "ftp://cs.utk.edu/pub/moore/bulk-mailer/bulk-mailer.tar");
  ContentType ext = ParseContentType(
      "application/x-stuff; title*=us-ascii'en-us'This%20is%20%2A%2A%2Afun%2A%2A%2A");
  CHECK(ext.params.Get("title") == "This is ***fun***");
  ContentType mixed = ParseContentType(
      "application/x-stuff;\r\n title*0*=us-ascii'en'This%20is%20even%20more%20;\r\n"
      " title*1*=%2A%2A%2Afun%2A%2A%2A%20;\r\n title*2=\"isn't it!\"");
  CHECK(mixed.params.Get("title") == "This is even more ***fun*** isn't it!");
  // Segments out of order and a UTF-8 file name.
  ContentDisposition cd =
      ParseContentDisposition("attachment; filename*1*=%C3%A9.txt; filename*0*=UTF-8''r%C3%A9sum");
  CHECK(cd.type == "attachment");
  CHECK(cd.params.Get("filename") == "résumé.txt");
  CHECK(ParseContentType("text/plain; charset*=iso-8859-1''caf%E9").params.Get("charset") ==
        "café");
}

TEST_CASE("Content-Disposition", "[mime][content-type]") {
  CHECK(ParseContentDisposition(std::nullopt).type.empty());
  CHECK(ParseContentDisposition("INLINE").type == "inline");
  ContentDisposition cd = ParseContentDisposition("attachment;filename=report.pdf;size=12");
  CHECK(cd.type == "attachment");
  CHECK(cd.params.Get("filename") == "report.pdf");
  CHECK(cd.params.Get("size") == "12");
}

TEST_CASE("Parameter parsing is bounded and never fails", "[mime][content-type]") {
  std::string many = "text/plain";
  for (int i = 0; i < 1000; ++i) many += "; p" + std::to_string(i) + "=v";
  CHECK(ParseContentType(many).params.size() <= 64);
  CHECK(ParseContentType("text/plain; x=\"unterminated").params.Get("x") == "unterminated");
  CHECK(ParseContentType("text/plain; ; ;= ; novalue; a=b").params.Get("a") == "b");
  CHECK(ParseContentType(std::string(100000, ';')).Is("text", "plain"));
  // An unterminated comment ending in a backslash once ran past the end of
  // the value and threw out of the scanner (tests/fuzz/mime_scan_fuzz.cc).
  CHECK(ParseContentType("multipart/alternative;(\\").Is("multipart", "alternative"));
  CHECK(ParseContentType("text/plain; (a\\").params.size() == 0);
  CHECK(ParseContentType("text/plain; (a\\) b=c").params.Get("b") == std::nullopt);
  CHECK(ParseContentType("text/plain; (a\\)) b=c").params.Get("b") == "c");
}

}  // namespace
}  // namespace mailhoard::mime
