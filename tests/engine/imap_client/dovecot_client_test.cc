// ImapClient against the real Dovecot: authentication over IMAPS and
// STARTTLS, mUTF-7 folder names, LIST-STATUS vs pipelined STATUS, read-only
// fetching, CONDSTORE/QRESYNC, a 20 MB streamed body, COMPRESS=DEFLATE.
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>

#include "tests/engine/imap_client/client_test_util.h"
#include "tests/support/dovecot_server.h"

namespace mailhoard::imap::testing {
namespace {

using namespace std::chrono_literals;
using mailhoard::testing::DovecotOptions;
using mailhoard::testing::DovecotServer;
using mailhoard::testing::TestUser;

ClientOptions Options(DovecotServer& d, net::TlsMode mode) {
  ClientOptions o;
  o.endpoint = {d.host(), mode == net::TlsMode::kImplicit ? d.imaps_port() : d.imap_port()};
  o.connect.tls = mode;
  o.connect.tls_options.ca_file = d.ca_file();
  o.connect.connect_timeout = 5s;
  o.connect.io_timeout = 20s;
  return o;
}

auth::Credentials Password(const TestUser& u, auth::AuthMethod method = auth::AuthMethod::kAuto) {
  auth::Credentials c;
  c.user = u.name;
  c.method = method;
  std::string pw = u.password;
  c.secret = [pw]() -> Result<std::string> { return pw; };
  return c;
}

std::unique_ptr<ImapClient> LoggedIn(DovecotServer& d, const TestUser& u,
                                     ClientOptions o = ClientOptions()) {
  if (o.endpoint.port == 0) o = Options(d, net::TlsMode::kImplicit);
  auto c = ImapClient::Connect(o);
  if (!c.ok()) FAIL(c.status().ToString());
  Status s = (*c)->Login(Password(u));
  if (!s.ok()) FAIL(s.ToString());
  return std::move(*c);
}

std::string SmallMessage(int i) {
  return "From: a@example.com\r\nTo: b@example.com\r\nSubject: message " + std::to_string(i) +
         "\r\nMessage-ID: <m" + std::to_string(i) + "@example.com>\r\n\r\nBody " +
         std::to_string(i) + "\r\n";
}

TEST_CASE("login by LOGIN, AUTHENTICATE PLAIN and AUTHENTICATE LOGIN over IMAPS and STARTTLS",
          "[integration]") {
  auto& d = DovecotServer::Shared();
  TestUser u = d.CreateUser();
  for (net::TlsMode mode : {net::TlsMode::kImplicit, net::TlsMode::kStartTls}) {
    for (auth::AuthMethod m : {auth::AuthMethod::kPasswordCommand, auth::AuthMethod::kPlain,
                               auth::AuthMethod::kLogin, auth::AuthMethod::kAuto}) {
      INFO("mode " << static_cast<int>(mode) << " method " << static_cast<int>(m));
      auto c = ImapClient::Connect(Options(d, mode));
      REQUIRE(c.ok());
      CHECK((*c)->capabilities().Has("IMAP4rev1"));
      CHECK_FALSE(((*c)->capabilities().Has("STARTTLS") && mode == net::TlsMode::kStartTls));
      Status s = (*c)->Login(Password(u, m));
      REQUIRE(s.ok());
      CHECK((*c)->authenticated());
      CHECK((*c)->capabilities().Has("IDLE"));  // post-login list
      CHECK((*c)->qresync());
      CHECK_FALSE((*c)->compressed());  // loopback: compress = auto
      CHECK((*c)->Noop().ok());
      CHECK((*c)->Logout().ok());
    }
  }
}

TEST_CASE("a wrong password is kAuth", "[integration]") {
  auto& d = DovecotServer::Shared();
  TestUser u = d.CreateUser();
  u.password += "x";
  auto c = ImapClient::Connect(Options(d, net::TlsMode::kImplicit));
  REQUIRE(c.ok());
  Status s = (*c)->Login(Password(u));
  CHECK(s.code() == ErrorCode::kAuth);
  CHECK(s.retry() == RetryClass::kAuth);
}

TEST_CASE("STARTTLS required against a server without TLS fails, no plaintext fallback",
          "[integration]") {
  DovecotOptions no_tls;
  no_tls.ssl = false;
  auto d = DovecotServer::Start(no_tls);
  RecordingTrace trace;
  ClientOptions o = Options(*d, net::TlsMode::kStartTls);
  o.trace = &trace;
  auto c = ImapClient::Connect(o);
  REQUIRE_FALSE(c.ok());
  CHECK(c.status().code() == ErrorCode::kTls);
  CHECK(c.status().message().find("server does not offer STARTTLS") != std::string::npos);
  CHECK_FALSE(trace.lines.empty());
  for (const auto& l : trace.lines) {
    if (l.rfind("C: ", 0) != 0) continue;  // what the client sent
    CHECK(l.find("LOGIN") == std::string::npos);
    CHECK(l.find("AUTHENTICATE") == std::string::npos);
  }
}

TEST_CASE("non-ASCII folders round-trip through modified UTF-7", "[integration]") {
  auto& d = DovecotServer::Shared();
  TestUser u = d.CreateUser();
  d.CreateFolder(u.name, "Entw\xc3\xbcrfe");
  d.CreateFolder(u.name,
                 "\xc3\x9c"
                 "bersicht/Berichte 2024");
  d.Deliver(u.name,
            "\xc3\x9c"
            "bersicht/Berichte 2024",
            SmallMessage(1));
  auto c = LoggedIn(d, u);
  auto boxes = c->ListMailboxes(true);
  REQUIRE(boxes.ok());
  const MailboxInfo* entwuerfe = nullptr;
  const MailboxInfo* berichte = nullptr;
  for (const auto& b : *boxes) {
    if (b.name == "Entw\xc3\xbcrfe") entwuerfe = &b;
    if (b.name ==
        "\xc3\x9c"
        "bersicht/Berichte 2024")
      berichte = &b;
  }
  REQUIRE(entwuerfe);
  REQUIRE(berichte);
  if (!c->utf8_accept()) CHECK(entwuerfe->raw_name == "Entw&APw-rfe");
  REQUIRE(berichte->status);
  CHECK(berichte->status->messages == 1u);
  // The raw name works in commands.
  auto box = c->Examine(berichte->raw_name);
  REQUIRE(box.ok());
  CHECK(box->exists == 1u);
}

// A 3 MB message from a source that holds none of it: what a push of an
// archived file sends.
class GeneratedSource : public LiteralSource {
 public:
  explicit GeneratedSource(size_t lines) : lines_(lines) {}
  uint64_t size() const override { return Header().size() + lines_ * Line(0).size(); }
  Status WriteTo(const Sink& sink) const override {
    MH_RETURN_IF_ERROR(sink(Header().data(), Header().size()));
    for (size_t i = 0; i < lines_; ++i) {
      std::string l = Line(i);
      MH_RETURN_IF_ERROR(sink(l.data(), l.size()));
    }
    return Status::Ok();
  }
  std::string All() const {
    std::string out = Header();
    for (size_t i = 0; i < lines_; ++i) out += Line(i);
    return out;
  }

