// No secret leaves the binary (#16): the real `mailhoard` runs with
// distinctive passwords, a client secret and the fake identity provider's
// tokens — syncs over IMAP and POP3, `--trace` files, `--json`, logins that
// fail, an OAuth2 sign-in with an authorization code, reports mailed through
// an SMTP sink — and then every byte it emitted is searched for them:
// stdout, stderr, trace files, the index database, the Maildir files, the
// report mails. Everything it wrote under the archive is owner-only.
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cctype>
#include <cstring>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "engine/auth/base64.h"
#include "tests/cli/cli_harness.h"
#include "tests/support/fake_idp/fake_idp.h"
#include "tests/support/smtp_sink.h"
#include "tests/support/wait_until.h"

namespace mailhoard::cli::testing {
namespace {

namespace fs = std::filesystem;
using mailhoard::testing::CommandResult;
using mailhoard::testing::DovecotOptions;
using mailhoard::testing::DovecotServer;
using mailhoard::testing::FakeIdp;
using mailhoard::testing::FakeIdpOptions;
using mailhoard::testing::RunCommand;
using mailhoard::testing::SinkMessage;
using mailhoard::testing::SmtpSink;

// Catch shows a string with control bytes poorly: escape them.
std::string Printable(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02x", c);
      out += hex;
    }
  }
  return out;
}

// Quoted-printable soft breaks and =XX escapes undone where they are
// well-formed; anything else kept as it is (headers, encoded words).
std::string UndoQuotedPrintable(const std::string& in) {
  auto hex = [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; };
  std::string out;
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '=' && in.compare(i, 3, "=\r\n") == 0) {
      i += 2;
    } else if (in[i] == '=' && i + 2 < in.size() && hex(in[i + 1]) && hex(in[i + 2])) {
      out += static_cast<char>(std::stoi(in.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += in[i];
    }
  }
  return out;
}

// Everything the binary emitted, by where it came from.
class Emitted {
 public:
  void Add(const std::string& where, const std::string& bytes) { blobs_.push_back({where, bytes}); }
  void Add(const std::string& what, const CommandResult& r) {
    Add(what + ": stdout", r.out);
    Add(what + ": stderr", r.err);
  }
  // Every regular file under `root` but those in `skip` (what the test
  // itself wrote: configs, password files; the token store, whose job is
  // to hold tokens).
  void AddTree(const std::string& root, const std::set<std::string>& skip = {}) {
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(root, ec); it != fs::end(it);
         it.increment(ec)) {
      if (ec) break;
      const std::string path = it->path().string();
      if (it->is_regular_file() && skip.count(path) == 0) {
        Add(path, ReadFileOrEmpty(path));
        ++files_;
      }
    }
  }
  void AddMail(const std::vector<SinkMessage>& mails) {
    for (size_t i = 0; i < mails.size(); ++i) {
      Add("mail " + std::to_string(i), mails[i].data);
      Add("mail " + std::to_string(i) + " decoded", UndoQuotedPrintable(mails[i].data));
    }
  }

  // "" when none of `secrets` is in any blob, else which and where.
  std::string FindAny(const std::vector<std::string>& secrets) const {
    for (const auto& [where, bytes] : blobs_) {
      for (const std::string& s : secrets) {
        REQUIRE(s.size() >= 6);
        if (bytes.find(s) != std::string::npos) return "\"" + s + "\" in " + where;
      }
    }
    return "";
  }

  // The fake identity provider's tokens, device codes and authorization
  // codes: a prefix and 32 URL-safe characters (fake_idp.py new_token).
  std::string FindIdpTokens() const {
    auto url_safe = [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
    };
    for (const auto& [where, bytes] : blobs_) {
      for (const char* prefix : {"at-", "rt-", "dc-", "code-"}) {
        const size_t n = std::strlen(prefix);
        for (size_t at = bytes.find(prefix); at != std::string::npos;
             at = bytes.find(prefix, at + 1)) {
          if (at > 0 && url_safe(bytes[at - 1])) continue;  // part of a longer word
          size_t run = 0;
          while (at + n + run < bytes.size() && url_safe(bytes[at + n + run])) ++run;
          if (run >= 32) return bytes.substr(at, n + run) + " in " + where;
        }
      }
    }
    return "";
  }

  size_t files() const { return files_; }
  size_t bytes() const {
    size_t n = 0;
    for (const auto& b : blobs_) n += b.second.size();
    return n;
  }

 private:
  std::vector<std::pair<std::string, std::string>> blobs_;
  size_t files_ = 0;
};

