// `mailhoard export` through the real binary against the test Dovecot:
// what a user of issue #21 found (a file replaced without asking, folders
// and flags lost, MAILER-DAEMON everywhere, world-readable output, damaged
// messages exported in silence) and --as-of over what the archive saw.
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <thread>

#include "tests/cli/cli_harness.h"
#include "tests/support/wait_until.h"

namespace mailhoard::cli {
namespace {

using mailhoard::testing::CommandResult;
using mailhoard::testing::DovecotServer;
using testing::CliHarness;
using testing::ReadFileOrEmpty;
namespace fs = std::filesystem;

std::string Message(const std::string& id, const std::string& extra_headers,
                    const std::string& body) {
  return extra_headers + "From: Alice <alice@example.org>\r\nSubject: " + id + "\r\nMessage-ID: <" +
         id + "@example.org>\r\nDate: Mon, 1 Jan 2024 10:00:00 +0000\r\nStatus: RO\r\n\r\n" + body;
}

mode_t ModeOf(const std::string& path) {
  struct stat st;
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return st.st_mode & 0777;
}

std::vector<std::string> Names(const std::string& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

// The entries of an mbox file (each from its "From " line up to the next).
std::vector<std::string> Entries(const std::string& mbox) {
  std::vector<std::string> out;
  size_t at = 0;
  while (at < mbox.size()) {
    size_t next = mbox.find("\n\nFrom ", at);
    size_t end = next == std::string::npos ? mbox.size() : next + 2;
    out.push_back(mbox.substr(at, end - at));
    at = end;
  }
  return out;
}

std::string EntryWith(const std::string& mbox, const std::string& needle) {
  for (const auto& e : Entries(mbox)) {
    if (e.find(needle) != std::string::npos) return e;
  }
  return "";
}

// Waits until the wall clock has passed `t` (whole seconds): the index
// stamps in seconds, so two syncs a second apart are told apart.
int64_t SecondAfter(int64_t t) {
  while (std::time(nullptr) <= t) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  return std::time(nullptr);
}

std::string Utc(int64_t t) {
  time_t tt = static_cast<time_t>(t);
  tm utc{};
  gmtime_r(&tt, &utc);
  char buf[32];
  strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &utc);
  return buf;
}

struct Seeded {
  int64_t delivered_after = 0, synced_before = 0;
};

Seeded Seed(CliHarness& h) {
  const std::string& u = h.user().name;
  DovecotServer& s = h.server();
  Seeded t;
  t.delivered_after = std::time(nullptr);
  uint32_t one = s.Deliver(
      u, "INBOX", Message("one", "Return-Path: <bounce@lists.example>\r\n", "From the list\r\n"));
  uint32_t two = s.Deliver(u, "INBOX", Message("two", "", "second\r\n"));
  s.SetFlags(u, "INBOX", one, {"\\Seen", "\\Answered", "\\Flagged", "$Work"});
  s.SetFlags(u, "INBOX", two, {"\\Draft"});
  s.CreateFolder(u, "Archive");
  s.Deliver(u, "Archive", Message("three", "", "old\r\n"), {"\\Seen"});
  s.CreateFolder(u, "Archive/2024");
  s.Deliver(u, "Archive/2024", Message("four", "", "older\r\n"), {"\\Deleted"});
  REQUIRE(h.Run({"sync"}).exit_code == 0);
  t.synced_before = std::time(nullptr);
  return t;
}

TEST_CASE("export refuses to replace a file without --force and writes it 0600",
          "[integration][export]") {
  CliHarness h(DovecotServer::Shared());
  Seed(h);
  const std::string out = h.dir() / "out.mbox";
  testing::WriteFile(out, "a precious 6.3 MB mbox", 0644);

  CommandResult refused = h.Run({"export", "t", "--mbox", out});
  CHECK(refused.exit_code == 73);
  CHECK(refused.err ==
        "mailhoard: t: export failed: " + out + " already exists; pass --force to replace it\n");
  CHECK(ReadFileOrEmpty(out) == "a precious 6.3 MB mbox");
  CHECK(ModeOf(out) == 0644);

  CommandResult forced = h.Run({"export", "t", "INBOX", "--mbox", out, "--force"});
  INFO(forced.err);
  CHECK(forced.exit_code == 0);
  CHECK(forced.out == "t: exported 2 messages from 1 folder to " + out + "\n");
  CHECK(ModeOf(out) == 0600);
  CHECK(Entries(ReadFileOrEmpty(out)).size() == 2);

  const std::string fresh = h.dir() / "fresh.mbox";
  REQUIRE(h.Run({"export", "t", "--mbox", fresh}).exit_code == 0);
  CHECK(ModeOf(fresh) == 0600);
  // Nothing left beside them: no .tmp, no temporary names.
  for (const auto& name : Names(h.dir().path()))
    CHECK(name.find("mailhoard-export") == std::string::npos);

  // A write that fails says why and exits 74.
  auto full = mailhoard::testing::RunCommand({"sh", "-c", "exec \"$0\" \"$@\" >/dev/full", "env",
                                              "MH_TEST_PW=" + h.user().password, MH_MAILHOARD_BIN,
                                              "-c", h.config(), "export", "t", "--mbox", "-"});
  CHECK(full.exit_code == 74);
  INFO(full.err);
  CHECK(full.err.find("mailhoard: t: export failed: cannot write to stdout") != std::string::npos);

  // A directory is not a FILE, with or without --force.
  CHECK(h.Run({"export", "t", "--mbox", h.dir().path(), "--force"}).exit_code == 73);
  CHECK(h.Run({"export", "t"}).exit_code == 2);
}

TEST_CASE("export writes flags, envelope sender and INTERNALDATE, archive untouched",
          "[integration][export]") {
  CliHarness h(DovecotServer::Shared());
  Seeded when = Seed(h);
  std::map<std::string, std::string> before;
  for (const auto& p : fs::recursive_directory_iterator(h.account_dir())) {
    if (p.is_regular_file() && p.path().string().find("/cur/") != std::string::npos) {
      before[p.path().string()] = ReadFileOrEmpty(p.path().string());
    }
  }
  REQUIRE(before.size() == 4);

  const std::string out = h.dir() / "all.mbox";
  CommandResult r = h.Run({"export", "t", "--mbox", out});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out == "t: exported 4 messages from 3 folders to " + out + "\n");
  const std::string mbox = ReadFileOrEmpty(out);
  REQUIRE(Entries(mbox).size() == 4);

