#include "cli/config_summary.h"

#include <nlohmann/json.hpp>
#include <sstream>

#include "cli/file_checks.h"

namespace mailhoard::cli {
namespace {

const char* KindName(SecretSource::Kind kind) {
  switch (kind) {
    case SecretSource::Kind::kCommand:
      return "command";
    case SecretSource::Kind::kFile:
      return "file";
    case SecretSource::Kind::kEnv:
      return "env";
    case SecretSource::Kind::kNone:
      break;
  }
  return "none";
}

// A command that prints a literal holds the secret itself: never shown.
constexpr std::string_view kLiteralHidden = "<prints a literal; not shown>";

bool IsLiteralCommand(const SecretSource& s) {
  return s.kind == SecretSource::Kind::kCommand && PrintsLiteral(s.value);
}

nlohmann::json SecretJson(const SecretSource& s) {
  if (!s.present()) return nullptr;
  return {{"source", KindName(s.kind)},
          {"value", IsLiteralCommand(s) ? std::string(kLiteralHidden) : s.value}};
}

std::string Join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

// What the connection will actually check, as `config check` shows it.
std::string TlsText(TlsMode mode, bool verify, const std::string& fingerprint,
                    const std::string& ca_file) {
  if (mode == TlsMode::kNone) return "none: PLAINTEXT, password and mail readable on the network";
  std::string out = ToString(mode) + std::string(mode == TlsMode::kImplicit
                                                     ? " (TLS from the first byte)"
                                                     : " (plaintext greeting, then STARTTLS)");
  out += ", TLS 1.2 or later; ";
  if (!fingerprint.empty()) return out + "certificate pinned to " + fingerprint;
  if (!verify) return out + "certificate NOT verified (tls_verify = false)";
  return out + "certificate verified against " +
         (ca_file.empty() ? "the system's CAs" : "tls_ca_file " + ca_file) + " and the host name";
}

}  // namespace

std::string DescribeSecretSource(const SecretSource& s) {
  switch (s.kind) {
    case SecretSource::Kind::kCommand:
      if (IsLiteralCommand(s)) return "command " + std::string(kLiteralHidden);
      return "command `" + s.value + "`";
    case SecretSource::Kind::kFile:
      return "file " + s.value;
    case SecretSource::Kind::kEnv:
      return "environment variable " + s.value;
    case SecretSource::Kind::kNone:
      break;
  }
  return "none";
}

std::string ConfigSummaryText(const Config& c) {
  std::ostringstream o;
  o << "config:  " << c.source_path << "\n";
  o << "archive: " << c.archive_root << "\n";
  for (const AccountConfig& a : c.accounts) {
    o << "\naccount " << a.name << "  -> " << a.archive_dir << "\n";
    o << "  server:      " << ToString(a.protocol) << " " << a.host << ":" << a.port << ", timeout "
      << a.timeout.count() << " s";
    if (a.provider != Provider::kNone) o << "  [preset " << ToString(a.provider) << "]";
    o << "\n  tls:         " << TlsText(a.tls, a.tls_verify, a.tls_fingerprint, a.tls_ca_file);
    o << "\n  login:       " << a.user << " via " << ToString(a.auth) << "\n";
    if (a.password.present())
      o << "  password:    from " << DescribeSecretSource(a.password) << "\n";
    if (a.oauth) {
      o << "  oauth:       " << ToString(a.oauth->flow) << " flow, client " << a.oauth->client_id;
      if (!a.oauth->tenant.empty()) o << ", tenant " << a.oauth->tenant;
      o << "\n  token url:   " << a.oauth->token_url << "\n";
      o << "  scopes:      " << Join(a.oauth->scopes) << "\n";
      o << "  tokens:      " << a.oauth->token_file << "\n";
      if (a.oauth->client_secret.present()) {
        o << "  secret:      from " << DescribeSecretSource(a.oauth->client_secret) << "\n";
      }
    }
    o << "  policy:      " << ToString(a.policy);
    if (a.delete_after_days) o << ", delete from server after " << *a.delete_after_days << " days";
    o << "\n  storage:     " << ToString(a.layout) << ", durability " << ToString(a.durability)
      << ", " << ToString(a.line_endings) << (a.dedupe ? ", dedupe" : "") << ", " << a.connections
      << (a.connections == 1 ? " connection" : " connections");
    if (a.protocol == Protocol::kImap) o << ", compress " << ToString(a.compress);
    o << "\n";
    if (a.protocol == Protocol::kImap) {
      o << "  folders:     include " << Join(a.folders.include);
      if (!a.folders.exclude.empty()) o << "; exclude " << Join(a.folders.exclude);
      o << "\n";
      if (!a.folders.preset_exclude.empty()) {
        o << "  preset:      excludes " << Join(a.folders.preset_exclude)
          << " (preset_excludes = false to sync them)\n";
      }
      for (const auto& [from, to] : a.folders.rename) {
        o << "  rename:      " << from << " -> " << to << "\n";
      }
    }
  }
  if (c.report) {
    o << "\nreport: smtp " << c.report->smtp_host << ":" << c.report->smtp_port << " tls "
      << TlsText(c.report->smtp_tls, true, "", c.report->tls_ca_file) << " to "
      << Join(c.report->to) << " when " << ToString(c.report->when) << " (+"
      << c.report->fallbacks.size() << " fallback route(s))\n";
  }
  return o.str();
}

std::string ConfigSummaryJson(const Config& c) {
  nlohmann::json j;
  j["config"] = c.source_path;
  j["archive"] = c.archive_root;
  j["warnings"] = c.warnings;
  j["accounts"] = nlohmann::json::array();
  for (const AccountConfig& a : c.accounts) {
    nlohmann::json aj = {
        {"name", a.name},
        {"archive_dir", a.archive_dir},
        {"provider",
         a.provider == Provider::kNone ? nullptr : nlohmann::json(ToString(a.provider))},
        {"protocol", ToString(a.protocol)},
        {"host", a.host},
        {"port", a.port},
        {"tls", ToString(a.tls)},
        {"tls_verify", a.tls_verify},
        {"timeout", a.timeout.count()},
        {"user", a.user},
        {"auth", ToString(a.auth)},
        {"password", SecretJson(a.password)},
        {"policy", ToString(a.policy)},
        {"connections", a.connections},
        {"layout", ToString(a.layout)},
        {"durability", ToString(a.durability)},
        {"line_endings", ToString(a.line_endings)},
        {"dedupe", a.dedupe},
        {"compress", ToString(a.compress)},
        {"folders",
         {{"include", a.folders.include},
          {"exclude", a.folders.exclude},
          {"preset_exclude", a.folders.preset_exclude},
          {"rename", a.folders.rename}}},
    };
    if (a.delete_after_days) aj["delete_after_days"] = *a.delete_after_days;
    if (!a.tls_fingerprint.empty()) aj["tls_fingerprint"] = a.tls_fingerprint;
    if (!a.tls_ca_file.empty()) aj["tls_ca_file"] = a.tls_ca_file;
    if (a.oauth) {
      aj["oauth"] = {{"flow", ToString(a.oauth->flow)},
                     {"client_id", a.oauth->client_id},
                     {"tenant", a.oauth->tenant},
                     {"token_url", a.oauth->token_url},
                     {"device_url", a.oauth->device_url},
                     {"authorize_url", a.oauth->authorize_url},
                     {"scopes", a.oauth->scopes},
                     {"token_file", a.oauth->token_file},
                     {"client_secret", SecretJson(a.oauth->client_secret)}};
    }
    j["accounts"].push_back(std::move(aj));
  }
  if (c.report) {
    j["report"] = {{"smtp_host", c.report->smtp_host},
                   {"smtp_port", c.report->smtp_port},
                   {"smtp_tls", ToString(c.report->smtp_tls)},
                   {"from", c.report->from},
                   {"to", c.report->to},
                   {"password", SecretJson(c.report->password)}};
  }
  return j.dump(2) + "\n";
}

}  // namespace mailhoard::cli
