// STAT, LIST, UIDL, RETR, TOP, DELE, QUIT after login, byte for byte, and
// hostile servers: endless lines, missing terminators, garbage.
#include <catch2/catch.hpp>

#include "tests/engine/pop3/conversation_util.h"

namespace mailhoard::pop3::testing {
namespace {

using mailhoard::testing::Delivery;
using Steps = std::vector<mailhoard::testing::ScriptStep>;

Steps With(const std::string& capa, Steps more) {
  Steps steps = Hello(capa);
  steps.insert(steps.end(), more.begin(), more.end());
  return steps;
}

ClientOptions Small() {
  ClientOptions o;
  o.max_message_line = 1024;
  o.max_reply_line = 512;
  return o;
}

std::string Collect(Pop3Client& client, uint32_t n, Status* status) {
  std::string body;
  *status = client.Retr(n, [&](const char* d, size_t len) {
    body.append(d, len);
    return Status::Ok();
  });
  return body;
}

TEST_CASE("RETR removes dot-stuffing, in every split of the server's bytes") {
  std::string wire =
      "+OK 60 octets\r\nSubject: dots\r\n\r\n..leading dot\r\n...\r\n.. \r\nend\r\n.\r\n";
  std::string expected = "Subject: dots\r\n\r\n.leading dot\r\n..\r\n. \r\nend\r\n";
  for (Delivery d : {Delivery::kWhole, Delivery::kOneByte, Delivery::kRandom, Delivery::kGreedy}) {
    ScriptOptions so;
    so.delivery = d;
    auto s = ConnectScripted(
        With("", {Client("RETR 1\r\n"), Server(wire), Client("NOOP\r\n"), Server("+OK\r\n")}), {},
        so);
    REQUIRE(s.client);
    Status st;
    CHECK(Collect(*s.client, 1, &st) == expected);
    CHECK(st.ok());
    CHECK(s.client->Noop().ok());  // the session is still in step
    CHECK(s.script->Done().ok());
  }
}

TEST_CASE("RETR never hands the sink an empty write (an empty line is just its CRLF)") {
  // Found by tests/fuzz/pop3_reply_fuzz.cc: the header/body separator and
  // any empty body line gave the sink a zero-length chunk.
  auto s = ConnectScripted(
      With("", {Client("RETR 1\r\n"), Server("+OK\r\nSubject: x\r\n\r\n\r\nbody\r\n.\r\n")}));
  REQUIRE(s.client);
  std::string got;
  size_t empty_writes = 0;
  Status st = s.client->Retr(1, [&](const char* d, size_t len) {
    empty_writes += len == 0;
    got.append(d, len);
    return Status::Ok();
  });
  CHECK(st.ok());
  CHECK(got == "Subject: x\r\n\r\n\r\nbody\r\n");
  CHECK(empty_writes == 0);
}

TEST_CASE("an endless line in RETR is a clear protocol error, memory stays bounded") {
  std::string endless = "+OK\r\nSubject: x\r\n" + std::string(64 * 1024, 'A');
  auto s = ConnectScripted(With("", {Client("RETR 1\r\n"), Server(endless), Eof()}), Small());
  REQUIRE(s.client);
  Status st;
  std::string got = Collect(*s.client, 1, &st);
  CHECK(st.code() == ErrorCode::kProtocol);
  CHECK(st.message().find("RETR 1") != std::string::npos);
  CHECK(st.message().find("1024") != std::string::npos);
  CHECK(got == "Subject: x\r\n");
  CHECK(s.client->broken());
}

TEST_CASE("RETR without its terminating dot is a network error, not a message") {
  auto s = ConnectScripted(
      With("", {Client("RETR 1\r\n"), Server("+OK\r\nSubject: x\r\n\r\nbody\r\n"), Eof()}));
  REQUIRE(s.client);
  Status st;
  (void)Collect(*s.client, 1, &st);
  CHECK(st.code() == ErrorCode::kNetwork);
  CHECK(st.transient());
  CHECK(s.client->broken());
}

TEST_CASE("an endless status line is refused") {
  auto s = ConnectScripted({Server("+OK " + std::string(4096, 'x')), Eof()}, Small());
  REQUIRE_FALSE(s.client);
  CHECK(s.connect_status.code() == ErrorCode::kProtocol);
}

TEST_CASE("a reply that is neither +OK nor -ERR is a protocol error") {
  auto s = ConnectScripted(With("", {Client("STAT\r\n"), Server("* 3 EXISTS\r\n")}));
  REQUIRE(s.client);
  auto st = s.client->Stat();
  CHECK(st.status().code() == ErrorCode::kProtocol);
  CHECK(s.client->broken());
}

TEST_CASE("a sink error stops storing but keeps the session in step") {
  auto s = ConnectScripted(With("", {Client("RETR 1\r\n"), Server("+OK\r\na\r\nb\r\n.\r\n"),
                                     Client("NOOP\r\n"), Server("+OK\r\n")}));
  REQUIRE(s.client);
  Status st = s.client->Retr(1, [](const char*, size_t) { return IoError("disk full"); });
  CHECK(st.code() == ErrorCode::kIo);
  CHECK_FALSE(s.client->broken());
  CHECK(s.client->Noop().ok());
  CHECK(s.script->Done().ok());
}

TEST_CASE("STAT, LIST and UIDL are parsed") {
  auto s = ConnectScripted(With(
      "UIDL\r\n", {Client("STAT\r\n"), Server("+OK 2 320\r\n"), Client("LIST\r\n"),
                   Server("+OK 2 messages\r\n1 120\r\n2 200\r\n.\r\n"), Client("UIDL\r\n"),
                   Server("+OK\r\n1 whqtswO00WBw418f9t5JxYwZ\r\n2 QhdPYR:00WBw1Ph7x7\r\n.\r\n")}));
  REQUIRE(s.client);
  auto stat = s.client->Stat();
  REQUIRE(stat.ok());
  CHECK(stat->messages == 2);
  CHECK(stat->bytes == 320);
  auto list = s.client->List();
  REQUIRE(list.ok());
  REQUIRE(list->size() == 2);
  CHECK((*list)[1].size == 200);
  auto uidl = s.client->Uidl();
  REQUIRE(uidl.ok());
  REQUIRE(uidl->size() == 2);
  CHECK((*uidl)[1].uidl == "QhdPYR:00WBw1Ph7x7");
  CHECK(s.script->Done().ok());
}

TEST_CASE("UIDL not implemented is kUnsupported, a bad UIDL line is a protocol error") {
  auto s = ConnectScripted(With("", {Client("UIDL\r\n"), Server("-ERR unknown command\r\n")}));
  REQUIRE(s.client);
  CHECK(s.client->Uidl().status().code() == ErrorCode::kUnsupported);

  auto bad = ConnectScripted(With(
      "UIDL\r\n", {Client("UIDL\r\n"), Server("+OK\r\n1 " + std::string(80, 'u') + "\r\n.\r\n"),
                   Client("NOOP\r\n"), Server("+OK\r\n")}));
  REQUIRE(bad.client);
  CHECK(bad.client->Uidl().status().code() == ErrorCode::kProtocol);
  CHECK(bad.client->Noop().ok());  // read to the terminator: still in step
}

TEST_CASE("RetrMany keeps a window of RETRs in flight and reports each message") {
  auto s = ConnectScripted(
      With("PIPELINING\r\n", {Client("RETR 1\r\nRETR 2\r\n"), Server("+OK\r\na\r\n.\r\n"),
                              Client("RETR 3\r\n"), Server("-ERR gone\r\n+OK\r\n..c\r\n.\r\n")}));
  REQUIRE(s.client);
  std::vector<std::string> bodies(4);
  std::vector<Status> outcomes(4);
  uint32_t current = 0;
  Status st = s.client->RetrMany(
      {1, 2, 3},
      [&](uint32_t n) -> Result<BodySink> {
        current = n;
        return BodySink([&](const char* d, size_t len) {
          bodies[current].append(d, len);
          return Status::Ok();
        });
      },
      [&](uint32_t n, Status outcome) {
        outcomes[n] = outcome;
        return Status::Ok();
      },
      /*window=*/2);
  REQUIRE(st.ok());
  CHECK(bodies[1] == "a\r\n");
  CHECK(outcomes[2].code() == ErrorCode::kServerNo);
  CHECK(bodies[3] == ".c\r\n");
  CHECK(s.script->Done().ok());
}

TEST_CASE("RetrMany stopped by its caller drains the RETRs in flight and stays in step") {
  auto s = ConnectScripted(With("PIPELINING\r\n", {Client("RETR 1\r\nRETR 2\r\n"),
                                                   Server("+OK\r\na\r\n.\r\n+OK\r\nb\r\n.\r\n"),
                                                   Client("NOOP\r\n"), Server("+OK\r\n")}));
  REQUIRE(s.client);
  int ended = 0;
  Status st = s.client->RetrMany(
      {1, 2, 3},
      [](uint32_t) -> Result<BodySink> {
        return BodySink([](const char*, size_t) { return Status::Ok(); });
      },
      [&](uint32_t, Status) {
        ++ended;
        return Status::Error(ErrorCode::kCancelled, "stop");
      },
      /*window=*/2);
  CHECK(st.code() == ErrorCode::kCancelled);
  CHECK(ended == 1);
  CHECK(s.client->Noop().ok());
  CHECK(s.script->Done().ok());
}

TEST_CASE("TOP streams the header block") {
  auto s = ConnectScripted(
      With("TOP\r\n", {Client("TOP 3 0\r\n"), Server("+OK\r\nFrom: a@b\r\n\r\n.\r\n")}));
  REQUIRE(s.client);
  std::string got;
  REQUIRE(s.client
              ->Top(3, 0,
                    [&](const char* d, size_t n) {
                      got.append(d, n);
                      return Status::Ok();
                    })
              .ok());
  CHECK(got == "From: a@b\r\n\r\n");
}

TEST_CASE("DELE is pipelined when PIPELINING is offered (RFC 2449 §6.6)") {
  auto s = ConnectScripted(With(
      "PIPELINING\r\n", {Client("DELE 1\r\nDELE 2\r\nDELE 5\r\n"), Server("+OK\r\n+OK\r\n+OK\r\n"),
                         Client("QUIT\r\n"), Server("+OK bye\r\n")}));
  REQUIRE(s.client);
  REQUIRE(s.client->Dele({1, 2, 5}).ok());
  REQUIRE(s.client->Quit().ok());
  CHECK(s.script->Done().ok());
}

TEST_CASE("DELE one at a time without PIPELINING, a refused DELE is reported") {
  auto s = ConnectScripted(With(
      "", {Client("DELE 1\r\n"), Server("+OK\r\n"), Client("DELE 2\r\n"),
           Server("-ERR message 2 already deleted\r\n"), Client("RSET\r\n"), Server("+OK\r\n")}));
  REQUIRE(s.client);
  Status st = s.client->Dele({1, 2});
  CHECK(st.code() == ErrorCode::kServerNo);
  CHECK(s.client->Rset().ok());
  CHECK(s.script->Done().ok());
}

TEST_CASE("the trace shows message bodies as a byte count") {
  Trace trace;
  ClientOptions o;
  o.trace = &trace;
  auto s =
      ConnectScripted(With("", {Client("RETR 1\r\n"), Server("+OK\r\nsecret body\r\n.\r\n")}), o);
  REQUIRE(s.client);
  Status st;
  (void)Collect(*s.client, 1, &st);
  REQUIRE(st.ok());
  CHECK(trace.All().find("secret body") == std::string::npos);
  CHECK(trace.All().find("{13 bytes}") != std::string::npos);
}

}  // namespace
}  // namespace mailhoard::pop3::testing
