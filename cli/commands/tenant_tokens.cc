#include "cli/commands/tenant_tokens.h"

#include "cli/commands/account_session.h"

namespace mailhoard::cli {

Result<std::shared_ptr<auth::AppTokenSource>> TenantTokens::For(
    const AccountConfig& account, std::vector<std::string>* warnings) {
  if (account.tenant.empty() || !account.oauth) {
    return InternalError("account " + account.name + " is not a tenant mailbox");
  }
  // Held while the secret is resolved, so mailboxes starting together run
  // client_secret_cmd once.
  std::lock_guard lock(mu_);
  auto it = by_tenant_.find(account.tenant);
  if (it != by_tenant_.end()) return it->second;
  MH_ASSIGN_OR_RETURN(auth::OAuthEndpoints endpoints, OAuthEndpointsFor(account, warnings));
  AccountConfig named = account;
  named.name = account.tenant;  // messages name the tenant, whose token it is
  auto source = std::make_shared<auth::AppTokenSource>(auth::TokenStore(TokenStorePath(account)),
                                                       MakeOAuthClient(named, endpoints));
  by_tenant_.emplace(account.tenant, source);
  return source;
}

Status TenantTokens::Explain(const AccountConfig& account, const Status& status) {
  if (account.tenant.empty() || status.code() != ErrorCode::kAuth) return status;
  std::shared_ptr<auth::AppTokenSource> source;
  {
    std::lock_guard lock(mu_);
    auto it = by_tenant_.find(account.tenant);
    if (it != by_tenant_.end()) source = it->second;
  }
  // No token: the app itself was refused, and the token endpoint's message
  // (a wrong secret, no admin consent) already says why.
  if (!source || !source->HasToken()) return status;
  return ExplainTenantAuthFailure(account, status);
}

Status ExplainTenantAuthFailure(const AccountConfig& account, const Status& status) {
  if (account.tenant.empty() || status.code() != ErrorCode::kAuth) return status;
  const std::string app = account.oauth ? account.oauth->client_id : "<client id>";
  return Status::Error(
      status.code(),
      status.message() + " — the app's token was issued, so " + account.address +
          " refused the app itself. In Exchange Online PowerShell, check the two per-tenant "
          "steps of docs/tenant.md: New-ServicePrincipal -AppId " +
          app +
          " -ServiceId <object ID of the Enterprise application> (once per tenant), and "
          "Add-MailboxPermission -Identity " +
          account.address + " -User <that ServiceId> -AccessRights FullAccess",
      status.scope(), status.retry());
}

}  // namespace mailhoard::cli
