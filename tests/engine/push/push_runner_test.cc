// The push runner against an in-memory target: what a real server will not
// do on demand (refuse one message, run out of quota, lose the OK of an
// APPEND that landed, drop the session). The real-server tests are in
// push_dovecot_test.cc.
#include "engine/push/push_runner.h"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <map>
#include <set>

#include "storage/maildir/sha256.h"

#include "tests/core/fake_clock.h"

namespace mailhoard::push {
namespace {

namespace fs = std::filesystem;

struct FakeMessage {
  uint32_t uid = 0;
  std::string bytes;
  std::vector<std::string> flags;
  std::optional<int64_t> date;
};

struct FakeFolder {
  uint32_t uidvalidity = 1;
  uint32_t uidnext = 1;
  std::vector<FakeMessage> messages;
};

// The server side: survives the fake connections, as a mailbox would.
struct FakeServer {
  std::map<std::string, FakeFolder> folders = {{"INBOX", {}}};
  bool uidplus = true;
  std::set<std::string> refuse_subjects;  // APPEND answered NO [LIMIT]
  int quota_after = -1;                   // APPENDs accepted before [OVERQUOTA]
  int lose_ok_at = -1;                    // this APPEND lands, then the connection drops
  std::set<std::string> refuse_create;
  int appends = 0;
  int connects = 0;
  std::vector<FakeMessage>& Messages(const std::string& f) { return folders[f].messages; }
};

class FakeTarget : public TargetStore {
 public:
  explicit FakeTarget(FakeServer& s) : s_(s) {}
  Result<TargetListing> List() override {
    TargetListing l;
    l.delimiter = '/';
    for (const auto& [name, f] : s_.folders) l.mailboxes.push_back({name, "", true});
    return l;
  }
  Status Create(const std::string& name) override {
    if (s_.refuse_create.count(name)) {
      return Status::Error(ErrorCode::kServerNo, "CREATE: NO [CANNOT] Invalid mailbox name",
                           ErrorScope::kFolder);
    }
    s_.folders[name];
    return Status::Ok();
  }
  Result<TargetFolderState> Open(const std::string& name, bool) override {
    open_ = name;
    FakeFolder& f = s_.folders[name];
    return TargetFolderState{f.uidvalidity, f.uidnext, static_cast<uint32_t>(f.messages.size())};
  }
  Status ListKeys(uint32_t from, std::vector<TargetKey>* out) override {
    for (const auto& m : s_.Messages(open_)) {
      if (m.uid < from) continue;
      auto at = m.bytes.find("Message-ID: ");
      std::string id = at == std::string::npos
                           ? ""
                           : m.bytes.substr(at + 12, m.bytes.find("\r\n", at) - at - 12);
      out->push_back({m.uid, id, m.bytes.size(), m.date});
    }
    return Status::Ok();
  }
  Result<Appended> Append(const AppendItem& item) override {
    if (broken_) return NetworkError("broken");
    std::string bytes;
    MH_RETURN_IF_ERROR(item.message->WriteTo([&](const char* d, size_t n) {
      bytes.append(d, n);
      return Status::Ok();
    }));
    const int n = s_.appends++;
    for (const auto& subject : s_.refuse_subjects) {
      if (bytes.find("Subject: " + subject + "\r\n") != std::string::npos) {
        return Status::Error(ErrorCode::kServerNo, "APPEND: NO [LIMIT] Message too large",
                             ErrorScope::kMessage, RetryClass::kTransient);
      }
    }
    if (s_.quota_after >= 0 && n >= s_.quota_after) {
      return Status::Error(ErrorCode::kServerNo, "APPEND: NO [OVERQUOTA] Quota exceeded",
                           ErrorScope::kMessage);
    }
    FakeFolder& f = s_.folders[open_];
    f.messages.push_back({f.uidnext++, bytes, item.flags, item.internal_date});
    if (n == s_.lose_ok_at) {
      broken_ = true;
      return NetworkError("connection reset");
    }
    if (!s_.uidplus) return Appended{};
    return Appended{f.uidvalidity, f.uidnext - 1};
  }
  Status ChangeFlags(const std::vector<FlagDelta>& deltas) override {
    for (const auto& d : deltas) {
      for (auto& m : s_.Messages(open_)) {
        if (m.uid != d.uid) continue;
        for (const auto& a : d.add) {
          if (std::find(m.flags.begin(), m.flags.end(), a) == m.flags.end()) m.flags.push_back(a);
        }
        for (const auto& r : d.remove)
          m.flags.erase(std::remove(m.flags.begin(), m.flags.end(), r), m.flags.end());
      }
    }
    return Status::Ok();
  }
  Status Expunge(const std::vector<uint32_t>& uids) override {
    auto& ms = s_.Messages(open_);
    ms.erase(std::remove_if(ms.begin(), ms.end(),
                            [&](const FakeMessage& m) {
                              return std::find(uids.begin(), uids.end(), m.uid) != uids.end();
                            }),
             ms.end());
    return Status::Ok();
  }
  Status Hash(const std::vector<uint32_t>& uids, const HashCallback& cb) override {
    for (const auto& m : s_.Messages(open_)) {
      if (std::find(uids.begin(), uids.end(), m.uid) == uids.end()) continue;
      maildir::Sha256 sha;
      sha.Update(m.bytes.data(), m.bytes.size());
      auto d = sha.Finish();
      MH_RETURN_IF_ERROR(cb(m.uid, std::string(reinterpret_cast<const char*>(d.data()), d.size()),
                            m.bytes.size()));
    }
    return Status::Ok();
  }
  bool broken() const override { return broken_; }
  void Close() override {}

