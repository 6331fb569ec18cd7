// Plain configuration structs for mailhoard, as read from config.toml.
//
// These carry no toml++ types so the engine-facing code (and its tests) can
// build a Config by hand. Every field is already validated and defaulted by
// ParseConfig(); docs/config.md documents each key.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace mailhoard::cli {

enum class Provider { kNone, kMicrosoft365, kGmail };
enum class Protocol { kImap, kPop3 };
enum class TlsMode { kImplicit, kStartTls, kNone };
enum class AuthMethod { kPlain, kLogin, kXoauth2, kOauthBearer, kUser, kApop };
// archive/mirror apply to IMAP, keep/drain to POP3.
enum class Policy { kArchive, kMirror, kKeep, kDrain };
enum class Layout { kMaildirPlusPlus, kNested };
enum class Durability { kFull, kBatch, kNone };
enum class LineEndings { kCrlf, kLf };
// COMPRESS=DEFLATE: auto = only when the server is not on this host or a
// private network.
enum class Compress { kAuto, kAlways, kNever };
enum class OAuthFlow { kDevice, kAuthCode, kClientCredentials };

// Where a secret comes from. The secret itself is only ever read by
// ResolveSecret() (credentials.h), never at parse time, so `config check`
// and error paths cannot leak it.
struct SecretSource {
  enum class Kind { kNone, kCommand, kFile, kEnv };
  Kind kind = Kind::kNone;
  std::string value;  // the command line, the (expanded) path, or the variable name
  std::string key;    // full config key for messages, e.g. "accounts.work.password_cmd"

  bool present() const { return kind != Kind::kNone; }
};

struct FolderSelection {
  // Glob patterns over decoded UTF-8 folder names: '*' matches anything,
  // '%' anything except the hierarchy delimiter.
  std::vector<std::string> include = {"*"};
  std::vector<std::string> exclude;
  // The provider preset's non-mail folders (Exchange's Calendar, Contacts,
  // …), left out unless `preset_excludes = false`.
  std::vector<std::string> preset_exclude;
  std::map<std::string, std::string> rename;  // remote name -> local name

  std::vector<std::string> AllExcludes() const {
    std::vector<std::string> all = exclude;
    all.insert(all.end(), preset_exclude.begin(), preset_exclude.end());
    return all;
  }
};

// [accounts.NAME.push]: what `mailhoard push NAME --to TARGET` sends.
struct PushRules {
  std::vector<std::string> include = {"*"};  // globs over archived folder names
  std::vector<std::string> exclude;
  std::map<std::string, std::string> rename;  // archived name -> target path ('/' levels)
};

struct OAuthConfig {
  OAuthFlow flow = OAuthFlow::kDevice;
  std::string client_id;
  std::string tenant;  // microsoft365 only; already substituted into the URLs
  SecretSource client_secret;
  std::string token_url;
  std::string device_url;     // device flow
  std::string authorize_url;  // auth_code flow
  std::vector<std::string> scopes;
  std::string ca_file;  // extra CA bundle for the token endpoint; empty = system store
  // The account's token store: `token_file`, else StateDir()/<name>.token.json.
  // Never in the archive, whose backups would carry a live refresh token.
  std::string token_file;
};

struct AccountConfig {
  std::string name;  // [A-Za-z0-9._-]+, not starting with '.'
  Provider provider = Provider::kNone;
  Protocol protocol = Protocol::kImap;
  std::string host;
  uint16_t port = 0;
  TlsMode tls = TlsMode::kImplicit;
  bool allow_plaintext = false;
  std::string tls_ca_file;
  std::string tls_fingerprint;  // "sha256:" + 64 lowercase hex digits, or empty
  bool tls_verify = true;
  std::string user;
  AuthMethod auth = AuthMethod::kPlain;
  SecretSource password;  // set iff auth is a password mechanism
  Policy policy = Policy::kArchive;
  std::optional<int> delete_after_days;  // POP3 keep only
  int connections = 4;
  Layout layout = Layout::kMaildirPlusPlus;
  Durability durability = Durability::kBatch;
  LineEndings line_endings = LineEndings::kCrlf;
  bool dedupe = false;
  Compress compress = Compress::kAuto;  // IMAP only
  // A connect, handshake step, read or write that makes no progress this
  // long fails the attempt (the server went silent).
  std::chrono::seconds timeout{60};
  FolderSelection folders;
  PushRules push;
  std::optional<OAuthConfig> oauth;  // set iff auth is xoauth2/oauthbearer
  std::string archive_dir;           // <archive_root>/<name>
  // Mailboxes of a [tenants.T] table (tenant_config.h): name is "T/address",
  // archive_dir <archive_root>/T/<MailboxDirName(address)>. Empty otherwise.
  std::string tenant;
  std::string address;
};

