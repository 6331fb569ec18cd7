// FETCH of whole messages: streaming bodies, unsolicited responses in the
// middle, n:* filtering, NIL bodies, per-message BAD, throttling.
#include <catch2/catch.hpp>

#include "tests/engine/imap_client/client_test_util.h"

namespace mailhoard::imap::testing {
namespace {

constexpr char kGreeting[] = "* PREAUTH [CAPABILITY IMAP4rev1] ready\r\n";
constexpr char kItems[] = " (UID FLAGS INTERNALDATE RFC822.SIZE BODY.PEEK[])\r\n";

std::string FetchLine(int tag, const std::string& set) {
  return "A" + std::to_string(tag) + " UID FETCH " + set + kItems;
}

std::string Message(uint32_t seq, uint32_t uid, const std::string& body) {
  return "* " + std::to_string(seq) + " FETCH (UID " + std::to_string(uid) +
         " FLAGS (\\Seen) INTERNALDATE \"01-Jan-2024 10:00:00 +0000\" RFC822.SIZE " +
         std::to_string(body.size()) + " BODY[] {" + std::to_string(body.size()) + "}\r\n" + body +
         ")\r\n";
}

TEST_CASE("bodies stream to the handler's sinks, unsolicited responses are not messages") {
  const std::string body1 = "Subject: one\r\n\r\nA literal can hold ) and \r\n* 3 EXPUNGE\r\n";
  const std::string body2 = "Subject: two\r\n\r\n{5}\r\nhello\r\n";
  for (Delivery d : {Delivery::kWhole, Delivery::kOneByte, Delivery::kRandom}) {
    ScriptOptions so;
    so.delivery = d;
    auto s = ConnectScripted(
        {Server(kGreeting), Client(FetchLine(1, "10:*")),
         Server(Message(1, 10, body1) +
                "* 4 FETCH (FLAGS (\\Seen \\Flagged))\r\n"  // unsolicited, no UID
                "* 3 EXPUNGE\r\n"
                "* 7 EXISTS\r\n"
                "* 2 FETCH (UID 11 FLAGS (\\Deleted))\r\n"  // flag update for a UID in the set
                + Message(3, 12, body2) + "A1 OK Fetch completed.\r\n")},
        PlainOptions(), so);
    REQUIRE(s.client);
    MemoryHandler h;
    REQUIRE(s.client->FetchMessages(SequenceSet::Parse("10:*").value(), h).ok());
    REQUIRE(h.messages.size() == 2);
    CHECK(h.messages[0].fetch.uid == 10u);
    CHECK(h.messages[0].had_sink);
    CHECK(h.messages[0].finished);
    CHECK(h.messages[0].body == body1);
    CHECK(h.messages[0].fetch.rfc822_size == body1.size());
    CHECK(h.messages[1].fetch.uid == 12u);
    CHECK(h.messages[1].body == body2);
    REQUIRE(h.flag_updates.size() == 1);
    CHECK(h.flag_updates[0].first == 11u);
    CHECK(h.mailbox_changes == 2);
    CHECK(s.script->Done().ok());
  }
}

TEST_CASE("UID FETCH n:* returning the last message below n is filtered out") {
  // RFC 3501 §6.4.8: "UID FETCH 20:*" with highest UID 15 still returns 15.
  auto s = ConnectScripted({Server(kGreeting), Client(FetchLine(1, "20:*")),
                            Server(Message(9, 15, "Subject: old\r\n\r\nx\r\n") + "A1 OK\r\n")});
  REQUIRE(s.client);
  MemoryHandler h;
  REQUIRE(s.client->FetchMessages(SequenceSet::Parse("20:*").value(), h).ok());
  CHECK(h.messages.empty());
  CHECK(h.opened.empty());  // the body was not even given a sink (UID came first)
  CHECK(s.script->Done().ok());
}

TEST_CASE("NIL body and an empty FETCH reach the handler without a sink") {
  auto s = ConnectScripted(
      {Server(kGreeting), Client(FetchLine(1, "5:6")),
       Server("* 1 FETCH (UID 5 FLAGS () INTERNALDATE \"01-Jan-2024 10:00:00 +0000\" "
              "RFC822.SIZE 0 BODY[] NIL)\r\n"
              "* 2 FETCH (UID 6)\r\n"
              "A1 OK FETCH completed.\r\n")});
  REQUIRE(s.client);
  MemoryHandler h;
  REQUIRE(s.client->FetchMessages(SequenceSet::Parse("5:6").value(), h).ok());
  REQUIRE(h.messages.size() == 2);
  CHECK_FALSE(h.messages[0].had_sink);
  REQUIRE(h.messages[0].fetch.bodies.size() == 1);
  CHECK(h.messages[0].fetch.bodies[0].is_nil);
  CHECK_FALSE(h.messages[1].had_sink);
  CHECK(h.messages[1].fetch.bodies.empty());
  CHECK(s.script->Done().ok());
}

TEST_CASE("BAD on one message's command fails that message only, naming its UID") {
  // Microsoft 365 answers a message it cannot render with
  // "BAD Command Argument Error. 11"; fetched one per command here.
  ClientOptions o = PlainOptions();
  o.max_command_bytes = 50;  // forces one UID per command
  auto s = ConnectScripted(
      {Server(kGreeting), Client(FetchLine(1, "7") + FetchLine(2, "9") + FetchLine(3, "11")),
       Server("A1 BAD Command Argument Error. 11\r\n" + Message(2, 9, "Subject: 9\r\n\r\n") +
              "A2 OK\r\n" + Message(3, 11, "Subject: 11\r\n\r\n") + "A3 OK\r\n")},
      o);
  REQUIRE(s.client);
  MemoryHandler h;
  Status st = s.client->FetchMessages(SequenceSet::Parse("7,9,11").value(), h);
  CHECK(st.code() == ErrorCode::kServerBad);
  CHECK(st.scope() == ErrorScope::kMessage);
  CHECK(st.message().find("UID FETCH 7 ") != std::string::npos);
  CHECK(st.message().find("Command Argument Error. 11") != std::string::npos);
  REQUIRE(h.messages.size() == 2);
  CHECK(h.messages[0].fetch.uid == 9u);
  CHECK(h.messages[1].fetch.uid == 11u);
  CHECK_FALSE(s.client->broken());
  CHECK(s.script->Done().ok());
}

TEST_CASE("throttled: tagged NO [THROTTLED] and BYE both carry the suggested backoff") {
  SECTION("NO then BYE") {
    auto s = ConnectScripted(
        {Server(kGreeting), Client(FetchLine(1, "1:*")),
         Server("A1 NO [THROTTLED] Request is throttled. Suggested Backoff Time: 2500 "
                "milliseconds\r\n* BYE Connection is closed. 13\r\n"),
         Eof()});
    REQUIRE(s.client);
    MemoryHandler h;
    Status st = s.client->FetchMessages(SequenceSet::Parse("1:*").value(), h);
    CHECK(st.transient());
    REQUIRE(st.retry_after());
    CHECK(*st.retry_after() == std::chrono::milliseconds(2500));
  }
  SECTION("BYE alone") {
    auto s = ConnectScripted(
        {Server(kGreeting), Client(FetchLine(1, "1:*")),
         Server("* BYE Request is throttled. Suggested Backoff Time: 30000 milliseconds\r\n"),
         Eof()});
    REQUIRE(s.client);
    MemoryHandler h;
    Status st = s.client->FetchMessages(SequenceSet::Parse("1:*").value(), h);
    CHECK(st.code() == ErrorCode::kServerBye);
    CHECK(st.transient());
    REQUIRE(st.retry_after());
    CHECK(*st.retry_after() == std::chrono::milliseconds(30000));
    CHECK(s.client->broken());
  }
}

TEST_CASE("EOF in the middle of a body is a network error and the sink is never handed over") {
  auto s = ConnectScripted({Server(kGreeting), Client(FetchLine(1, "1")),
                            Server("* 1 FETCH (UID 1 BODY[] {100}\r\nonly part"), Eof()});
  REQUIRE(s.client);
  MemoryHandler h;
  Status st = s.client->FetchMessages(SequenceSet::Parse("1").value(), h);
  CHECK(st.code() == ErrorCode::kNetwork);
  CHECK(h.opened.size() == 1);
  CHECK(h.messages.empty());
  CHECK(s.client->broken());
}

TEST_CASE("an explicit long set is chunked, 'n:*' stays one command") {
  auto t = std::make_unique<AutoOkTransport>(kGreeting);
  AutoOkTransport* raw = t.get();
  auto c = ImapClient::ConnectOver(std::move(t), PlainOptions());
  REQUIRE(c.ok());
  MemoryHandler h;
  std::vector<uint32_t> uids;
  for (uint32_t u = 1; u < 5000; u += 2) uids.push_back(u);
  REQUIRE((*c)->FetchMessages(SequenceSet::FromSorted(uids), h).ok());
  const size_t chunks = raw->lines.size();
  CHECK(chunks > 3);
  for (const auto& l : raw->lines) CHECK(l.size() < 4000);
  REQUIRE((*c)->FetchMessages(SequenceSet::Parse("123:*").value(), h).ok());
  CHECK(raw->lines.size() == chunks + 1);
  CHECK(raw->lines.back() ==
        "A" + std::to_string(chunks + 1) +
            " UID FETCH 123:* (UID FLAGS INTERNALDATE RFC822.SIZE BODY.PEEK[])");
}

class FailingHandler : public MemoryHandler {
 public:
  Status OnMessage(const FetchResponse& fetch, std::unique_ptr<BodySink> sink) override {
    MemoryHandler::OnMessage(fetch, std::move(sink)).ok();
    return IoError("disk full");
  }
};

TEST_CASE("a handler error stops body writing but keeps the connection in step") {
  ClientOptions o = PlainOptions();
  o.max_command_bytes = 50;  // one UID per command, both in flight
  auto s = ConnectScripted({Server(kGreeting), Client(FetchLine(1, "1") + FetchLine(2, "3")),
                            // Separate reads: a body that begins in the same read
                            // as the failed message is still streamed (then dropped).
                            Server(Message(1, 1, "Subject: 1\r\n\r\n") + "A1 OK\r\n"),
                            Server(Message(2, 3, "Subject: 3\r\n\r\n") + "A2 OK\r\n"),
                            Client("A3 NOOP\r\n"), Server("A3 OK\r\n")},
                           o);
  REQUIRE(s.client);
  FailingHandler h;
  Status st = s.client->FetchMessages(SequenceSet::Parse("1,3").value(), h);
  CHECK(st.code() == ErrorCode::kIo);
  CHECK(h.opened.size() == 1);  // the second body went nowhere
  CHECK(h.messages.size() == 1);
  CHECK(s.client->Noop().ok());
  CHECK(s.script->Done().ok());
}

}  // namespace
}  // namespace mailhoard::imap::testing

