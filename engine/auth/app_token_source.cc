#include "engine/auth/app_token_source.h"

#include <algorithm>

namespace mailhoard::auth {

AppTokenSource::AppTokenSource(TokenStore store, std::shared_ptr<OAuthClient> client)
    : store_(std::move(store)), client_(std::move(client)) {}

std::chrono::system_clock::time_point AppTokenSource::Now() const {
  return client_->clock().WallNow();
}

std::chrono::system_clock::duration AppTokenSource::MarginLocked() const {
  std::chrono::system_clock::duration margin = kRefreshMargin;
  if (lifetime_) margin = std::min(margin, *lifetime_ / 2);
  return margin;
}

Result<std::string> AppTokenSource::AccessToken() {
  std::lock_guard lock(mu_);
  const auto usable = [this](const StoredToken& t) {
    return !t.access_token.empty() && t.grant == "client_credentials" &&
           t.expires_at - MarginLocked() > Now();
  };
  if (cached_ && usable(*cached_)) return cached_->access_token;
  if (!cached_) {
    // A token left by the previous run or another shard. An unreadable
    // file is no reason to stop: the app can always get a new token.
    auto stored = store_.Load();
    if (stored.ok() && usable(*stored)) {
      cached_ = std::move(stored).value();
      return cached_->access_token;
    }
  }
  return RequestLocked();
}

Result<std::string> AppTokenSource::ForceRefresh() {
  std::lock_guard lock(mu_);
  if (cached_ && obtained_at_ && Now() - *obtained_at_ < kTrustedAge &&
      cached_->expires_at - MarginLocked() > Now()) {
    return cached_->access_token;
  }
  return RequestLocked();
}

bool AppTokenSource::HasToken() {
  std::lock_guard lock(mu_);
  return cached_.has_value();
}

Result<std::string> AppTokenSource::RequestLocked() {
  MH_ASSIGN_OR_RETURN(TokenSet t, client_->ClientCredentials());
  StoredToken next = ToStoredToken(t, Now(), "client_credentials");
  // A failed save costs the next run one token request, nothing more; the
  // token is good either way.
  (void)store_.Save(next);
  lifetime_ = next.expires_at - Now();
  cached_ = std::move(next);
  obtained_at_ = Now();
  return cached_->access_token;
}

}  // namespace mailhoard::auth