// A secret as it travels: itself; base64 alone (SASL LOGIN); inside SASL
// PLAIN; inside XOAUTH2 and OAUTHBEARER.
std::vector<std::string> Forms(const std::string& user, const std::string& secret) {
  using auth::Base64Encode;
  return {secret,
          Base64Encode(secret),
          Base64Encode(std::string(1, '\0') + user + '\0' + secret),
          Base64Encode(user + '\0' + user + '\0' + secret),
          Base64Encode("user=" + user + "\1auth=Bearer " + secret + "\1\1"),
          Base64Encode("n,a=" + user + ",\1auth=Bearer " + secret + "\1\1")};
}

// Fails, naming what leaked where, unless `found` is empty.
void Leaks(const std::string& found) {
  INFO("leaked: " << Printable(found));
  CHECK(found.empty());
}

void Append(std::vector<std::string>* to, const std::vector<std::string>& more) {
  to->insert(to->end(), more.begin(), more.end());
}

// Every file and directory under `root` (and itself) that group or others
// may use, with its mode; "" when there is none.
std::string NotOwnerOnly(const std::string& root) {
  std::string bad;
  auto check = [&](const std::string& path) {
    struct stat st;
    if (lstat(path.c_str(), &st) != 0 || S_ISLNK(st.st_mode)) return;
    if ((st.st_mode & 077) != 0) {
      char mode[8];
      std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
      bad += path + " " + mode + "\n";
    }
  };
  check(root);
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(root, ec); it != fs::end(it); it.increment(ec)) {
    if (ec) break;
    check(it->path().string());
  }
  return bad;
}

// The harness's config with the password read from `source` instead of the
// environment ("password_file = ..." or "password_cmd = ...").
std::string ConfigWithPassword(const CliHarness& h, const std::string& name,
                               const std::string& source) {
  std::string text = ReadFileOrEmpty(h.config());
  const std::string env_line = "password_env = \"MH_TEST_PW\"\n";
  const size_t at = text.find(env_line);
  REQUIRE(at != std::string::npos);
  text.replace(at, env_line.size(), source + "\n");
  return WriteFile(h.dir() / name, text);
}

CommandResult RunWith(const CliHarness& h, const std::string& config, const std::string& password,
                      const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"env",
                                   "HOME=" + h.dir().path(),
                                   "XDG_CONFIG_HOME=",
                                   "MH_TEST_PW=" + password,
                                   MH_MAILHOARD_BIN,
                                   "-c",
                                   config};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunCommand(argv);
}

// The common umask, so that "owner-only" is the binary's doing, not the
// test environment's (a umask of 077 would hide a 0644 open).
struct UsualUmask {
  UsualUmask() : old(umask(022)) {}
  ~UsualUmask() { umask(old); }
  mode_t old;
};

void DeliverSome(DovecotServer& server, const std::string& user) {
  for (int i = 0; i < 3; ++i) {
    server.Deliver(user, "INBOX",
                   "Subject: leak test " + std::to_string(i) + "\nMessage-ID: <leak" +
                       std::to_string(i) + "@t>\n\nbody " + std::to_string(i) + "\n");
  }
}

