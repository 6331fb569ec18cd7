#include "engine/auth/oauth2_client.h"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace mailhoard::auth {
namespace {

using json = nlohmann::json;
constexpr std::string_view kDeviceGrant = "urn:ietf:params:oauth:grant-type:device_code";

std::string Host(const std::string& url) {
  auto start = url.find("://");
  start = start == std::string::npos ? 0 : start + 3;
  auto end = url.find_first_of("/?#", start);
  return url.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

std::string Str(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

// Microsoft's v1 endpoints sent numbers as strings; accept both.
std::optional<long> Num(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end()) return std::nullopt;
  if (it->is_number_integer()) return it->get<long>();
  if (it->is_string()) {
    try {
      return std::stol(it->get<std::string>());
    } catch (...) {
      return std::nullopt;
    }
  }
  return std::nullopt;
}

bool HasCode(const OAuthError& e, long code) {
  for (long c : e.error_codes) {
    if (c == code) return true;
  }
  // Some replies only carry the code inside the description.
  return e.description.find("AADSTS" + std::to_string(code) + ":") != std::string::npos;
}

std::string Codes(const OAuthError& e) {
  std::string s = e.error.empty() ? "" : e.error;
  for (long c : e.error_codes) s += (s.empty() ? "" : ", ") + ("AADSTS" + std::to_string(c));
  return s;
}

Status AuthError(std::string m, RetryClass retry) {
  return Status::Error(ErrorCode::kAuth, std::move(m), ErrorScope::kAccount, retry);
}

Status HttpStatusError(const HttpResponse& r, const std::string& url) {
  std::string m = "identity provider " + Host(url) + " answered HTTP " + std::to_string(r.status);
  if (r.status >= 500 || r.status == 429) {
    return Status::Error(ErrorCode::kNetwork, m + " (will retry)", ErrorScope::kAccount,
                         RetryClass::kTransient);
  }
  if (r.status >= 300 && r.status < 400) {
    return ProtocolError(m + " redirecting to " + Host(r.location) +
                         "; redirects are not followed: check the endpoint URL");
  }
  return ProtocolError(m + " without an OAuth error: check the endpoint URL");
}

// A count of seconds from a reply, within [lo, hi]; `fallback` when absent.
std::chrono::seconds Seconds(const json& j, const char* key, long fallback, std::chrono::seconds lo,
                             std::chrono::seconds hi) {
  const long n = Num(j, key).value_or(fallback);
  return std::chrono::seconds(std::clamp<long>(n, lo.count(), hi.count()));
}

}  // namespace

OAuthEndpoints MicrosoftEndpoints(std::string tenant, std::string client_id) {
  std::string base = "https://login.microsoftonline.com/" + tenant + "/oauth2/v2.0/";
  OAuthEndpoints e;
  e.device_url = base + "devicecode";
  e.token_url = base + "token";
  e.authorize_url = base + "authorize";
  e.scopes =
      "offline_access https://outlook.office.com/IMAP.AccessAsUser.All "
      "https://outlook.office.com/POP.AccessAsUser.All";
  e.client_id = std::move(client_id);
  e.tenant = std::move(tenant);
  return e;
}

OAuthEndpoints GoogleEndpoints(std::string client_id, std::string client_secret) {
  OAuthEndpoints e;
  e.device_url = "https://oauth2.googleapis.com/device/code";
  e.token_url = "https://oauth2.googleapis.com/token";
  e.authorize_url = "https://accounts.google.com/o/oauth2/v2/auth";
  e.scopes = "https://mail.google.com/";
  e.client_id = std::move(client_id);
  // Google's "installed app" secret is not confidential but is required.
  e.client_secret = std::move(client_secret);
  return e;
}

Result<TokenSet> ParseTokenResponse(std::string_view body,
                                    std::chrono::system_clock::time_point now) {
  json j = json::parse(body, nullptr, false);
  if (!j.is_object()) return ProtocolError("token endpoint answered HTTP 200 with no JSON object");
  TokenSet t;
  t.access_token = Str(j, "access_token");
  if (t.access_token.empty()) return ProtocolError("token endpoint reply has no access_token");
  t.refresh_token = Str(j, "refresh_token");
  t.scope = Str(j, "scope");
  t.token_type = Str(j, "token_type");
  t.expires_at = now + Seconds(j, "expires_in", 3600, std::chrono::seconds(0), kMaxLifetime);
  return t;
}

Result<DeviceAuthorization> ParseDeviceAuthorization(std::string_view body) {
  json j = json::parse(body, nullptr, false);
  if (!j.is_object()) return ProtocolError("device code endpoint answered with no JSON object");
  DeviceAuthorization d;
  d.device_code = Str(j, "device_code");
  d.user_code = Str(j, "user_code");
  d.verification_uri = Str(j, "verification_uri");
  if (d.verification_uri.empty()) d.verification_uri = Str(j, "verification_url");  // Google
  d.verification_uri_complete = Str(j, "verification_uri_complete");
  d.interval = Seconds(j, "interval", 5, std::chrono::seconds(1), std::chrono::hours(1));
  d.expires_in = Seconds(j, "expires_in", 900, std::chrono::seconds(0), kMaxLifetime);
  d.message = Str(j, "message");
  if (d.device_code.empty() || d.user_code.empty() || d.verification_uri.empty()) {
    return ProtocolError("device code reply lacks device_code, user_code or verification_uri");
  }
  if (d.message.empty()) {
    d.message = "To sign in, open " + d.verification_uri + " and enter the code " + d.user_code;
  }
  return d;
}

std::optional<OAuthError> ParseOAuthError(long http_status, std::string_view body) {
  json j = json::parse(body, nullptr, false);
  if (!j.is_object() || !j.contains("error")) return std::nullopt;
  OAuthError e;
  e.http_status = http_status;
  e.error = Str(j, "error");
  e.description = Str(j, "error_description");
  auto nl = e.description.find_first_of("\r\n");
  if (nl != std::string::npos) e.description.resize(nl);  // drops Trace/Correlation IDs
  if (e.description.size() > 300) e.description.resize(300);
  auto codes = j.find("error_codes");
  if (codes != j.end() && codes->is_array()) {
    for (const auto& c : *codes) {
      if (c.is_number_integer()) e.error_codes.push_back(c.get<long>());
    }
  }
  return e;
}

Status OAuthErrorToStatus(const OAuthError& e, const OAuthEndpoints& endpoints,
                          std::string_view account, bool refreshing) {
  const std::string codes = " (" + Codes(e) + ")";
  const std::string detail = e.description.empty() ? "" : ": " + e.description;
  const std::string login_hint = "run `mailhoard login " + std::string(account) + "` again";
  if (e.error == "temporarily_unavailable" || e.error == "server_error" || e.http_status >= 500) {
    return Status::Error(ErrorCode::kNetwork,
                         "identity provider is temporarily unavailable" + codes + detail,
                         ErrorScope::kAccount, RetryClass::kTransient);
  }
  if (HasCode(e, 90002)) {
    return InvalidArgument("tenant '" + endpoints.tenant +
                           "' was not found: check the tenant in the account settings" + codes);
  }
  if (HasCode(e, 65001)) {
    return AuthError("the application has not been granted consent for " + endpoints.scopes +
                         ": an administrator must grant consent, or " + login_hint +
                         " and accept the permissions" + codes,
                     RetryClass::kAuth);
  }
  if (HasCode(e, 700016)) {
    return InvalidArgument("application (client id " + endpoints.client_id +
                           ") was not found in tenant '" + endpoints.tenant +
                           "': check client_id and tenant" + codes);
  }
  if (e.error == "invalid_client") {
    return AuthError(
        "the client id or client secret was rejected: check client_id and the "
        "secret (it may have expired)" +
            codes,
        RetryClass::kFinal);
  }
  if (e.error == "invalid_scope") {
    return InvalidArgument("the requested permissions were refused: " + endpoints.scopes + codes +
                           detail);
  }
  if (e.error == "unauthorized_client") {
    return AuthError(
        "the application may not use this sign-in method (for device code, enable "
        "\"Allow public client flows\" in its registration)" +
            codes,
        RetryClass::kFinal);
  }
  if (e.error == "invalid_grant" || e.error == "interaction_required") {
    if (refreshing) {
      std::string why;
      if (HasCode(e, 700082) || HasCode(e, 70008))
        why = " (refresh token expired after inactivity)";
      if (HasCode(e, 50076) || HasCode(e, 50079)) why = " (multi-factor authentication required)";
      return AuthError("sign-in expired or revoked: " + login_hint + why + codes,
                       RetryClass::kAuth);
    }
    return AuthError("the sign-in was rejected: " + login_hint + codes + detail, RetryClass::kAuth);
  }
  return AuthError("sign-in failed" + codes + detail, RetryClass::kFinal);
}

OAuthClient::OAuthClient(OAuthEndpoints endpoints, OAuthClientOptions options,
                         std::unique_ptr<HttpClient> http)
    : endpoints_(std::move(endpoints)), options_(std::move(options)), http_(std::move(http)) {
  if (!http_) http_ = MakeCurlHttpClient(options_.http);
}

std::chrono::system_clock::time_point OAuthClient::Now() const { return options_.clock->WallNow(); }

void OAuthClient::AddClientAuth(FormFields& fields) const {
  fields.emplace_back("client_id", endpoints_.client_id);
  if (endpoints_.client_secret) fields.emplace_back("client_secret", *endpoints_.client_secret);
}

Result<DeviceAuthorization> OAuthClient::StartDeviceFlow() {
  if (endpoints_.device_url.empty()) return InvalidArgument("no device code endpoint configured");
  FormFields fields;
  fields.emplace_back("client_id", endpoints_.client_id);
  fields.emplace_back("scope", endpoints_.scopes);
  MH_ASSIGN_OR_RETURN(HttpResponse r, http_->PostForm(endpoints_.device_url, fields));
  if (r.status != 200) {
    if (auto e = ParseOAuthError(r.status, r.body)) {
      return OAuthErrorToStatus(*e, endpoints_, options_.account, false);
    }
    return HttpStatusError(r, endpoints_.device_url);
  }
  return ParseDeviceAuthorization(r.body);
}

Result<TokenSet> OAuthClient::PollDeviceFlow(const DeviceAuthorization& device) {
  Clock& clock = *options_.clock;
  const auto deadline = clock.Now() + device.expires_in;
  auto interval = device.interval;
  int transient_failures = 0;
  for (;;) {
    if (clock.Now() >= deadline) {
      return AuthError("the sign-in code expired before it was used: run login again",
                       RetryClass::kAuth);
    }
    clock.SleepFor(interval);
    if (options_.cancelled && options_.cancelled()) {
      return Status::Error(ErrorCode::kCancelled, "sign-in cancelled");
    }
    FormFields fields{{"grant_type", std::string(kDeviceGrant)}};
    AddClientAuth(fields);
    fields.emplace_back("device_code", device.device_code);
    auto r = http_->PostForm(endpoints_.token_url, fields);
    if (!r.ok()) {
      // A blip while the user is typing the code should not lose the flow.
      if (r.status().transient() && ++transient_failures < 5) continue;
      return r.status();
    }
    if (r->status == 200) return ParseTokenResponse(r->body, Now());
    auto e = ParseOAuthError(r->status, r->body);
    if (!e) {
      Status s = HttpStatusError(*r, endpoints_.token_url);
      if (s.transient() && ++transient_failures < 5) continue;
      return s;
    }
    transient_failures = 0;
    if (e->error == "authorization_pending") continue;
    if (e->error == "slow_down") {
      interval += std::chrono::seconds(5);  // RFC 8628 section 3.5
      continue;
    }
    if (e->error == "expired_token" || e->error == "code_expired") {
      return AuthError("the sign-in code expired before it was used: run login again",
                       RetryClass::kAuth);
    }
    if (e->error == "access_denied" || e->error == "authorization_declined") {
      return AuthError("the sign-in was declined in the browser", RetryClass::kAuth);
    }
    if (e->error == "bad_verification_code") {
      return ProtocolError("the identity provider did not recognise the device code");
    }
    return OAuthErrorToStatus(*e, endpoints_, options_.account, false);
  }
}

Result<TokenSet> OAuthClient::TokenRequest(Grant grant, FormFields fields) {
  AddClientAuth(fields);
  MH_ASSIGN_OR_RETURN(HttpResponse r, http_->PostForm(endpoints_.token_url, fields));
  if (r.status == 200) return ParseTokenResponse(r.body, Now());
  if (auto e = ParseOAuthError(r.status, r.body)) {
    return OAuthErrorToStatus(*e, endpoints_, options_.account, grant == Grant::kRefresh);
  }
  return HttpStatusError(r, endpoints_.token_url);
}

Result<TokenSet> OAuthClient::Refresh(const std::string& refresh_token) {
  if (refresh_token.empty()) {
    return AuthError("no refresh token stored: run `mailhoard login " + options_.account + "`",
                     RetryClass::kAuth);
  }
  FormFields fields{{"grant_type", "refresh_token"}, {"refresh_token", refresh_token}};
  // Microsoft wants the scopes again; Google ignores them.
  if (!endpoints_.scopes.empty()) fields.emplace_back("scope", endpoints_.scopes);
  MH_ASSIGN_OR_RETURN(TokenSet t, TokenRequest(Grant::kRefresh, std::move(fields)));
  if (t.refresh_token.empty()) t.refresh_token = refresh_token;  // Google does not rotate
  return t;
}

Result<TokenSet> OAuthClient::ClientCredentials() {
  if (!endpoints_.client_secret) {
    return InvalidArgument("client credentials sign-in needs a client secret");
  }
  FormFields fields{{"grant_type", "client_credentials"}};
  // Microsoft's app-only scope is "<resource>/.default".
  if (!endpoints_.scopes.empty()) fields.emplace_back("scope", endpoints_.scopes);
  return TokenRequest(Grant::kClientCredentials, std::move(fields));
}

Result<TokenSet> OAuthClient::ExchangeCode(const std::string& code, const std::string& redirect_uri,
                                           const std::string& code_verifier) {
  FormFields fields{{"grant_type", "authorization_code"},
                    {"code", code},
                    {"redirect_uri", redirect_uri},
                    {"code_verifier", code_verifier}};
  if (!endpoints_.scopes.empty()) fields.emplace_back("scope", endpoints_.scopes);
  return TokenRequest(Grant::kCode, std::move(fields));
}

}  // namespace mailhoard::auth
