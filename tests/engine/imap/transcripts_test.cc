// Whole server conversations: recorded from Dovecot, and hand-written in the
// style of Microsoft 365 and Gmail. Each is parsed whole, byte by byte and in
// random splits (identical results), then interpreted.
#include <catch2/catch.hpp>
#include <string>

#include "engine/imap/fetch_response.h"
#include "engine/imap/mailbox_responses.h"
#include "engine/imap/mutf7.h"
#include "engine/imap/response_codes.h"
#include "engine/imap/search_responses.h"
#include "tests/engine/imap/parse_test_util.h"

namespace mailhoard::imap {
namespace {

using testing::Outcome;
using testing::ParseAllWays;

std::vector<const Response*> Named(const Outcome& out, std::string_view name) {
  std::vector<const Response*> v;
  for (const Response& r : out.responses) {
    if (ResponseName(r) == name && r.kind == ResponseKind::kUntagged) v.push_back(&r);
  }
  return v;
}

const Response& Tagged(const Outcome& out, std::string_view tag) {
  for (const Response& r : out.responses) {
    if (r.kind == ResponseKind::kTagged && r.tag == tag) return r;
  }
  FAIL("no tagged response " << tag);
  return out.responses.front();
}

TEST_CASE("Dovecot session transcript", "[imap][transcript]") {
  std::string input = testing::ReadTestData("dovecot_session.imap");
  Outcome out = ParseAllWays(input);
  REQUIRE(out.error == ErrorCode::kOk);
  CHECK_FALSE(out.in_progress);

  // Greeting: PREAUTH with a CAPABILITY response code.
  const Response& greeting = out.responses.front();
  CHECK(greeting.status == StatusWord::kPreauth);
  auto caps = ParseResponseCode(*greeting.code);
  REQUIRE(caps.ok());
  CHECK(caps->kind == CodeKind::kCapability);
  CHECK(std::count(caps->atoms.begin(), caps->atoms.end(), "CONDSTORE") == 1);
  CHECK(caps->atoms.back() == "SPECIAL-USE");

  auto cap = Named(out, "CAPABILITY");
  REQUIRE(cap.size() == 1);
  CHECK(ParseCapabilityResponse(*cap[0])->size() == caps->atoms.size());
  auto enabled = ParseEnabledResponse(*Named(out, "ENABLED").at(0));
  CHECK(*enabled == std::vector<std::string>{"CONDSTORE", "QRESYNC"});

  auto ns = ParseNamespaceResponse(*Named(out, "NAMESPACE").at(0));
  REQUIRE(ns.ok());
  REQUIRE(ns->personal.size() == 1);
  CHECK(ns->personal[0] == Namespace{"", '/'});
  CHECK(ns->other_users.empty());

  // LIST with a modified UTF-7 name, \Noselect parent.
  auto lists = Named(out, "LIST");
  REQUIRE(lists.size() == 6);
  auto archive = ParseListResponse(*lists[0]);
  REQUIRE(archive.ok());
  CHECK(archive->mailbox == "Archive");
  CHECK(archive->HasAttribute("\\noselect"));
  CHECK(archive->delimiter == '/');
  auto drafts = ParseListResponse(*lists[2]);
  CHECK(drafts->mailbox == "Entw&APw-rfe");
  CHECK(*DecodeMutf7(drafts->mailbox) == "Entwürfe");

  // LIST-STATUS: STATUS interleaved with LIST.
  auto statuses = Named(out, "STATUS");
  REQUIRE(statuses.size() == 3);
  auto st = ParseStatusResponse(*statuses[0]);
  REQUIRE(st.ok());
  CHECK(st->mailbox == "INBOX");
  CHECK(st->messages == 3u);
  CHECK(st->uidnext == 4u);
  CHECK(st->unseen == 2u);
  CHECK(st->highestmodseq == 5u);
  CHECK(st->size == 405u);
  CHECK_FALSE(st->recent);
  CHECK(ParseStatusResponse(*statuses[2])->recent == 3u);
  CHECK(ParseListResponse(*Named(out, "LSUB").at(1))->lsub);

  // EXAMINE: FLAGS, PERMANENTFLAGS (), counts and codes.
  CHECK(ParseFlagsResponse(*Named(out, "FLAGS").at(0))->back() == "$Label1");
  CHECK(*ParseNumberResponse(*Named(out, "EXISTS").at(0), "EXISTS") == 3);
  CHECK(*ParseNumberResponse(*Named(out, "RECENT").at(0), "RECENT") == 3);
  std::vector<CodeKind> kinds;
  uint64_t uidvalidity = 0;
  for (const Response& r : out.responses) {
    if (!r.code) continue;
    auto c = ParseResponseCode(*r.code);
    REQUIRE(c.ok());
    kinds.push_back(c->kind);
    if (c->kind == CodeKind::kUidValidity && !uidvalidity) uidvalidity = c->number;
  }
  CHECK(uidvalidity > 0);
  CHECK(std::count(kinds.begin(), kinds.end(), CodeKind::kReadOnly) == 1);
  CHECK(std::count(kinds.begin(), kinds.end(), CodeKind::kReadWrite) == 1);
  CHECK(std::count(kinds.begin(), kinds.end(), CodeKind::kClosed) == 1);
  CHECK(std::count(kinds.begin(), kinds.end(), CodeKind::kHighestModSeq) == 3);
  CHECK(std::count(kinds.begin(), kinds.end(), CodeKind::kAppendUid) == 1);

  // SEARCH, SEARCH with MODSEQ, ESEARCH.
  auto searches = Named(out, "SEARCH");
  REQUIRE(searches.size() == 2);
  CHECK(ParseSearchResponse(*searches[0])->ids == std::vector<uint32_t>{1, 2, 3});
  CHECK(ParseSearchResponse(*searches[1])->modseq == 5u);
  auto es = ParseEsearchResponse(*Named(out, "ESEARCH").at(0));
  REQUIRE(es.ok());
  CHECK(es->tag == "c3");
  CHECK(es->uid);
  CHECK(es->min == 1u);
  CHECK(es->max == 3u);
  CHECK(es->count == 3u);
  CHECK(es->all->ToString() == "1:3");

  // FETCH: bodies streamed, with "{5}", quotes and a fake "* 1 FETCH" inside.
  auto fetches = Named(out, "FETCH");
  REQUIRE(fetches.size() == 7);
  auto f1 = ParseFetchResponse(*fetches[0]);
  REQUIRE(f1.ok());
  CHECK(f1->uid == 1u);
  CHECK(*f1->flags == std::vector<std::string>{"\\Seen", "\\Recent"});
  CHECK(f1->internal_date->text == "17-Jul-1996 09:44:25 +0000");
  CHECK(f1->internal_date->utc == 837596665);
  CHECK(f1->rfc822_size == 54u);
  CHECK(f1->modseq == 5u);
  REQUIRE(f1->bodies.size() == 1);
  CHECK(f1->bodies[0].streamed);
  CHECK(f1->bodies[0].size == 54);
  CHECK(out.bodies[0].data == "From: a@example.com\r\nSubject: Hello\r\n\r\nBody {5} text\r\n");
  CHECK(out.bodies[0].uid == 1u);
  CHECK(out.bodies[2].data.find("* 1 FETCH (fake)") != std::string::npos);
  CHECK(out.bodies[2].size == 326);

  // Partial fetch, header fields, BINARY literal8 with NUL bytes.
  auto f4 = ParseFetchResponse(*fetches[3]);
  REQUIRE(f4.ok());
  REQUIRE(f4->bodies.size() == 3);
  CHECK(f4->bodies[0].section == "HEADER.FIELDS (SUBJECT FROM)");
  CHECK(f4->bodies[1].origin == 0u);
  CHECK(f4->bodies[2].name == "BINARY");
  CHECK(f4->other.size() == 2);  // BODYSTRUCTURE, ENVELOPE
  CHECK(out.bodies[4].data == "Hello \"quo");
  CHECK(out.bodies[5].literal8);
  CHECK(out.bodies[5].data == std::string("\0\1\2\3\4\5\6\7\b\t", 10));
  CHECK(out.bodies[6].name == "RFC822.HEADER");
  CHECK(out.bodies[7].name == "RFC822.TEXT");
  CHECK(out.bodies[7].data == "Body {5} text\r\n");

  // STORE reply with MODSEQ, EXPUNGE reported as VANISHED (QRESYNC enabled).
  auto store = ParseFetchResponse(*fetches[6]);
  CHECK(store->modseq == 7u);
  auto vanished = ParseVanishedResponse(*Named(out, "VANISHED").at(0));
  CHECK_FALSE(vanished->earlier);
  CHECK(vanished->uids.ToString() == "2");

  CHECK(Tagged(out, "d6").status == StatusWord::kBad);
  CHECK(Tagged(out, "d7").status == StatusWord::kNo);
  CHECK(out.responses.back().tag == "d8");
  CHECK(Named(out, "BYE").size() == 1);

  // The same transcript without a sink factory keeps bodies inline.
  testing::ParseOptions inline_opts;
  inline_opts.streaming = false;
  Outcome inl = ParseAllWays(input, inline_opts);
  REQUIRE(inl.responses.size() == out.responses.size());
  auto f1i = ParseFetchResponse(inl.responses[fetches[0] - &out.responses[0]]);
  REQUIRE(f1i.ok());
  CHECK_FALSE(f1i->bodies[0].streamed);
  CHECK(f1i->bodies[0].data == out.bodies[0].data);
}

TEST_CASE("Dovecot QRESYNC transcript", "[imap][transcript]") {
  Outcome out = ParseAllWays(testing::ReadTestData("dovecot_qresync.imap"));
  REQUIRE(out.error == ErrorCode::kOk);
  auto vanished = Named(out, "VANISHED");
  REQUIRE(vanished.size() == 2);
  auto v = ParseVanishedResponse(*vanished[0]);
  REQUIRE(v.ok());
  CHECK(v->earlier);
  CHECK(v->uids.ToString() == "2");
  auto es = ParseEsearchResponse(*Named(out, "ESEARCH").at(0));
  CHECK(es->all->ToString() == "1,3");
  auto f = ParseFetchResponse(*Named(out, "FETCH").at(1));
  CHECK(f->sequence_number == 2);
  CHECK(f->uid == 3u);
  CHECK(f->modseq == 5u);
}

TEST_CASE("Microsoft 365 style transcript", "[imap][transcript]") {
  std::string body = "Subject: hi\r\n\r\nHello world!\r\n";
  std::string input =
      "* OK The Microsoft Exchange IMAP4 service is ready. "
      "[TQBOADIAUABSADAAMQBDAEEAMAAwADIAMgAuAG4AYQBtAHAAcgBkADAAMQAuAHAAcgBvAGQALgBvAHUAdABsAG8A"
      "bwBrAC4AYwBvAG0A]\r\n"
      "* CAPABILITY IMAP4 IMAP4rev1 AUTH=PLAIN AUTH=XOAUTH2 SASL-IR UIDPLUS ID UNSELECT "
      "CHILDREN IDLE NAMESPACE LITERAL+\r\n"
      "a1 OK CAPABILITY completed.\r\n"
      "+ \r\n"
      "a2 OK AUTHENTICATE completed.\r\n"
      "* LIST (\\HasNoChildren) \"/\" Archive\r\n"
      "* LIST (\\Marked \\HasNoChildren \\Drafts) \"/\" Drafts\r\n"
      "* LIST (\\HasChildren) \"/\" Inbox\r\n"
      "* LIST (\\HasNoChildren) \"/\" \"Inbox/Sub folder\"\r\n"
      "* LIST (\\HasNoChildren \\Sent) \"/\" \"Sent Items\"\r\n"
      "* LIST (\\HasNoChildren) \"/\" \"Gel&APY-schte Elemente\"\r\n"
      "a3 OK LIST completed.\r\n"
      "* STATUS \"Sent Items\" (MESSAGES 1234 UIDNEXT 5678 UIDVALIDITY 14 UNSEEN 3)\r\n"
      "a4 OK STATUS completed.\r\n"
      "* 1234 EXISTS\r\n"
      "* 0 RECENT\r\n"
      "* FLAGS (\\Seen \\Answered \\Flagged \\Deleted \\Draft $MDNSent)\r\n"
      "* OK [PERMANENTFLAGS (\\Seen \\Answered \\Flagged \\Deleted \\Draft $MDNSent)] "
      "Permanent flags\r\n"
      "* OK [UNSEEN 1230] Is the first unseen message\r\n"
      "* OK [UIDVALIDITY 14] UIDVALIDITY value\r\n"
      "* OK [UIDNEXT 5678] The next unique identifier value\r\n"
      "a5 OK [READ-WRITE] SELECT completed.\r\n"
      "* 1 FETCH (UID 101 RFC822.SIZE " +
      std::to_string(body.size()) + " INTERNALDATE \" 5-Mar-2024 14:03:11 +0000\" BODY[] {" +
      std::to_string(body.size()) + "}\r\n" + body +
      " FLAGS (\\Seen))\r\n"
      "a6 OK FETCH completed.\r\n"
      "a7 BAD Command Argument Error. 11\r\n"
      "a8 NO [THROTTLED] Request is throttled. Suggested Backoff Time: 2000 milliseconds\r\n"
      "* BYE Request is throttled. Suggested Backoff Time: 2000 milliseconds\r\n"
      "* BYE Connection closed. 14\r\n";
  Outcome out = ParseAllWays(input);
  REQUIRE(out.error == ErrorCode::kOk);
  REQUIRE(out.responses.size() == 28);
  CHECK_FALSE(out.responses[0].code);
  CHECK(out.responses[0].text.rfind("The Microsoft Exchange", 0) == 0);
  auto caps = ParseCapabilityResponse(out.responses[1]);
  CHECK(std::count(caps->begin(), caps->end(), "CONDSTORE") == 0);
  CHECK(out.responses[3].kind == ResponseKind::kContinuation);
  CHECK(out.responses[3].text.empty());
  auto inbox = ParseListResponse(out.responses[7]);
  CHECK(inbox->mailbox == "INBOX");  // "Inbox" is INBOX (RFC 3501 §5.1)
  CHECK(ParseListResponse(out.responses[8])->mailbox == "Inbox/Sub folder");
  CHECK(*DecodeMutf7(ParseListResponse(out.responses[10])->mailbox) == "Gelöschte Elemente");
  auto st = ParseStatusResponse(out.responses[12]);
  CHECK(st->mailbox == "Sent Items");
  CHECK(st->uidvalidity == 14u);
  CHECK_FALSE(st->highestmodseq);
  auto pf = ParseResponseCode(*out.responses[17].code);
  CHECK(pf->kind == CodeKind::kPermanentFlags);
  CHECK(pf->atoms.size() == 6);
  auto f = ParseFetchResponse(out.responses[22]);
  REQUIRE(f.ok());
  CHECK(f->uid == 101u);
  CHECK(f->internal_date->utc == 1709647391);
  CHECK(*f->flags == std::vector<std::string>{"\\Seen"});
  CHECK(out.bodies.at(0).data == body);
  CHECK(out.bodies[0].uid == 101u);
  CHECK(out.responses[24].status == StatusWord::kBad);
  CHECK(out.responses[24].text == "Command Argument Error. 11");
  CHECK(ParseResponseCode(*out.responses[25].code)->kind == CodeKind::kThrottled);
  CHECK(out.responses[26].status == StatusWord::kBye);
  CHECK(out.responses[26].text ==
        "Request is throttled. Suggested Backoff Time: 2000 milliseconds");
}

TEST_CASE("Gmail style transcript", "[imap][transcript]") {
  std::string label = "Stuff \"(quoted)\"";
  std::string input =
      "* OK Gimap ready for requests from 203.0.113.5 h11mb123456\r\n"
      "* CAPABILITY IMAP4rev1 UNSELECT IDLE NAMESPACE QUOTA ID XLIST CHILDREN X-GM-EXT-1 "
      "UIDPLUS COMPRESS=DEFLATE ENABLE MOVE CONDSTORE ESEARCH UTF8=ACCEPT LIST-EXTENDED "
      "LIST-STATUS LITERAL- SPECIAL-USE APPENDLIMIT=35651584\r\n"
      "a1 OK Thats all she wrote! h11mb123456\r\n"
      "* LIST (\\HasNoChildren) \"/\" \"INBOX\"\r\n"
      "* LIST (\\HasChildren \\Noselect) \"/\" \"[Gmail]\"\r\n"
      "* LIST (\\All \\HasNoChildren) \"/\" \"[Gmail]/All Mail\"\r\n"
      "* LIST (\\HasNoChildren) \"/\" [Gmail]/Unquoted\r\n"
      "a2 OK Success\r\n"
      "* OK [HIGHESTMODSEQ 889143]\r\n"
      "* 1 FETCH (X-GM-THRID 1278455344230334865 X-GM-MSGID 1278455344230334866 "
      "X-GM-LABELS (\\Inbox \\Important \"Muy Importante\" {" +
      std::to_string(label.size()) + "}\r\n" + label +
      " Work) UID 4 MODSEQ (8891) FLAGS (\\Seen) BODY[] {5}\r\nHello)\r\n"
      "* 2 FETCH (X-GM-LABELS () UID 5 BODY[] \"\")\r\n"
      "a3 OK Success\r\n"
      "a4 NO [ALERT] Please log in via your web browser: "
      "https://support.google.com/mail/accounts/answer/78754 (Failure)\r\n"
      "a5 NO [AUTHENTICATIONFAILED] Invalid credentials (Failure)\r\n"
      "+ eyJzdGF0dXMiOiI0MDAiLCJzY2hlbWVzIjoiQmVhcmVyIiwic2NvcGUiOiJodHRwczovL21haWwuZ29vZ2xl"
      "LmNvbS8ifQ==\r\n"
      "* BYE System Error\r\n";
  Outcome out = ParseAllWays(input);
  REQUIRE(out.error == ErrorCode::kOk);
  REQUIRE(out.responses.size() == 16);
  CHECK(ParseCapabilityResponse(out.responses[1])->at(8) == "X-GM-EXT-1");
  CHECK(ParseListResponse(out.responses[4])->mailbox == "[Gmail]");
  CHECK(ParseListResponse(out.responses[5])->HasAttribute("\\All"));
  CHECK(ParseListResponse(out.responses[6])->mailbox == "[Gmail]/Unquoted");
  CHECK(ParseResponseCode(*out.responses[8].code)->number == 889143);
  CHECK(out.responses[8].text.empty());
  auto f = ParseFetchResponse(out.responses[9]);
  REQUIRE(f.ok());
  CHECK(f->gm_thrid == 1278455344230334865u);
  CHECK(f->gm_msgid == 1278455344230334866u);
  CHECK(*f->gm_labels ==
        std::vector<std::string>{"\\Inbox", "\\Important", "Muy Importante", label, "Work"});
  CHECK(f->uid == 4u);
  CHECK(f->modseq == 8891u);
  REQUIRE(out.bodies.size() == 2);
  CHECK(out.bodies[0].uid == 4u);
  CHECK(out.bodies[0].data == "Hello");
  CHECK(out.bodies[1].quoted);
  CHECK(out.bodies[1].data.empty());
  CHECK(out.bodies[1].uid == 5u);
  auto f2 = ParseFetchResponse(out.responses[10]);
  CHECK(f2->gm_labels->empty());
  CHECK(f2->bodies.at(0).streamed);
  CHECK(ParseResponseCode(*out.responses[12].code)->kind == CodeKind::kAlert);
  CHECK(ParseResponseCode(*out.responses[13].code)->kind == CodeKind::kAuthenticationFailed);
  CHECK(out.responses[14].kind == ResponseKind::kContinuation);
  CHECK(out.responses[14].text.size() == 96);
  CHECK(out.responses[15].status == StatusWord::kBye);
}

}  // namespace
}  // namespace mailhoard::imap
