#include "cli/config.h"
#include "engine/sync/folder_filter.h"

#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>

#include "cli/config_summary.h"
#include "cli/example_config.h"
#include "tests/cli/test_util.h"

namespace mailhoard::cli {
namespace {

using testing::FakeEnv;

const EnvLookup kEnv = FakeEnv({{"HOME", "/home/alice"}, {"MAILROOT", "/srv/mail"}});

Result<Config> Parse(const std::string& text) { return ParseConfig(text, "t.toml", kEnv); }

// Parses `text`, which must fail, and returns the error message.
std::string ErrorOf(const std::string& text) {
  Result<Config> c = Parse(text);
  REQUIRE_FALSE(c.ok());
  CHECK(c.status().code() == ErrorCode::kInvalidArgument);
  return c.status().message();
}

// A minimal valid password account, for tests that add one key to it.
const std::string kBase = R"(archive = "/a"
[accounts.work]
host = "mail.example.org"
user = "u"
password_env = "PW"
)";

std::string ReadExampleFile() {
  std::ifstream in(MH_EXAMPLE_CONFIG);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST_CASE("the embedded example is docs/config.example.toml", "[config]") {
  const std::string file = ReadExampleFile();
  REQUIRE_FALSE(file.empty());
  CHECK(ExampleConfigText() == file);
}

TEST_CASE("the full example config parses with every account filled in", "[config]") {
  Result<Config> c = ParseConfig(ExampleConfigText(), "config.example.toml", kEnv);
  INFO(c.status().message());
  REQUIRE(c.ok());
  CHECK(c->archive_root == "/home/alice/Mail/hoard");
  REQUIRE(c->accounts.size() == 4);
  // File order, not toml++'s sorted order.
  CHECK(c->accounts[0].name == "work");
  CHECK(c->accounts[1].name == "personal");
  CHECK(c->accounts[2].name == "home");
  CHECK(c->accounts[3].name == "legacy");

  const AccountConfig& work = c->accounts[0];
  CHECK(work.provider == Provider::kMicrosoft365);
  CHECK(work.host == "outlook.office365.com");
  CHECK(work.port == 993);
  CHECK(work.auth == AuthMethod::kXoauth2);
  CHECK(work.connections == 3);
  CHECK(work.archive_dir == "/home/alice/Mail/hoard/work");
  CHECK(work.folders.exclude == std::vector<std::string>{"Junk Email", "Deleted Items"});
  CHECK(work.folders.rename.at("Sent Items") == "Sent");
  REQUIRE(work.oauth);
  CHECK(work.oauth->client_id == "00000000-0000-0000-0000-000000000000");
  CHECK(work.oauth->token_url ==
        "https://login.microsoftonline.com/organizations/oauth2/v2.0/token");

  const AccountConfig& home = c->accounts[2];
  CHECK(home.auth == AuthMethod::kPlain);
  CHECK(home.password.kind == SecretSource::Kind::kCommand);
  CHECK(home.password.value == "pass show mail/home");
  CHECK(home.password.key == "accounts.home.password_cmd");
  CHECK_FALSE(home.oauth);

  const AccountConfig& legacy = c->accounts[3];
  CHECK(legacy.protocol == Protocol::kPop3);
  CHECK(legacy.port == 995);
  CHECK(legacy.policy == Policy::kKeep);
  CHECK(legacy.delete_after_days == 30);
  CHECK(legacy.connections == 1);
  CHECK(legacy.password.value == "/home/alice/.config/mailhoard/legacy.password");

  REQUIRE(c->report);
  CHECK(c->report->smtp_port == 465);
  CHECK(c->report->to == std::vector<std::string>{"admin@example.org"});
  CHECK(c->warnings.empty());
}

TEST_CASE("defaults for a plain imap account", "[config]") {
  Result<Config> c = Parse(kBase);
  REQUIRE(c.ok());
  const AccountConfig& a = c->accounts[0];
  CHECK(a.protocol == Protocol::kImap);
  CHECK(a.port == 993);
  CHECK(a.tls == TlsMode::kImplicit);
  CHECK(a.tls_verify);
  CHECK(a.auth == AuthMethod::kPlain);
  CHECK(a.policy == Policy::kArchive);
  CHECK(a.connections == 4);
  CHECK(a.layout == Layout::kMaildirPlusPlus);
  CHECK(a.durability == Durability::kBatch);
  CHECK(a.line_endings == LineEndings::kCrlf);
  CHECK(a.compress == Compress::kAuto);
  CHECK(a.folders.include == std::vector<std::string>{"*"});
  CHECK(c->source_path == "t.toml");
}

TEST_CASE("OAuth tokens live in the state directory, or in token_file", "[config]") {
  const std::string m365 = R"(archive = "/a"
[accounts.work]
provider = "microsoft365"
user = "u@example.org"
[accounts.work.oauth]
client_id = "c"
)";
  Result<Config> home = Parse(m365);
  REQUIRE(home.ok());
  CHECK(home->accounts[0].oauth->token_file ==
        "/home/alice/.local/state/mailhoard/work.token.json");
  Result<Config> xdg = ParseConfig(
      m365, "t.toml", FakeEnv({{"HOME", "/home/alice"}, {"XDG_STATE_HOME", "/var/lib/u"}}));
  REQUIRE(xdg.ok());
  CHECK(xdg->accounts[0].oauth->token_file == "/var/lib/u/mailhoard/work.token.json");
  Result<Config> custom = Parse(m365 + "token_file = \"~/secret/work.json\"\n");
  REQUIRE(custom.ok());
  CHECK(custom->accounts[0].oauth->token_file == "/home/alice/secret/work.json");
  Result<Config> nowhere = ParseConfig(m365, "t.toml", FakeEnv({}));
  REQUIRE_FALSE(nowhere.ok());
  CHECK(nowhere.status().message().find("token_file is needed") != std::string::npos);
  // Password accounts have no tokens and need no state directory.
  CHECK(ParseConfig(kBase, "t.toml", FakeEnv({})).ok());
}

TEST_CASE("the microsoft365 preset leaves Exchange's non-mail folders out", "[config]") {
  const std::string m365 = R"(archive = "/a"
[accounts.work]
provider = "microsoft365"
user = "u@example.org"
[accounts.work.oauth]
client_id = "c"
)";
  Result<Config> c = Parse(m365);
  REQUIRE(c.ok());
  const FolderSelection& f = c->accounts[0].folders;
  CHECK(f.exclude.empty());
  sync::FolderFilter filter(f.include, f.AllExcludes());
  for (const char* name :
       {"Calendar", "Calendar/Birthdays", "Contacts", "Contacts/Skype", "Tasks", "Notes", "Journal",
        "Conversation History", "Conversation History/Team Chat", "Sync Issues",
        "Sync Issues/Conflicts", "Sync Issues/Local Failures", "Outbox"}) {
    INFO(name);
    CHECK_FALSE(filter.Matches(name, '/'));
  }
  for (const char* name : {"INBOX", "Sent Items", "Archive", "Inbox/Calendar invites",
                           "Calendars of 2019", "Notes from meetings"}) {
    INFO(name);
    CHECK(filter.Matches(name, '/'));
  }
  // Overridable: all of them come back, and the user's own excludes stay.
  Result<Config> all = Parse(m365 +
                             "[accounts.work.folders]\npreset_excludes = false\n"
                             "exclude = [\"Junk Email\"]\n");
  REQUIRE(all.ok());
  const FolderSelection& g = all->accounts[0].folders;
  CHECK(g.preset_exclude.empty());
  sync::FolderFilter everything(g.include, g.AllExcludes());
  CHECK(everything.Matches("Calendar", '/'));
  CHECK_FALSE(everything.Matches("Junk Email", '/'));
  // Other providers and plain servers exclude nothing by default.
  Result<Config> plain = Parse(kBase);
  REQUIRE(plain.ok());
  CHECK(plain->accounts[0].folders.preset_exclude.empty());
}