 private:
  static std::string Header() {
    return "From: a@example.com\r\nSubject: pushed\r\nMessage-ID: <p1@example.com>\r\n\r\n";
  }
  static std::string Line(size_t i) {
    char buf[80];
    std::snprintf(buf, sizeof buf,
                  "%08zu the quick brown fox jumps over the lazy dog 0123456789\r\n", i);
    return buf;
  }
  size_t lines_;
};

TEST_CASE(
    "APPEND into a created folder keeps bytes, flags, keywords and INTERNALDATE, "
    "APPENDUID names the uid",
    "[integration]") {
  auto& d = DovecotServer::Shared();
  TestUser u = d.CreateUser();
  auto c = LoggedIn(d, u);
  const std::string folder = "Gesendete Elemente/2026";
  REQUIRE(c->Create(folder).ok());
  REQUIRE(c->Create(folder).ok());                          // again: already there, not an error
  auto source = std::make_shared<GeneratedSource>(40'000);  // ~3 MB
  AppendRequest req;
  req.mailbox = folder;
  req.flags = {"\\Seen", "\\Flagged", "$Forwarded"};
  req.internal_date = 1700000000;
  req.message = source;
  auto appended = c->Append(req);
  INFO(appended.status().ToString());
  REQUIRE(appended.ok());
  CHECK(appended->uid == 1u);  // Dovecot offers UIDPLUS
  CHECK(appended->uidvalidity != 0u);

  auto box = c->Examine(folder);
  REQUIRE(box.ok());
  CHECK(box->uidvalidity == appended->uidvalidity);
  MemoryHandler h;
  REQUIRE(c->FetchMessages(SequenceSet::Parse("1:*").value(), h).ok());
  REQUIRE(h.messages.size() == 1);
  CHECK(h.messages[0].body == source->All());
  CHECK(h.messages[0].fetch.internal_date->utc == 1700000000);
  auto flags = *h.messages[0].fetch.flags;
  // \Recent is the server's own, for this first session to see the message.
  flags.erase(std::remove(flags.begin(), flags.end(), "\\Recent"), flags.end());
  std::sort(flags.begin(), flags.end());
  CHECK(flags == std::vector<std::string>{"$Forwarded", "\\Flagged", "\\Seen"});
}

TEST_CASE("NAMESPACE names the personal namespace and its delimiter", "[integration]") {
  auto& d = DovecotServer::Shared();
  TestUser u = d.CreateUser();
  auto c = LoggedIn(d, u);
  auto ns = c->Namespaces();
  REQUIRE(ns.ok());
  REQUIRE(ns->personal.size() == 1);
  CHECK(ns->personal[0].prefix.empty());
  CHECK(ns->personal[0].delimiter == '/');
}

TEST_CASE("LIST-STATUS and pipelined STATUS give the same numbers", "[integration]") {
  auto& d = DovecotServer::Shared();
  TestUser u = d.CreateUser();
  d.CreateFolder(u.name, "A");
  d.CreateFolder(u.name, "B/C");
  for (int i = 0; i < 3; ++i) d.Deliver(u.name, "INBOX", SmallMessage(i));
  d.Deliver(u.name, "B/C", SmallMessage(9));
  auto with = LoggedIn(d, u);
  REQUIRE(with->capabilities().Has("LIST-STATUS"));
  ClientOptions o = Options(d, net::TlsMode::kImplicit);
  o.use_list_status = false;
  auto without = LoggedIn(d, u, o);
  auto a = with->ListMailboxes(true);
  uint64_t before = without->commands_sent();
  auto b = without->ListMailboxes(true);
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  REQUIRE(a->size() == b->size());
  CHECK(with->commands_sent() > 0);
  size_t selectable = 0;
  for (size_t i = 0; i < a->size(); ++i) {
    const auto& x = (*a)[i];
    const auto& y = (*b)[i];
    CHECK(x.raw_name == y.raw_name);
    CHECK(x.status.has_value() == y.status.has_value());
    if (!x.status || !y.status) continue;
    ++selectable;
    CHECK(x.status->messages == y.status->messages);
    CHECK(x.status->uidnext == y.status->uidnext);
    CHECK(x.status->uidvalidity == y.status->uidvalidity);
    CHECK(x.status->highestmodseq == y.status->highestmodseq);
    if (x.raw_name == "INBOX") CHECK(x.status->messages == 3u);
  }
  CHECK(selectable >= 3);
  CHECK(without->commands_sent() - before == 1 + selectable);
}

class FileHandler : public MessageHandler {
 public:
  explicit FileHandler(std::string dir) : dir_(std::move(dir)) {}
  class FileSink : public BodySink {
   public:
    explicit FileSink(std::string path)
        : path(std::move(path)), f(std::fopen(this->path.c_str(), "wb")) {}
    ~FileSink() override {
      if (f) std::fclose(f);
    }
    Status Write(const char* data, size_t len) override {
      return std::fwrite(data, 1, len, f) == len ? Status::Ok() : IoError("write");
    }
    Status Finish() override {
      std::fclose(f);
      f = nullptr;
      return Status::Ok();
    }
    std::string path;
    FILE* f;
  };
  Result<std::unique_ptr<BodySink>> OpenBody(const BodyLiteralInfo& info) override {
    return std::unique_ptr<BodySink>(
        std::make_unique<FileSink>(dir_ + "/" + std::to_string(info.uid.value_or(0)) + ".eml"));
  }
  Status OnMessage(const FetchResponse& fetch, std::unique_ptr<BodySink> sink) override {
    uids.push_back(*fetch.uid);
    flags.push_back(fetch.flags.value_or(std::vector<std::string>{}));
    paths.push_back(sink ? static_cast<FileSink*>(sink.get())->path : "");
    return Status::Ok();
  }
  std::vector<uint32_t> uids;
  std::vector<std::vector<std::string>> flags;
  std::vector<std::string> paths;

 private:
  std::string dir_;
};

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string TempDir() {
  char tmpl[] = "/tmp/mh-imapc-XXXXXX";
  REQUIRE(mkdtemp(tmpl) != nullptr);
  return tmpl;
}

bool HasSeen(const std::vector<std::string>& flags) {
  for (const auto& f : flags) {
    if (f == "\\Seen") return true;
  }
  return false;
}

TEST_CASE("EXAMINE + BODY.PEEK leave the Seen flag unset, bodies are byte-exact", "[integration]") {
  auto& d = DovecotServer::Shared();
  TestUser u = d.CreateUser();
  for (int i = 0; i < 4; ++i) d.Deliver(u.name, "INBOX", SmallMessage(i));
  auto c = LoggedIn(d, u);
  auto box = c->Examine("INBOX");
  REQUIRE(box.ok());
  CHECK(box->exists == 4u);
  CHECK(box->read_only);
  std::string dir = TempDir();
  FileHandler h(dir);
  REQUIRE(c->FetchMessages(SequenceSet::Parse("1:*").value(), h).ok());
  REQUIRE(h.uids.size() == 4);
  auto server = d.Messages(u.name, "INBOX");
  REQUIRE(server.size() == 4);
  for (size_t i = 0; i < 4; ++i) {
    CHECK(server[i].uid == h.uids[i]);
    CHECK(ReadFile(h.paths[i]) == server[i].bytes);
    CHECK_FALSE(HasSeen(server[i].flags));
  }
  // And UID FETCH beyond the last UID returns nothing to the handler.
  FileHandler none(dir);
  REQUIRE(c->FetchMessages(SequenceSet::Parse("100:*").value(), none).ok());
  CHECK(none.uids.empty());
  auto uids = c->SearchAllUids();
  REQUIRE(uids.ok());
  CHECK(*uids == h.uids);
  std::filesystem::remove_all(dir);
}

TEST_CASE("QRESYNC and CHANGEDSINCE see a doveadm expunge and flag change", "[integration]") {
  auto& d = DovecotServer::Shared();
  TestUser u = d.CreateUser();
  std::vector<uint32_t> uids;
  for (int i = 0; i < 5; ++i) uids.push_back(d.Deliver(u.name, "INBOX", SmallMessage(i)));
  uint32_t uidvalidity = 0;
  uint64_t modseq = 0;
  {
    auto c = LoggedIn(d, u);
    REQUIRE(c->qresync());
    auto box = c->Examine("INBOX");
    REQUIRE(box.ok());
    REQUIRE(box->highestmodseq);
    uidvalidity = box->uidvalidity;
    modseq = *box->highestmodseq;
  }
  d.Expunge(u.name, "INBOX", uids[1]);
  d.SetFlags(u.name, "INBOX", uids[3], {"\\Flagged"});

  auto c = LoggedIn(d, u);
  QresyncParams q{uidvalidity, modseq, SequenceSet::FromSorted(uids)};
  auto box = c->Examine("INBOX", q);
  REQUIRE(box.ok());
  CHECK(box->vanished.Contains(uids[1]));
  CHECK_FALSE(box->vanished.Contains(uids[0]));
  REQUIRE(box->changed.size() == 1);
  CHECK(box->changed[0].uid == uids[3]);
  // \Recent is per session (RFC 3501 §2.3.2), not a stored flag.
  std::vector<std::string> flags;
  for (const auto& f : box->changed[0].flags) {
    if (f != "\\Recent") flags.push_back(f);
  }
  CHECK(flags == std::vector<std::string>{"\\Flagged"});
  CHECK(*box->changed[0].modseq > modseq);

  std::vector<uint32_t> changed;
  SequenceSet vanished;
  REQUIRE(c->FetchFlags(
               SequenceSet::Parse("1:*").value(), modseq, true,
               [&](uint32_t uid, const std::vector<std::string>&, std::optional<uint64_t>) {
                 changed.push_back(uid);
                 return Status::Ok();
               },
               [&](const SequenceSet& v) {
                 vanished = v;
                 return Status::Ok();
               })
              .ok());
  CHECK(changed == std::vector<uint32_t>{uids[3]});
  CHECK(vanished.Contains(uids[1]));

  std::map<uint32_t, std::string> ids;
  REQUIRE(
      c->FetchHeaderKeys(SequenceSet::FromSorted(uids), [&](uint32_t uid, std::string_view id,
                                                            uint64_t size, const InternalDate&) {
         CHECK(size > 0);
         ids[uid] = id;
         return Status::Ok();
       }).ok());
  CHECK(ids.size() == 4);
  CHECK(ids[uids[0]] == "<m0@example.com>");
}

long VmKb(const char* field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field, 0) == 0) return std::stol(line.substr(std::strlen(field)));
  }
  return -1;
}

