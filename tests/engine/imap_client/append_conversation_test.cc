// APPEND streamed from a LiteralSource and CREATE, against scripted servers:
// synchronising and non-synchronising literals, APPENDUID, flags that could
// inject syntax, a source that lies about its size, CREATE of an existing
// mailbox.
#include <catch2/catch.hpp>

#include "tests/engine/imap_client/client_test_util.h"

namespace mailhoard::imap::testing {
namespace {

// Hands out its bytes in small pieces, as a file read would; `claimed`
// lets a test make it lie about its size.
class PiecewiseSource : public LiteralSource {
 public:
  explicit PiecewiseSource(std::string bytes, uint64_t claimed = UINT64_MAX)
      : bytes_(std::move(bytes)), claimed_(claimed == UINT64_MAX ? bytes_.size() : claimed) {}
  uint64_t size() const override { return claimed_; }
  Status WriteTo(const Sink& sink) const override {
    ++calls;
    for (size_t i = 0; i < bytes_.size(); i += 7) {
      MH_RETURN_IF_ERROR(sink(bytes_.data() + i, std::min<size_t>(7, bytes_.size() - i)));
    }
    return Status::Ok();
  }
  mutable int calls = 0;

 private:
  std::string bytes_;
  uint64_t claimed_;
};

const std::string kMsg = "Subject: hi\r\n\r\nbody line\r\n";

AppendRequest Request(std::shared_ptr<const LiteralSource> source) {
  AppendRequest r;
  r.mailbox = "Sent Items";
  r.flags = {"\\Seen", "\\Recent", "$Label1", "bad)flag", "\\Flagged"};
  r.internal_date = 1700000000;  // 14-Nov-2023 22:13:20 UTC
  r.message = std::move(source);
  return r;
}

TEST_CASE("APPEND waits for the go-ahead, streams the file, and reads APPENDUID") {
  auto source = std::make_shared<PiecewiseSource>(kMsg);
  auto s = ConnectScripted(
      {Server("* PREAUTH [CAPABILITY IMAP4rev1 UIDPLUS] ready\r\n"),
       Client("A1 APPEND \"Sent Items\" (\\Seen $Label1 \\Flagged) \"14-Nov-2023 22:13:20 +0000\" "
              "{" +
              std::to_string(kMsg.size()) + "}\r\n"),
       Server("+ go ahead\r\n"), Client(kMsg + "\r\n"),
       Server("A1 OK [APPENDUID 38505 3955] APPEND completed\r\n")});
  REQUIRE(s.client);
  auto r = s.client->Append(Request(source));
  INFO(r.status().ToString());
  REQUIRE(r.ok());
  CHECK(r->uidvalidity == 38505u);
  CHECK(r->uid == 3955u);
  CHECK(s.script->Done().ok());
}

TEST_CASE("with LITERAL+ the message follows at once, without UIDPLUS the uid is 0") {
  auto s = ConnectScripted(
      {Server("* PREAUTH [CAPABILITY IMAP4rev1 LITERAL+] ready\r\n"),
       Client("A1 APPEND INBOX () {" + std::to_string(kMsg.size()) + "+}\r\n" + kMsg + "\r\n"),
       Server("A1 OK done\r\n")});
  REQUIRE(s.client);
  AppendRequest req;
  req.mailbox = "INBOX";
  req.message = std::make_shared<PiecewiseSource>(kMsg);
  auto r = s.client->Append(req);
  REQUIRE(r.ok());
  CHECK(r->uid == 0u);
  CHECK(s.script->Done().ok());
}

TEST_CASE("a refused APPEND keeps its code and message scope, the connection stays usable") {
  auto s = ConnectScripted({Server("* PREAUTH [CAPABILITY IMAP4rev1] ready\r\n"),
                            Client("A1 APPEND INBOX () {" + std::to_string(kMsg.size()) + "}\r\n"),
                            Server("A1 NO [OVERQUOTA] Quota exceeded\r\n"), Client("A2 NOOP\r\n"),
                            Server("A2 OK\r\n")});
  REQUIRE(s.client);
  AppendRequest req;
  req.mailbox = "INBOX";
  auto source = std::make_shared<PiecewiseSource>(kMsg);
  req.message = source;
  auto r = s.client->Append(req);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == ErrorCode::kServerNo);
  CHECK(r.status().message().find("OVERQUOTA") != std::string::npos);
  CHECK(source->calls == 0);  // no byte of the message was sent
  CHECK(s.client->Noop().ok());
  CHECK(s.script->Done().ok());
}

TEST_CASE("a source shorter than it claimed breaks the connection instead of desynchronising it") {
  auto s = ConnectScripted({Server("* PREAUTH [CAPABILITY IMAP4rev1 LITERAL+] ready\r\n"),
                            Client("A1 APPEND INBOX () {100+}\r\n" + kMsg)});
  REQUIRE(s.client);
  AppendRequest req;
  req.mailbox = "INBOX";
  req.message = std::make_shared<PiecewiseSource>(kMsg, 100);
  auto r = s.client->Append(req);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == ErrorCode::kProtocol);
  CHECK(s.client->broken());
}