TEST_CASE("ports follow protocol and tls", "[config]") {
  CHECK(Parse(kBase + "tls = \"starttls\"\n")->accounts[0].port == 143);
  CHECK(Parse(kBase + "protocol = \"pop3\"\n")->accounts[0].port == 995);
  CHECK(Parse(kBase + "protocol = \"pop3\"\ntls = \"starttls\"\n")->accounts[0].port == 110);
  CHECK(Parse(kBase + "port = 1993\n")->accounts[0].port == 1993);
  CHECK(Parse(kBase + "protocol = \"pop3\"\n")->accounts[0].auth == AuthMethod::kUser);
}

TEST_CASE("archive paths expand ~ and $VARS and must be absolute", "[config]") {
  const std::string rest = kBase.substr(kBase.find('\n'));
  CHECK(Parse("archive = \"$MAILROOT/x/\"" + rest)->archive_root == "/srv/mail/x");
  CHECK(Parse("archive = \"${MAILROOT}y\"" + rest)->archive_root == "/srv/maily");
  CHECK(ErrorOf("archive = \"rel/dir\"" + rest) ==
        "t.toml:1:11: archive: must be an absolute path (after ~ and $VAR expansion), got "
        "\"rel/dir\"");
  CHECK(ErrorOf("archive = \"$NOPE/x\"" + rest) ==
        "t.toml:1:11: archive: environment variable $NOPE is not set");
  CHECK(ErrorOf(rest) ==
        "t.toml: archive is required: the directory that holds one folder per "
        "account, e.g. archive = \"~/Mail/hoard\"");
}