  const std::string one = EntryWith(mbox, "Subject: one\n");
  CHECK(one.rfind("From bounce@lists.example ", 0) == 0);
  // The message's own "Status: RO" is replaced, never doubled.
  CHECK(one.find("Status: RO\nX-Status: AF\nX-Keywords: $Work\nX-Folder: INBOX\n\n>From the "
                 "list\n") != std::string::npos);
  CHECK(one.find("Status: RO\nStatus") == std::string::npos);
  const std::string two = EntryWith(mbox, "Subject: two\n");
  CHECK(two.rfind("From alice@example.org ", 0) == 0);
  CHECK(two.find("\nStatus: O\nX-Status: T\nX-Folder: INBOX\n\n") != std::string::npos);
  CHECK(EntryWith(mbox, "Subject: three\n").find("\nStatus: RO\nX-Folder: Archive\n\n") !=
        std::string::npos);
  CHECK(EntryWith(mbox, "Subject: four\n")
            .find("\nStatus: O\nX-Status: D\nX-Folder: Archive/2024\n\n") != std::string::npos);

  // The From line's date is INTERNALDATE (delivery, today), not Date: (2024).
  tm parsed{};
  const std::string date = one.substr(one.find(' ', 5) + 1, 24);
  REQUIRE(strptime(date.c_str(), "%a %b %e %H:%M:%S %Y", &parsed) != nullptr);
  const int64_t stamp = timegm(&parsed);
  CHECK(stamp >= when.delivered_after);
  CHECK(stamp <= when.synced_before);