TEST_CASE("IMAP with a password: no output, trace, JSON, index or Maildir file holds it",
          "[integration][secrets]") {
  UsualUmask mask;
  DovecotServer& server = DovecotServer::Shared();
  CliHarness h(server);
  DeliverSome(server, h.user().name);
  server.CreateFolder(h.user().name, "Work");
  server.Deliver(h.user().name, "Work", "Subject: work\n\nwork\n");
  const std::string pw = h.user().password;
  const std::string wrong = "Wr0ng-leak-test-passw0rd";
  Emitted e;

  const std::string trace = h.dir() / "sync.trace";
  CommandResult sync = h.Run({"--trace", trace, "sync"});
  INFO(sync.out << sync.err);
  REQUIRE(sync.exit_code == 0);
  e.Add("sync", sync);
  // The trace shows the sign-in happened, with the secret replaced.
  const std::string trace_text = ReadFileOrEmpty(trace);
  CHECK(trace_text.find("<redacted>") != std::string::npos);
  CHECK(NotOwnerOnly(trace) == "");
  server.Deliver(h.user().name, "INBOX", "Subject: later\n\nlater\n");
  e.Add("sync --json", h.Run({"--json", "sync"}));
  e.Add("status --json", h.Run({"--json", "status"}));
  e.Add("status", h.Run({"status", "t"}));
  e.Add("folders", h.Run({"--trace", h.dir() / "folders.trace", "folders", "t"}));
  e.Add("verify", h.Run({"verify", "t"}));
  e.Add("login", h.Run({"login", "t"}));
  e.Add("check", h.Run({"--json", "check"}));

  // Refused sign-ins: the wrong password is as secret as the right one.
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"--trace", h.dir() / "wrong.trace", "sync"},
           {"--json", "sync"},
           {"--json", "status"},
           {"login", "t"},
           {"--trace", h.dir() / "wrong-folders.trace", "folders", "t"}}) {
    CommandResult r = RunWith(h, h.config(), wrong, args);
    e.Add("wrong password: " + args.back(), r);
    if (args.back() == "sync") CHECK(r.exit_code == 77);
  }

  // The same password through a file and a command.
  const std::string pw_file = WriteFile(h.dir() / "pw", pw + "\n");
  const std::string by_file =
      ConfigWithPassword(h, "file.toml", "password_file = \"" + pw_file + "\"");
  CommandResult file_sync = RunWith(h, by_file, "", {"--trace", h.dir() / "file.trace", "sync"});
  CHECK(file_sync.exit_code == 0);
  CHECK(file_sync.err.find("readable by group or others") == std::string::npos);
  e.Add("password_file sync", file_sync);
  // A password file others can read still works, with a warning naming it.
  chmod(pw_file.c_str(), 0644);
  CommandResult open_file = RunWith(h, by_file, "", {"sync"});
  CHECK(open_file.exit_code == 0);
  CHECK(open_file.err.find("accounts.t.password_file (" + pw_file +
                           "): readable by group or others (mode 0644); run chmod 600 on it") !=
        std::string::npos);
  e.Add("password_file 0644 sync", open_file);
  chmod(pw_file.c_str(), 0600);
  const std::string by_cmd =
      ConfigWithPassword(h, "cmd.toml", "password_cmd = \"printf %s '" + pw + "'\"");
  CommandResult cmd_sync =
      RunWith(h, by_cmd, "", {"--json", "--trace", h.dir() / "cmd.trace", "sync"});
  CHECK(cmd_sync.exit_code == 0);
  e.Add("password_cmd sync", cmd_sync);
  // `config check` shows where a secret comes from, but not a command that
  // prints it: that would be the password itself.
  CommandResult check_cmd = RunWith(h, by_cmd, "", {"config", "check"});
  CHECK(check_cmd.err.find("the command only prints text written here") != std::string::npos);
  e.Add("config check", check_cmd);
  e.Add("config check --json", RunWith(h, by_cmd, "", {"--json", "config", "check"}));
  const std::string bad_cmd =
      ConfigWithPassword(h, "badcmd.toml", "password_cmd = \"printf %s '" + wrong + "'; exit 3\"");
  CommandResult failing_cmd = RunWith(h, bad_cmd, "", {"sync"});
  CHECK(failing_cmd.exit_code != 0);
  e.Add("failing password_cmd", failing_cmd);

  e.AddTree(h.dir().path(), {h.config(), by_file, by_cmd, bad_cmd, pw_file});
  INFO(e.files() << " files, " << e.bytes() << " bytes searched");
  CHECK(fs::exists(h.account_dir() + "/.mailhoard.sqlite"));
  CHECK(e.files() >= 10);  // traces, the index, the Maildir files
  std::vector<std::string> secrets = Forms(h.user().name, pw);
  Append(&secrets, Forms(h.user().name, wrong));
  Leaks(e.FindAny(secrets));
  CHECK(NotOwnerOnly(h.dir() / "hoard") == "");
  for (const char* t : {"sync.trace", "wrong.trace", "file.trace", "cmd.trace"}) {
    CHECK(NotOwnerOnly(h.dir() / t) == "");
  }
}