TEST_CASE("a 20 MB message streams to a file, byte-exact, without 20 MB of memory",
          "[integration]") {
  auto& d = DovecotServer::Shared();
  TestUser u = d.CreateUser();
  std::string dir = TempDir();
  const std::string expected_path = dir + "/expected.eml";
  {
    std::string msg = "From: big@example.com\r\nSubject: big\r\n\r\n";
    std::mt19937 rng(7);
    while (msg.size() < 20 * 1024 * 1024) {
      std::string line(76, 'x');
      for (char& ch : line) ch = static_cast<char>('A' + rng() % 26);
      msg += line + "\r\n";
    }
    d.Deliver(u.name, "INBOX", msg);
    std::ofstream(expected_path, std::ios::binary) << msg;
  }
  // Measure in a child whose peak RSS starts at its current RSS: the parent
  // already held the 20 MB message once.
  pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    int code = 1;
    {
      auto c = ImapClient::Connect(Options(d, net::TlsMode::kImplicit));
      if (c.ok() && (*c)->Login(Password(u)).ok() && (*c)->Examine("INBOX").ok()) {
        FILE* reset = std::fopen("/proc/self/clear_refs", "w");
        if (reset) {
          std::fputs("5", reset);  // resets VmHWM to the current RSS
          std::fclose(reset);
        }
        long before = VmKb("VmRSS:");
        FileHandler h(dir);
        if ((*c)->FetchMessages(SequenceSet::Parse("1:*").value(), h).ok() && h.uids.size() == 1) {
          long peak = VmKb("VmHWM:");
          std::fprintf(stderr, "RSS before %ld kB, peak %ld kB\n", before, peak);
          code = (peak - before) < 4 * 1024 ? 0 : 2;
          if (code == 0) std::rename(h.paths[0].c_str(), (dir + "/got.eml").c_str());
        }
      }
    }
    _exit(code);
  }
  int status = 0;
  REQUIRE(waitpid(pid, &status, 0) == pid);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);  // 2: peak RSS grew by 4 MB or more
  CHECK(ReadFile(dir + "/got.eml") == ReadFile(expected_path));
  std::filesystem::remove_all(dir);
}

