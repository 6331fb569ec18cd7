// `mailhoard search` through the real binary, after a real sync from the
// test Dovecot: the language of docs/search.md (OR, NOT, fields, flags,
// sizes, dates), its errors, --limit over the whole result, --json, --paths
// and --print.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "tests/cli/cli_harness.h"

namespace mailhoard::cli {
namespace {

using mailhoard::testing::CommandResult;
using mailhoard::testing::DovecotServer;
using testing::CliHarness;
using testing::ReadFileOrEmpty;

std::string Mail(const std::string& from, const std::string& subject, const std::string& date,
                 const std::string& body) {
  std::string id = subject;
  for (char& c : id) c = c == ' ' ? '.' : c;
  return "From: " + from + "\r\nTo: team@example.org\r\nSubject: " + subject + "\r\nMessage-ID: <" +
         id + "@example.org>\r\nDate: " + date + "\r\n\r\n" + body;
}

// Newest first: lunch (2024-03), quarterly (2024-02), planning (2024-01),
// old (2023-05), holiday (2023-06, Archive).
void SeedSearchCorpus(CliHarness& h) {
  const std::string& u = h.user().name;
  DovecotServer& s = h.server();
  s.Deliver(u, "INBOX",
            Mail("Alice <alice@example.org>", "budget planning", "Wed, 10 Jan 2024 10:00:00 +0000",
                 "Numbers for next year.\r\n"),
            {"\\Seen"});
  s.Deliver(u, "INBOX",
            Mail("Bob <bob@example.org>", "quarterly numbers", "Sat, 10 Feb 2024 10:00:00 +0000",
                 "See the attached report.\r\n"),
            {"\\Flagged"});
  s.Deliver(u, "INBOX",
            Mail("Carol <carol@example.org>", "lunch", "Sun, 10 Mar 2024 10:00:00 +0000",
                 "No budget talk today.\r\n"),
            {"\\Answered", "$Label1"});
  s.CreateFolder(u, "Archive");
  s.Deliver(u, "Archive",
            Mail("Alice <alice@example.org>", "old budget report", "Mon, 1 May 2023 10:00:00 +0000",
                 std::string(20000, 'x') + "\r\n"),
            {"\\Seen"});
  s.Deliver(
      u, "Archive",
      Mail("Dave <dave@example.org>", "holiday", "Thu, 1 Jun 2023 10:00:00 +0000", "Away.\r\n"));
}

std::vector<std::string> Subjects(const CommandResult& r) {
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  std::vector<std::string> out;
  const nlohmann::json j = nlohmann::json::parse(r.out);
  for (const auto& hit : j["hits"]) out.push_back(hit["subject"]);
  return out;
}

using S = std::vector<std::string>;

TEST_CASE("search: the documented language, through the binary", "[integration]") {
  CliHarness h(DovecotServer::Shared());
  SeedSearchCorpus(h);
  REQUIRE(h.Run({"sync"}).exit_code == 0);
  // "--": a query that starts with '-' is not an option.
  auto search = [&](const std::string& q) {
    return Subjects(h.Run({"--json", "search", "--", q}));
  };

  CHECK(search("budget") == S{"lunch", "budget planning", "old budget report"});
  CHECK(search("budget OR report") ==
        S{"lunch", "quarterly numbers", "budget planning", "old budget report"});
  CHECK(search("budget report") == S{"old budget report"});
  CHECK(search("budget -report") == S{"lunch", "budget planning"});
  CHECK(search("budget NOT report") == S{"lunch", "budget planning"});
  CHECK(search("NOT budget") == S{"quarterly numbers", "holiday"});
  CHECK(search("(from:alice OR from:dave) -subject:old") == S{"budget planning", "holiday"});
  CHECK(search("\"budget planning\"") == S{"budget planning"});
  CHECK(search("quart*") == S{"quarterly numbers"});
  CHECK(search("folder:archive") == S{"holiday", "old budget report"});
  CHECK(search("-folder:INBOX budget") == S{"old budget report"});
  CHECK(search("account:t lunch") == S{"lunch"});
  CHECK(search("flag:flagged") == S{"quarterly numbers"});
  CHECK(search("flag:answered flag:$label1") == S{"lunch"});
  CHECK(search("-flag:seen") == S{"lunch", "quarterly numbers", "holiday"});
  CHECK(search("larger:10k") == S{"old budget report"});
  CHECK(search("smaller:10k after:2024-01-01 before:2024-03-01") ==
        S{"quarterly numbers", "budget planning"});
  CHECK(search("on:2024-02-10") == S{"quarterly numbers"});
}

TEST_CASE("search: malformed queries are usage errors naming the column", "[integration]") {
  CliHarness h(DovecotServer::Shared());
  SeedSearchCorpus(h);
  REQUIRE(h.Run({"sync"}).exit_code == 0);
  struct Case {
    const char* query;
    const char* error;
  };
  const Case cases[] = {
      {"budget fodler:x", "mailhoard: search: unknown field \"fodler:\" at column 8; known: from"},
      {"budget OR", "mailhoard: search: OR needs a term on both sides at column 8\n"},
      {"(budget", "mailhoard: search: '(' is never closed at column 1\n"},
      {"before:2024-13-01", "mailhoard: search: '2024-13-01' is not a date as YYYY-MM-DD at col"},
      {"larger:big", "mailhoard: search: 'big' is not a size"},
      {"NEAR(budget report)", "mailhoard: search: NEAR() is not supported"},
      {"account:wrok",
       "mailhoard: search: account:wrok at column 1 matches no configured "
       "account (accounts: t)\n"},
      {"budget ***", "mailhoard: search: \"***\" at column 8 has no letters or digits"},
  };
  for (const Case& c : cases) {
    CommandResult r = h.Run({"search", c.query});
    INFO("query: " << c.query << "\n" << r.err);
    CHECK(r.exit_code == 2);
    CHECK(r.out.empty());
    CHECK(r.err.rfind(c.error, 0) == 0);
  }
}

TEST_CASE("search: --limit over all hits, --json shape, --paths, --print", "[integration]") {
  CliHarness h(DovecotServer::Shared());
  SeedSearchCorpus(h);
  REQUIRE(h.Run({"sync"}).exit_code == 0);

  CommandResult limited = h.Run({"--json", "search", "--limit", "2", "budget OR report"});
  REQUIRE(limited.exit_code == 0);
  auto j = nlohmann::json::parse(limited.out);
  CHECK(j["total"] == 4);
  CHECK(j["limited"] == true);
  REQUIRE(j["hits"].size() == 2);
  const auto& hit = j["hits"][0];
  CHECK(hit["account"] == "t");
  CHECK(hit["folder"] == "INBOX");
  CHECK(hit["date"] == "2024-03-10T10:00:00Z");
  CHECK(hit["date_unix"] == 1710064800);
  CHECK(hit["from"] == "Carol <carol@example.org>");
  CHECK(hit["subject"] == "lunch");
  CHECK(hit["size"].get<int64_t>() > 100);
  CHECK(hit["flags"] == nlohmann::json::array({"answered", "$Label1"}));
  CHECK(ReadFileOrEmpty(hit["path"]).find("Subject: lunch\r\n") != std::string::npos);
  CHECK(j["hits"][1]["subject"] == "quarterly numbers");
  auto all = nlohmann::json::parse(h.Run({"--json", "search", "budget OR report"}).out);
  CHECK(all["limited"] == false);
  CHECK(all["total"] == 4);

  CommandResult text = h.Run({"search", "--limit", "2", "budget OR report"});
  CHECK(text.out.rfind("1  t  INBOX  2024-03-10  Carol <carol@example.org>  lunch\n    ", 0) == 0);
  CHECK(text.err == "showing the newest 2 of 4 matches (--limit N for more)\n");

  CommandResult paths = h.Run({"search", "--paths", "budget OR report"});
  REQUIRE(paths.exit_code == 0);
  std::istringstream lines(paths.out);
  std::vector<std::string> files;
  for (std::string line; std::getline(lines, line);) files.push_back(line);
  REQUIRE(files.size() == 4);
  CHECK(files[0] == all["hits"][0]["path"]);
  for (const std::string& f : files) CHECK_FALSE(ReadFileOrEmpty(f).empty());

  CommandResult second = h.Run({"search", "--print", "2", "budget OR report"});
  REQUIRE(second.exit_code == 0);
  CHECK(second.out == ReadFileOrEmpty(files[1]));
  CHECK(second.out.find("Subject: quarterly numbers\r\n") != std::string::npos);
  CommandResult beyond = h.Run({"search", "--print", "5", "budget OR report"});
  CHECK(beyond.exit_code == 2);
  CHECK(beyond.err == "mailhoard: search: --print 5, but 4 messages match\n");

  CommandResult none = h.Run({"search", "zebrafish"});
  CHECK(none.exit_code == 0);
  CHECK(none.out.empty());
  CHECK(none.err == "no messages match\n");
  CHECK(h.Run({"search", "--paths", "--print", "1", "budget"}).exit_code == 2);
}

TEST_CASE("search: an index it cannot read is reported, never an empty result", "[integration]") {
  CliHarness h(DovecotServer::Shared());
  CommandResult never = h.Run({"search", "budget"});  // never synced: nothing to search
  CHECK(never.exit_code == 0);
  CHECK(never.err == "no messages match\n");
  std::filesystem::create_directories(h.account_dir());
  std::ofstream(h.account_dir() + "/.mailhoard.sqlite") << "not a database, but not empty either";
  CommandResult broken = h.Run({"search", "budget"});
  CHECK(broken.exit_code == 1);
  CHECK(broken.err.rfind("mailhoard: t: ", 0) == 0);
  CHECK(broken.err.find("; not searched\n") != std::string::npos);
}

}  // namespace
}  // namespace mailhoard::cli