TEST_CASE("POP3 with a password: no output, trace, index or Maildir file holds it",
          "[integration][secrets]") {
  UsualUmask mask;
  DovecotServer& server = DovecotServer::Shared();
  CliHarness h(server);
  h.WriteConfig(server.pop3_port(), "protocol = \"pop3\"\n");
  DeliverSome(server, h.user().name);
  const std::string wrong = "Wr0ng-pop3-leak-passw0rd";
  Emitted e;
  CommandResult sync = h.Run({"--trace", h.dir() / "pop3.trace", "sync"});
  INFO(sync.out << sync.err);
  REQUIRE(sync.exit_code == 0);
  e.Add("sync", sync);
  CHECK(ReadFileOrEmpty(h.dir() / "pop3.trace").find("<redacted>") != std::string::npos);
  e.Add("sync --json", h.Run({"--json", "sync"}));
  e.Add("status --json", h.Run({"--json", "status"}));
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"--trace", h.dir() / "pop3-wrong.trace", "sync"}, {"--json", "sync"}, {"login", "t"}}) {
    CommandResult r = RunWith(h, h.config(), wrong, args);
    e.Add("wrong password: " + args.back(), r);
    if (args.back() == "sync") CHECK(r.exit_code == 77);
  }
  e.AddTree(h.dir().path(), {h.config()});
  INFO(e.files() << " files, " << e.bytes() << " bytes searched");
  CHECK(e.files() >= 5);
  std::vector<std::string> secrets = Forms(h.user().name, h.user().password);
  Append(&secrets, Forms(h.user().name, wrong));
  Leaks(e.FindAny(secrets));
  CHECK(NotOwnerOnly(h.dir() / "hoard") == "");
}

TEST_CASE("a report mailed with an SMTP password holds neither password",
          "[integration][secrets]") {
  SmtpSink sink;
  DovecotOptions o;
  o.submission_relay_port = sink.port();
  std::unique_ptr<DovecotServer> submission = DovecotServer::Start(o);
  const mailhoard::testing::TestUser smtp_user = submission->CreateUser();
  CliHarness h(DovecotServer::Shared());
  DeliverSome(DovecotServer::Shared(), h.user().name);
  h.WriteConfig(0, "\n[report]\nsmtp_host = \"127.0.0.1\"\nsmtp_port = " +
                       std::to_string(submission->submission_port()) +
                       "\nsmtp_tls = \"starttls\"\ntls_ca_file = \"" + submission->ca_file() +
                       "\"\nuser = \"" + smtp_user.name + "\"\npassword_cmd = \"printf %s '" +
                       smtp_user.password +
                       "'\"\nfrom = \"hoard@example.org\"\nto = [\"admin@example.org\"]\n"
                       "when = \"always\"\n");
  Emitted e;
  CommandResult sync = h.Run({"--trace", h.dir() / "sync.trace", "sync"});
  INFO(sync.out << sync.err);
  CHECK(sync.exit_code == 0);
  e.Add("sync", sync);
  // A run that fails reports too, naming the failure (here: the sign-in).
  const std::string wrong = "Wr0ng-report-leak-passw0rd";
  CommandResult failed = RunWith(h, h.config(), wrong, {"sync"});
  CHECK(failed.exit_code == 77);
  e.Add("failed sync", failed);
  e.Add("report --test", h.Run({"report", "--test"}));
  const std::vector<SinkMessage> mails = sink.WaitFor(3);
  CHECK(mails.size() == 3);
  e.AddMail(mails);
  e.AddTree(h.dir().path(), {h.config()});
  std::vector<std::string> secrets = Forms(h.user().name, h.user().password);
  Append(&secrets, Forms(h.user().name, wrong));
  Append(&secrets, Forms(smtp_user.name, smtp_user.password));
  Leaks(e.FindAny(secrets));
}