  // A reader that knows these headers: Python's mboxMessage.get_flags()
  // (R read, O old, A answered, F flagged, D deleted, T draft as written),
  // and the From line.
  const std::string script = testing::WriteFile(h.dir() / "flags.py", R"(
import mailbox, sys
lines = [' '.join([m['Subject'], ''.join(sorted(m.get_flags())), m.get_from().split(' ')[0]])
         for m in mailbox.mbox(sys.argv[1], create=False)]
print('\n'.join(sorted(lines)))
)");
  auto py = mailhoard::testing::RunCommand({"python3", script, out});
  INFO(py.err);
  CHECK(py.out ==
        "four DO alice@example.org\none AFOR bounce@lists.example\nthree OR alice@example.org\n"
        "two OT alice@example.org\n");

  for (const auto& [path, bytes] : before) CHECK(ReadFileOrEmpty(path) == bytes);
  CHECK(h.CompareWithServer() == "");
}

TEST_CASE("export --mbox-dir writes one mbox per folder, 0700 and 0600", "[integration][export]") {
  CliHarness h(DovecotServer::Shared());
  Seed(h);
  const std::string dir = h.dir() / "mail";
  CommandResult r = h.Run({"export", "t", "--mbox-dir", dir});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out == "t: exported 4 messages from 3 folders to " + dir + " (one mbox per folder)\n");
  CHECK(Names(dir) == std::vector<std::string>{"Archive.2024.mbox", "Archive.mbox", "INBOX.mbox"});
  CHECK(ModeOf(dir) == 0700);
  for (const auto& name : Names(dir)) CHECK(ModeOf(dir + "/" + name) == 0600);
  const std::string inbox = ReadFileOrEmpty(dir + "/INBOX.mbox");
  CHECK(Entries(inbox).size() == 2);
  CHECK(inbox.find("X-Folder") == std::string::npos);
  CHECK(Entries(ReadFileOrEmpty(dir + "/Archive.2024.mbox")).size() == 1);

  auto js =
      nlohmann::json::parse(h.Run({"--json", "export", "t", "--mbox-dir", dir, "--force"}).out);
  CHECK(js["messages"] == 4);
  REQUIRE(js["files"].size() == 3);
  CHECK(js["files"][0]["file"] == "INBOX.mbox");
  CHECK(js["files"][0]["messages"] == 2);

  // Not empty: refused; --force writes into it and keeps what else is there.
  testing::WriteFile(dir + "/notes.txt", "mine");
  CommandResult refused = h.Run({"export", "t", "--mbox-dir", dir});
  CHECK(refused.exit_code == 73);
  CHECK(refused.err.find(dir + " already exists") != std::string::npos);
  CHECK(h.Run({"export", "t", "INBOX", "--mbox-dir", dir, "--force"}).exit_code == 0);
  CHECK(ReadFileOrEmpty(dir + "/notes.txt") == "mine");
  for (const auto& name : Names(h.dir().path()))
    CHECK(name.find("mailhoard-export") == std::string::npos);
}