 private:
  FakeServer& s_;
  std::string open_;
  bool broken_ = false;
};

struct Fixture {
  std::string dir;
  std::unique_ptr<sync::Archive> archive;
  FakeServer server;

  Fixture() {
    char tmpl[] = "/tmp/mailhoard-push-XXXXXX";
    dir = mkdtemp(tmpl);
    sync::ArchiveOptions o;
    o.account_dir = dir + "/acct";
    o.clock = &mailhoard::testing::ArchiveTestClock();
    archive = std::move(sync::Archive::Open(o)).value();
  }
  ~Fixture() { fs::remove_all(dir); }

  void Store(const std::string& folder, uint32_t uid, const std::string& subject,
             std::vector<std::string> flags = {}) {
    sync::RemoteFolderInfo info{folder, folder, '/', "", ""};
    auto f = archive->OpenFolder(info, 5);
    REQUIRE(f.ok());
    auto msg = archive->NewMessage(*f);
    REQUIRE(msg.ok());
    std::string bytes = "Subject: " + subject + "\r\nMessage-ID: <" + subject +
                        "@x>\r\n\r\nbody of " + subject + "\r\n";
    REQUIRE((*msg)->Write(bytes.data(), bytes.size()).ok());
    sync::IncomingMeta meta;
    meta.uidvalidity = 5;
    meta.uid = uid;
    meta.flags = sync::FlagSet(flags);
    meta.internal_date = 1690000000 + uid;
    REQUIRE((*msg)->Commit(meta).ok());
    REQUIRE(archive->Flush().ok());
  }

  PushOptions Options() {
    PushOptions o;
    o.target = "t@fake:143";
    o.connect = [this]() -> Result<std::unique_ptr<TargetStore>> {
      ++server.connects;
      return std::unique_ptr<TargetStore>(new FakeTarget(server));
    };
    o.retry.backoff = std::chrono::milliseconds(1);
    return o;
  }

