// The typed interpreters on single responses, including malformed ones.
#include <catch2/catch.hpp>
#include <string>

#include "engine/imap/fetch_response.h"
#include "engine/imap/mailbox_responses.h"
#include "engine/imap/response_codes.h"
#include "engine/imap/search_responses.h"
#include "tests/engine/imap/parse_test_util.h"

namespace mailhoard::imap {
namespace {

Response One(const std::string& line) {
  testing::ParseOptions o;
  o.streaming = false;
  testing::Outcome out = testing::Parse(line, testing::FeedMode::kWhole, 0, o);
  INFO(line);
  REQUIRE(out.error == ErrorCode::kOk);
  REQUIRE(out.responses.size() == 1);
  return out.responses[0];
}

ParsedCode Code(const std::string& line) {
  Response r = One(line);
  REQUIRE(r.code);
  auto c = ParseResponseCode(*r.code);
  REQUIRE(c.ok());
  return *c;
}

TEST_CASE("response codes", "[imap][interpret]") {
  ParsedCode a = Code("A1 OK [APPENDUID 38505 3955] APPEND completed\r\n");
  CHECK(a.kind == CodeKind::kAppendUid);
  CHECK(a.uid_validity == 38505);
  CHECK(a.uids.ToString() == "3955");
  ParsedCode c = Code("A2 OK [COPYUID 38505 304,319:320 3956:3958] Done\r\n");
  CHECK(c.kind == CodeKind::kCopyUid);
  CHECK(c.source_uids.ToString() == "304,319:320");
  CHECK(c.uids.ToString() == "3956:3958");
  CHECK(Code("* OK [NOMODSEQ] Sorry\r\n").kind == CodeKind::kNoModSeq);
  CHECK(Code("A3 NO [UNAVAILABLE] later\r\n").kind == CodeKind::kUnavailable);
  CHECK(Code("A3 NO [TRYCREATE] no such mailbox\r\n").kind == CodeKind::kTryCreate);
  CHECK(Code("* OK [uidnext 7] lower case\r\n").kind == CodeKind::kUidNext);
  ParsedCode pf = Code("* OK [PERMANENTFLAGS (\\Deleted \\Seen \\*)] Limited\r\n");
  CHECK(pf.atoms == std::vector<std::string>{"\\Deleted", "\\Seen", "\\*"});

  // Unknown codes are kept raw, tokenized or not.
  Response u = One("* OK [XWEIRD a \"b c\" (d)] text\r\n");
  CHECK(u.code->name == "XWEIRD");
  CHECK(u.code->raw_args == "a \"b c\" (d)");
  CHECK(u.code->args.size() == 3);
  CHECK(ParseResponseCode(*u.code)->kind == CodeKind::kOther);
  Response u2 = One("* NO [REFERRAL imap://u;AUTH=*@h/ \"x] text\r\n");
  CHECK(u2.code->name == "REFERRAL");
  CHECK_FALSE(u2.code->args_tokenized);
  CHECK(u2.code->raw_args == "imap://u;AUTH=*@h/ \"x");

  for (const char* bad : {"* OK [UIDVALIDITY] x\r\n", "* OK [UIDNEXT abc] x\r\n",
                          "* OK [APPENDUID 1] x\r\n", "* OK [COPYUID 1 2:x 3] x\r\n",
                          "* OK [PERMANENTFLAGS \\Seen] x\r\n", "* OK [UIDVALIDITY (1)] x\r\n"}) {
    Response r = One(bad);
    INFO(bad);
    CHECK(ParseResponseCode(*r.code).status().code() == ErrorCode::kProtocol);
  }
}

TEST_CASE("response names and numbered responses", "[imap][interpret]") {
  CHECK(ResponseName(One("* 3 expunge\r\n")) == "EXPUNGE");
  CHECK(ResponseName(One("* list () nil x\r\n")) == "LIST");
  CHECK(ResponseName(One("* BYE bye\r\n")) == "BYE");
  CHECK(ResponseName(One("a OK x\r\n")) == "OK");
  CHECK(ResponseName(One("+ go\r\n")).empty());
  CHECK(ResponseNumber(One("* 3 FETCH (UID 1)\r\n")) == 3u);
  CHECK(*ParseNumberResponse(One("* 3 EXPUNGE\r\n"), "EXPUNGE") == 3);
  CHECK_FALSE(ParseNumberResponse(One("* 3 EXPUNGE\r\n"), "EXISTS").ok());
  CHECK_FALSE(ParseNumberResponse(One("* 4294967296 EXISTS\r\n"), "EXISTS").ok());
  CHECK_FALSE(ParseNumberResponse(One("* 3 EXISTS x\r\n"), "EXISTS").ok());
  CHECK_FALSE(ParseFlagsResponse(One("* FLAGS \\Seen\r\n")).ok());
  CHECK_FALSE(ParseCapabilityResponse(One("* CAPABILITY (x)\r\n")).ok());
}

TEST_CASE("INTERNALDATE", "[imap][interpret]") {
  auto d = ParseInternalDate("17-Jul-1996 02:44:25 -0700");
  REQUIRE(d.ok());
  CHECK(d->utc == 837596665);
  CHECK(ParseInternalDate(" 7-Jan-2024 23:59:59 +0100")->utc == 1704668399);
  CHECK(ParseInternalDate("7-jan-2024 23:59:59 +0100")->utc == 1704668399);
  CHECK(ParseInternalDate("01-Jan-1970 00:00:00 +0100")->utc == -3600);
  CHECK(ParseInternalDate("29-Feb-2000 12:30:00 +1230")->utc == 951782400);
  for (const char* bad :
       {"", "17-Jul-1996", "17-Jux-1996 02:44:25 -0700", "32-Jul-1996 02:44:25 -0700",
        "17-Jul-1996 24:44:25 -0700", "17-Jul-1996 02:44:25 0700", "17-Jul-96 02:44:25 -0700",
        "17-Jul-1996 02:44:25 -0700 ", "17-Jul-1996 02:44:25 -07", "0-Jul-1996 02:44:25 -0700"}) {
    INFO(bad);
    CHECK_FALSE(ParseInternalDate(bad).ok());
  }
}

TEST_CASE("FETCH interpretation", "[imap][interpret]") {
  auto f = ParseFetchResponse(
      One("* 5 FETCH (UID 9 FLAGS () BODYSTRUCTURE (\"text\" \"plain\") RFC822 NIL "
          "BODY[2.HEADER] {4}\r\nA: b)\r\n"));
  REQUIRE(f.ok());
  CHECK(f->sequence_number == 5);
  CHECK(f->flags->empty());
  REQUIRE(f->bodies.size() == 2);
  CHECK(f->bodies[0].is_nil);
  CHECK(f->bodies[1].data == "A: b");
  CHECK(f->bodies[1].section == "2.HEADER");
  CHECK(f->other.at(0).first == "BODYSTRUCTURE");
  for (const char* bad :
       {"* 5 FETCH (UID)\r\n", "* 5 FETCH (UID 0)\r\n", "* 5 FETCH (UID x)\r\n",
        "* 5 FETCH (FLAGS \\Seen)\r\n", "* 5 FETCH (MODSEQ 5)\r\n",
        "* 5 FETCH (INTERNALDATE x)\r\n", "* 5 FETCH (BODY[] (a))\r\n", "* 5 FETCH UID 1\r\n",
        "* FETCH (UID 1)\r\n", "* 5 FETCH (\"UID\" 1)\r\n", "* 5 FETCH (BODY[]<x> NIL)\r\n",
        "* 5 FETCH (X-GM-LABELS \\Inbox)\r\n", "* 5 FETCH (X-GM-LABELS ((a)))\r\n"}) {
    INFO(bad);
    CHECK(ParseFetchResponse(One(bad)).status().code() == ErrorCode::kProtocol);
  }
}

TEST_CASE("LIST interpretation", "[imap][interpret]") {
  auto l = ParseListResponse(
      One("* LIST (\\Subscribed) \"\\\\\" {8}\r\nFoo\\Bar) (CHILDINFO (\"SUBSCRIBED\") "
          "OLDNAME (\"Old\"))\r\n"));
  REQUIRE(l.ok());
  CHECK(l->delimiter == '\\');
  CHECK(l->mailbox == "Foo\\Bar)");
  CHECK(l->childinfo == std::vector<std::string>{"SUBSCRIBED"});
  CHECK(l->oldname == "Old");
  CHECK(l->extended.size() == 2);
  auto flat = ParseListResponse(One("* LIST (\\NoInferiors) NIL NIL\r\n"));
  REQUIRE(flat.ok());
  CHECK_FALSE(flat->delimiter);
  CHECK(flat->mailbox == "NIL");  // an atom NIL is a valid astring
  CHECK(ParseListResponse(One("* LIST () \".\" 2024\r\n"))->mailbox == "2024");
  for (const char* bad : {"* LIST () \"/\"\r\n", "* LIST \\Seen \"/\" x\r\n",
                          "* LIST () \"//\" x\r\n", "* LIST () \"/\" (x)\r\n",
                          "* LIST () \"/\" x (CHILDINFO)\r\n", "* LIST () \"/\" x y\r\n"}) {
    INFO(bad);
    CHECK_FALSE(ParseListResponse(One(bad)).ok());
  }
}

TEST_CASE("STATUS and NAMESPACE interpretation", "[imap][interpret]") {
  auto s = ParseStatusResponse(
      One("* STATUS {4}\r\nA  B (MESSAGES 2 X-UNKNOWN 5 DELETED 1 HIGHESTMODSEQ "
          "90000000000 SIZE 123456789012)\r\n"));
  REQUIRE(s.ok());
  CHECK(s->mailbox == "A  B");
  CHECK(s->messages == 2u);
  CHECK(s->deleted == 1u);
  CHECK(s->highestmodseq == 90000000000u);
  CHECK(s->size == 123456789012u);
  CHECK_FALSE(ParseStatusResponse(One("* STATUS x (MESSAGES)\r\n")).ok());
  CHECK_FALSE(ParseStatusResponse(One("* STATUS x (MESSAGES 4294967296)\r\n")).ok());
  CHECK_FALSE(ParseStatusResponse(One("* STATUS x (MESSAGES x)\r\n")).ok());

  auto n = ParseNamespaceResponse(
      One("* NAMESPACE ((\"\" \"/\")(\"#mh/\" \"/\" \"X-PARAM\" (\"A\"))) ((\"~\" \"/\")) "
          "((\"#shared/\" NIL))\r\n"));
  REQUIRE(n.ok());
  CHECK(n->personal.size() == 2);
  CHECK(n->personal[1].prefix == "#mh/");
  CHECK(n->other_users.at(0).prefix == "~");
  CHECK_FALSE(n->shared.at(0).delimiter);
  CHECK_FALSE(ParseNamespaceResponse(One("* NAMESPACE (\"\" \"/\") NIL NIL\r\n")).ok());
  CHECK_FALSE(ParseNamespaceResponse(One("* NAMESPACE NIL NIL\r\n")).ok());
}

TEST_CASE("SEARCH, ESEARCH and VANISHED interpretation", "[imap][interpret]") {
  CHECK(ParseSearchResponse(One("* SEARCH\r\n"))->ids.empty());
  CHECK_FALSE(ParseSearchResponse(One("* SEARCH 1 0\r\n")).ok());
  CHECK_FALSE(ParseSearchResponse(One("* SEARCH 1 (MODSEQ)\r\n")).ok());
  CHECK_FALSE(ParseSearchResponse(One("* SEARCH (MODSEQ 4) 2\r\n")).ok());

  auto e = ParseEsearchResponse(One("* ESEARCH UID COUNT 0\r\n"));
  REQUIRE(e.ok());
  CHECK_FALSE(e->tag);
  CHECK(e->count == 0u);
  CHECK_FALSE(e->all);
  auto e2 =
      ParseEsearchResponse(One("* ESEARCH (TAG \"A7\") ALL 4:7,9 MODSEQ 12 PARTIAL (1:2 4)\r\n"));
  REQUIRE(e2.ok());
  CHECK_FALSE(e2->uid);
  CHECK(e2->all->Contains(6));
  CHECK(e2->modseq == 12u);
  CHECK_FALSE(ParseEsearchResponse(One("* ESEARCH (TAG) ALL 1\r\n")).ok());
  CHECK_FALSE(ParseEsearchResponse(One("* ESEARCH ALL\r\n")).ok());
  CHECK_FALSE(ParseEsearchResponse(One("* ESEARCH ALL 0\r\n")).ok());

  auto v = ParseVanishedResponse(One("* VANISHED 405,407,410:425\r\n"));
  REQUIRE(v.ok());
  CHECK(v->uids.CountKnown() == 18);
  CHECK_FALSE(ParseVanishedResponse(One("* VANISHED (LATER) 1\r\n")).ok());
  CHECK_FALSE(ParseVanishedResponse(One("* VANISHED\r\n")).ok());
  CHECK_FALSE(ParseVanishedResponse(One("* VANISHED 1 2\r\n")).ok());
}

}  // namespace
}  // namespace mailhoard::imap