// When `sync` mails a report: after a failed run, after every run, or when
// the outcome differs from the previous run's (broke / recovered).
enum class ReportWhen { kFailure, kAlways, kChanges };

// One way to send a report: an SMTP submission server, or a local
// sendmail-compatible program.
struct ReportRoute {
  std::string key;       // "report" or "report.fallback[2]", for messages
  std::string sendmail;  // set: this route runs the program instead of SMTP
  std::string smtp_host;
  uint16_t smtp_port = 0;
  TlsMode smtp_tls = TlsMode::kStartTls;
  bool allow_plaintext = false;
  std::string tls_ca_file;  // extra CA bundle; empty = system store
  std::string ehlo;         // EHLO name; empty = this host's name
  // Meaningful when user or oauth_account is set: plain | login, or
  // xoauth2 | oauthbearer with the sign-in of oauth_account.
  AuthMethod auth = AuthMethod::kPlain;
  std::string user;  // empty = no SMTP AUTH (for bearer: the account's user)
  SecretSource password;
  std::string oauth_account;  // an [accounts.NAME] whose OAuth2 tokens are reused

  bool authenticates() const { return !user.empty(); }
};

// Reports sent at the end of `sync` (and by `mailhoard report --test`).
struct ReportConfig : ReportRoute {
  std::string from;
  std::vector<std::string> to;
  ReportWhen when = ReportWhen::kFailure;
  std::vector<ReportRoute> fallbacks;  // tried in order when the primary fails
};

// Thresholds of `mailhoard check` (docs/config.md lists the defaults).
struct CheckConfig {
  int last_success_warning_hours = 24;
  int last_success_critical_hours = 72;
  // Microsoft expires refresh tokens unused for 90 days.
  int token_idle_warning_days = 75;
  int token_idle_critical_days = 85;
  // Consecutive runs in which the same folder failed.
  int folder_failures_warning = 3;
  int folder_failures_critical = 10;
  int disk_free_warning_percent = 10;
  int disk_free_critical_percent = 5;
};

struct Config {
  std::string archive_root;  // absolute, ~ and $VARS expanded
  // [accounts.NAME] in file order, then every mailbox of every [tenants.T].
  std::vector<AccountConfig> accounts;
  std::vector<std::string> tenants;  // names of the [tenants.T] tables
  // How many accounts `sync` runs at once in one process (each keeps its own
  // connection cap); 1 = one after another.
  int parallel_accounts = 1;
  std::optional<ReportConfig> report;
  CheckConfig check;
  std::string source_path;
  // Loud opt-outs and adjustments ("file:line:col: ..."), for the caller to show.
  std::vector<std::string> warnings;

  const AccountConfig* FindAccount(const std::string& name) const {
    for (const auto& a : accounts)
      if (a.name == name) return &a;
    return nullptr;
  }
};

bool IsPasswordAuth(AuthMethod auth);
bool IsOAuth(AuthMethod auth);

// The spelling used in config.toml, e.g. "starttls", "maildir++".
const char* ToString(Provider v);
const char* ToString(Protocol v);
const char* ToString(TlsMode v);
const char* ToString(AuthMethod v);
const char* ToString(Policy v);
const char* ToString(Layout v);
const char* ToString(Durability v);
const char* ToString(Compress v);
const char* ToString(LineEndings v);
const char* ToString(OAuthFlow v);
const char* ToString(ReportWhen v);

}  // namespace mailhoard::cli
