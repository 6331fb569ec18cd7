#include "storage/mime/message_scanner.h"

#include <catch2/catch.hpp>
#include <random>
#include <string>

#include "storage/mime/utf8.h"

namespace mailhoard::mime {
namespace {

struct Scan {
  std::string raw_header;
  bool header_truncated;
  std::string text;
  bool text_truncated;
};

Scan ScanWhole(std::string_view msg, ScanLimits limits = {}) {
  MessageScanner s(limits);
  s.Feed(msg);
  s.Finish();
  return {s.raw_header(), s.header_truncated(), s.text(), s.text_truncated()};
}

Scan ScanBytewise(std::string_view msg, ScanLimits limits = {}) {
  MessageScanner s(limits);
  for (char c : msg) s.Feed(std::string_view(&c, 1));
  s.Finish();
  return {s.raw_header(), s.header_truncated(), s.text(), s.text_truncated()};
}

Scan ScanRandom(std::string_view msg, uint32_t seed, ScanLimits limits = {}) {
  std::mt19937 rng(seed);
  MessageScanner s(limits);
  size_t i = 0;
  while (i < msg.size()) {
    size_t n = std::uniform_int_distribution<size_t>(0, 40)(rng);
    n = std::min(n, msg.size() - i);
    s.Feed(msg.substr(i, n));
    i += n;
  }
  s.Finish();
  return {s.raw_header(), s.header_truncated(), s.text(), s.text_truncated()};
}

// Every split gives the same result as feeding the message whole.
std::string TextOf(std::string_view msg, ScanLimits limits = {}) {
  Scan whole = ScanWhole(msg, limits);
  Scan bytes = ScanBytewise(msg, limits);
  CHECK(bytes.text == whole.text);
  CHECK(bytes.raw_header == whole.raw_header);
  for (uint32_t seed = 1; seed <= 20; ++seed) {
    Scan r = ScanRandom(msg, seed, limits);
    CHECK(r.text == whole.text);
    CHECK(r.raw_header == whole.raw_header);
  }
  CHECK(IsValidUtf8(whole.text));
  return whole.text;
}

std::string Crlf(std::string s) {
  std::string out;
  for (char c : s) {
    if (c == '\n') out += '\r';
    out += c;
  }
  return out;
}

TEST_CASE("Scanner captures the header block (CRLF and LF)", "[mime][scanner]") {
  Scan lf = ScanWhole("From: a@b\nSubject: hi\n\nbody line\n");
  CHECK(lf.raw_header == "From: a@b\nSubject: hi\n");
  CHECK(lf.text == "body line\n");
  Scan crlf = ScanWhole("From: a@b\r\nSubject: hi\r\n\r\nbody line\r\n");
  CHECK(crlf.raw_header == "From: a@b\r\nSubject: hi\r\n");
  CHECK(crlf.text == "body line\n");
  CHECK(TextOf("From: a@b\r\nSubject: hi\r\n\r\nbody line\r\n") == "body line\n");

  MessageScanner s;
  std::string_view msg = "Message-ID: <x@y>\r\nDate: Thu, 1 Jan 1970 00:00:10 +0000\r\n\r\nhello";
  s.Feed(msg);
  s.Finish();
  CHECK(s.headers().MessageId() == "x@y");
  CHECK(s.headers().Date() == std::time_t{10});
  CHECK(s.text() == "hello");
  CHECK(s.bytes_seen() == msg.size());
}

TEST_CASE("Scanner handles header-only and empty-header messages", "[mime][scanner]") {
  Scan only = ScanWhole("Subject: no body\r\nFrom: x");
  CHECK(only.raw_header == "Subject: no body\r\nFrom: x");
  CHECK(only.text.empty());
  Scan no_header = ScanWhole("\r\njust a body\r\n");
  CHECK(no_header.raw_header.empty());
  CHECK(no_header.text == "just a body\n");
  CHECK(ScanWhole("").raw_header.empty());
}

TEST_CASE("Scanner caps the header block at whole lines", "[mime][scanner]") {
  ScanLimits limits;
  limits.max_header_bytes = 64;
  std::string msg = "Subject: first\r\n";
  for (int i = 0; i < 100; ++i) msg += "X-Filler-" + std::to_string(i) + ": value\r\n";
  msg += "\r\nthe body\r\n";
  Scan s = ScanWhole(msg, limits);
  CHECK(s.header_truncated);
  CHECK(s.raw_header.size() <= 64);
  CHECK(s.raw_header.substr(0, 16) == "Subject: first\r\n");
  CHECK(s.raw_header.back() == '\n');
  CHECK(s.text == "the body\n");
  CHECK(TextOf(msg, limits) == "the body\n");
  CHECK(ScanBytewise(msg, limits).raw_header == s.raw_header);
}

TEST_CASE("Scanner decodes quoted-printable text/plain", "[mime][scanner]") {
  std::string msg = Crlf(
      "Content-Type: text/plain; charset=iso-8859-1\n"
      "Content-Transfer-Encoding: quoted-printable\n"
      "\n"
      "Caf=E9 cr=E8me br=FBl=E9e, a long line that is soft =\n"
      "broken here.\n"
      "=3D literal equals\n");
  CHECK(TextOf(msg) ==
        "Café crème brûlée, a long line that is soft broken here.\n= literal equals\n");
}

TEST_CASE("Scanner decodes base64 text/plain in UTF-8", "[mime][scanner]") {
  // "Grüße aus Köln\nЗдравствуйте\n"
  std::string msg = Crlf(
      "Content-Type: text/plain; charset=\"UTF-8\"\n"
      "Content-Transfer-Encoding: base64\n"
      "\n"
      "R3LDvMOfZSBhdXMgS8O2bG4K0JfQtNGA0LDQstGB0YLQstGD0LnRgtC1Cg==\n");
  CHECK(TextOf(msg) == "Grüße aus Köln\nЗдравствуйте\n");
}

TEST_CASE("Scanner converts body charsets via iconv", "[mime][scanner]") {
  std::string msg =
      "Content-Type: text/plain; charset=ISO-2022-JP\r\n\r\n"
      "\x1b$BF|K\\8l\x1b(B text\r\n";
  CHECK(TextOf(msg) == "日本語 text\n");
  CHECK(TextOf("Content-Type: text/plain; charset=koi8-r\r\n\r\n\xf0\xd2\xc9\xd7\xc5\xd4\r\n") ==
        "Привет\n");
  // Undeclared 8-bit: Windows-1252 fallback; declared UTF-8 with junk: U+FFFD.
  CHECK(TextOf("Subject: x\r\n\r\ncaf\xe9\r\n") == "café\n");
  CHECK(TextOf("Content-Type: text/plain; charset=utf-8\r\n\r\nbad \xff byte\r\n") ==
        "bad \xEF\xBF\xBD byte\n");
}

const char* kAlternative =
    "Content-Type: multipart/alternative; boundary=\"b1\"\n"
    "\n"
    "This is the preamble.\n"
    "--b1\n"
    "Content-Type: text/plain; charset=us-ascii\n"
    "\n"
    "Plain version\n"
    "-- \n"
    "signature\n"
    "--b1\n"
    "Content-Type: text/html; charset=us-ascii\n"
    "\n"
    "<p>HTML <b>version</b></p>\n"
    "--b1--\n"
    "epilogue\n";

TEST_CASE("multipart/alternative keeps text/plain and drops HTML", "[mime][scanner]") {
  CHECK(TextOf(kAlternative) == "Plain version\n-- \nsignature");
  CHECK(TextOf(Crlf(kAlternative)) == "Plain version\n-- \nsignature");
}

TEST_CASE("multipart/alternative with HTML first still ends with plain only", "[mime][scanner]") {
  std::string msg =
      "Content-Type: multipart/alternative; boundary=zz\n\n"
      "--zz\nContent-Type: text/html\n\n<div>rich words</div>\n"
      "--zz\nContent-Type: text/plain\n\nplain words\n"
      "--zz--\n";
  CHECK(TextOf(msg) == "plain words");
}

TEST_CASE("HTML-only messages are stripped to text", "[mime][scanner]") {
  std::string msg = Crlf(
      "Content-Type: text/html; charset=windows-1252\n"
      "Content-Transfer-Encoding: quoted-printable\n"
      "\n"
      "<html><head><title>T</title><style>p { color: red; }</style>\n"
      "<script type=3D\"text/javascript\">if (a < b) alert(\"x\");</script></head>\n"
      "<body><!-- hidden comment --><p>Hello&nbsp;&amp; welcome,</p><p>caf=E9 &euro;5 &#x263A;=\n"
      " &lt;tag&gt;</p><img src=3D\"x.png\" alt=3D\"a > b\">done</body></html>\n");
  CHECK(TextOf(msg) == "T\nHello & welcome,\ncafé €5 ☺ <tag>\ndone");
  std::string alt_html_only =
      "Content-Type: multipart/alternative; boundary=q\n\n--q\n"
      "Content-Type: text/html\n\n<b>only</b> html\n--q--\n";
  CHECK(TextOf(alt_html_only) == "only html");
}

TEST_CASE("Nested multipart/mixed skips attachments and non-text parts", "[mime][scanner]") {
  std::string msg = Crlf(
      "From: a@example.com\n"
      "Content-Type: multipart/mixed;\n"
      " boundary=\"==outer==\"\n"
      "\n"
      "--==outer==\n"
      "Content-Type: multipart/alternative; boundary=inner\n"
      "\n"
      "--inner\n"
      "Content-Type: text/plain\n"
      "\n"
      "first text\n"
      "--inner\n"
      "Content-Type: text/html\n"
      "\n"
      "<p>first text</p>\n"
      "--inner--\n"
      "\n"
      "--==outer==\n"
      "Content-Type: text/plain; name=\"notes.txt\"\n"
      "Content-Disposition: attachment; filename=\"notes.txt\"\n"
      "\n"
      "ATTACHED TEXT MUST NOT APPEAR\n"
      "--==outer==\n"
      "Content-Type: image/png\n"
      "Content-Transfer-Encoding: base64\n"
      "\n"
      "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk\n"
      "--==outer==\n"
      "Content-Type: text/plain; charset=utf-8\n"
      "Content-Disposition: inline\n"
      "\n"
      "second text\n"
      "--==outer==--\n");
  CHECK(TextOf(msg) == "first text\nsecond text");
}

TEST_CASE("Boundaries: quoted, RFC 2231 continuations, prefixes, missing close",
          "[mime][scanner]") {
  std::string rfc2231 =
      "Content-Type: multipart/mixed; boundary*0=\"abc\"; boundary*1=\"def\"\n\n"
      "--abcdef\nContent-Type: text/plain\n\none\n--abcdef--\n";
  CHECK(TextOf(rfc2231) == "one");
  // An inner boundary that has the outer one as prefix; the inner multipart is
  // never closed (broken mailer) and the outer delimiter still ends it.
  std::string prefix =
      "Content-Type: multipart/mixed; boundary=\"x\"\n\n"
      "--x\nContent-Type: multipart/mixed; boundary=\"x-inner\"\n\n"
      "--x-inner\nContent-Type: text/plain\n\ninner text\n"
      "--x\nContent-Type: text/plain\n\nouter text\n"
      "--x--  \n";
  CHECK(TextOf(prefix) == "inner text\nouter text");
  // Lines starting with "-" that are not delimiters stay in the text.
  std::string dashes =
      "Content-Type: multipart/mixed; boundary=\"sep\"\n\n"
      "--sep\n\n- item\n--not the boundary\n--sep-but-longer\n---\n--sep--\n";
  CHECK(TextOf(dashes) == "- item\n--not the boundary\n--sep-but-longer\n---");
}

TEST_CASE("message/rfc822 parts and digests are walked", "[mime][scanner]") {
  std::string msg =
      "Content-Type: multipart/mixed; boundary=o\n\n"
      "--o\nContent-Type: text/plain\n\nsee below\n"
      "--o\nContent-Type: message/rfc822\n\n"
      "Subject: forwarded\nContent-Type: text/plain\n\nforwarded body\n"
      "--o\nContent-Type: multipart/digest; boundary=d\n\n"
      "--d\n\nSubject: in digest\n\ndigest body\n--d--\n"
      "--o--\n";
  CHECK(TextOf(msg) == "see below\nforwarded body\ndigest body");
}

TEST_CASE("Nesting deeper than the cap is skipped, not followed", "[mime][scanner]") {
  std::string msg;
  std::string close;
  for (int i = 0; i < 40; ++i) {
    std::string b = "b" + std::to_string(i);
    msg += "Content-Type: multipart/mixed; boundary=" + b + "\n\n--" + b + "\n";
    close = "--" + b + "--\n" + close;
  }
  msg += "Content-Type: text/plain\n\ndeep text\n" + close;
  ScanLimits limits;
  limits.max_mime_depth = 8;
  CHECK(TextOf(msg, limits).empty());
  limits.max_mime_depth = 64;
  CHECK(TextOf(msg, limits) == "deep text");
}

TEST_CASE("Extraction stops at the cap and after the last close delimiter", "[mime][scanner]") {
  ScanLimits limits;
  limits.max_text_bytes = 100;
  MessageScanner capped(limits);
  capped.Feed("Subject: x\r\n\r\n");
  capped.Feed(std::string(99, 'a'));
  CHECK_FALSE(capped.extraction_done());
  capped.Feed("bb");
  CHECK(capped.extraction_done());
  CHECK(capped.text_truncated());
  capped.Feed("more text that is never looked at");
  capped.Finish();
  CHECK(capped.text() == std::string(99, 'a') + "b");

  MessageScanner closed;
  closed.Feed("Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\ntext\r\n");
  CHECK_FALSE(closed.extraction_done());
  closed.Feed("--b--\r\n");
  CHECK(closed.extraction_done());
  closed.Feed("--b\r\n\r\nepilogue is not text\r\n");
  closed.Finish();
  CHECK(closed.text() == "text");
  CHECK_FALSE(closed.text_truncated());
}

TEST_CASE("Text cap bounds output of a huge message", "[mime][scanner]") {
  ScanLimits limits;
  limits.max_text_bytes = 1000;
  std::string line(76, 'a');
  line += "\xc3\xa9\r\n";  // a 2-byte character at varying cap offsets
  std::string body;
  while (body.size() < 200000) body += line;
  std::string msg = "Content-Type: text/plain; charset=utf-8\r\n\r\n" + body;
  Scan s = ScanWhole(msg, limits);
  CHECK(s.text_truncated);
  CHECK(s.text.size() <= 1000);
  CHECK(s.text.size() >= 990);
  CHECK(IsValidUtf8(s.text));
  CHECK(TextOf(msg, limits) == s.text);
  CHECK_FALSE(ScanWhole("Subject: x\r\n\r\nshort\r\n", limits).text_truncated);
}

TEST_CASE("A 20 MB message yields bounded text", "[mime][scanner][slow]") {
  ScanLimits limits;  // default 256 KiB text
  MessageScanner s(limits);
  s.Feed(
      "Content-Type: multipart/mixed; boundary=BB\r\n\r\n--BB\r\n"
      "Content-Type: text/plain\r\n\r\n");
  std::string chunk;
  for (int i = 0; i < 800; ++i) chunk += "word" + std::to_string(i % 10) + " lorem ipsum line\r\n";
  size_t fed = 0;
  while (fed < 10u << 20) {
    s.Feed(chunk);
    fed += chunk.size();
  }
  s.Feed(
      "--BB\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: "
      "base64\r\n\r\n");
  std::string b64;
  for (int i = 0; i < 1000; ++i) b64 += std::string(76, 'Q') + "\r\n";
  while (fed < 20u << 20) {
    s.Feed(b64);
    fed += b64.size();
  }
  s.Feed("--BB--\r\n");
  s.Finish();
  CHECK(s.bytes_seen() > 20u << 20);
  CHECK(s.text_truncated());
  CHECK(s.text().size() <= limits.max_text_bytes);
  CHECK(s.text().size() > limits.max_text_bytes - 64);
  CHECK(s.text().capacity() <= 2 * limits.max_text_bytes);
  CHECK(s.text().substr(0, 23) == "word0 lorem ipsum line\n");
  CHECK(s.extraction_done());
}

TEST_CASE("NUL bytes and broken MIME are tolerated", "[mime][scanner]") {
  static constexpr char kNul[] = "Subject: a\0b\r\n\r\nbody\0with nul\r\n";
  std::string nul(kNul, sizeof(kNul) - 1);
  std::string t = TextOf(nul);
  CHECK(t == "bodywith nul\n");
  // multipart without boundary, unknown transfer encoding, garbage headers.
  CHECK(TextOf("Content-Type: multipart/mixed\r\n\r\n--x\r\nstuff\r\n").empty());
  CHECK(TextOf("Content-Type: text/plain\r\nContent-Transfer-Encoding: x-weird\r\n\r\nraw\r\n") ==
        "raw\n");
  CHECK(TextOf("Content-Type: ;;;===\"\r\n\r\nstill text\r\n") == "still text\n");
  // Truncated in the middle of a part header, of base64 and of QP.
  CHECK(TextOf("Content-Type: multipart/mixed; boundary=z\r\n\r\n--z\r\nContent-Ty").empty());
  CHECK(TextOf("Content-Transfer-Encoding: base64\r\n\r\naGVsbG8gd29y") == "hello wor");
  CHECK(TextOf("Content-Transfer-Encoding: quoted-printable\r\n\r\nend =") == "end =");
  // Random binary junk as a body never breaks the output.
  std::mt19937 rng(7);
  std::string junk = "Content-Type: multipart/mixed; boundary=j\r\n\r\n--j\r\n\r\n";
  for (int i = 0; i < 5000; ++i) junk.push_back(static_cast<char>(rng() & 0xFF));
  TextOf(junk);
}

TEST_CASE("Image-only message stops work right after the header", "[mime][scanner]") {
  MessageScanner s;
  s.Feed("Content-Type: image/jpeg\r\n");
  CHECK_FALSE(s.extraction_done());
  s.Feed("\r\n");
  CHECK(s.extraction_done());
  s.Feed(std::string(1000, '\xff'));
  s.Finish();
  CHECK(s.text().empty());
  CHECK_FALSE(s.text_truncated());
}

}  // namespace
}  // namespace mailhoard::mime

