// TokenStore: one JSON file per account holding its OAuth tokens, written
// atomically and kept private (0600); and the TokenSource boundary the
// protocol layer asks for access tokens.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "core/status.h"
#include "engine/auth/oauth2_client.h"

namespace mailhoard::auth {

struct StoredToken {
  std::string access_token;
  std::chrono::system_clock::time_point expires_at{};
  std::string refresh_token;
  // When the current refresh token was issued (reset on rotation): Microsoft
  // refresh tokens die after 90 days unused, so `status` warns as it ages.
  std::chrono::system_clock::time_point refresh_token_obtained_at{};
  std::string scopes;
  // "refresh_token" (device code / auth code sign-in) or "client_credentials":
  // how a new access token is obtained.
  std::string grant = "refresh_token";
};

// The contents of a token file; `path` only names it in the kCorrupt error.
// Times outside 1970..2255 are clamped (a damaged file must not overflow
// the clock arithmetic). Fuzzed in tests/fuzz/oauth_json_fuzz.cc.
Result<StoredToken> ParseStoredToken(std::string_view data, const std::string& path);

// Steps of Save(), for fault injection: a hook returning an error makes
// Save() stop there as a crash would (the temp file is left behind).
enum class SaveStep { kWriteTemp, kFsyncTemp, kRename, kFsyncDir };
using SaveHook = std::function<Status(SaveStep)>;

class TokenStore {
 public:
  explicit TokenStore(std::string path, SaveHook hook = nullptr)
      : path_(std::move(path)), hook_(std::move(hook)) {}

  const std::string& path() const { return path_; }

  // kNotFound when there is no file (never signed in). Refuses a file that
  // group or others may read, naming the path and `chmod 600`, and a file
  // that is not valid JSON (kCorrupt).
  Result<StoredToken> Load() const;
  // temp file in the same directory (0600) → write → fsync → rename → fsync
  // the directory. A crash at any point leaves the old file or the new one,
  // never a mix.
  Status Save(const StoredToken& token) const;

 private:
  std::string path_;
  SaveHook hook_;
};

// Tokens used to be kept in the archive (<archive>/<account>/.oauth-token.json),
// so every backup of the archive carried a live refresh token. Moves such a
// file to `to` with to.Save() (temp file, fsync, rename, fsync directory)
// and only then unlinks it and fsyncs its directory: a failure at any step
// leaves a usable token in at least one of the two places, and the next call
// finishes the job (a valid token already at `to` wins and the old copy is
// removed). Returns true when it moved or removed a file, false when there
// was nothing to do; an unreadable old file or a damaged one at `to` is an
// error and nothing is touched.
Result<bool> MoveLegacyTokenFile(const std::string& legacy_path, const TokenStore& to);

// Unlinks a token file and makes that durable. False if there was none.
Result<bool> RemoveTokenFile(const std::string& path);

// What the protocol layer asks for a bearer token.
class TokenSource {
 public:
  virtual ~TokenSource() = default;
  // A token valid for at least a few more minutes.
  virtual Result<std::string> AccessToken() = 0;
  // A new token, after the server rejected the last one (IsTokenRejected).
  virtual Result<std::string> ForceRefresh() = 0;
};

// Always the same token (tests, and `access_token_cmd`-style setups).
class StaticTokenSource final : public TokenSource {
 public:
  explicit StaticTokenSource(std::string token) : token_(std::move(token)) {}
  Result<std::string> AccessToken() override { return token_; }
  Result<std::string> ForceRefresh() override {
    return Status::Error(ErrorCode::kAuth, "the configured access token was rejected",
                         ErrorScope::kAccount, RetryClass::kAuth);
  }

 private:
  std::string token_;
};

// Tokens from a TokenStore, renewed through an OAuthClient (refresh grant,
// or client credentials) when expired or within 5 minutes of expiry. A
// rotated refresh token is saved before the new access token is handed
// out. Thread-safe: connections of one account share one provider.
class OAuthTokenProvider final : public TokenSource {
 public:
  static constexpr std::chrono::minutes kRefreshMargin{5};
  // Microsoft refresh tokens expire after 90 days without use; `status`
  // warns when RefreshTokenAge() nears it.
  static constexpr std::chrono::hours kMicrosoftRefreshTokenLifetime{90 * 24};

  // Whether a token is due for renewal is the client's clock's call.
  OAuthTokenProvider(TokenStore store, std::shared_ptr<OAuthClient> client);

  Result<std::string> AccessToken() override;
  Result<std::string> ForceRefresh() override;
  // Age of the stored refresh token, for the "sign in again soon" warning.
  Result<std::chrono::seconds> RefreshTokenAge();

 private:
  Result<StoredToken> LoadLocked() const;
  Result<std::string> RenewLocked(StoredToken current);
  std::chrono::system_clock::time_point Now() const;

  std::mutex mu_;
  TokenStore store_;
  std::shared_ptr<OAuthClient> client_;
};

// What a fresh sign-in stores (device code, auth code, client credentials).
StoredToken ToStoredToken(const TokenSet& t, std::chrono::system_clock::time_point now,
                          std::string grant = "refresh_token");

}  // namespace mailhoard::auth