TEST_CASE("syntax errors carry file, line and column", "[config][errors]") {
  const std::string m = ErrorOf("archive = \"/a\"\n[accounts.work\nhost = \"x\"\n");
  CHECK(m.rfind("t.toml:2:", 0) == 0);
  CHECK(m.find("syntax error") != std::string::npos);
}

TEST_CASE("one pass reports every error, in file order, without echoes of a typo") {
  const std::string text = R"(archive = "/a"
parallel_acounts = 2
[accounts.one]
hots = "mail.example.org"
user = "u"
password_env = "PW"
polcy = "mirror"
[accounts.two]
host = "mail.example.org"
port = "993"
user = "u"
password_env = "PW"
[accounts.three]
host = "mail.example.org"
user = "u"
password_env = "PW"
)";
  const std::string m = ErrorOf(text);
  INFO(m);
  CHECK(m ==
        "t.toml:2:1: parallel_acounts: unknown key (did you mean \"parallel_accounts\"?)\n"
        "t.toml:4:1: accounts.one.hots: unknown key (did you mean \"host\"?)\n"
        "t.toml:7:1: accounts.one.polcy: unknown key (did you mean \"policy\"?)\n"
        "t.toml:10:8: accounts.two.port: expected an integer from 1 to 65535, got a string");
  // The misspelt host is not reported again as a missing one.
  CHECK(m.find("required") == std::string::npos);
}

TEST_CASE("unknown keys are errors at every level, with suggestions", "[config][errors]") {
  CHECK(ErrorOf("archve = \"/a\"\n") ==
        "t.toml:1:1: archve: unknown key (did you mean \"archive\"?)");
  CHECK(ErrorOf(kBase + "delete_after_day = 3\n") ==
        "t.toml:6:1: accounts.work.delete_after_day: unknown key (did you mean "
        "\"delete_after_days\"?)");
  CHECK(ErrorOf(kBase + "[accounts.work.folders]\nexlude = []\n") ==
        "t.toml:7:1: accounts.work.folders.exlude: unknown key (did you mean \"exclude\"?)");
  CHECK(ErrorOf(kBase + "[report]\nsmtp_hots = \"x\"\n") ==
        "t.toml:7:1: report.smtp_hots: unknown key (did you mean \"smtp_host\"?)");
  // Far from every known key: no suggestion, the list instead.
  const std::string far = ErrorOf(kBase + "[accounts.work.folders]\nzzzzzz = 1\n");
  CHECK(far ==
        "t.toml:7:1: accounts.work.folders.zzzzzz: unknown key; expected one of include, "
        "exclude, preset_excludes, rename");
}

TEST_CASE("the first unknown key in file order is reported", "[config][errors]") {
  // toml++ sorts keys; "aaa" sorts first but comes second in the file.
  CHECK(ErrorOf(kBase + "zzz = 1\naaa = 2\n").find("accounts.work.zzz") != std::string::npos);
}

