// A whole tenant through the real `mailhoard` binary: 200 mailboxes in a
// real Dovecot whose oauth2 passdb accepts one app-only token for every
// mailbox of the domain (as Exchange does for an app with FullAccess),
// client credentials at the fake identity provider, one mailbox refused.
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <thread>

#include "tests/support/dovecot_server.h"
#include "tests/support/fake_idp/fake_idp.h"
#include "tests/support/subprocess.h"

namespace mailhoard::e2e {
namespace {

namespace fs = std::filesystem;
using mailhoard::testing::CommandResult;
using mailhoard::testing::DovecotOptions;
using mailhoard::testing::DovecotServer;
using mailhoard::testing::FakeIdp;
using mailhoard::testing::FakeIdpOptions;
using mailhoard::testing::RunCommand;

constexpr int kMailboxes = 200;
const char* const kRefused = "m117@acme.test";

std::string Address(int i) {
  char buf[32];
  snprintf(buf, sizeof buf, "m%03d@acme.test", i);
  return buf;
}

struct Tenant {
  std::string dir;
  std::unique_ptr<FakeIdp> idp;
  std::unique_ptr<DovecotServer> dovecot;

  Tenant() {
    char tmpl[] = "/tmp/mailhoard-tenant-e2e-XXXXXX";
    dir = mkdtemp(tmpl);
    chmod(dir.c_str(), 0755);
    idp = std::make_unique<FakeIdp>(FakeIdpOptions{.tls = false});
    // Tokens of the app name a user of the tenant's domain; username_format
    // = %d compares only the domain, so one token opens every mailbox of
    // acme.test, like an app-only token with FullAccess on each.
    idp->Control(R"({"user": "app@acme.test"})");
    std::string ext = dir + "/dovecot-oauth2.conf.ext";
    std::ofstream(ext) << "introspection_mode = post\nintrospection_url = "
                       << idp->introspection_url()
                       << "\nusername_attribute = username\nusername_format = %d\n"
                          "active_attribute = active\nactive_value = true\n";
    chmod(ext.c_str(), 0644);
    // The refused mailbox: the app has no FullAccess on it.
    std::string denied = dir + "/denied";
    std::ofstream(denied) << kRefused << "\n";
    chmod(denied.c_str(), 0644);
    DovecotOptions o;
    o.ssl = false;
    o.extra_config = "auth_mechanisms = xoauth2 oauthbearer\nauth_failure_delay = 0\n";
    o.passdb_override = "passdb {\n  driver = passwd-file\n  deny = yes\n  args = " + denied +
                        "\n}\npassdb {\n  driver = oauth2\n  mechanisms = xoauth2 oauthbearer\n"
                        "  args = " +
                        ext + "\n}\n";
    dovecot = DovecotServer::Start(o);
    CreateMailboxes();
  }
  ~Tenant() {
    dovecot.reset();
    idp.reset();
    if (getenv("MAILHOARD_KEEP_TEST_DIRS") == nullptr) fs::remove_all(dir);
  }

  // 200 users of the passwd-file userdb, each with one message, written
  // directly (a doveadm run per user would take most of the test's time).
  void CreateMailboxes() {
    // The harness's own user tells which uid/gid owns test mail.
    const auto model = dovecot->CreateUser();
    std::ifstream in(dovecot->dir() + "/users/" + model.name);
    std::string line;
    std::getline(in, line);
    std::vector<std::string> f;
    std::stringstream ss(line);
    for (std::string part; std::getline(ss, part, ':');) f.push_back(part);
    const uid_t uid = static_cast<uid_t>(std::stoul(f.at(2)));
    const gid_t gid = static_cast<gid_t>(std::stoul(f.at(3)));
    std::ofstream list(dir + "/mailboxes.txt");
    list << "# every mailbox of acme.test\n";
    for (int i = 0; i < kMailboxes; ++i) {
      const std::string a = Address(i);
      list << a << (i % 50 == 0 ? "   # a comment\n" : "\n");
      const std::string home = dovecot->dir() + "/home/" + a;
      for (const char* sub : {"/Maildir/cur", "/Maildir/new", "/Maildir/tmp"}) {
        fs::create_directories(home + sub);
      }
      std::ofstream(home + "/Maildir/new/1700000000.M" + std::to_string(i) + "P1.acme")
          << "From: a@acme.test\nTo: " << a << "\nSubject: hello " << a << "\nMessage-ID: <" << i
          << "@acme.test>\n\nfor " << a << "\n";
      for (const auto& e : fs::recursive_directory_iterator(home)) {
        (void)chown(e.path().c_str(), uid, gid);
      }
      (void)chown(home.c_str(), uid, gid);
      std::ofstream(dovecot->dir() + "/users/" + a)
          << a << ":{PLAIN}unused:" << uid << ":" << gid << "::" << home << "::\n";
    }
  }