TEST_CASE("export --as-of, --since and --until", "[integration][export]") {
  CliHarness h(DovecotServer::Shared());
  Seeded when = Seed(h);
  const int64_t between = SecondAfter(when.synced_before);
  SecondAfter(between);
  h.server().Expunge(h.user().name, "INBOX", 1);
  h.server().SetFlags(h.user().name, "INBOX", 2, {"\\Flagged"});  // was \Draft
  REQUIRE(h.Run({"sync"}).exit_code == 0);

  auto count = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = {"export", "t", "INBOX", "--mbox", "-"};
    args.insert(args.end(), extra.begin(), extra.end());
    CommandResult r = h.Run(args);
    INFO(r.err);
    CHECK(r.exit_code == 0);
    return r.out.empty() ? size_t{0} : Entries(r.out).size();
  };
  CHECK(count({}) == 2);                         // the archive keeps what was expunged
  CHECK(count({"--as-of", "now"}) == 1);         // the mailbox as the last sync saw it
  CHECK(count({"--as-of", Utc(between)}) == 2);  // before the sync that saw it go
  CHECK(count({"--as-of", "2000-01-01"}) == 0);  // before anything was archived
  // The past's messages, today's flags: the index keeps no flag history.
  const std::string then =
      h.Run({"export", "t", "INBOX", "--mbox", "-", "--as-of", Utc(between)}).out;
  CHECK(EntryWith(then, "Subject: two\n").find("\nStatus: O\nX-Status: F\n\n") !=
        std::string::npos);
  CHECK(count({"--since", Utc(when.delivered_after)}) == 2);
  CHECK(count({"--until", "2024-01-01"}) == 0);  // INTERNALDATE, not the 2024 Date:
  CHECK(count({"--since", Utc(when.synced_before + 86400)}) == 0);

  CommandResult bad = h.Run({"export", "t", "--mbox", "-", "--as-of", "last week"});
  CHECK(bad.exit_code == 2);
  CHECK(bad.err ==
        "mailhoard: export: --as-of last week: expected YYYY-MM-DD or "
        "YYYY-MM-DDTHH:MM[:SS] (UTC)\n");
}

TEST_CASE("export leaves out and names damaged and missing messages, exit 1",
          "[integration][export]") {
  CliHarness h(DovecotServer::Shared());
  Seed(h);
  std::vector<fs::path> inbox;
  for (const auto& e : fs::directory_iterator(h.account_dir() + "/cur")) inbox.push_back(e.path());
  std::sort(inbox.begin(), inbox.end());
  REQUIRE(inbox.size() == 2);
  // Same size, one byte changed: only the hash tells.
  std::string bytes = ReadFileOrEmpty(inbox[0].string());
  bytes[bytes.size() - 2] ^= 1;
  testing::WriteFile(inbox[0].string(), bytes);
  std::vector<fs::path> archive;
  for (const auto& e : fs::directory_iterator(h.account_dir() + "/.Archive/cur")) {
    archive.push_back(e.path());
  }
  REQUIRE(archive.size() == 1);
  fs::remove(archive[0]);

  const std::string out = h.dir() / "partial.mbox";
  CommandResult r = h.Run({"export", "t", "--mbox", out});
  CHECK(r.exit_code == 1);
  CHECK(r.out == "t: exported 2 messages from 3 folders to " + out + "\n");
  CHECK(r.err.find("mailhoard: t: not exported, hash-mismatch: " + inbox[0].string() +
                   " (SHA-256 ") != std::string::npos);
  CHECK(r.err.find("mailhoard: t: not exported, file missing: " + archive[0].string() + "\n") !=
        std::string::npos);
  const std::string mbox = ReadFileOrEmpty(out);
  CHECK(Entries(mbox).size() == 2);
  const size_t subject = bytes.find("Subject: ");
  REQUIRE(subject != std::string::npos);
  const std::string damaged = bytes.substr(subject, bytes.find('\r', subject) - subject);
  CHECK(EntryWith(mbox, damaged + "\n").empty());
  CHECK(EntryWith(mbox, "Subject: three\n").empty());

  auto js = nlohmann::json::parse(h.Run({"--json", "export", "t", "--mbox", out, "--force"}).out);
  REQUIRE(js["left_out"].size() == 2);
  CHECK(js["missing_files"].size() == 1);

  // Requeued by verify --repair (which still exits 1 for the damaged file):
  // a row without a file, named as such.
  REQUIRE(h.Run({"verify", "--repair"}).out.find("queued") != std::string::npos);
  CommandResult requeued = h.Run({"export", "t", "Archive", "--mbox", "-"});
  CHECK(requeued.exit_code == 1);
  CHECK(requeued.err.find("mailhoard: t: not exported, no file in the archive: Archive UID 1: "
                          "file missing locally: the next sync fetches it again\n") !=
        std::string::npos);
  CHECK(requeued.out.empty());
}