TEST_CASE("wrong types name what was expected", "[config][errors]") {
  CHECK(ErrorOf(kBase + "port = \"993\"\n") ==
        "t.toml:6:8: accounts.work.port: expected an integer from 1 to 65535, got a string");
  CHECK(ErrorOf(kBase + "tls_verify = \"no\"\n") ==
        "t.toml:6:14: accounts.work.tls_verify: expected true or false, got a string");
  CHECK(ErrorOf(kBase + "host2 = 1\n").find("unknown key") != std::string::npos);
  CHECK(ErrorOf(kBase + "[accounts.work.folders]\ninclude = \"*\"\n") ==
        "t.toml:7:11: accounts.work.folders.include: expected an array of strings, got a "
        "string");
  CHECK(ErrorOf(kBase + "[accounts.work.folders]\ninclude = [\"a\", 1]\n") ==
        "t.toml:7:17: accounts.work.folders.include: expected an array of strings, found an "
        "integer in it");
  CHECK(ErrorOf("archive = \"/a\"\naccounts = 3\n") ==
        "t.toml:2:12: accounts: expected a table, got an integer");
}

TEST_CASE("out-of-range values", "[config][errors]") {
  CHECK(ErrorOf(kBase + "connections = 17\n") ==
        "t.toml:6:15: accounts.work.connections: expected an integer from 1 to 16, got 17");
  CHECK(ErrorOf(kBase + "port = 0\n") ==
        "t.toml:6:8: accounts.work.port: expected an integer from 1 to 65535, got 0");
  CHECK(ErrorOf(kBase + "host2 = 1\n").find("host2") != std::string::npos);
}

TEST_CASE("wrong enum values list the choices", "[config][errors]") {
  CHECK(ErrorOf(kBase + "tls = \"tsl\"\n") ==
        "t.toml:6:7: accounts.work.tls: expected one of implicit, starttls, none, got \"tsl\"");
  CHECK(ErrorOf(kBase + "layout = \"maildir\"\n") ==
        "t.toml:6:10: accounts.work.layout: expected one of maildir++, nested, got "
        "\"maildir\" (did you mean \"maildir++\"?)");
  CHECK(ErrorOf(kBase + "policy = \"drain\"\n") ==
        "t.toml:6:10: accounts.work.policy: imap expected one of archive, mirror, got \"drain\"");
  CHECK(ErrorOf(kBase + "auth = \"apop\"\n") ==
        "t.toml:6:8: accounts.work.auth: imap expected one of plain, login, xoauth2, "
        "oauthbearer, got \"apop\"");
}

TEST_CASE("missing required keys", "[config][errors]") {
  CHECK(ErrorOf("archive = \"/a\"\n[accounts.work]\nuser = \"u\"\npassword_env = \"P\"\n") ==
        "t.toml:2:1: [accounts.work]: host is required (or a provider preset: provider = "
        "\"microsoft365\" or \"gmail\")");
  CHECK(ErrorOf("archive = \"/a\"\n[accounts.work]\nhost = \"h\"\npassword_env = \"P\"\n") ==
        "t.toml:2:1: [accounts.work]: user is required: the login name on the server");
  CHECK(ErrorOf("archive = \"/a\"\n") ==
        "t.toml: no accounts: add at least one [accounts.NAME] table (or a [tenants.NAME] "
        "with mailboxes)");
}

TEST_CASE("password sources: exactly one for password auths", "[config][errors]") {
  CHECK(ErrorOf("archive = \"/a\"\n[accounts.work]\nhost = \"h\"\nuser = \"u\"\n") ==
        "t.toml:2:1: [accounts.work]: auth = plain needs a password source: set one of "
        "password_cmd, password_file, password_env");
  CHECK(ErrorOf(kBase + "password_cmd = \"pass x\"\n") ==
        "t.toml:6:1: accounts.work.password_cmd: conflicts with password_env: give exactly one "
        "of password_cmd, password_file, password_env");
  CHECK(ErrorOf(kBase + "auth = \"xoauth2\"\n[accounts.work.oauth]\nclient_id = \"c\"\n"
                        "token_url = \"https://t\"\ndevice_url = \"https://d\"\n"
                        "scopes = [\"s\"]\n") ==
        "t.toml:5:1: accounts.work.password_env: not used with auth = xoauth2 (tokens come "
        "from the [accounts.work.oauth] table)");
}