TEST_CASE("COMPRESS=DEFLATE on and off fetch identical bytes", "[integration]") {
  auto& d = DovecotServer::Shared();
  TestUser u = d.CreateUser();
  for (int i = 0; i < 20; ++i) d.Deliver(u.name, "INBOX", SmallMessage(i) + std::string(5000, 'z'));
  std::vector<std::string> bodies[2];
  for (int on = 0; on < 2; ++on) {
    ClientOptions o = Options(d, net::TlsMode::kImplicit);
    o.compress = on == 1 ? Compression::kAlways : Compression::kNever;
    auto c = LoggedIn(d, u, o);
    REQUIRE(c->Examine("INBOX").ok());
    CHECK(c->compressed() == (on == 1));
    std::string dir = TempDir();
    FileHandler h(dir);
    REQUIRE(c->FetchMessages(SequenceSet::Parse("1:*").value(), h).ok());
    for (const auto& p : h.paths) bodies[on].push_back(ReadFile(p));
    std::filesystem::remove_all(dir);
  }
  REQUIRE(bodies[0].size() == 20);
  CHECK(bodies[0] == bodies[1]);
}

TEST_CASE("COMPRESS=DEFLATE is not started by default to a server on loopback", "[integration]") {
  auto& d = DovecotServer::Shared();
  TestUser u = d.CreateUser();
  auto c = LoggedIn(d, u, Options(d, net::TlsMode::kImplicit));
  CHECK(c->capabilities().Has("COMPRESS=DEFLATE"));
  REQUIRE(c->Examine("INBOX").ok());
  CHECK_FALSE(c->compressed());
}