// An OAuth2 account on a Dovecot that checks bearer tokens at the fake
// identity provider, reports through its submission service with XOAUTH2.
struct OAuthWorld {
  TempDir dir;
  SmtpSink sink;
  std::unique_ptr<FakeIdp> idp;
  std::unique_ptr<DovecotServer> dovecot;
  mailhoard::testing::TestUser user;
  const std::string client_secret = "cs-Leak-Test-Client-Secret-4f2a";

  OAuthWorld() {
    chmod(dir.path().c_str(), 0755);  // Dovecot's auth process reads the .ext file
    idp = std::make_unique<FakeIdp>(FakeIdpOptions{.tls = false});
    const std::string ext =
        WriteFile(dir / "dovecot-oauth2.conf.ext",
                  "introspection_mode = post\nintrospection_url = " + idp->introspection_url() +
                      "\nusername_attribute = username\nactive_attribute = active\n"
                      "active_value = true\n",
                  0644);
    DovecotOptions o;
    o.submission_relay_port = sink.port();
    o.extra_config = "auth_mechanisms = xoauth2 oauthbearer\nauth_failure_delay = 0\n";
    o.passdb_override =
        "passdb {\n  driver = oauth2\n  mechanisms = xoauth2 oauthbearer\n  args = " + ext +
        "\n}\n";
    dovecot = DovecotServer::Start(o);
    user = dovecot->CreateUser();
    idp->Control(nlohmann::json({{"user", user.name}}).dump());
    const std::string tenant = idp->TenantUrl("organizations");
    WriteFile(config(),
              "archive = \"" + dir.path() + "/archive\"\n[accounts.work]\nhost = \"127.0.0.1\"\n" +
                  "port = " + std::to_string(dovecot->imap_port()) +
                  "\ntls = \"none\"\nallow_plaintext = true\nuser = \"" + user.name +
                  "\"\nauth = \"xoauth2\"\nconnections = 1\n"
                  "[accounts.work.oauth]\nflow = \"auth_code\"\nclient_id = \"test-client\"\n"
                  "client_secret_env = \"MH_SECRET\"\n"
                  "token_url = \"" +
                  tenant +
                  "/oauth2/v2.0/token\"\n"
                  "authorize_url = \"" +
                  tenant +
                  "/oauth2/v2.0/authorize\"\n"
                  "token_file = \"" +
                  token_file() +
                  "\"\n"
                  "scopes = [\"https://outlook.office.com/IMAP.AccessAsUser.All\", "
                  "\"offline_access\"]\n"
                  "[report]\nsmtp_host = \"127.0.0.1\"\nsmtp_port = " +
                  std::to_string(dovecot->submission_port()) +
                  "\nsmtp_tls = \"none\"\nallow_plaintext = true\nauth = \"xoauth2\"\n"
                  "oauth_account = \"work\"\nfrom = \"hoard@example.org\"\n"
                  "to = [\"admin@example.org\"]\nwhen = \"always\"\n");
  }
  std::string config() const { return dir / "config.toml"; }
  std::string token_file() const { return dir / "state/work.json"; }

  std::vector<std::string> Argv(const std::vector<std::string>& args) const {
    std::vector<std::string> argv = {"env", "MH_SECRET=" + client_secret, MH_MAILHOARD_BIN, "-c",
                                     config()};
    argv.insert(argv.end(), args.begin(), args.end());
    return argv;
  }
  CommandResult Run(const std::vector<std::string>& args) const { return RunCommand(Argv(args)); }