TEST_CASE("CREATE of a mailbox that exists is not an error, another refusal is") {
  auto s = ConnectScripted(
      {Server("* PREAUTH [CAPABILITY IMAP4rev1] ready\r\n"), Client("A1 CREATE Archive\r\n"),
       Server("A1 NO [ALREADYEXISTS] Mailbox already exists\r\n"), Client("A2 CREATE Old\r\n"),
       Server("A2 NO Mailbox already exists\r\n"), Client("A3 CREATE Files\r\n"),
       Server("A3 NO [CANNOT] Reserved name\r\n")});
  REQUIRE(s.client);
  CHECK(s.client->Create("Archive").ok());
  CHECK(s.client->Create("Old").ok());
  Status refused = s.client->Create("Files");
  CHECK(refused.code() == ErrorCode::kServerNo);
  CHECK(refused.scope() == ErrorScope::kFolder);
  CHECK(s.script->Done().ok());
}

TEST_CASE("INTERNALDATE is written as RFC 3501 date-time in UTC") {
  CHECK(FormatInternalDate(0) == "01-Jan-1970 00:00:00 +0000");
  CHECK(FormatInternalDate(1700000000) == "14-Nov-2023 22:13:20 +0000");
}

TEST_CASE("pipelined APPENDs with LITERAL+ go out before any answer, one result each") {
  const std::string n = std::to_string(kMsg.size());
  auto s = ConnectScripted(
      {Server("* PREAUTH [CAPABILITY IMAP4rev1 LITERAL+ UIDPLUS] ready\r\n"),
       Client("A1 APPEND INBOX () {" + n + "+}\r\n" + kMsg + "\r\nA2 APPEND INBOX () {" + n +
              "+}\r\n" + kMsg + "\r\nA3 APPEND INBOX () {" + n + "+}\r\n" + kMsg + "\r\n"),
       Server("A1 OK [APPENDUID 7 10] done\r\nA2 NO [LIMIT] Message too large\r\n"
              "A3 OK [APPENDUID 7 11] done\r\n")});
  REQUIRE(s.client);
  std::vector<AppendRequest> requests(3);
  for (auto& r : requests) {
    r.mailbox = "INBOX";
    r.message = std::make_shared<PiecewiseSource>(kMsg);
  }
  auto results = s.client->AppendPipelined(requests);
  REQUIRE(results.size() == 3);
  REQUIRE(results[0].ok());
  CHECK(results[0]->uid == 10u);
  REQUIRE_FALSE(results[1].ok());
  CHECK(results[1].status().scope() == ErrorScope::kMessage);
  CHECK(results[1].status().message().find("too large") != std::string::npos);
  REQUIRE(results[2].ok());
  CHECK(results[2]->uid == 11u);
  CHECK(s.script->Done().ok());
}

TEST_CASE("pipelined APPENDs cut off by a BYE: unanswered ones carry the connection's error") {
  const std::string n = std::to_string(kMsg.size());
  auto s =
      ConnectScripted({Server("* PREAUTH [CAPABILITY IMAP4rev1 LITERAL+ UIDPLUS] ready\r\n"),
                       Client("A1 APPEND INBOX () {" + n + "+}\r\n" + kMsg +
                              "\r\nA2 APPEND INBOX () {" + n + "+}\r\n" + kMsg + "\r\n"),
                       Server("A1 OK [APPENDUID 7 10] done\r\n* BYE too many errors\r\n"), Eof()});
  REQUIRE(s.client);
  std::vector<AppendRequest> requests(2);
  for (auto& r : requests) {
    r.mailbox = "INBOX";
    r.message = std::make_shared<PiecewiseSource>(kMsg);
  }
  auto results = s.client->AppendPipelined(requests);
  REQUIRE(results.size() == 2);
  REQUIRE(results[0].ok());
  CHECK(results[0]->uid == 10u);
  REQUIRE_FALSE(results[1].ok());
  CHECK(results[1].status().transient());
  CHECK(s.client->broken());
}

}  // namespace
}  // namespace mailhoard::imap::testing