// Dovecot's own mbox driver reads the exported system flags back.
TEST_CASE("Dovecot imports the exported mbox with its flags", "[integration][export]") {
  CliHarness h(DovecotServer::Shared());
  Seed(h);
  const std::string dir = h.dir() / "mail";
  REQUIRE(h.Run({"export", "t", "--mbox-dir", dir}).exit_code == 0);
  // A copy the mail user can read and lock (the export is 0600, ours).
  struct stat owner;
  REQUIRE(::stat(h.server().MaildirPath(h.user().name).c_str(), &owner) == 0);
  const std::string shared = h.dir() / "for-dovecot";
  fs::create_directory(shared);
  fs::permissions(h.dir().path(), fs::perms::others_exec, fs::perm_options::add);
  fs::copy_file(dir + "/INBOX.mbox", shared + "/INBOX.mbox");
  for (const std::string& p : {shared, shared + "/INBOX.mbox"}) {
    REQUIRE(::chown(p.c_str(), owner.st_uid, owner.st_gid) == 0);
  }
  const std::string& u = h.user().name;
  h.server().Doveadm({"import", "-u", u,
                      "mbox:" + shared + ":INBOX=" + shared + "/INBOX.mbox:INDEX=MEMORY",
                      "Restored", "all"});
  const std::string flags = h.server().Doveadm(
      {"-f", "flow", "fetch", "-u", u, "hdr.subject flags", "mailbox", "Restored/INBOX", "all"});
  // \Recent is the import's own. Keywords do not come back: Dovecot takes
  // only those its X-IMAPbase header declared, which an export has not.
  CHECK(flags ==
        "hdr.subject=one flags=\\Answered \\Flagged \\Seen \\Recent\n"
        "hdr.subject=two flags=\\Draft \\Recent\n");
}

// A sync that changed a flag renames the file (its ":2,<flags>" suffix)
// before the index says so: the export finds it under the new name.
TEST_CASE("export finds a file a sync renamed for a flag change", "[integration][export]") {
  CliHarness h(DovecotServer::Shared());
  Seed(h);
  for (const auto& e : fs::directory_iterator(h.account_dir() + "/cur")) {
    const std::string name = e.path().string();
    fs::rename(name, name.substr(0, name.rfind(":2,")) + ":2,FPS");
  }
  CommandResult r = h.Run({"export", "t", "INBOX", "--mbox", "-"});
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(Entries(r.out).size() == 2);
}

TEST_CASE("an interrupted export leaves no file behind and exits 75", "[integration][export]") {
  CliHarness h(DovecotServer::Shared());
  Seed(h);
  // One message file made huge (sparse, so nothing is written): the export
  // is still reading it when the signal comes.
  for (const auto& e : fs::directory_iterator(h.account_dir() + "/.Archive/cur")) {
    fs::resize_file(e.path(), uintmax_t{8} << 30);
  }
  const std::string out = h.dir() / "stopped.mbox";
  pid_t pid = h.Start({"export", "t", "--mbox", out});
  auto temporary = [&] {
    for (const auto& name : Names(h.dir().path())) {
      if (name.rfind(".mailhoard-export.", 0) == 0) return true;
    }
    return false;
  };
  REQUIRE(mailhoard::testing::WaitUntil(temporary));
  ::kill(pid, SIGINT);
  CHECK(CliHarness::Wait(pid) == 75);
  CHECK(ReadFileOrEmpty(h.dir() / "bg.err") ==
        "mailhoard: t: export interrupted; no partly written file is left\n");
  CHECK_FALSE(fs::exists(out));
  CHECK_FALSE(temporary());
}

}  // namespace
}  // namespace mailhoard::cli
