// The app-only tokens of the tenants one process works on: one
// AppTokenSource per tenant, made when its first mailbox asks, so the client
// secret is resolved once and the token endpoint asked once per tenant, not
// once per mailbox. A command creates one and passes it to CredentialsFor().
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "cli/config_types.h"
#include "engine/auth/app_token_source.h"
#include "core/status.h"

namespace mailhoard::cli {

class TenantTokens {
 public:
  // `account` must be a tenant mailbox (account.tenant set). A failure to
  // set the source up (the client secret's command failed) is not cached:
  // each mailbox reports it.
  Result<std::shared_ptr<auth::AppTokenSource>> For(const AccountConfig& account,
                                                    std::vector<std::string>* warnings);

  // `status` with the missing admin step named, when a mailbox of a tenant
  // whose app token was issued refused to sign in (ExplainTenantAuthFailure);
  // otherwise `status` unchanged.
  Status Explain(const AccountConfig& account, const Status& status);

 private:
  std::mutex mu_;
  std::map<std::string, std::shared_ptr<auth::AppTokenSource>> by_tenant_;
};

// An authentication failure of a tenant mailbox, with the admin step that is
// most likely missing when the app's token was fine but the mailbox refused it.
Status ExplainTenantAuthFailure(const AccountConfig& account, const Status& status);

}  // namespace mailhoard::cli