namespace mailhoard::mime {
namespace {

// Mutated messages: never crash, always valid UTF-8, and the same text
// whatever the chunking (TextOf checks byte-wise and random splits).
TEST_CASE("Mutated MIME gives split-independent valid output", "[mime][scanner]") {
  const std::string base = Crlf(
      "Content-Type: multipart/mixed; boundary=\"o\"\n\n"
      "--o\nContent-Type: multipart/alternative; boundary=i\n\n"
      "--i\nContent-Type: text/plain; charset=iso-8859-1\n"
      "Content-Transfer-Encoding: quoted-printable\n\ncaf=E9 =\nsoft\n"
      "--i\nContent-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: base64\n\n"
      "PHA+aGVsbG8gJmFtcDsgPGI+d29ybGQ8L2I+PC9wPg==\n--i--\n"
      "--o\nContent-Type: text/plain; charset=shift_jis\n\n\x93\xfa\x96\x7b\n"
      "--o\nContent-Type: message/rfc822\n\nSubject: x\n\ninner\n--o--\n");
  const char* inserts[] = {"--", "\n", "\r\n", "--o", "--i--", "=", "<", "&", "\x1b$B", "\0"};
  std::mt19937 rng(42);
  for (int round = 0; round < 150; ++round) {
    std::string m = base;
    int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits; ++e) {
      size_t at = rng() % m.size();
      switch (rng() % 3) {
        case 0:
          m[at] = static_cast<char>(rng() & 0xFF);
          break;
        case 1:
          m.erase(at, 1 + rng() % 8);
          break;
        default: {
          const char* ins = inserts[rng() % 10];
          m.insert(at, ins[0] == '\0' ? std::string(1, '\0') : std::string(ins));
        }
      }
      if (m.empty()) m = "x";
    }
    TextOf(m);
  }
}

}  // namespace
}  // namespace mailhoard::mime
