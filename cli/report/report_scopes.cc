#include "cli/report/report_scopes.h"

#include <algorithm>

namespace mailhoard::cli {
namespace {

bool UsesAccount(const ReportRoute& r, const std::string& name) {
  return r.sendmail.empty() && IsOAuth(r.auth) && r.oauth_account == name;
}

}  // namespace

bool ReportUsesAccount(const Config& config, const AccountConfig& account) {
  if (!config.report) return false;
  if (UsesAccount(*config.report, account.name)) return true;
  return std::any_of(config.report->fallbacks.begin(), config.report->fallbacks.end(),
                     [&](const ReportRoute& r) { return UsesAccount(r, account.name); });
}

std::vector<std::string> SignInScopes(const Config& config, const AccountConfig& account) {
  if (!account.oauth) return {};
  std::vector<std::string> scopes = account.oauth->scopes;
  if (account.provider != Provider::kMicrosoft365 ||
      account.oauth->flow == OAuthFlow::kClientCredentials || !ReportUsesAccount(config, account)) {
    return scopes;
  }
  if (std::find(scopes.begin(), scopes.end(), kMicrosoftSmtpScope) == scopes.end()) {
    // Before offline_access, beside the other outlook.office.com scope:
    // Microsoft issues one token for the resource, covering both.
    auto at = std::find(scopes.begin(), scopes.end(), "offline_access");
    scopes.insert(at, kMicrosoftSmtpScope);
  }
  return scopes;
}

}  // namespace mailhoard::cli