  PushResult Push(PushOptions o) { return PushArchive(*archive, o); }
  PushResult Push() { return Push(Options()); }
};

TEST_CASE("Push appends every archived message once, a second push appends nothing") {
  Fixture fx;
  for (uint32_t i = 1; i <= 5; ++i) fx.Store("INBOX", i, "m" + std::to_string(i), {"\\Seen"});
  auto r = fx.Push();
  INFO(r.status.ToString());
  REQUIRE(r.status.ok());
  CHECK(r.appended() == 5);
  CHECK(fx.server.Messages("INBOX").size() == 5);
  CHECK(fx.server.Messages("INBOX")[0].flags == std::vector<std::string>{"\\Seen"});
  CHECK(fx.server.Messages("INBOX")[0].date == 1690000001);
  auto again = fx.Push();
  REQUIRE(again.status.ok());
  CHECK(again.appended() == 0);
  CHECK(fx.server.Messages("INBOX").size() == 5);
}

TEST_CASE("An APPEND whose OK was lost is found on the target after the reconnect") {
  for (int lose = 0; lose < 4; ++lose) {
    Fixture fx;
    for (uint32_t i = 1; i <= 4; ++i) fx.Store("INBOX", i, "m" + std::to_string(i));
    fx.server.lose_ok_at = lose;
    auto r = fx.Push();
    INFO("lost OK at append " << lose << ": " << r.status.ToString());
    REQUIRE(r.status.ok());
    REQUIRE(r.folders.size() == 1);
    CHECK(r.folders[0].status.ok());
    CHECK(fx.server.Messages("INBOX").size() == 4);
    CHECK(r.folders[0].matched == 1);
    CHECK(fx.server.connects == 2);
  }
}

TEST_CASE("Without UIDPLUS a lost OK still leaves no duplicate, and UIDs are learnt later") {
  Fixture fx;
  for (uint32_t i = 1; i <= 3; ++i) fx.Store("INBOX", i, "m" + std::to_string(i));
  fx.server.uidplus = false;
  fx.server.lose_ok_at = 1;
  REQUIRE(fx.Push().status.ok());
  CHECK(fx.server.Messages("INBOX").size() == 3);
  auto again = fx.Push();
  REQUIRE(again.status.ok());
  CHECK(again.appended() == 0);
  CHECK(fx.server.Messages("INBOX").size() == 3);
}

TEST_CASE("A refused message is reported by name and size, the rest goes on") {
  Fixture fx;
  for (uint32_t i = 1; i <= 3; ++i) fx.Store("INBOX", i, "m" + std::to_string(i));
  fx.server.refuse_subjects = {"m2"};
  auto r = fx.Push();
  REQUIRE(r.status.ok());
  CHECK(r.appended() == 2);
  REQUIRE(r.folders[0].refused.size() == 1);
  CHECK(r.folders[0].refused[0].subject == "m2");
  CHECK(r.folders[0].refused[0].size > 0);
  CHECK(r.folders[0].refused[0].reason.find("too large") != std::string::npos);
  // Not tried again by itself; still reported.
  auto again = fx.Push();
  CHECK(again.appended() == 0);
  CHECK(again.refused() == 1);
  fx.server.refuse_subjects.clear();
  auto o = fx.Options();
  o.plan.retry_refused = true;
  auto retried = fx.Push(o);
  CHECK(retried.appended() == 1);
  CHECK(retried.refused() == 0);
  CHECK(fx.server.Messages("INBOX").size() == 3);
}

TEST_CASE("A full target stops the push with a clear error and keeps what landed") {
  Fixture fx;
  for (uint32_t i = 1; i <= 4; ++i) fx.Store("INBOX", i, "m" + std::to_string(i));
  fx.Store("Other", 1, "o1");
  fx.server.quota_after = 2;
  auto r = fx.Push();
  CHECK_FALSE(r.status.ok());
  CHECK(r.status.message().find("full") != std::string::npos);
  CHECK(r.status.transient());  // the CLI's 75: retry later
  CHECK(fx.server.Messages("INBOX").size() == 2);
  fx.server.quota_after = -1;
  auto again = fx.Push();
  REQUIRE(again.status.ok());
  CHECK(fx.server.Messages("INBOX").size() == 4);
  CHECK(fx.server.Messages("Other").size() == 1);
}

TEST_CASE("Flag changes reach the target's copy, verify compares bytes") {
  Fixture fx;
  fx.Store("INBOX", 1, "m1");
  REQUIRE(fx.Push().status.ok());
  auto folder = fx.archive->OpenFolder({"INBOX", "INBOX", '/', "", ""}, 5);
  REQUIRE(folder.ok());
  auto local = fx.archive->LocalMessages(*folder, 5);
  REQUIRE(local.ok());
  REQUIRE(fx.archive->ApplyFlags(*folder, {(*local)[0].id, 1, sync::FlagSet({"\\Flagged"})}).ok());
  REQUIRE(fx.archive->Flush().ok());
  auto o = fx.Options();
  o.verify = true;
  auto r = fx.Push(o);
  REQUIRE(r.status.ok());
  CHECK(r.folders[0].flag_updates == 1);
  CHECK(fx.server.Messages("INBOX")[0].flags == std::vector<std::string>{"\\Flagged"});
  CHECK(r.folders[0].verify.same == 1);
  CHECK(r.verify_ok());
  fx.server.Messages("INBOX")[0].bytes += "x";
  auto v = fx.Push(o);
  CHECK(v.folders[0].verify.differ == 1);
  CHECK_FALSE(v.verify_ok());
}

TEST_CASE("A dry run changes neither the target nor the index") {
  Fixture fx;
  fx.Store("INBOX", 1, "m1");
  fx.Store("New", 1, "n1");
  auto o = fx.Options();
  o.dry_run = true;
  auto r = fx.Push(o);
  REQUIRE(r.status.ok());
  CHECK(r.appended() == 2);
  CHECK(fx.server.Messages("INBOX").empty());
  CHECK(fx.server.folders.count("New") == 0);
  auto folders = fx.archive->index().ListPushFolders("t@fake:143");
  REQUIRE(folders.ok());
  CHECK(folders->empty());
}

TEST_CASE("A folder the target will not create fails alone") {
  Fixture fx;
  fx.Store("Bad", 1, "b1");
  fx.Store("Good", 1, "g1");
  fx.server.refuse_create = {"Bad"};
  auto r = fx.Push();
  CHECK(r.status.ok());
  CHECK(r.failed_folders() == 1);
  CHECK(fx.server.Messages("Good").size() == 1);
  for (const auto& f : r.folders) {
    if (f.source == "Bad") CHECK(f.status.message().find("CREATE") != std::string::npos);
  }
}

}  // namespace
}  // namespace mailhoard::push