TEST_CASE("password_env takes a variable name, not its value", "[config][errors]") {
  const std::string head = "archive = \"/a\"\n[accounts.w]\nhost = \"h\"\nuser = \"u\"\n";
  CHECK(ErrorOf(head + "password_env = \"$PW\"\n") ==
        "t.toml:5:16: accounts.w.password_env: expected the name of an environment variable "
        "(letters, digits, '_', without '$'), got \"$PW\"");
  CHECK_FALSE(Parse(head + "password_env = \"1PW\"\n").ok());
  CHECK(Parse(head + "password_env = \"MAIL_PW_2\"\n")->accounts[0].password.value == "MAIL_PW_2");
}

TEST_CASE("a pasted secret is not echoed in the error", "[config][errors][secrets]") {
  const std::string head = "archive = \"/a\"\n[accounts.w]\nhost = \"h\"\nuser = \"u\"\n";
  const std::string e = ErrorOf(head + "password_env = \"Hunter2-pasted!\"\n");
  CHECK(e ==
        "t.toml:5:16: accounts.w.password_env: expected the name of an environment variable "
        "(letters, digits, '_', without '$'), got something else (not shown)");
  CHECK_THAT(e, !Catch::Contains("Hunter2"));
}

TEST_CASE("a literal password or client secret in the config is refused, unechoed",
          "[config][errors][secrets]") {
  const std::string literal = "Lit3ral-S3cret";
  const std::string account = "archive = \"/a\"\n[accounts.w]\nhost = \"h\"\nuser = \"u\"\n";
  std::string e = ErrorOf(account + "password = \"" + literal + "\"\n");
  CHECK(e ==
        "t.toml:5:1: accounts.w.password: a secret is never written in the config itself; use "
        "password_cmd (e.g. a password manager), password_file or password_env");

  std::string oauth = account +
                      "auth = \"xoauth2\"\n[accounts.w.oauth]\nclient_id = \"c\"\n"
                      "token_url = \"https://t\"\ndevice_url = \"https://d\"\n"
                      "scopes = [\"s\"]\nclient_secret = \"" +
                      literal + "\"\n";
  e = ErrorOf(oauth);
  CHECK_THAT(e, Catch::Contains("accounts.w.oauth.client_secret: a secret is never written"));
  CHECK_THAT(e, !Catch::Contains(literal));

  const std::string report = kBase +
                             "[report]\nsmtp_host = \"s\"\nfrom = \"a@b\"\nto = [\"c@d\"]\n"
                             "user = \"u\"\npassword = \"" +
                             literal + "\"\n";
  e = ErrorOf(report);
  CHECK_THAT(e, Catch::Contains("report.password: a secret is never written"));
  CHECK_THAT(e, !Catch::Contains(literal));

  const std::string tenant =
      "archive = \"/a\"\n[tenants.acme]\nprovider = \"microsoft365\"\n"
      "tenant_id = \"t\"\nclient_id = \"c\"\nclient_secret = \"" +
      literal + "\"\nmailboxes_cmd = \"true\"\n";
  e = ErrorOf(tenant);
  CHECK_THAT(e, Catch::Contains("tenants.acme.client_secret: a secret is never written"));
  CHECK_THAT(e, !Catch::Contains(literal));
}

TEST_CASE("the summary does not show a password_cmd that prints a literal", "[config][secrets]") {
  const std::string head = "archive = \"/a\"\n[accounts.w]\nhost = \"h\"\nuser = \"u\"\n";
  Result<Config> c = Parse(head + "password_cmd = \"printf %s 'Lit3ral-S3cret'\"\n");
  REQUIRE(c.ok());
  const std::string text = ConfigSummaryText(*c);
  CHECK(text.find("password:    from command <prints a literal; not shown>") != std::string::npos);
  CHECK(text.find("Lit3ral") == std::string::npos);
  CHECK(ConfigSummaryJson(*c).find("Lit3ral") == std::string::npos);
  c = Parse(head + "password_cmd = \"pass show mail/w\"\n");
  REQUIRE(c.ok());
  CHECK(ConfigSummaryText(*c).find("from command `pass show mail/w`") != std::string::npos);
}