namespace mailhoard::imap::testing {
namespace {

TEST_CASE("the listing of what a FETCH should deliver rides in the same flight") {
  // One write carries both commands: new mail plus its check cost one round
  // trip. Without ESEARCH the answer is a plain SEARCH, filtered to >= 5
  // (RFC 3501 §6.4.8: "5:*" names the highest UID even below 5).
  auto s =
      ConnectScripted({Server(kGreeting), Client("A1 UID SEARCH UID 5:*\r\n" + FetchLine(2, "8:*")),
                       Server("* SEARCH 3 5 8 9\r\nA1 OK\r\n" +
                              Message(1, 8, "Subject: a\r\n\r\nx\r\n") + "A2 OK\r\n")});
  REQUIRE(s.client);
  MemoryHandler h;
  std::vector<uint32_t> listed;
  REQUIRE(s.client->FetchMessagesListing(SequenceSet::Parse("8:*").value(), 5, h, &listed).ok());
  CHECK(listed == std::vector<uint32_t>{5, 8, 9});
  REQUIRE(h.messages.size() == 1);
  CHECK(s.script->Done().ok());
}

TEST_CASE("a refused listing fails the flight with folder scope, the FETCH still completes") {
  auto s = ConnectScripted(
      {Server(kGreeting), Client("A1 UID SEARCH UID 5:*\r\n" + FetchLine(2, "8:*")),
       Server("A1 NO search failed\r\n" + Message(1, 8, "Subject: a\r\n\r\nx\r\n") + "A2 OK\r\n")});
  REQUIRE(s.client);
  MemoryHandler h;
  std::vector<uint32_t> listed;
  Status st = s.client->FetchMessagesListing(SequenceSet::Parse("8:*").value(), 5, h, &listed);
  CHECK(st.code() == ErrorCode::kServerNo);
  CHECK(st.scope() == ErrorScope::kFolder);
  CHECK(h.messages.size() == 1);
  CHECK(s.script->Done().ok());
}

}  // namespace
}  // namespace mailhoard::imap::testing
