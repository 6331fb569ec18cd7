// The fixture itself: every other integration test trusts what it reports.
#include "tests/support/dovecot_server.h"

#include <catch2/catch.hpp>

namespace mailhoard::testing {
namespace {

TEST_CASE("Dovecot fixture seeds and reads back mail byte for byte") {
  DovecotServer& server = DovecotServer::Shared();
  TestUser user = server.CreateUser();
  server.CreateFolder(user.name, "Entwürfe");
  uint32_t uid = server.Deliver(user.name, "Entwürfe", "Subject: hi\r\n\r\n.dot\r\nline\r\n",
                                {"\\Seen", "$Forwarded"});
  CHECK(uid == 1);
  auto messages = server.Messages(user.name, "Entwürfe");
  REQUIRE(messages.size() == 1);
  CHECK(messages[0].uid == 1);
  CHECK(messages[0].bytes == "Subject: hi\r\n\r\n.dot\r\nline\r\n");
  CHECK(messages[0].flags == std::vector<std::string>{"\\Seen", "$Forwarded"});
  auto folders = server.Folders(user.name);
  CHECK(std::find(folders.begin(), folders.end(), "Entwürfe") != folders.end());
}

TEST_CASE("Each created user starts empty") {
  DovecotServer& server = DovecotServer::Shared();
  TestUser a = server.CreateUser();
  TestUser b = server.CreateUser();
  CHECK(a.name != b.name);
  server.Deliver(a.name, "INBOX", "Subject: a\n\nx\n");
  CHECK(server.Messages(b.name, "INBOX").empty());
  CHECK(server.Messages(a.name, "INBOX").size() == 1);
}

}  // namespace
}  // namespace mailhoard::testing
