// The fixture itself: every other integration test trusts what it reports.
#include "tests/support/dovecot_server.h"

#include <algorithm>

#include "tests/support/corpus.h"

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

namespace mailhoard::testing {
namespace {

TEST_CASE("Corpus loads into Dovecot with folders, flags and keywords") {
  DovecotServer& server = DovecotServer::Shared();
  TestUser user = server.CreateUser();
  CorpusOptions options;
  options.messages = 60;
  options.big_fraction = 0.05;
  options.big_min = options.big_max = 1 << 20;
  LoadStats stats = LoadCorpus(server, user.name, options);
  CHECK(stats.messages == 60);
  auto folders = server.Folders(user.name);
  CHECK(std::find(folders.begin(), folders.end(), "Übersicht/Berichte 2024") != folders.end());
  CHECK(std::find(folders.begin(), folders.end(), "Leer") != folders.end());
  // The same seed gives the same corpus, message by message.
  CorpusGenerator gen(options);
  size_t total = 0, keyworded = 0;
  for (const auto& folder : folders) {
    for (const auto& m : server.Messages(user.name, folder)) {
      ++total;
      for (const auto& f : m.flags) keyworded += f[0] == '$';
    }
  }
  CHECK(total == 60);
  size_t expected_keywords = 0;
  while (!gen.Done()) {
    for (const auto& f : gen.Next().flags) expected_keywords += f[0] == '$';
  }
  CHECK(keyworded == expected_keywords);
}

TEST_CASE("Corpus headers are well formed: every line a field or a folded continuation") {
  CorpusOptions options;
  options.messages = 400;
  CorpusGenerator gen(options);
  size_t folded = 0;
  while (!gen.Done()) {
    const std::string bytes = gen.Next().bytes;
    const std::string head = bytes.substr(0, bytes.find("\n\n"));
    size_t start = 0;
    while (start < head.size()) {
      size_t end = head.find('\n', start);
      if (end == std::string::npos) end = head.size();
      std::string line = head.substr(start, end - start);
      INFO(line);
      CHECK(line.size() <= 998);  // RFC 5322 §2.1.1
      const bool continuation = !line.empty() && (line[0] == ' ' || line[0] == '\t');
      folded += continuation;
      CHECK((continuation || line.find(':') != std::string::npos));
      // RFC 2047 §2: no encoded word longer than 75 characters.
      for (size_t w = line.find("=?"); w != std::string::npos; w = line.find("=?", w + 2)) {
        // =?charset?encoding?text?=
        size_t close = line.find("?=", line.find('?', line.find('?', w + 2) + 1) + 1);
        REQUIRE(close != std::string::npos);
        CHECK(close + 2 - w <= 75);
        w = close;
      }
      start = end + 1;
    }
  }
  CHECK(folded > 0);  // long non-ASCII subjects exist and are folded
}

}  // namespace
}  // namespace mailhoard::testing
