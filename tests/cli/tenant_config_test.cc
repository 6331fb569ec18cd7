#include "cli/tenant_config.h"

#include <catch2/catch.hpp>

#include "cli/account_selection.h"
#include "cli/config.h"
#include "tests/cli/test_util.h"

namespace mailhoard::cli {
namespace {

using testing::FakeEnv;
using testing::TempDir;
using testing::WriteFile;

const EnvLookup kEnv = FakeEnv({{"HOME", "/home/alice"}, {"XDG_STATE_HOME", "/state"}});

struct Fixture {
  TempDir dir;
  std::string list = WriteFile(dir / "mailboxes.txt",
                               "# everyone\nalice@contoso.com\nBob@Contoso.com  # CEO\n\n"
                               "carol@contoso.com\n");

  std::string Tenant(const std::string& extra = "") const {
    return "archive = \"/a\"\n"
           "[tenants.contoso]\n"
           "provider = \"microsoft365\"\n"
           "client_id = \"app-id\"\n"
           "tenant_id = \"contoso.onmicrosoft.com\"\n"
           "client_secret_env = \"SECRET\"\n"
           "mailboxes_file = \"" +
           list + "\"\n" + extra;
  }
  Result<Config> Parse(const std::string& text) const { return ParseConfig(text, "t.toml", kEnv); }
  std::string ErrorOf(const std::string& text) const {
    Result<Config> c = Parse(text);
    REQUIRE_FALSE(c.ok());
    return c.status().message();
  }
};

TEST_CASE("a tenant expands to one account per listed mailbox", "[tenant][config]") {
  Fixture f;
  Result<Config> c = f.Parse(f.Tenant());
  INFO(c.status().message());
  REQUIRE(c.ok());
  REQUIRE(c->accounts.size() == 3);
  CHECK(c->tenants == std::vector<std::string>{"contoso"});
  const AccountConfig& bob = c->accounts[1];
  CHECK(bob.name == "contoso/Bob@Contoso.com");
  CHECK(bob.tenant == "contoso");
  CHECK(bob.address == "Bob@Contoso.com");
  CHECK(bob.user == "Bob@Contoso.com");
  CHECK(bob.archive_dir == "/a/contoso/bob@contoso.com");
  CHECK(bob.host == "outlook.office365.com");
  CHECK(bob.port == 993);
  CHECK(bob.auth == AuthMethod::kXoauth2);
  CHECK(bob.connections == 3);
  // The preset's non-mail folders, as for an ordinary account.
  CHECK_FALSE(bob.folders.preset_exclude.empty());
  REQUIRE(bob.oauth);
  CHECK(bob.oauth->flow == OAuthFlow::kClientCredentials);
  CHECK(bob.oauth->client_id == "app-id");
  CHECK(bob.oauth->tenant == "contoso.onmicrosoft.com");
  CHECK(bob.oauth->token_url ==
        "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token");
  CHECK(bob.oauth->scopes == std::vector<std::string>{"https://outlook.office365.com/.default"});
  CHECK(bob.oauth->client_secret.kind == SecretSource::Kind::kEnv);
  CHECK(bob.oauth->client_secret.key == "tenants.contoso.client_secret_env");
  // One token for the whole tenant.
  CHECK(bob.oauth->token_file == "/state/mailhoard/contoso.tenant-token.json");
  CHECK(c->accounts[0].oauth->token_file == bob.oauth->token_file);
  CHECK(c->parallel_accounts == 1);
}

TEST_CASE("tenant settings, folder rules and per-mailbox overrides", "[tenant][config]") {
  Fixture f;
  Result<Config> c = f.Parse("parallel_accounts = 8\n" +
                             f.Tenant("connections = 2\n"
                                      "scope = \"api://x/.default\"\n"
                                      "token_url = \"http://127.0.0.1:9/t\"\n"
                                      "[tenants.contoso.folders]\n"
                                      "exclude = [\"Junk*\"]\n"
                                      "[tenants.contoso.mailboxes.\"bob@contoso.com\"]\n"
                                      "connections = 1\n"
                                      "policy = \"mirror\"\n"
                                      "folders.include = [\"INBOX\"]\n"));
  INFO(c.status().message());
  REQUIRE(c.ok());
  CHECK(c->parallel_accounts == 8);
  const AccountConfig& alice = c->accounts[0];
  const AccountConfig& bob = c->accounts[1];
  CHECK(alice.connections == 2);
  CHECK(alice.policy == Policy::kArchive);
  CHECK(alice.folders.exclude == std::vector<std::string>{"Junk*"});
  CHECK(alice.folders.include == std::vector<std::string>{"*"});
  CHECK(alice.oauth->scopes == std::vector<std::string>{"api://x/.default"});
  CHECK(alice.oauth->token_url == "http://127.0.0.1:9/t");
  CHECK(bob.connections == 1);
  CHECK(bob.policy == Policy::kMirror);
  CHECK(bob.folders.include == std::vector<std::string>{"INBOX"});
  CHECK(bob.folders.exclude == std::vector<std::string>{"Junk*"});
}

TEST_CASE("tenants sit beside ordinary accounts and select as a whole", "[tenant][config]") {
  Fixture f;
  Result<Config> c =
      f.Parse(f.Tenant() + "[accounts.home]\nhost = \"h\"\nuser = \"u\"\npassword_env = \"P\"\n");
  INFO(c.status().message());
  REQUIRE(c.ok());
  REQUIRE(c->accounts.size() == 4);
  CHECK(c->accounts[0].name == "home");
  auto all = SelectAccounts(*c, {"contoso"});
  REQUIRE(all.ok());
  CHECK(all->size() == 3);
  auto one = SelectAccounts(*c, {"contoso/carol@contoso.com", "home"});
  REQUIRE(one.ok());
  REQUIRE(one->size() == 2);
  CHECK((*one)[0]->address == "carol@contoso.com");
  CHECK(SelectAccounts(*c, {"contoso/carl@contoso.com"}).status().message() ==
        "no account \"contoso/carl@contoso.com\" in t.toml (did you mean "
        "\"contoso/carol@contoso.com\"?)");
}

TEST_CASE("a tenant's mailboxes shard by address", "[tenant][selection]") {
  Fixture f;
  Result<Config> c = f.Parse(f.Tenant());
  REQUIRE(c.ok());
  CHECK(ShardKey(c->accounts[1]) == "bob@contoso.com");
  size_t total = 0;
  for (int i = 0; i < 2; ++i) total += SelectAccounts(*c, {}, Shard{i, 2})->size();
  CHECK(total == 3);
}

TEST_CASE("a mailbox list from a command", "[tenant][config]") {
  Fixture f;
  std::string text =
      "archive = \"/a\"\n[tenants.t]\nhost = \"127.0.0.1\"\n"
      "client_id = \"c\"\nclient_secret_env = \"S\"\n"
      "token_url = \"http://127.0.0.1:1/token\"\nscope = \"s/.default\"\n"
      "mailboxes_cmd = \"printf 'x@y.org\\\\n# no\\\\nz@y.org\\\\n'\"\n";
  Result<Config> c = f.Parse(text);
  INFO(c.status().message());
  REQUIRE(c.ok());
  REQUIRE(c->accounts.size() == 2);
  CHECK(c->accounts[1].name == "t/z@y.org");
  CHECK(c->accounts[1].auth == AuthMethod::kXoauth2);
  CHECK(c->accounts[1].port == 993);
  CHECK(f.ErrorOf("archive = \"/a\"\n[tenants.t]\nhost = \"h\"\nclient_id = \"c\"\n"
                  "client_secret_env = \"S\"\ntoken_url = \"http://127.0.0.1:1/t\"\n"
                  "scope = \"s\"\nmailboxes_cmd = \"echo a@b; echo oops\"\n") ==
        "tenants.t.mailboxes_cmd output:2: \"oops\": expected an address like "
        "user@example.com");
}

TEST_CASE("tenant config errors are located", "[tenant][config][errors]") {
  Fixture f;
  WriteFile(f.list, "a@contoso.com\nnot-an-address\n");
  CHECK(f.ErrorOf(f.Tenant()) ==
        f.list + ":2: \"not-an-address\": expected an address like user@example.com");
  WriteFile(f.list, "a@contoso.com\nb@contoso.com\nA@contoso.com\n");
  CHECK(f.ErrorOf(f.Tenant()) == f.list + ":3: A@contoso.com is already listed on line 1");
  WriteFile(f.list, "# nobody yet\n");
  CHECK(f.ErrorOf(f.Tenant()) == f.list + ": no mailboxes listed");
  WriteFile(f.list, "a@contoso.com\n");

  CHECK(f.ErrorOf(f.Tenant("[tenants.contoso.mailboxes.\"b@contoso.com\"]\nconnections = 1\n")) ==
        "t.toml:8:28: tenants.contoso.mailboxes.\"b@contoso.com\": not in the mailbox list (" +
            f.list + ")");
  CHECK(f.ErrorOf(f.Tenant("[tenants.contoso.mailboxes.\"a@contoso.com\"]\nuser = \"x\"\n")) ==
        "t.toml:9:1: tenants.contoso.mailboxes.\"a@contoso.com\".user: unknown key; "
        "expected one of host, port, policy, delete_after_days, connections, layout, "
        "durability, line_endings, dedupe, folders, compress");
  CHECK(f.ErrorOf(f.Tenant("password_env = \"P\"\n"))
            .starts_with("t.toml:8:1: tenants.contoso.password_env: unknown key"));
  CHECK(f.ErrorOf(f.Tenant("auth = \"plain\"\n")) ==
        "t.toml:8:8: tenants.contoso.auth: a tenant's mailboxes sign in with the app's token: "
        "use xoauth2 or oauthbearer");
  CHECK(f.ErrorOf("archive = \"/a\"\n[tenants.c]\nprovider = \"microsoft365\"\n"
                  "client_id = \"x\"\nclient_secret_env = \"S\"\nmailboxes_file = \"" +
                  f.list + "\"\n") ==
        "t.toml:2:1: [tenants.c]: tenant_id is required: your directory (tenant) ID or its "
        "domain, e.g. \"contoso.onmicrosoft.com\"");
  CHECK(f.ErrorOf("archive = \"/a\"\n[tenants.c]\nprovider = \"microsoft365\"\n"
                  "client_id = \"x\"\ntenant_id = \"t\"\nmailboxes_file = \"" +
                  f.list + "\"\n") ==
        "t.toml:2:1: [tenants.c]: the app's client secret is required: set one of "
        "client_secret_cmd, client_secret_file, client_secret_env");
  CHECK(f.ErrorOf("archive = \"/a\"\n[tenants.c]\nprovider = \"microsoft365\"\n"
                  "client_id = \"x\"\ntenant_id = \"t\"\nclient_secret_env = \"S\"\n") ==
        "t.toml:2:1: [tenants.c]: the mailboxes are required: set mailboxes_file or "
        "mailboxes_cmd (one address per line, '#' comments)");
  CHECK(f.ErrorOf(f.Tenant("mailboxes_cmd = \"true\"\n")) ==
        "t.toml:8:1: tenants.contoso.mailboxes_cmd: give one of mailboxes_file and "
        "mailboxes_cmd, not both");
  CHECK(f.ErrorOf(f.Tenant() + "[accounts.contoso]\nhost = \"h\"\nuser = \"u\"\n"
                               "password_env = \"P\"\n") ==
        "t.toml:2:10: tenants.contoso: is also the name of an [accounts.contoso] table");
  CHECK(f.ErrorOf("archive = \"/a\"\nparallel_accounts = 0\n" + f.Tenant().substr(15))
            .starts_with("t.toml:2:21: parallel_accounts: expected"));
}

}  // namespace
}  // namespace mailhoard::cli
