// LIST / STATUS / EXAMINE / SEARCH / FETCH FLAGS conversations, byte for
// byte, including pipelining and chunking.
#include <catch2/catch.hpp>

#include "tests/engine/imap_client/client_test_util.h"

namespace mailhoard::imap::testing {
namespace {

std::string Greeting(const std::string& caps) {
  return "* PREAUTH [CAPABILITY IMAP4rev1" + (caps.empty() ? "" : " " + caps) + "] ready\r\n";
}

TEST_CASE("without LIST-STATUS: one LIST, then all STATUS commands before any reply") {
  auto s = ConnectScripted(
      {Server(Greeting("LIST-EXTENDED SPECIAL-USE")),
       Client("A1 LIST \"\" \"*\" RETURN (SPECIAL-USE)\r\n"),
       Server("* LIST (\\HasNoChildren) \"/\" INBOX\r\n"
              "* LIST (\\HasNoChildren \\Sent) \"/\" Sent\r\n"
              "* LIST (\\Noselect \\HasChildren) \"/\" Archive\r\n"
              "* LIST (\\HasNoChildren) \"/\" \"Entw&APw-rfe\"\r\n"
              "* LIST (\\HasNoChildren) \"/\" {10}\r\nOdd \"name\"\r\n"
              "A1 OK List completed\r\n"),
       // All four STATUS commands go out as one batch: the script would fail
       // a Read between them.
       Client("A2 STATUS INBOX (MESSAGES UIDNEXT UIDVALIDITY)\r\n"
              "A3 STATUS Sent (MESSAGES UIDNEXT UIDVALIDITY)\r\n"
              "A4 STATUS Entw&APw-rfe (MESSAGES UIDNEXT UIDVALIDITY)\r\n"
              "A5 STATUS \"Odd \\\"name\\\"\" (MESSAGES UIDNEXT UIDVALIDITY)\r\n"),
       Server("* STATUS INBOX (MESSAGES 3 UIDNEXT 4 UIDVALIDITY 77)\r\nA2 OK\r\n"
              "* STATUS Sent (MESSAGES 0 UIDNEXT 1 UIDVALIDITY 78)\r\nA3 OK\r\n"
              "* STATUS \"Entw&APw-rfe\" (MESSAGES 1 UIDNEXT 9 UIDVALIDITY 79)\r\nA4 OK\r\n"
              "A5 NO Mailbox doesn't exist\r\n")});
  REQUIRE(s.client);
  auto boxes = s.client->ListMailboxes(true);
  REQUIRE(boxes.ok());
  REQUIRE(boxes->size() == 5);
  const auto& b = *boxes;
  CHECK(b[0].raw_name == "INBOX");
  REQUIRE(b[0].status);
  CHECK(b[0].status->messages == 3u);
  CHECK(b[0].status->uidvalidity == 77u);
  CHECK(b[1].special_use == "\\Sent");
  CHECK(b[2].noselect);
  CHECK_FALSE(b[2].status);
  CHECK(b[3].raw_name == "Entw&APw-rfe");
  CHECK(b[3].name == "Entw\xc3\xbcrfe");
  CHECK(b[3].status->uidnext == 9u);
  CHECK(b[4].raw_name == "Odd \"name\"");
  CHECK_FALSE(b[4].status);  // deleted between LIST and STATUS: no status, no error
  CHECK(s.script->Done().ok());
}

TEST_CASE("with LIST-STATUS it is a single command, HIGHESTMODSEQ with CONDSTORE") {
  auto s = ConnectScripted(
      {Server(Greeting("LIST-EXTENDED LIST-STATUS SPECIAL-USE CONDSTORE")),
       Client("A1 LIST \"\" \"*\" RETURN (SPECIAL-USE STATUS (MESSAGES UIDNEXT UIDVALIDITY "
              "HIGHESTMODSEQ))\r\n"),
       Server("* LIST (\\HasNoChildren) \".\" INBOX\r\n"
              "* STATUS INBOX (MESSAGES 2 UIDNEXT 3 UIDVALIDITY 5 HIGHESTMODSEQ 9)\r\n"
              "* STATUS Drafts (MESSAGES 0 UIDNEXT 1 UIDVALIDITY 6 HIGHESTMODSEQ 1)\r\n"
              "* LIST (\\Drafts) \".\" Drafts\r\n"
              "A1 OK done\r\n")});
  REQUIRE(s.client);
  auto boxes = s.client->ListMailboxes(true);
  REQUIRE(boxes.ok());
  REQUIRE(boxes->size() == 2);
  CHECK((*boxes)[0].status->highestmodseq == 9u);
  // STATUS before its LIST line is still attached.
  REQUIRE((*boxes)[1].status);
  CHECK((*boxes)[1].status->uidvalidity == 6u);
  CHECK((*boxes)[1].special_use == "\\Drafts");
  CHECK(s.client->commands_sent() == 1);
  CHECK(s.script->Done().ok());
}

TEST_CASE("pipelined chunks keep at most pipeline_window commands in flight") {
  auto t = std::make_unique<AutoOkTransport>("* PREAUTH [CAPABILITY IMAP4rev1] hi\r\n");
  AutoOkTransport* raw = t.get();
  ClientOptions o = PlainOptions();
  o.pipeline_window = 5;
  auto c = ImapClient::ConnectOver(std::move(t), o);
  REQUIRE(c.ok());
  // The fake answers LIST with OK only, so fetch flags over many chunks
  // instead to observe the window.
  raw->reset_depth();
  std::vector<uint32_t> uids;
  for (uint32_t u = 1; u <= 40'000; u += 2) uids.push_back(u);
  o.max_command_bytes = 4000;
  REQUIRE((*c)->FetchFlags(SequenceSet::FromSorted(uids), std::nullopt, false, nullptr).ok());
  CHECK(raw->first_read_depth() == 5);
}

TEST_CASE("long UID sets are split into chunks under max_command_bytes, pipelined") {
  auto t = std::make_unique<AutoOkTransport>("* PREAUTH [CAPABILITY IMAP4rev1] hi\r\n");
  AutoOkTransport* raw = t.get();
  ClientOptions o = PlainOptions();
  auto c = ImapClient::ConnectOver(std::move(t), o);
  REQUIRE(c.ok());
  raw->reset_depth();
  std::vector<uint32_t> uids;
  for (uint32_t u = 100'000; u <= 160'000; u += 3) uids.push_back(u);
  REQUIRE((*c)->FetchFlags(SequenceSet::FromSorted(uids), 1234, false, nullptr).ok());
  REQUIRE(raw->lines.size() > 10);
  std::vector<uint32_t> seen;
  for (const std::string& line : raw->lines) {
    CHECK(line.size() + 2 <= 4000);
    REQUIRE(line.find(" UID FETCH ") != std::string::npos);
    REQUIRE(line.find(" (UID FLAGS) (CHANGEDSINCE 1234)") != std::string::npos);
    size_t start = line.find(" UID FETCH ") + 11;
    auto set = SequenceSet::Parse(line.substr(start, line.find(' ', start) - start));
    REQUIRE(set.ok());
    auto members = set->Expand(1'000'000);
    REQUIRE(members.ok());
    seen.insert(seen.end(), members->begin(), members->end());
  }
  CHECK(seen == uids);                  // every UID exactly once, in order
  CHECK(raw->first_read_depth() == 8);  // default window
}

TEST_CASE("EXAMINE with QRESYNC collects VANISHED, changed flags and codes") {
  auto s = ConnectScripted(
      {Server(Greeting("ENABLE QRESYNC CONDSTORE")), Client("A1 ENABLE QRESYNC\r\n"),
       Server("* ENABLED QRESYNC\r\nA1 OK enabled\r\n"),
       Client("A2 EXAMINE INBOX (QRESYNC (67890007 20050715194045000 41,43:211))\r\n"),
       Server("* 314 EXISTS\r\n"
              "* FLAGS (\\Answered \\Flagged \\Draft \\Deleted \\Seen)\r\n"
              "* OK [PERMANENTFLAGS ()] No permanent flags permitted\r\n"
              "* OK [UIDVALIDITY 67890007] Ok\r\n"
              "* OK [UIDNEXT 567] Predicted next UID\r\n"
              "* OK [HIGHESTMODSEQ 20050715194045000] Highest\r\n"
              "* VANISHED (EARLIER) 41,43:116,118,120:211\r\n"
              "* 49 FETCH (UID 117 FLAGS (\\Seen \\Answered) MODSEQ (20050715194045000))\r\n"
              "A2 OK [READ-ONLY] EXAMINE completed\r\n")});
  REQUIRE(s.client);
  REQUIRE(s.client->Enable().ok());
  CHECK(s.client->qresync());
  CHECK(s.client->condstore());
  QresyncParams q{67890007, 20050715194045000ull, SequenceSet::Parse("41,43:211").value()};
  auto box = s.client->Examine("INBOX", q);
  REQUIRE(box.ok());
  CHECK(box->uidvalidity == 67890007u);
  CHECK(box->uidnext == 567u);
  CHECK(box->exists == 314u);
  CHECK(box->highestmodseq == 20050715194045000ull);
  CHECK(box->read_only);
  CHECK(box->vanished.Contains(41));
  CHECK(box->vanished.Contains(100));
  CHECK_FALSE(box->vanished.Contains(117));
  REQUIRE(box->changed.size() == 1);
  CHECK(box->changed[0].uid == 117u);
  CHECK(box->changed[0].flags == std::vector<std::string>{"\\Seen", "\\Answered"});
  CHECK(box->changed[0].modseq == 20050715194045000ull);
  CHECK(s.script->Done().ok());
}

TEST_CASE("EXAMINE NO is kServerNo with folder scope") {
  auto s = ConnectScripted({Server(Greeting("")), Client("A1 EXAMINE Gone\r\n"),
                            Server("A1 NO [NONEXISTENT] Mailbox doesn't exist: Gone\r\n")});
  REQUIRE(s.client);
  auto box = s.client->Examine("Gone");
  REQUIRE_FALSE(box.ok());
  CHECK(box.status().code() == ErrorCode::kServerNo);
  CHECK(box.status().scope() == ErrorScope::kFolder);
  CHECK_FALSE(s.client->broken());
}

TEST_CASE("FETCH FLAGS CHANGEDSINCE with VANISHED reports both") {
  auto s = ConnectScripted({Server(Greeting("ENABLE QRESYNC")), Client("A1 ENABLE QRESYNC\r\n"),
                            Server("* ENABLED QRESYNC\r\nA1 OK\r\n"),
                            Client("A2 UID FETCH 1:* (UID FLAGS) (CHANGEDSINCE 50 VANISHED)\r\n"),
                            Server("* VANISHED (EARLIER) 3:4\r\n"
                                   "* 1 FETCH (UID 1 FLAGS (\\Seen) MODSEQ (60))\r\n"
                                   "* 2 FETCH (UID 5 FLAGS () MODSEQ (61))\r\n"
                                   "A2 OK done\r\n")});
  REQUIRE(s.client);
  REQUIRE(s.client->Enable().ok());
  std::vector<std::pair<uint32_t, uint64_t>> changes;
  SequenceSet vanished;
  Status st = s.client->FetchFlags(
      SequenceSet::Parse("1:*").value(), 50, true,
      [&](uint32_t uid, const std::vector<std::string>&, std::optional<uint64_t> modseq) {
        changes.emplace_back(uid, modseq.value_or(0));
        return Status::Ok();
      },
      [&](const SequenceSet& v) {
        vanished = v;
        return Status::Ok();
      });
  REQUIRE(st.ok());
  CHECK(changes == std::vector<std::pair<uint32_t, uint64_t>>{{1, 60}, {5, 61}});
  CHECK(vanished.ToString() == "3:4");
  CHECK(s.script->Done().ok());
}

TEST_CASE("SearchAllUids uses ESEARCH when offered, plain SEARCH otherwise") {
  SECTION("ESEARCH") {
    auto s =
        ConnectScripted({Server(Greeting("ESEARCH")), Client("A1 UID SEARCH RETURN (ALL) ALL\r\n"),
                         Server("* ESEARCH (TAG \"A1\") UID ALL 1:3,7,9:10\r\nA1 OK\r\n")});
    REQUIRE(s.client);
    auto uids = s.client->SearchAllUids();
    REQUIRE(uids.ok());
    CHECK(*uids == std::vector<uint32_t>{1, 2, 3, 7, 9, 10});
  }
  SECTION("SEARCH") {
    auto s = ConnectScripted({Server(Greeting("")), Client("A1 UID SEARCH ALL\r\n"),
                              Server("* SEARCH 4 2 9\r\nA1 OK\r\n")});
    REQUIRE(s.client);
    auto uids = s.client->SearchAllUids();
    REQUIRE(uids.ok());
    CHECK(*uids == std::vector<uint32_t>{2, 4, 9});
  }
}

TEST_CASE("FetchHeaderKeys parses Message-ID from the inline header block") {
  auto s = ConnectScripted(
      {Server(Greeting("")),
       Client("A1 UID FETCH 3:4 (UID RFC822.SIZE INTERNALDATE "
              "BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])\r\n"),
       Server(
           "* 1 FETCH (UID 3 RFC822.SIZE 1234 INTERNALDATE \"17-Jul-1996 02:44:25 -0700\" "
           "BODY[HEADER.FIELDS (MESSAGE-ID)] {35}\r\nMessage-ID:\r\n <abc@example.com>\r\n\r\n)\r\n"
           "* 2 FETCH (UID 4 RFC822.SIZE 10 INTERNALDATE \"01-Jan-2020 00:00:00 +0000\" "
           "BODY[HEADER.FIELDS (MESSAGE-ID)] {2}\r\n\r\n)\r\n"
           "A1 OK\r\n")});
  REQUIRE(s.client);
  std::vector<std::tuple<uint32_t, std::string, uint64_t, int64_t>> got;
  REQUIRE(s.client
              ->FetchHeaderKeys(
                  SequenceSet::Parse("3:4").value(),
                  [&](uint32_t uid, std::string_view id, uint64_t size, const InternalDate& date) {
                    got.emplace_back(uid, std::string(id), size, date.utc);
                    return Status::Ok();
                  })
              .ok());
  REQUIRE(got.size() == 2);
  CHECK(std::get<1>(got[0]) == "<abc@example.com>");
  CHECK(std::get<2>(got[0]) == 1234u);
  CHECK(std::get<3>(got[0]) == 837596665);
  CHECK(std::get<1>(got[1]).empty());
  CHECK(s.script->Done().ok());
}

TEST_CASE("IDLE ends on EXISTS and sends DONE") {
  auto s = ConnectScripted({Server(Greeting("IDLE")), Client("A1 IDLE\r\n"),
                            Server("+ idling\r\n* 5 EXISTS\r\n"), Client("DONE\r\n"),
                            Server("A1 OK Idle completed\r\n")});
  REQUIRE(s.client);
  int events = 0;
  auto r = s.client->Idle(std::chrono::minutes(5), [&](const Response&) { ++events; });
  REQUIRE(r.ok());
  CHECK(*r == IdleResult::kChanged);
  CHECK(events == 1);
  CHECK(s.script->Done().ok());
}

TEST_CASE("[ALERT] text reaches the alert callback") {
  std::vector<std::string> alerts;
  ClientOptions o = PlainOptions();
  o.on_alert = [&](std::string_view text) { alerts.emplace_back(text); };
  auto s = ConnectScripted({Server(Greeting("")), Client("A1 NOOP\r\n"),
                            Server("* OK [ALERT] Mailbox is 95% full\r\nA1 OK\r\n")},
                           o);
  REQUIRE(s.client);
  REQUIRE(s.client->Noop().ok());
  CHECK(alerts == std::vector<std::string>{"Mailbox is 95% full"});
}

}  // namespace
}  // namespace mailhoard::imap::testing
