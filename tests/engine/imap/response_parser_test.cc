// ResponseParser: framing, literals, streaming and limits. Every input is
// fed whole, byte by byte and in random splits (ParseAllWays) and must give
// identical results.
#include "engine/imap/response_parser.h"

#include <catch2/catch.hpp>
#include <string>

#include "tests/engine/imap/parse_test_util.h"

namespace mailhoard::imap {
namespace {

using testing::Outcome;
using testing::ParseAllWays;
using testing::ParseOptions;

ParseOptions Inline() {
  ParseOptions o;
  o.streaming = false;
  return o;
}

TEST_CASE("tagged, untagged and continuation responses", "[imap][parser]") {
  Outcome out = ParseAllWays(
      "* OK [UIDVALIDITY 3857529045] UIDs valid\r\n"
      "A001 OK [READ-WRITE] SELECT completed\r\n"
      "+ Ready for additional command text\r\n"
      "+\r\n"
      "* 18 EXISTS\r\n"
      "a2 no Mailbox does not exist\r\n");
  REQUIRE(out.error == ErrorCode::kOk);
  REQUIRE(out.responses.size() == 6);
  const Response& r0 = out.responses[0];
  CHECK(r0.kind == ResponseKind::kUntagged);
  CHECK(r0.status == StatusWord::kOk);
  REQUIRE(r0.code);
  CHECK(r0.code->name == "UIDVALIDITY");
  CHECK(r0.code->raw_args == "3857529045");
  REQUIRE(r0.code->args.size() == 1);
  CHECK(r0.code->args[0].number == 3857529045u);
  CHECK(r0.text == "UIDs valid");
  CHECK(out.responses[1].kind == ResponseKind::kTagged);
  CHECK(out.responses[1].tag == "A001");
  CHECK(out.responses[1].code->name == "READ-WRITE");
  CHECK(out.responses[1].text == "SELECT completed");
  CHECK(out.responses[2].kind == ResponseKind::kContinuation);
  CHECK(out.responses[2].text == "Ready for additional command text");
  CHECK(out.responses[3].kind == ResponseKind::kContinuation);
  CHECK(out.responses[3].text.empty());
  CHECK(out.responses[4].ToString() == "* 18 EXISTS");
  CHECK(out.responses[5].status == StatusWord::kNo);
  CHECK_FALSE(out.in_progress);
  CHECK(out.eof_ok);
}

TEST_CASE("status text is never tokenized", "[imap][parser]") {
  // Quotes, braces and brackets in human-readable text are just text, and a
  // "{5}" at the end of a status line announces no literal.
  Outcome out = ParseAllWays(
      "* OK The Microsoft Exchange IMAP4 service is ready. [TQBOADIAUABSADAA]\r\n"
      "* NO [ALERT] unbalanced \"quote and ( paren {5}\r\n"
      "a1 BAD [\r\n");
  REQUIRE(out.error == ErrorCode::kOk);
  REQUIRE(out.responses.size() == 3);
  CHECK_FALSE(out.responses[0].code);
  CHECK(out.responses[0].text ==
        "The Microsoft Exchange IMAP4 service is ready. [TQBOADIAUABSADAA]");
  CHECK(out.responses[1].code->name == "ALERT");
  CHECK(out.responses[1].text == "unbalanced \"quote and ( paren {5}");
  CHECK_FALSE(out.responses[2].code);
  CHECK(out.responses[2].text == "[");
}

TEST_CASE("values: atoms, numbers, strings, NIL, lists, sections", "[imap][parser]") {
  Outcome out = ParseAllWays(
      "* 12 FETCH (FLAGS (\\Seen $Forwarded \\*) X \"a \\\"q\\\" \\\\ {3}\" NIL "
      "BODY[HEADER.FIELDS (FROM \"To\")]<0> 18446744073709551615 18446744073709551616 "
      "~abc nil)\r\n");
  REQUIRE(out.error == ErrorCode::kOk);
  REQUIRE(out.responses.size() == 1);
  const auto& d = out.responses[0].data;
  REQUIRE(d.size() == 3);
  CHECK(d[0].IsNumber());
  CHECK(d[0].number == 12);
  CHECK(d[1].AtomIs("fetch"));
  const auto& items = d[2].children;
  REQUIRE(items.size() == 10);
  CHECK(items[1].ToString() == "(\\Seen $Forwarded \\*)");
  CHECK(items[3].IsString());
  CHECK(items[3].text == "a \"q\" \\ {3}");
  CHECK_FALSE(items[3].is_literal);
  CHECK(items[4].IsNil());
  CHECK(items[5].IsAtom());
  CHECK(items[5].text == "BODY[HEADER.FIELDS (FROM \"To\")]<0>");
  CHECK(items[6].IsNumber());
  CHECK(items[6].number == UINT64_MAX);
  CHECK(items[7].IsAtom());  // too large for a number: kept as an atom
  CHECK(items[8].IsAtom());
  CHECK(items[8].text == "~abc");
  CHECK(items[9].IsNil());
  CHECK(items[9].text == "nil");
}

TEST_CASE("inline literals in non-body positions", "[imap][parser]") {
  std::string name = "We\"ird {5}\r\n) name";
  std::string input = "* LIST () \"/\" {" + std::to_string(name.size()) + "}\r\n" + name +
                      "\r\n* LIST () NIL {0}\r\n\r\n* STATUS {3+}\r\nabc (MESSAGES 1)\r\n";
  Outcome out = ParseAllWays(input);
  REQUIRE(out.error == ErrorCode::kOk);
  REQUIRE(out.responses.size() == 3);
  const Value& v = out.responses[0].data[3];
  CHECK(v.IsString());
  CHECK(v.is_literal);
  CHECK(v.text == name);
  CHECK(out.responses[1].data[3].text.empty());
  CHECK(out.responses[1].data[3].is_literal);
  CHECK(out.responses[2].data[1].text == "abc");
  CHECK(out.responses[2].data[2].ToString() == "(MESSAGES 1)");
  CHECK(out.bodies.empty());
}

TEST_CASE("body literals are streamed to the sink with their context", "[imap][parser]") {
  std::string body = "From: a@b\r\n\r\n* 2 FETCH (fake) {99}\r\n\"\r\n";
  std::string input = "* 7 FETCH (UID 42 RFC822.SIZE " + std::to_string(body.size()) + " BODY[] {" +
                      std::to_string(body.size()) + "}\r\n" + body +
                      " FLAGS (\\Seen))\r\n"
                      "* 8 FETCH (BODY[1.2]<100> {3}\r\nabc UID 43 BINARY[2] ~{2}\r\n" +
                      std::string("\0\n", 2) +
                      " RFC822.HEADER \"X: y\" BODY[TEXT] NIL)\r\n"
                      "a OK done\r\n";
  Outcome out = ParseAllWays(input);
  REQUIRE(out.error == ErrorCode::kOk);
  REQUIRE(out.responses.size() == 3);
  REQUIRE(out.bodies.size() == 4);

  const auto& b0 = out.bodies[0];
  CHECK(b0.sequence_number == 7);
  CHECK(b0.item == "BODY[]");
  CHECK(b0.name == "BODY");
  CHECK(b0.section.empty());
  CHECK(b0.uid == 42u);
  CHECK(b0.preceding_items == 4);
  CHECK(b0.data == body);
  CHECK(b0.finished);

  const auto& b1 = out.bodies[1];
  CHECK(b1.section == "1.2");
  CHECK(b1.origin == 100u);
  CHECK_FALSE(b1.uid);  // UID came after the body
  CHECK(b1.data == "abc");

  const auto& b2 = out.bodies[2];
  CHECK(b2.name == "BINARY");
  CHECK(b2.literal8);
  CHECK(b2.uid == 43u);
  CHECK(b2.data == std::string("\0\n", 2));

  const auto& b3 = out.bodies[3];  // quoted bodies go to the sink too
  CHECK(b3.name == "RFC822.HEADER");
  CHECK(b3.quoted);
  CHECK(b3.data == "X: y");

  const auto& items = out.responses[0].data[2].children;
  REQUIRE(items.size() == 8);
  CHECK(items[5].IsStreamed());
  CHECK(items[5].number == body.size());
  CHECK(items[7].ToString() == "(\\Seen)");
  const auto& items2 = out.responses[1].data[2].children;
  CHECK(items2[1].IsStreamed());
  CHECK(items2[7].IsStreamed());
  CHECK(items2[9].IsNil());  // NIL body: no sink
}

TEST_CASE("without a sink factory bodies are inline and capped", "[imap][parser]") {
  std::string input = "* 1 FETCH (BODY[] {5}\r\nhello)\r\n";
  Outcome out = ParseAllWays(input, Inline());
  REQUIRE(out.error == ErrorCode::kOk);
  const Value& v = out.responses[0].data[2].children[1];
  CHECK(v.IsString());
  CHECK(v.text == "hello");

  ParseOptions small = Inline();
  small.limits.max_inline_literal = 4;
  Outcome capped = ParseAllWays(input, small);
  CHECK(capped.error == ErrorCode::kProtocol);
  CHECK_THAT(capped.message, Catch::Contains("max_inline_literal"));
}

TEST_CASE("body bytes reach the sink in large chunks", "[imap][parser]") {
  std::string body(1 << 20, 'x');
  std::string input =
      "* 1 FETCH (BODY[] {" + std::to_string(body.size()) + "}\r\n" + body + ")\r\n";
  Outcome out = testing::Parse(input, testing::FeedMode::kWhole);
  REQUIRE(out.error == ErrorCode::kOk);
  REQUIRE(out.bodies.size() == 1);
  CHECK(out.bodies[0].data.size() == body.size());
  CHECK(out.max_write_calls == 1);  // straight from the input buffer, one call
}

TEST_CASE("a literal { inside a quoted string is not a literal", "[imap][parser]") {
  Outcome out = ParseAllWays("* LIST () \"/\" \"{5}\"\r\n* LIST () \"/\" \"a\\\"{5}\"\r\n");
  REQUIRE(out.error == ErrorCode::kOk);
  REQUIRE(out.responses.size() == 2);
  CHECK(out.responses[0].data[3].text == "{5}");
  CHECK(out.responses[1].data[3].text == "a\"{5}");
}

TEST_CASE("unknown untagged responses are kept", "[imap][parser]") {
  Outcome out = ParseAllWays(
      "* XAPPLEPUSHSERVICE aps-version \"2\"\r\n"
      "* XSTRANGE free text with \"unbalanced quote ( and paren\r\n"
      "* 5 XNUMBERED (a b)\r\n");
  REQUIRE(out.error == ErrorCode::kOk);
  REQUIRE(out.responses.size() == 3);
  CHECK(out.responses[0].data.size() == 3);
  CHECK(out.responses[1].raw_text_only);
  CHECK(out.responses[1].text == "XSTRANGE free text with \"unbalanced quote ( and paren");
  CHECK(out.responses[2].data[2].ToString() == "(a b)");
}

// ---- hostile input -------------------------------------------------------

void CheckProtocolError(const std::string& input, const char* needle,
                        const ParseOptions& options = {}) {
  INFO(input.substr(0, 200));
  Outcome out = ParseAllWays(input, options);
  CHECK(out.error == ErrorCode::kProtocol);
  CHECK_THAT(out.message, Catch::Contains(needle));
}

TEST_CASE("truncated input is detectable at EOF", "[imap][parser][hostile]") {
  Outcome lit = ParseAllWays("* 1 FETCH (BODY[] {10}\r\nabc");
  CHECK(lit.error == ErrorCode::kOk);
  CHECK(lit.in_progress);
  CHECK_FALSE(lit.eof_ok);
  REQUIRE(lit.bodies.size() == 1);
  CHECK_FALSE(lit.bodies[0].finished);

  Outcome line = ParseAllWays("* OK almost");
  CHECK(line.responses.empty());
  CHECK(line.in_progress);
  CHECK_FALSE(line.eof_ok);

  Outcome after_literal = ParseAllWays("* LIST () \"/\" {1}\r\na", Inline());
  CHECK(after_literal.in_progress);
  CHECK_FALSE(after_literal.eof_ok);

  ResponseParser p([](Response&&) { return Status::Ok(); });
  REQUIRE(p.Feed("* 1 FETCH (BODY[] {10}\r\nabc", 27).ok());
  Status eof = p.AtEof();
  CHECK(eof.code() == ErrorCode::kProtocol);
  CHECK_THAT(eof.message(), Catch::Contains("7 of 10 bytes missing"));
}

TEST_CASE("huge literal announcements are refused before allocating", "[imap][parser][hostile]") {
  CheckProtocolError("* LIST () \"/\" {4294967296}\r\n", "max_inline_literal");
  CheckProtocolError("* 1 FETCH (BODY[] {4294967296}\r\n", "max_body_literal");
  CheckProtocolError("* 1 FETCH (BODY[] {4294967296}\r\n", "max_inline_literal", Inline());
  CheckProtocolError("* 1 FETCH (BODY[] {99999999999999999999}\r\n", "overflows");
  CheckProtocolError("* 1 FETCH (BODY[] {18446744073709551616}\r\n", "overflows");
  // Just at the limit is fine.
  ParseOptions o;
  o.limits.max_body_literal = 3;
  Outcome ok = ParseAllWays("* 1 FETCH (BODY[] {3}\r\nabc)\r\n", o);
  CHECK(ok.error == ErrorCode::kOk);
  CheckProtocolError("* 1 FETCH (BODY[] {4}\r\nabcd)\r\n", "max_body_literal", o);
}

TEST_CASE("in-memory literals of one response are capped together", "[imap][parser][hostile]") {
  ParseOptions o = Inline();
  o.limits.max_inline_literal = 10;
  o.limits.max_inline_total = 25;
  std::string ten(10, 'x');
  std::string two = "* X ({10}\r\n" + ten + " {10}\r\n" + ten + ")\r\n";
  CHECK(ParseAllWays(two, o).error == ErrorCode::kOk);
  std::string three = "* X ({10}\r\n" + ten + " {10}\r\n" + ten + " {10}\r\n" + ten + ")\r\n";
  CheckProtocolError(three, "max_inline_total", o);
  // The budget is per response.
  CHECK(ParseAllWays(two + two + two, o).error == ErrorCode::kOk);
  // Streamed bodies do not count.
  ParseOptions s;
  s.limits.max_inline_total = 5;
  CHECK(ParseAllWays("* 1 FETCH (BODY[] {10}\r\n" + ten + " BODY[1] {10}\r\n" + ten + ")\r\n", s)
            .error == ErrorCode::kOk);
}

TEST_CASE("an endless line hits max_line_length", "[imap][parser][hostile]") {
  ParseOptions o;
  o.limits.max_line_length = 100;
  CheckProtocolError("* OK " + std::string(200, 'a'), "max_line_length", o);
  // The limit counts all lines of one response, literals excluded.
  std::string many = "* X (";
  for (int i = 0; i < 30; ++i) many += "{1}\r\na ";
  CheckProtocolError(many, "max_line_length", o);
  // Literal bytes do not count.
  Outcome fine = ParseAllWays("* LIST () \"/\" {150}\r\n" + std::string(150, 'n') + "\r\n", o);
  CHECK(fine.error == ErrorCode::kOk);
}

TEST_CASE("NUL, bare CR and bare LF outside literals are rejected", "[imap][parser][hostile]") {
  CheckProtocolError(std::string("* OK a\0b\r\n", 10), "NUL");
  CheckProtocolError(std::string("* 1 FETCH (FLAGS (\\Seen) X \"a\0\")\r\n", 35), "NUL");
  CheckProtocolError("* OK a\rb\r\n", "bare CR");
  CheckProtocolError("* OK a\n", "bare LF");
  // Inside a literal anything goes.
  Outcome ok = ParseAllWays(std::string("* LIST () \"/\" {3}\r\n\0\r\n\r\n", 24), Inline());
  REQUIRE(ok.error == ErrorCode::kOk);
  CHECK(ok.responses[0].data[3].text == std::string("\0\r\n", 3));
}

TEST_CASE("deep nesting is capped", "[imap][parser][hostile]") {
  auto nested = [](int depth) {
    return "* LIST " + std::string(depth, '(') + std::string(depth, ')') + "\r\n";
  };
  CHECK(ParseAllWays(nested(64)).error == ErrorCode::kOk);
  CheckProtocolError(nested(65), "max_list_depth");
  CheckProtocolError("* FETCH " + std::string(1000, '(') + "\r\n", "max_list_depth");
  // An unknown response that does not tokenize is kept as text, unless it
  // announces a literal: skipping that would lose the framing.
  Outcome raw = ParseAllWays("* XFOO " + std::string(100, '(') + "\r\n");
  CHECK(raw.error == ErrorCode::kOk);
  CHECK(raw.responses.at(0).raw_text_only);
  CheckProtocolError("* XFOO " + std::string(100, '(') + " {3}\r\nabc\r\n", "max_list_depth");
}

TEST_CASE("token count is capped", "[imap][parser][hostile]") {
  ParseOptions o;
  o.limits.max_tokens = 10;
  CHECK(ParseAllWays("* SEARCH 1 2 3 4 5 6 7 8 9\r\n", o).error == ErrorCode::kOk);
  CheckProtocolError("* SEARCH 1 2 3 4 5 6 7 8 9 10\r\n", "max_tokens", o);
}

TEST_CASE("malformed structure", "[imap][parser][hostile]") {
  CheckProtocolError("A1 FOO bar\r\n", "neither OK, NO nor BAD");
  CheckProtocolError("A1\r\n", "neither OK");
  CheckProtocolError("(x OK\r\n", "tag");
  CheckProtocolError("\r\n", "empty");
  CheckProtocolError("*\r\n", "untagged");
  CheckProtocolError("* \r\n", "empty untagged");
  CheckProtocolError("* LIST ())\r\n", "unbalanced");
  CheckProtocolError("* 1 FETCH (UID 1\r\n", "unclosed");
  CheckProtocolError("* LIST () \"/\" \"abc\r\n", "unterminated quoted");
  CheckProtocolError("* LIST () \"/\" {3} x\r\n", "not at the end");
  CheckProtocolError("* LIST () \"/\" {}\r\n", "without a literal size");
  CheckProtocolError("* LIST () \"/\" {3x}\r\n", "malformed literal");
  CheckProtocolError("* 1 FETCH (BODY[HEADER\r\n", "unterminated '['");
  CheckProtocolError("* 1 FETCH (BODY[1 {3}\r\n", "literal inside");
  CheckProtocolError("* LIST (\x01) \"/\" x\r\n", "control character");
}

TEST_CASE("errors from the sink and the factory stop the parse", "[imap][parser]") {
  struct FailingSink : BodySink {
    Status Write(const char*, size_t) override { return IoError("disk full"); }
    Status Finish() override { return Status::Ok(); }
  };
  int delivered = 0;
  ResponseParser p([&](Response&&) {
    ++delivered;
    return Status::Ok();
  });
  p.set_body_sink_factory([](const BodyLiteralInfo&) -> Result<std::unique_ptr<BodySink>> {
    return std::unique_ptr<BodySink>(new FailingSink);
  });
  std::string in = "* 1 FETCH (BODY[] {3}\r\nabc)\r\n";
  Status s = p.Feed(in.data(), in.size());
  CHECK(s.code() == ErrorCode::kIo);
  CHECK(delivered == 0);
  CHECK(p.failed());

  ResponseParser q([&](Response&&) { return Status::Ok(); });
  q.set_body_sink_factory([](const BodyLiteralInfo&) -> Result<std::unique_ptr<BodySink>> {
    return InvalidArgument("no");
  });
  CHECK(q.Feed(in.data(), in.size()).code() == ErrorCode::kInvalidArgument);

  // A null sink discards the body.
  ResponseParser r([&](Response&&) {
    ++delivered;
    return Status::Ok();
  });
  r.set_body_sink_factory([](const BodyLiteralInfo&) -> Result<std::unique_ptr<BodySink>> {
    return std::unique_ptr<BodySink>();
  });
  CHECK(r.Feed(in.data(), in.size()).ok());
  CHECK(delivered == 1);

  // A callback error is returned from Feed.
  ResponseParser c([](Response&&) { return ProtocolError("unexpected"); });
  CHECK(c.Feed("* OK\r\n", 6).message() == "unexpected");
}

}  // namespace
}  // namespace mailhoard::imap
