// The engine-backed commands through the real binary against the test
// Dovecot: sync, status, search, folders (text and --json), verify (clean,
// corrupt, missing, orphan + --repair), export (read back by Python's
// mailbox.mbox), and the account lock.
#include <catch2/catch.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "cli/account_lock.h"
#include "tests/cli/cli_harness.h"

namespace mailhoard::cli {
namespace {

using mailhoard::testing::CommandResult;
using mailhoard::testing::DovecotServer;
using testing::CliHarness;
using testing::ReadFileOrEmpty;

std::string Message(const std::string& id, const std::string& subject, const std::string& body) {
  return "From: Alice <alice@example.org>\r\nTo: bob@example.org\r\nSubject: " + subject +
         "\r\nMessage-ID: <" + id +
         "@example.org>\r\nDate: Mon, 1 Jan 2024 10:00:00 +0000\r\n\r\n" + body;
}

// INBOX with mboxrd traps, Archive, and an excluded folder.
void Seed(CliHarness& h) {
  const std::string& u = h.user().name;
  DovecotServer& s = h.server();
  s.Deliver(u, "INBOX", Message("a1", "quarterly zebrafish report", "Hello\r\nFrom here on\r\n"));
  s.Deliver(u, "INBOX",
            Message("a2", "second", "line\r\n>From quoted\r\n>>From twice\r\nFrom\r\nno newline"));
  s.CreateFolder(u, "Archive");
  s.Deliver(u, "Archive", Message("b1", "archived", "old mail\r\n"), {"\\Seen"});
  s.CreateFolder(u, "Junk");
  s.Deliver(u, "Junk", Message("c1", "spam", "buy\r\n"));
}

const std::string kExcludeJunk = "[accounts.t.folders]\nexclude = [\"Junk\"]\n";

std::vector<std::filesystem::path> FilesIn(const std::string& dir) {
  std::vector<std::filesystem::path> out;
  for (const auto& e : std::filesystem::directory_iterator(dir)) out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

TEST_CASE("sync, status, search and folders, as text and --json", "[integration]") {
  CliHarness h(DovecotServer::Shared(), 0, kExcludeJunk);
  Seed(h);

  CommandResult sync = h.Run({"--json", "sync"});
  INFO(sync.err);
  REQUIRE(sync.exit_code == 0);
  auto js = nlohmann::json::parse(sync.out);
  CHECK(js["exit_code"] == 0);
  REQUIRE(js["accounts"].size() == 1);
  CHECK(js["accounts"][0]["name"] == "t");
  CHECK(js["accounts"][0]["fetched"] == 3);
  CHECK(h.CompareWithServer().find("Junk") != std::string::npos);  // excluded, so not archived

  CommandResult again = h.Run({"sync"});
  CHECK(again.exit_code == 0);
  CHECK(again.out.rfind("t: 0 new messages (0.0 MB) in ", 0) == 0);

  CommandResult status = h.Run({"status", "t"});
  CHECK(status.exit_code == 0);
  CHECK(status.out.rfind("t (" + h.account_dir() + ")\n  last successful sync: ", 0) == 0);
  CHECK(status.out.find("  INBOX  ") != std::string::npos);
  CHECK(status.out.find("      2 msgs") != std::string::npos);
  auto jst = nlohmann::json::parse(h.Run({"--json", "status"}).out);
  std::map<std::string, int> counts;
  for (const auto& f : jst["accounts"][0]["folders"]) counts[f["name"]] = f["messages"];
  CHECK(counts == std::map<std::string, int>{{"INBOX", 2}, {"Archive", 1}});

  CommandResult search = h.Run({"search", "zebrafish"});
  CHECK(search.exit_code == 0);
  CHECK(search.out.find("quarterly zebrafish report") != std::string::npos);
  auto jsearch = nlohmann::json::parse(h.Run({"--json", "search", "zebrafish"}).out);
  REQUIRE(jsearch["hits"].size() == 1);

  CommandResult folders = h.Run({"folders", "t"});
  INFO(folders.out << folders.err);
  CHECK(folders.exit_code == 0);
  CHECK(folders.out.find("  + INBOX\n      2 msgs, uidnext 3, uidvalidity ") != std::string::npos);
  // Not the count: once in ~20 runs Dovecot reported Junk's STATUS as it was
  // before the delivery (under investigation; see the cli report). Nor the
  // attributes: Dovecot adds \Marked while the new message is \Recent.
  CHECK(folders.out.find("  - Junk") != std::string::npos);
  CHECK(folders.out.find("not synced -> .Junk (new)") != std::string::npos);
  CHECK(folders.out.find("synced -> .Archive\n") != std::string::npos);
  auto jfolders = nlohmann::json::parse(h.Run({"--json", "folders", "t"}).out);
  CHECK(jfolders["exit_code"] == 0);
  REQUIRE(jfolders["accounts"].size() == 1);
  auto jf = jfolders["accounts"][0];
  std::map<std::string, bool> selected;
  for (const auto& f : jf["folders"]) {
    selected[f["name"]] = f["selected"];
    if (f["name"] == "INBOX") {
      CHECK(f["messages"] == 2);
      CHECK(f["local_path"] == "");
      CHECK(f["local_path_known"] == true);
    }
  }
  CHECK(selected["INBOX"]);
  CHECK(selected["Archive"]);
  CHECK_FALSE(selected["Junk"]);
}

TEST_CASE("verify: clean, corrupt, missing, orphan adopted by --repair", "[integration]") {
  CliHarness h(DovecotServer::Shared());
  Seed(h);
  REQUIRE(h.Run({"sync"}).exit_code == 0);

  CommandResult clean = h.Run({"verify"});
  INFO(clean.out << clean.err);
  CHECK(clean.exit_code == 0);
  CHECK(clean.out == "t: 4 messages checked, 4 files seen, 0 unfetchable, 0 problems — clean\n");
  auto jclean = nlohmann::json::parse(h.Run({"--json", "verify", "t"}).out);
  CHECK(jclean["accounts"][0]["clean"] == true);

  // A file a crashed run left in cur/: carries a UID the index lacks.
  const std::string inbox_cur = h.account_dir() + "/cur";
  auto inbox_files = FilesIn(inbox_cur);
  REQUIRE(inbox_files.size() == 2);
  const std::string orphan = inbox_cur + "/1700000000.M1P1.test,U=999,S=20:2,S";
  testing::WriteFile(orphan, Message("o1", "orphan", "x\r\n"));
  CommandResult found = h.Run({"verify", "t"});
  CHECK(found.exit_code == 1);
  CHECK(found.out.find("t: orphan: " + orphan + " (carries UID 999") != std::string::npos);
  CommandResult repaired = h.Run({"verify", "--repair"});
  INFO(repaired.out << repaired.err);
  CHECK(repaired.exit_code == 0);
  CHECK(repaired.out.find("1 adopted — clean") != std::string::npos);
  CHECK(h.Run({"verify"}).exit_code == 0);

  // Flip one byte: same size, other hash.
  const std::string victim = inbox_files[0].string();
  std::string bytes = ReadFileOrEmpty(victim);
  bytes[bytes.size() / 2] ^= 0x20;
  testing::WriteFile(victim, bytes);
  CommandResult corrupt = h.Run({"verify"});
  CHECK(corrupt.exit_code == 1);
  CHECK(corrupt.out.find("t: hash-mismatch: " + victim + " (SHA-256 ") != std::string::npos);

  // Gone altogether: reported, then queued by --repair for the next sync,
  // which fetches it from the server again.
  std::filesystem::remove(victim);
  CommandResult missing = h.Run({"verify"});
  CHECK(missing.exit_code == 1);
  CHECK(missing.out.find("t: missing: " + victim) != std::string::npos);
  auto jm = nlohmann::json::parse(h.Run({"--json", "verify"}).out);
  CHECK(jm["exit_code"] == 1);
  REQUIRE(jm["accounts"][0]["problems"].size() == 1);
  CHECK(jm["accounts"][0]["problems"][0]["kind"] == "missing");
  CommandResult queued = h.Run({"verify", "--repair"});
  INFO(queued.out << queued.err);
  CHECK(queued.exit_code == 0);
  CHECK(queued.out.find("queued: the next sync fetches it from the server again") !=
        std::string::npos);
  CHECK(queued.out.find("1 unfetchable") != std::string::npos);
  CommandResult refetched = h.Run({"sync"});
  INFO(refetched.out << refetched.err);
  CHECK(refetched.exit_code == 0);
  CHECK(refetched.out.find("1 new message") != std::string::npos);
  CommandResult healed = h.Run({"verify"});
  CHECK(healed.exit_code == 0);
  CHECK(healed.out.find("0 unfetchable, 0 problems — clean") != std::string::npos);
}

// Python's mailbox.mbox is what mutt-style readers do: split at "From "
// lines. It leaves the mboxrd quoting in place; the script undoes it, and
// takes out the header fields the export adds (the seeded messages have
// none of their own).
const char* kReadMbox = R"(
import mailbox, re, sys
box = mailbox.mbox(sys.argv[1], create=False)
n = 0
for key in box.keys():
    data = box.get_bytes(key)
    data = re.sub(rb'(?m)^>(>*From )', rb'\1', data)
    head, sep, body = data.partition(b'\n\n')
    head = re.sub(rb'(?m)^(Status|X-Status|X-Keywords|X-Folder): [^\n]*\n?', b'', head + b'\n')
    data = head.rstrip(b'\n') + sep + body
    open('%s/msg%03d' % (sys.argv[2], n), 'wb').write(data)
    n += 1
print(n)
)";

TEST_CASE("export writes mboxrd that Python's mailbox.mbox reads back", "[integration]") {
  CliHarness h(DovecotServer::Shared(), 0, kExcludeJunk);
  Seed(h);
  REQUIRE(h.Run({"sync"}).exit_code == 0);
  const std::string script = testing::WriteFile(h.dir() / "read.py", kReadMbox);

  auto expected = [&](const std::string& folder) {
    std::vector<std::string> out;
    for (const auto& m : h.server().Messages(h.user().name, folder)) {
      std::string lf;
      for (size_t i = 0; i < m.bytes.size(); ++i) {
        if (m.bytes[i] == '\r' && i + 1 < m.bytes.size() && m.bytes[i + 1] == '\n') continue;
        lf += m.bytes[i];
      }
      if (lf.empty() || lf.back() != '\n') lf += '\n';
      out.push_back(lf);
    }
    return out;
  };
  auto read_back = [&](const std::string& mbox, const std::string& name) {
    const std::string out_dir = h.dir() / name;
    std::filesystem::create_directory(out_dir);
    auto r = mailhoard::testing::RunCommand({"python3", script, mbox, out_dir});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    std::vector<std::string> got;
    for (const auto& p : FilesIn(out_dir)) got.push_back(ReadFileOrEmpty(p.string()));
    CHECK(std::to_string(got.size()) + "\n" == r.out);
    return got;
  };

  const std::string inbox = h.dir() / "inbox.mbox";
  CommandResult one = h.Run({"export", "t", "INBOX", "--mbox", inbox});
  INFO(one.err);
  REQUIRE(one.exit_code == 0);
  CHECK(one.out == "t: exported 2 messages from 1 folder to " + inbox + "\n");
  CHECK_FALSE(std::filesystem::exists(inbox + ".tmp"));
  const std::string text = ReadFileOrEmpty(inbox);
  CHECK(text.rfind("From alice@example.org ", 0) == 0);
  CHECK(text.find("\r") == std::string::npos);
  CHECK(text.find("\n>From here on\n") != std::string::npos);
  CHECK(text.find("\n>>From quoted\n>>>From twice\nFrom\nno newline\n\n") != std::string::npos);
  CHECK(read_back(inbox, "inbox") == expected("INBOX"));

  const std::string all = h.dir() / "all.mbox";
  REQUIRE(h.Run({"export", "t", "--mbox", all}).exit_code == 0);
  auto want = expected("INBOX");
  for (auto& m : expected("Archive")) want.push_back(m);
  auto got = read_back(all, "all");
  std::sort(want.begin(), want.end());
  std::sort(got.begin(), got.end());
  CHECK(got == want);

  CommandResult to_stdout = h.Run({"export", "t", "Archive", "--mbox", "-"});
  CHECK(to_stdout.exit_code == 0);
  CHECK(to_stdout.out.find("Subject: archived\n") != std::string::npos);

  // An archive keeps what the server deleted; so does its export.
  h.server().Expunge(h.user().name, "INBOX", 1);
  REQUIRE(h.Run({"sync"}).exit_code == 0);
  const std::string kept = h.dir() / "kept.mbox";
  CHECK(h.Run({"export", "t", "INBOX", "--mbox", kept}).out ==
        "t: exported 2 messages from 1 folder to " + kept + "\n");

  CommandResult unknown = h.Run({"export", "t", "Nope", "--mbox", all});
  CHECK(unknown.exit_code == 2);
  CHECK(unknown.err.find("no archived folder named \"Nope\"") != std::string::npos);

  // A lost file is reported, the rest still exported.
  const auto archived = FilesIn(h.account_dir() + "/.Archive/cur");
  REQUIRE(archived.size() == 1);
  std::filesystem::remove(archived[0]);
  CommandResult partial = h.Run({"export", "t", "--mbox", all, "--force"});
  CHECK(partial.exit_code == 1);
  CHECK(partial.out == "t: exported 2 messages from 2 folders to " + all + "\n");
  CHECK(partial.err == "mailhoard: t: not exported, file missing: " + archived[0].string() + "\n");
}

// The export reads files in 64 KiB chunks: a "From " prefix or a CRLF split
// by a chunk boundary must come out as if read whole. The body repeats a
// 31-byte pattern; 31 messages with header padding 0..30 put the boundary at
// every offset of it.
TEST_CASE("export quotes and converts across 64 KiB read boundaries", "[integration]") {
  CliHarness h(DovecotServer::Shared());
  std::string pattern = "From a\r\n>From b\r\ny\r\n>>From cc\r\n";  // 8 + 9 + 3 + 11 = 31
  REQUIRE(pattern.size() == 31);
  std::string body;
  while (body.size() < 70000) body += pattern;
  for (int pad = 0; pad < 31; ++pad) {
    h.server().Deliver(h.user().name, "INBOX",
                       "X-Pad: " + std::string(static_cast<size_t>(pad), 'p') + "\r\n" +
                           Message("big" + std::to_string(pad), "big", body));
  }
  REQUIRE(h.Run({"sync"}).exit_code == 0);
  const std::string mbox = h.dir() / "big.mbox";
  REQUIRE(h.Run({"export", "t", "--mbox", mbox}).exit_code == 0);
  const std::string out = ReadFileOrEmpty(mbox);
  std::string quoted;
  for (size_t i = 0; i < body.size() / 31; ++i) quoted += ">From a\n>>From b\ny\n>>>From cc\n";
  size_t found = 0;
  for (size_t at = out.find(quoted); at != std::string::npos; at = out.find(quoted, at + 1)) {
    ++found;
  }
  CHECK(found == 31);
  CHECK(out.find('\r') == std::string::npos);
}

TEST_CASE("a second sync of a locked account is refused with 73", "[integration]") {
  CliHarness h(DovecotServer::Shared());
  Seed(h);
  REQUIRE(h.Run({"sync"}).exit_code == 0);
  h.server().Deliver(h.user().name, "INBOX", Message("d1", "later", "x\r\n"));
  auto lock = AccountLock::Acquire(h.account_dir(), "t");
  REQUIRE(lock.ok());
  CommandResult locked = h.Run({"sync"});
  CHECK(locked.exit_code == 73);
  CHECK(locked.err.find("t") != std::string::npos);
  CommandResult quiet = h.Run({"-q", "sync"});
  CHECK(quiet.exit_code == 73);
  CHECK(quiet.out.empty());
  CHECK(quiet.err.empty());
  CHECK(h.Run({"verify"}).exit_code == 73);
  lock->Release();
  CommandResult after = h.Run({"sync"});
  CHECK(after.exit_code == 0);
  CHECK(after.out.rfind("t: 1 new message ", 0) == 0);
}

}  // namespace
}  // namespace mailhoard::cli