  std::string WriteConfig(const std::string& name, int parallel) {
    const std::string path = dir + "/" + name + ".toml";
    std::ofstream(path) << "archive = \"" << dir << "/" << name << "\"\n"
                        << "parallel_accounts = " << parallel << "\n"
                        << "[tenants.acme]\nhost = \"127.0.0.1\"\nport = " << dovecot->imap_port()
                        << "\ntls = \"none\"\nallow_plaintext = true\nconnections = 1\n"
                        // fsyncs are not under test here; 200 indexes of them are slow.
                        << "durability = \"none\"\n"
                        << "client_id = \"test-client\"\nclient_secret_cmd = \"echo test-secret\"\n"
                        << "token_url = \"" << idp->TenantUrl("acme") << "token\"\n"
                        << "scope = \"https://outlook.office365.com/.default\"\n"
                        << "token_file = \"" << dir << "/" << name << "-state/acme.json\"\n"
                        << "mailboxes_file = \"" << dir << "/mailboxes.txt\"\n";
    return path;
  }

  int TokenRequests() {
    return nlohmann::json::parse(idp->State())["stats"]["grants"].value("client_credentials", 0);
  }
};

CommandResult Mailhoard(const std::vector<std::string>& args,
                        const std::vector<std::string>& env = {}) {
  std::vector<std::string> argv = {"env"};
  argv.insert(argv.end(), env.begin(), env.end());
  argv.push_back(MH_MAILHOARD_BIN);
  argv.insert(argv.end(), args.begin(), args.end());
  return RunCommand(argv);
}

size_t MessageFiles(const std::string& account_dir) {
  size_t n = 0;
  if (!fs::exists(account_dir)) return 0;
  for (const auto& e : fs::recursive_directory_iterator(account_dir)) {
    if (e.is_regular_file() && e.path().parent_path().filename() == "cur") ++n;
  }
  return n;
}

TEST_CASE("tenant: 200 mailboxes on one app token, one refused, shards", "[integration]") {
  Tenant t;

  // One process archives every mailbox; the refused one fails alone.
  {
    const std::string config = t.WriteConfig("all", 8);
    const auto started = std::chrono::steady_clock::now();
    auto sync = Mailhoard({"-c", config, "--json", "sync", "acme"});
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    INFO(sync.err.substr(0, 4000));
    WARN("200 mailboxes, parallel_accounts 8: " << seconds << " s");
    CHECK(sync.exit_code == 77);  // one mailbox needs an administrator
    auto out = nlohmann::json::parse(sync.out);
    REQUIRE(out["accounts"].size() == kMailboxes);
    int archived = 0;
    for (const auto& a : out["accounts"]) {
      const std::string name = a["name"];
      if (name == std::string("acme/") + kRefused) {
        CHECK(a["exit_code"] == 77);
        const std::string error = a["error"];
        CHECK(error.find("Add-MailboxPermission -Identity m117@acme.test") != std::string::npos);
        CHECK(error.find("New-ServicePrincipal -AppId test-client") != std::string::npos);
        continue;
      }
      CHECK(a["exit_code"] == 0);
      CHECK(a["fetched"] == 1);
      archived += a["fetched"].get<int>();
    }
    CHECK(archived == kMailboxes - 1);
    CHECK(out["summary"]["ok"] == kMailboxes - 1);
    CHECK(out["summary"]["exit_codes"]["77"] ==
          nlohmann::json::array({std::string("acme/") + kRefused}));
    // Each mailbox in its own directory, named by its address.
    CHECK(MessageFiles(t.dir + "/all/acme/m000@acme.test") == 1);
    CHECK(MessageFiles(t.dir + "/all/acme/m199@acme.test") == 1);
    CHECK(MessageFiles(t.dir + "/all/acme/m117@acme.test") == 0);
    CHECK(sync.err.find("acme/m117@acme.test") != std::string::npos);
    // One token for the whole run, refused mailbox included.
    CHECK(t.TokenRequests() == 1);

    // The next run reuses the stored token and finds nothing new.
    auto again = Mailhoard({"-c", config, "sync", "acme/m005@acme.test"});
    INFO(again.err);
    CHECK(again.exit_code == 0);
    CHECK(again.out.find("acme/m005@acme.test: 0 new messages") != std::string::npos);
    CHECK(t.TokenRequests() == 1);
    // status and verify take a mailbox like an account.
    auto status = Mailhoard({"-c", config, "--json", "status", "acme/m005@acme.test"});
    CHECK(status.exit_code == 0);
    auto verify = Mailhoard({"-c", config, "verify", "acme/m005@acme.test"});
    INFO(verify.out << verify.err);
    CHECK(verify.exit_code == 0);
  }

  // N shards side by side, into a fresh archive, cover every mailbox once;
  // shard 1 is killed (SIGKILL: no chance to clean up) 1.5 s in and run
  // again, and completes its mailboxes, none of them twice.
  {
    constexpr int kShards = 4;
    constexpr int kKilled = 1;
    const std::string config = t.WriteConfig("shards", 4);
    std::vector<CommandResult> results(kShards);
    std::vector<std::thread> threads;
    for (int i = 0; i < kShards; ++i) {
      threads.emplace_back([&, i] {
        // As in a Kubernetes Indexed Job: the index from the environment.
        std::vector<std::string> env = {"JOB_COMPLETION_INDEX=" + std::to_string(i)};
        if (i == kKilled) {
          auto killed = Mailhoard({"-c", config, "-q", "sync", "--shard", "/4"},
                                  {env[0], "timeout", "-s", "KILL", "1.5"});
          CHECK(killed.exit_code == 128 + 9);
        }
        results[i] = Mailhoard({"-c", config, "--json", "sync", "--shard", "/4"}, env);
      });
    }
    for (auto& th : threads) th.join();
    std::map<std::string, int> seen;
    for (int i = 0; i < kShards; ++i) {
      INFO("shard " << i << ": " << results[i].err.substr(0, 2000));
      CHECK((results[i].exit_code == 0 || results[i].exit_code == 77));
      auto out = nlohmann::json::parse(results[i].out);
      CHECK(out["accounts"].size() > 20);  // FNV-1a spreads 200 addresses
      for (const auto& a : out["accounts"]) {
        ++seen[a["name"].get<std::string>()];
        if (a["name"] != std::string("acme/") + kRefused) CHECK(a["exit_code"] == 0);
      }
    }
    CHECK(seen.size() == kMailboxes);
    for (const auto& [name, n] : seen) {
      INFO(name);
      CHECK(n == 1);
    }
    for (int i = 0; i < kMailboxes; ++i) {
      if (Address(i) == kRefused) continue;
      INFO(Address(i));
      CHECK(MessageFiles(t.dir + "/shards/acme/" + Address(i)) == 1);
    }
    // One token per process at most (a shard may find another's stored
    // one): the first run, four shards and the killed one.
    CHECK(t.TokenRequests() <= 2 + kShards);

    // One status over the shards' archive: every mailbox, each once.
    auto status = Mailhoard({"-c", config, "--json", "status", "acme"});
    REQUIRE(status.exit_code == 0);
    auto merged = nlohmann::json::parse(status.out)["accounts"];
    CHECK(merged.size() == kMailboxes);
    int messages = 0;
    for (const auto& a : merged) {
      for (const auto& f : a.value("folders", nlohmann::json::array())) {
        messages += f.value("messages", 0);
      }
    }
    CHECK(messages == kMailboxes - 1);
  }
}

// Not part of the suite (hidden tag): `test_e2e_tenant "[bench]"` prints
// mailboxes per minute and peak RSS for 200 small mailboxes at
// parallel_accounts 1, 4 and 16 (recorded in bench/results/).
TEST_CASE("tenant bench: 200 small mailboxes at parallel_accounts 1, 4, 16", "[.][bench]") {
  Tenant t;
  std::printf("| parallel_accounts | wall s | mailboxes/min | peak RSS MB | exit |\n");
  std::printf("|---|---|---|---|---|\n");
  for (int parallel : {1, 4, 16}) {
    const std::string config = t.WriteConfig("bench" + std::to_string(parallel), parallel);
    const auto started = std::chrono::steady_clock::now();
    auto r = RunCommand(
        {"/usr/bin/time", "-f", "peak_rss_kb=%M", MH_MAILHOARD_BIN, "-q", "-c", config, "sync"});
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    const size_t at = r.err.rfind("peak_rss_kb=");
    const double rss_mb = at == std::string::npos ? -1 : std::stod(r.err.substr(at + 12)) / 1024;
    std::printf("| %d | %.1f | %.0f | %.1f | %d |\n", parallel, seconds, kMailboxes / seconds * 60,
                rss_mb, r.exit_code);
    std::fflush(stdout);
  }
}

}  // namespace
}  // namespace mailhoard::e2e
