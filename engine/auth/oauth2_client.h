// OAuth2 against Microsoft identity platform / Google: device code (RFC
// 8628), refresh token with rotation, client credentials, and the token
// exchange of the authorization code flow (PKCE lives in oauth2_auth_code.h).
//
// Errors come back in plain words a user can act on; the identity
// provider's codes (AADSTS…) are kept in the message for support.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/status.h"
#include "engine/auth/http_client.h"

namespace mailhoard::auth {

struct OAuthEndpoints {
  std::string device_url;     // …/oauth2/v2.0/devicecode
  std::string token_url;      // …/oauth2/v2.0/token
  std::string authorize_url;  // …/oauth2/v2.0/authorize
  std::string scopes;  // space separated, e.g. "offline_access https://…/IMAP.AccessAsUser.All"
  std::string client_id;
  std::optional<std::string> client_secret;  // confidential clients only
  std::string tenant;                        // for messages ("common", a GUID, a domain)
};

// The presets fill the URLs for a tenant ("common", "organizations", a
// domain or GUID); scopes are those IMAP/POP3 need.
OAuthEndpoints MicrosoftEndpoints(std::string tenant, std::string client_id);
OAuthEndpoints GoogleEndpoints(std::string client_id, std::string client_secret);

struct TokenSet {
  std::string access_token;
  std::chrono::system_clock::time_point expires_at{};
  // Empty when the grant gives none (client credentials) — and when a
  // refresh did not rotate it, the caller keeps the one it had.
  std::string refresh_token;
  std::string scope;
  std::string token_type;
};

struct DeviceAuthorization {
  std::string device_code;  // secret: only for polling
  std::string user_code;
  std::string verification_uri;
  std::string verification_uri_complete;  // may be empty
  std::chrono::seconds interval{5};
  std::chrono::seconds expires_in{900};
  // Microsoft's ready-made sentence; otherwise built from the fields above.
  std::string message;
};

struct OAuthClientOptions {
  HttpOptions http;
  // The account name the CLI knows, used in "run `mailhoard login <account>`".
  std::string account = "<account>";
  // Token expiry (WallNow) and the device flow's polling waits and
  // deadline; never null.
  Clock* clock = &RealClock();
  // Checked after each device-flow wait (Ctrl-C in `mailhoard login`);
  // true ends the flow with kCancelled.
  std::function<bool()> cancelled;
};

class OAuthClient {
 public:
  // `http` may be null, then a curl client is made from options.http.
  OAuthClient(OAuthEndpoints endpoints, OAuthClientOptions options,
              std::unique_ptr<HttpClient> http = nullptr);

  const OAuthEndpoints& endpoints() const { return endpoints_; }
  const std::string& account() const { return options_.account; }
  Clock& clock() const { return *options_.clock; }

  Result<DeviceAuthorization> StartDeviceFlow();
  // Polls until the user signs in, honouring interval and slow_down (+5 s),
  // and fails with a plain-words kAuth error on expired_token,
  // access_denied / authorization_declined, or when expires_in passes.
  Result<TokenSet> PollDeviceFlow(const DeviceAuthorization& device);

  // grant_type=refresh_token. invalid_grant is kAuth / RetryClass::kAuth:
  // "sign-in expired or revoked: run `mailhoard login <account>` again".
  // A rotated refresh token comes back in TokenSet::refresh_token; when the
  // server did not send one, `refresh_token` is copied there.
  Result<TokenSet> Refresh(const std::string& refresh_token);

  // grant_type=client_credentials (needs client_secret).
  Result<TokenSet> ClientCredentials();

  // grant_type=authorization_code with the PKCE verifier (RFC 7636).
  Result<TokenSet> ExchangeCode(const std::string& code, const std::string& redirect_uri,
                                const std::string& code_verifier);

 private:
  enum class Grant { kDevice, kRefresh, kClientCredentials, kCode };
  // Posts to the token endpoint; an OAuth error reply is a Status.
  Result<TokenSet> TokenRequest(Grant grant, FormFields fields);
  void AddClientAuth(FormFields& fields) const;
  std::chrono::system_clock::time_point Now() const;

  OAuthEndpoints endpoints_;
  OAuthClientOptions options_;
  std::unique_ptr<HttpClient> http_;
};

// The OAuth error reply of a token or device endpoint.
struct OAuthError {
  long http_status = 0;
  std::string error;              // "invalid_grant"
  std::string description;        // error_description, first line
  std::vector<long> error_codes;  // Microsoft: 70000, 65001, …
};
// Parses `body`; nullopt when it is not an OAuth error object.
std::optional<OAuthError> ParseOAuthError(long http_status, std::string_view body);
// The pure halves of the endpoints' replies, without HTTP (fuzzed in
// tests/fuzz/oauth_json_fuzz.cc). A 200 reply of the token endpoint, its
// expires_in (a number or, from Microsoft's v1 endpoints, a string) taken
// from `now` and kept within [0 s, kMaxLifetime]:
Result<TokenSet> ParseTokenResponse(std::string_view body,
                                    std::chrono::system_clock::time_point now);
// A 200 reply of the device code endpoint; interval within [1 s, 1 h] and
// expires_in within [0 s, kMaxLifetime].
Result<DeviceAuthorization> ParseDeviceAuthorization(std::string_view body);
// Longer than any real token or code lives; a bound so that a hostile or
// broken reply cannot overflow the clock arithmetic.
inline constexpr std::chrono::seconds kMaxLifetime{366 * 24 * 3600};

// Plain words for an error (see the table in oauth2_client.cc). `refreshing`
// marks the refresh grant, where invalid_grant means "sign in again".
Status OAuthErrorToStatus(const OAuthError& e, const OAuthEndpoints& endpoints,
                          std::string_view account, bool refreshing);

}  // namespace mailhoard::auth