TEST_CASE("account names are restricted to a safe charset", "[config][errors]") {
  for (const char* bad : {"\"my work\"", "\"../x\"", "\".hidden\"", "\"a/b\"", "\"\""}) {
    INFO(bad);
    const std::string m = ErrorOf(std::string("archive = \"/a\"\n[accounts.") + bad +
                                  "]\nhost = \"h\"\nuser = \"u\"\npassword_env = \"P\"\n");
    CHECK(m.rfind("t.toml:2:11: accounts.", 0) == 0);
    CHECK(m.find("account names become directory names") != std::string::npos);
  }
  CHECK(Parse("archive = \"/a\"\n[accounts.\"Work.old_2-x\"]\nhost = \"h\"\nuser = \"u\"\n"
              "password_env = \"P\"\n")
            .ok());
}

TEST_CASE("tls none needs allow_plaintext and warns", "[config][errors]") {
  CHECK(ErrorOf(kBase + "tls = \"none\"\n") ==
        "t.toml:6:7: accounts.work.tls: \"none\" sends your password and mail unencrypted; set "
        "allow_plaintext = true to confirm that is intended");
  Result<Config> c = Parse(kBase + "tls = \"none\"\nallow_plaintext = true\n");
  REQUIRE(c.ok());
  CHECK(c->accounts[0].port == 143);
  REQUIRE(c->warnings.size() == 1);
  CHECK(c->warnings[0].rfind("t.toml:6:7: accounts.work.tls: TLS is off", 0) == 0);
}

TEST_CASE("tls_verify = false warns unless a fingerprint is pinned", "[config]") {
  Result<Config> c = Parse(kBase + "tls_verify = false\n");
  REQUIRE(c.ok());
  REQUIRE(c->warnings.size() == 1);
  CHECK(c->warnings[0].find("NOT verified") != std::string::npos);
  std::string fp = "sha256:";
  for (int i = 0; i < 32; ++i) fp += (i ? ":" : "") + std::string("Ab");
  c = Parse(kBase + "tls_verify = false\ntls_fingerprint = \"" + fp + "\"\n");
  REQUIRE(c.ok());
  CHECK(c->warnings.empty());
  std::string normalized = "sha256:";
  for (int i = 0; i < 32; ++i) normalized += "ab";
  CHECK(c->accounts[0].tls_fingerprint == normalized);
  CHECK(ErrorOf(kBase + "tls_fingerprint = \"sha1:AB\"\n").find("expected \"sha256:\"") !=
        std::string::npos);
  // One hex digit short.
  CHECK_FALSE(Parse(kBase + "tls_fingerprint = \"" + fp.substr(0, fp.size() - 1) + "\"\n").ok());
  // The prefix is case-insensitive, as openssl prints "SHA256".
  c = Parse(kBase + "tls_fingerprint = \"SHA256:" + fp.substr(7) + "\"\n");
  REQUIRE(c.ok());
  CHECK(c->accounts[0].tls_fingerprint == normalized);
}

TEST_CASE("policy and pop3 constraints", "[config][errors]") {
  const std::string pop = kBase + "protocol = \"pop3\"\n";
  CHECK(Parse(pop + "policy = \"drain\"\n")->accounts[0].policy == Policy::kDrain);
  CHECK(ErrorOf(pop + "policy = \"drain\"\ndelete_after_days = 3\n")
            .find("accounts.work.delete_after_days: only applies to") != std::string::npos);
  CHECK(Parse(kBase + "compress = \"never\"\n")->accounts[0].compress == Compress::kNever);
  CHECK(Parse(kBase + "compress = \"always\"\n")->accounts[0].compress == Compress::kAlways);
  CHECK(ErrorOf(kBase + "compress = true\n").find("accounts.work.compress") != std::string::npos);
  CHECK(ErrorOf(pop + "compress = \"always\"\n")
            .find("accounts.work.compress: only applies to imap") != std::string::npos);
  CHECK(ErrorOf(pop + "connections = 2\n") ==
        "t.toml:7:15: accounts.work.connections: pop3 allows one session per mailbox; use 1");
  CHECK(ErrorOf(pop + "[accounts.work.folders]\ninclude = [\"*\"]\n")
            .find("folder selection is imap only") != std::string::npos);
  CHECK(ErrorOf(kBase + "[accounts.work.folders]\nrename = { a = \"X\", b = \"X\" }\n")
            .find("two folders renamed to \"X\"") != std::string::npos);
}