  // `mailhoard login work` with the authorization code flow; the test plays
  // the browser. Returns what the login printed.
  std::string Login() const {
    std::string cmd;
    for (const auto& a : Argv({"login", "work"})) cmd += "'" + a + "' ";
    const std::string out = dir / "login.out", err = dir / "login.err";
    pid_t pid = fork();
    if (pid == 0) {
      execl("/bin/sh", "sh", "-c", ("exec " + cmd + ">'" + out + "' 2>'" + err + "'").c_str(),
            nullptr);
      _exit(127);
    }
    std::string text = mailhoard::testing::WaitForFileContaining(err, "Waiting for the browser");
    const size_t at = text.find("  http://");
    const size_t end = at == std::string::npos ? at : text.find('\n', at);
    REQUIRE(end != std::string::npos);
    const std::string redirect = idp->FollowAuthorize(text.substr(at + 2, end - at - 2));
    REQUIRE(redirect.find("code=code-") != std::string::npos);
    CHECK(FakeIdp::Get(redirect) == 200);
    CHECK(CliHarness::Wait(pid) == 0);
    return ReadFileOrEmpty(out) + ReadFileOrEmpty(err);
  }

  // Both tokens the store holds now.
  std::vector<std::string> StoredTokens() const {
    auto j = nlohmann::json::parse(ReadFileOrEmpty(token_file()));
    std::vector<std::string> out;
    for (const char* key : {"access_token", "refresh_token"}) {
      const std::string t = j.value(key, std::string());
      if (!t.empty()) out.push_back(t);
    }
    return out;
  }
};

TEST_CASE(
    "OAuth2: no token, client secret or authorization code in output, traces, JSON, the index, "
    "the archive or a report",
    "[integration][secrets]") {
  UsualUmask mask;
  OAuthWorld w;
  DeliverSome(*w.dovecot, w.user.name);
  Emitted e;
  std::vector<std::string> tokens;
  e.Add("login", w.Login());
  Append(&tokens, w.StoredTokens());
  REQUIRE(tokens.size() == 2);

  CommandResult sync = w.Run({"--trace", w.dir / "sync.trace", "--json", "sync"});
  INFO(sync.out << sync.err);
  CHECK(sync.exit_code == 0);
  e.Add("sync", sync);
  CHECK(ReadFileOrEmpty(w.dir / "sync.trace").find("<redacted>") != std::string::npos);
  e.Add("status --json", w.Run({"--json", "status"}));
  e.Add("folders", w.Run({"--trace", w.dir / "folders.trace", "folders", "work"}));
  e.Add("report --test", w.Run({"report", "--test"}));
  e.Add("config check", w.Run({"--json", "config", "check"}));

  // The sign-in revoked and the access token expired: refused runs.
  w.idp->Control(R"({"revoke_refresh_tokens": true, "expire_access_tokens": true})");
  Append(&tokens, w.StoredTokens());
  CommandResult denied = w.Run({"--trace", w.dir / "denied.trace", "--json", "sync"});
  CHECK(denied.exit_code == 77);
  e.Add("revoked sync", denied);

  // The sync's report and the test one; the revoked run's cannot sign in.
  const std::vector<SinkMessage> mails = w.sink.WaitFor(2);
  CHECK(mails.size() >= 2);
  e.AddMail(mails);
  // The token store holds tokens by design; it is not in the archive.
  e.AddTree(w.dir.path(), {w.config(), w.token_file()});
  INFO(e.files() << " files, " << e.bytes() << " bytes searched");
  CHECK(fs::exists(w.dir / "archive/work/.mailhoard.sqlite"));
  std::vector<std::string> secrets = Forms(w.user.name, w.client_secret);
  for (const std::string& t : tokens) Append(&secrets, Forms(w.user.name, t));
  Leaks(e.FindAny(secrets));
  Leaks(e.FindIdpTokens());
  CHECK(NotOwnerOnly(w.dir / "archive") == "");
  CHECK(NotOwnerOnly(w.token_file()) == "");
  CHECK(NotOwnerOnly(w.dir / "state") == "");
}

}  // namespace
}  // namespace mailhoard::cli::testing
