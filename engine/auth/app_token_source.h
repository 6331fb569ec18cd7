// AppTokenSource: the one app-only (client-credentials) token of a tenant,
// shared by every mailbox a process syncs.
//
// Client-credential tokens are tenant-wide: one token opens every mailbox
// the app may access, so a thousand mailboxes need one token request, not a
// thousand (Entra ID throttles token requests per app). There is no refresh
// token and no sign-in: a token is requested whenever the cached one is
// within kRefreshMargin of expiry, and saved to the TokenStore so the next
// run (or another shard on the same volume) starts with it.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>

#include "engine/auth/oauth2_client.h"
#include "engine/auth/token_store.h"

namespace mailhoard::auth {

class AppTokenSource final : public TokenSource {
 public:
  static constexpr std::chrono::minutes kRefreshMargin = OAuthTokenProvider::kRefreshMargin;
  // A token this young that a server refuses was refused for the mailbox
  // (no FullAccess, service principal not registered), not for being stale:
  // ForceRefresh() hands it out again instead of asking for another, so one
  // refused mailbox cannot make every mailbox's refusal a token request.
  static constexpr std::chrono::minutes kTrustedAge{2};

  // Whether a token is due for renewal is the client's clock's call.
  AppTokenSource(TokenStore store, std::shared_ptr<OAuthClient> client);

  Result<std::string> AccessToken() override;
  Result<std::string> ForceRefresh() override;

  // True once a token has been obtained (or loaded) in this process: an
  // authentication failure after that is the mailbox's, not the app's.
  bool HasToken();

 private:
  Result<std::string> RequestLocked();
  std::chrono::system_clock::time_point Now() const;
  // kRefreshMargin, or half the lifetime of a token this process obtained
  // when that is shorter: a provider issuing 4-minute tokens must not cost
  // a token request per mailbox.
  std::chrono::system_clock::duration MarginLocked() const;

  std::mutex mu_;
  TokenStore store_;
  std::shared_ptr<OAuthClient> client_;
  std::optional<StoredToken> cached_;
  // When this process received cached_ from the token endpoint; unset for
  // a token loaded from the store.
  std::optional<std::chrono::system_clock::time_point> obtained_at_;
  std::optional<std::chrono::system_clock::duration> lifetime_;
};

}  // namespace mailhoard::auth