TEST_CASE("timeout: seconds a silent server is waited for, 1 to 3600", "[config]") {
  CHECK(Parse(kBase)->accounts[0].timeout == std::chrono::seconds(60));
  CHECK(Parse(kBase + "timeout = 5\n")->accounts[0].timeout == std::chrono::seconds(5));
  CHECK(Parse(kBase + "protocol = \"pop3\"\ntimeout = 2\n")->accounts[0].timeout ==
        std::chrono::seconds(2));
  CHECK(ErrorOf(kBase + "timeout = 0\n").find("accounts.work.timeout") != std::string::npos);
  CHECK(ErrorOf(kBase + "timeout = \"5s\"\n").find("accounts.work.timeout") != std::string::npos);
}

TEST_CASE("every truncation of the example is parsed or rejected cleanly", "[config]") {
  // Ninja's habit: a config cut at any byte must give a located error or a
  // valid config, never a crash, an exception or an unlocated message.
  const std::string_view text = ExampleConfigText();
  for (size_t n = 0; n <= text.size(); ++n) {
    Result<Config> c = ParseConfig(text.substr(0, n), "cut.toml", kEnv);
    if (!c.ok()) {
      INFO("cut at " << n << ": " << c.status().message());
      CHECK(c.status().code() == ErrorCode::kInvalidArgument);
      CHECK(c.status().message().rfind("cut.toml", 0) == 0);
    }
  }
}

TEST_CASE("report table", "[config]") {
  const std::string head = kBase + "[report]\nsmtp_host = \"smtp.x.org\"\nfrom = \"a@x.org\"\n";
  Result<Config> c = Parse(head + "to = \"ops@x.org\"\n");
  INFO(c.status().ToString());
  REQUIRE(c.ok());
  REQUIRE(c->report);
  CHECK(c->report->smtp_port == 587);  // submission with STARTTLS by default
  CHECK(c->report->smtp_tls == TlsMode::kStartTls);
  CHECK(c->report->to == std::vector<std::string>{"ops@x.org"});
  CHECK(c->report->when == ReportWhen::kFailure);
  CHECK_FALSE(c->report->password.present());
  c = Parse(head +
            "to = [\"a@x.org\", \"b@x.org\"]\nsmtp_tls = \"implicit\"\nuser = \"u\"\n"
            "password_env = \"SMTP_PW\"\nwhen = \"always\"\n");
  INFO(c.status().ToString());
  REQUIRE(c.ok());
  CHECK(c->report->smtp_port == 465);
  CHECK(c->report->to.size() == 2);
  CHECK(c->report->when == ReportWhen::kAlways);
  CHECK(c->report->password.key == "report.password_env");
  CHECK(ErrorOf(kBase + "[report]\nsmtp_host = \"s\"\nto = \"t@x.org\"\n") ==
        "t.toml:6:1: [report]: from is required: the sender address of reports");
  CHECK(ErrorOf(head + "to = \"t@x.org\"\nuser = \"u\"\n").find("user is set, so one of") !=
        std::string::npos);
  CHECK(ErrorOf(head + "to = \"t@x.org\"\nsmtp_tls = \"none\"\n").find("allow_plaintext") !=
        std::string::npos);
}

}  // namespace
}  // namespace mailhoard::cli

namespace mailhoard::cli {
namespace {

TEST_CASE("config check shows the report route and when it mails", "[config]") {
  auto c = ParseConfig(
      "archive = \"/a\"\n[accounts.work]\nhost = \"imap.example.org\"\nuser = \"u\"\n"
      "password_env = \"PW\"\n[report]\nsmtp_host = \"smtp.example.org\"\n"
      "from = \"a@example.org\"\nto = \"b@example.org\"\n[[report.fallback]]\n"
      "sendmail = \"/usr/sbin/sendmail\"\n",
      "t.toml", {});
  INFO(c.status().ToString());
  REQUIRE(c.ok());
  std::string text = ConfigSummaryText(*c);
  CHECK(text.find("smtp.example.org:587") != std::string::npos);
  CHECK(text.find("when failure") != std::string::npos);
  CHECK(text.find("+1 fallback") != std::string::npos);
}

}  // namespace
}  // namespace mailhoard::cli
