#include "cli/report_parser.h"

#include <algorithm>

#include "cli/account_parser.h"

namespace mailhoard::cli {
namespace {

// Keys a route may have; [report] adds the message keys.
constexpr std::string_view kRouteKeys[] = {
    "sendmail",      "smtp_host",    "smtp_port",    "smtp_tls", "allow_plaintext",
    "tls_ca_file",   "ehlo",         "auth",         "user",     "password_cmd",
    "password_file", "password_env", "oauth_account"};
constexpr std::string_view kMessageKeys[] = {"from", "to", "when", "on_success", "fallback"};

// Addresses go into the envelope and the From/To headers: anything that
// could end a header line or an SMTP command is refused.
bool IsPlausibleAddress(const std::string& a) {
  if (a.find('@') == std::string::npos || a.front() == '@' || a.back() == '@') return false;
  return std::none_of(a.begin(), a.end(), [](char c) {
    return c == '\r' || c == '\n' || c == ' ' || c == '\t' || c == '<' || c == '>' || c == ',' ||
           c == '"';
  });
}

Status ParseRoute(const TableReader& r, const std::vector<AccountConfig>& accounts,
                  ReportRoute* route) {
  route->key = r.path();
  MH_RETURN_IF_ERROR(r.ReadPath("sendmail", &route->sendmail));
  if (!route->sendmail.empty()) {
    for (std::string_view k : kRouteKeys) {
      if (k != "sendmail" && r.Has(k)) {
        return r.KeyError(k, "a sendmail route takes no SMTP settings");
      }
    }
    return Status::Ok();
  }
  MH_RETURN_IF_ERROR(r.ReadString("smtp_host", &route->smtp_host));
  if (route->smtp_host.empty()) {
    return r.TableError("smtp_host is required (or sendmail = \"/usr/sbin/sendmail\")");
  }
  MH_RETURN_IF_ERROR(r.ReadEnum<TlsMode>("smtp_tls", kTlsModeNames, &route->smtp_tls));
  MH_RETURN_IF_ERROR(r.ReadBool("allow_plaintext", &route->allow_plaintext));
  if (route->smtp_tls == TlsMode::kNone && !route->allow_plaintext) {
    return r.ValueError("smtp_tls",
                        "\"none\" sends reports (and any SMTP password) unencrypted; "
                        "set allow_plaintext = true to confirm that is intended");
  }
  // RFC 8314: 465 for implicit TLS submission; 587 for STARTTLS submission.
  int64_t port = route->smtp_tls == TlsMode::kImplicit   ? 465
                 : route->smtp_tls == TlsMode::kStartTls ? 587
                                                         : 25;
  MH_RETURN_IF_ERROR(r.ReadInt("smtp_port", 1, 65535, &port));
  route->smtp_port = static_cast<uint16_t>(port);
  MH_RETURN_IF_ERROR(r.ReadPath("tls_ca_file", &route->tls_ca_file));
  MH_RETURN_IF_ERROR(r.ReadString("ehlo", &route->ehlo));
  if (route->ehlo.find_first_of(" \t\r\n/") != std::string::npos) {
    return r.ValueError("ehlo", "a host name, e.g. \"backup.example.org\"");
  }
  MH_RETURN_IF_ERROR(r.ReadEnum<AuthMethod>("auth", kAuthMethodNames, &route->auth));
  if (route->auth == AuthMethod::kUser || route->auth == AuthMethod::kApop) {
    return r.ValueError("auth", "SMTP takes plain, login, xoauth2 or oauthbearer");
  }
  MH_RETURN_IF_ERROR(r.ReadString("user", &route->user));
  MH_RETURN_IF_ERROR(ReadSecretSource(r, "password", &route->password));
  MH_RETURN_IF_ERROR(r.ReadString("oauth_account", &route->oauth_account));
  if (IsOAuth(route->auth)) {
    if (route->oauth_account.empty()) {
      return r.TableError("auth = \"" + std::string(ToString(route->auth)) +
                          "\" reuses an account's OAuth2 sign-in: set oauth_account = \"NAME\"");
    }
    auto it = std::find_if(accounts.begin(), accounts.end(),
                           [&](const AccountConfig& a) { return a.name == route->oauth_account; });
    if (it == accounts.end()) {
      return r.ValueError("oauth_account", "no account \"" + route->oauth_account + "\"");
    }
    if (!IsOAuth(it->auth)) {
      return r.ValueError("oauth_account",
                          "account \"" + route->oauth_account + "\" does not sign in with OAuth2");
    }
    if (route->password.present()) {
      return r.KeyError(route->password.key.substr(route->password.key.rfind('.') + 1),
                        "xoauth2/oauthbearer use the account's tokens, not a password");
    }
    if (route->user.empty()) route->user = it->user;
    return Status::Ok();
  }
  if (!route->oauth_account.empty()) {
    return r.KeyError("oauth_account", "needs auth = \"xoauth2\" or \"oauthbearer\"");
  }
  if (!route->user.empty() && !route->password.present()) {
    return r.TableError(
        "user is set, so one of password_cmd, password_file, password_env is "
        "needed too");
  }
  if (route->user.empty() && route->password.present()) {
    return r.TableError("a password source is set but user is not");
  }
  return Status::Ok();
}

}  // namespace

Result<ReportConfig> ParseReport(const TableReader& r, const std::vector<AccountConfig>& accounts,
                                 const ParseContext& ctx) {
  std::vector<std::string_view> known(std::begin(kRouteKeys), std::end(kRouteKeys));
  known.insert(known.end(), std::begin(kMessageKeys), std::end(kMessageKeys));
  MH_RETURN_IF_ERROR(r.CheckKeys(known));
  ReportConfig rep;
  MH_RETURN_IF_ERROR(ParseRoute(r, accounts, &rep));
  MH_RETURN_IF_ERROR(r.ReadString("from", &rep.from));
  if (rep.from.empty()) return r.TableError("from is required: the sender address of reports");
  if (!IsPlausibleAddress(rep.from)) return r.ValueError("from", "a bare address, e.g. a@b.org");
  if (r.Has("to") && r.table().get("to")->is_string()) {
    std::string one;
    MH_RETURN_IF_ERROR(r.ReadString("to", &one));
    rep.to = {one};
  } else {
    MH_RETURN_IF_ERROR(r.ReadStringArray("to", &rep.to));
  }
  if (rep.to.empty()) return r.TableError("to is required: one address or an array of them");
  for (const auto& to : rep.to) {
    if (!IsPlausibleAddress(to)) return r.ValueError("to", "bare addresses, e.g. \"a@b.org\"");
  }
  MH_RETURN_IF_ERROR(r.ReadEnum<ReportWhen>("when", kReportWhenNames, &rep.when));
  // on_success predates `when`; kept so that existing configs still work.
  bool on_success = false;
  MH_RETURN_IF_ERROR(r.ReadBool("on_success", &on_success));
  if (r.Has("on_success") && r.Has("when")) {
    return r.KeyError("on_success", "set only when (on_success = true is when = \"always\")");
  }
  if (on_success) rep.when = ReportWhen::kAlways;

  if (const toml::node* f = r.table().get("fallback")) {
    const toml::array* arr = f->as_array();
    if (arr == nullptr || !arr->is_array_of_tables()) {
      return r.ValueError("fallback", "an array of tables: [[report.fallback]]");
    }
    for (size_t i = 0; i < arr->size(); ++i) {
      TableReader fr(*arr->get(i)->as_table(),
                     r.KeyPath("fallback") + "[" + std::to_string(i) + "]", ctx);
      MH_RETURN_IF_ERROR(fr.CheckKeys(kRouteKeys));
      ReportRoute route;
      MH_RETURN_IF_ERROR(ParseRoute(fr, accounts, &route));
      rep.fallbacks.push_back(std::move(route));
    }
  }
  return rep;
}

Result<CheckConfig> ParseCheck(const TableReader& r) {
  CheckConfig c;
  struct Key {
    std::string_view name;
    int* field;
    int64_t max;
  };
  const Key keys[] = {
      {"last_success_warning_hours", &c.last_success_warning_hours, 24 * 365},
      {"last_success_critical_hours", &c.last_success_critical_hours, 24 * 365},
      {"token_idle_warning_days", &c.token_idle_warning_days, 3650},
      {"token_idle_critical_days", &c.token_idle_critical_days, 3650},
      {"folder_failures_warning", &c.folder_failures_warning, 1000},
      {"folder_failures_critical", &c.folder_failures_critical, 1000},
      {"disk_free_warning_percent", &c.disk_free_warning_percent, 99},
      {"disk_free_critical_percent", &c.disk_free_critical_percent, 99},
  };
  std::vector<std::string_view> names;
  for (const auto& k : keys) names.push_back(k.name);
  MH_RETURN_IF_ERROR(r.CheckKeys(names));
  for (const auto& k : keys) {
    int64_t v = *k.field;
    MH_RETURN_IF_ERROR(r.ReadInt(k.name, 1, k.max, &v));
    *k.field = static_cast<int>(v);
  }
  auto ordered = [&](std::string_view warn, int w, std::string_view crit, int c2, bool higher) {
    bool ok = higher ? c2 >= w : c2 <= w;
    return ok ? Status::Ok()
              : r.TableError(std::string(crit) + " must be " + (higher ? "at least " : "at most ") +
                             std::string(warn));
  };
  MH_RETURN_IF_ERROR(ordered("last_success_warning_hours", c.last_success_warning_hours,
                             "last_success_critical_hours", c.last_success_critical_hours, true));
  MH_RETURN_IF_ERROR(ordered("token_idle_warning_days", c.token_idle_warning_days,
                             "token_idle_critical_days", c.token_idle_critical_days, true));
  MH_RETURN_IF_ERROR(ordered("folder_failures_warning", c.folder_failures_warning,
                             "folder_failures_critical", c.folder_failures_critical, true));
  MH_RETURN_IF_ERROR(ordered("disk_free_warning_percent", c.disk_free_warning_percent,
                             "disk_free_critical_percent", c.disk_free_critical_percent, false));
  return c;
}

}  // namespace mailhoard::cli