// Tells a pipe when the server has accepted IDLE ("+ idling"), once armed.
class IdleStartedSink : public TraceSink {
 public:
  explicit IdleStartedSink(int fd) : fd_(fd) {}
  void Arm() { armed_ = true; }
  void Line(net::TraceDirection direction, std::string_view line) override {
    if (armed_ && direction == net::TraceDirection::kReceived && line.rfind("+", 0) == 0) {
      armed_ = false;
      (void)!write(fd_, "i", 1);
    }
  }

 private:
  int fd_;
  bool armed_ = false;
};

TEST_CASE("IDLE times out quietly and wakes on new mail", "[integration]") {
  auto& d = DovecotServer::Shared();
  TestUser u = d.CreateUser();
  int idling[2];
  REQUIRE(pipe(idling) == 0);
  IdleStartedSink sink(idling[1]);
  ClientOptions o = Options(d, net::TlsMode::kImplicit);
  o.trace = &sink;
  auto c = LoggedIn(d, u, o);
  REQUIRE(c->Examine("INBOX").ok());
  // The timeout is the behaviour under test here, not a wait for an event.
  auto r = c->Idle(1500ms);
  REQUIRE(r.ok());
  CHECK(*r == IdleResult::kTimeout);
  CHECK(c->Noop().ok());  // the connection is still in step
  sink.Arm();
  pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    // Deliver once the client is idling, so the mail is news IDLE reports
    // rather than something the IDLE command's own sync picks up.
    pollfd p{idling[0], POLLIN, 0};
    char byte;
    if (poll(&p, 1, 120'000) == 1 && read(idling[0], &byte, 1) == 1) {
      d.Deliver(u.name, "INBOX", SmallMessage(1));
    }
    _exit(0);
  }
  r = c->Idle(120s);
  int status = 0;
  waitpid(pid, &status, 0);
  close(idling[0]);
  close(idling[1]);
  REQUIRE(r.ok());
  CHECK(*r == IdleResult::kChanged);
}

TEST_CASE("a SASL response Dovecot refuses ends in an error, not a hang", "[integration]") {
  auto& d = DovecotServer::Shared();
  TestUser u = d.CreateUser();
  u.password = std::string(9000, 'p');  // base64 > 8 KB: Dovecot drops the connection
  ClientOptions o = Options(d, net::TlsMode::kImplicit);
  o.connect.io_timeout = 10s;
  auto c = ImapClient::Connect(o);
  REQUIRE(c.ok());
  auto start = std::chrono::steady_clock::now();
  Status s = (*c)->Login(Password(u, auth::AuthMethod::kPlain));
  CHECK_FALSE(s.ok());
  CHECK(std::chrono::steady_clock::now() - start < 9s);
  INFO(s.ToString());
  CHECK((s.code() == ErrorCode::kNetwork || s.code() == ErrorCode::kServerBye ||
         s.code() == ErrorCode::kServerBad || s.code() == ErrorCode::kAuth ||
         s.code() == ErrorCode::kProtocol));
}

}  // namespace
}  // namespace mailhoard::imap::testing
