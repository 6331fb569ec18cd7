// Authorization code flow with PKCE (RFC 7636, S256) and a loopback redirect
// listener (RFC 8252 section 7.3): the browser is sent to the authorize URL
// and comes back to http://127.0.0.1:<random port>/?code=…&state=….
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "engine/auth/oauth2_client.h"
#include "core/status.h"

namespace mailhoard::auth {

struct Pkce {
  std::string verifier;   // 43..128 chars of [A-Za-z0-9-._~]
  std::string challenge;  // BASE64URL(SHA256(verifier))
};
// 32 random bytes from the OS CSPRNG, as RFC 7636 section 4.1 recommends.
Result<Pkce> MakePkce();
std::string PkceChallengeS256(std::string_view verifier);
// A random opaque value for `state` (CSRF protection).
Result<std::string> RandomToken(size_t bytes = 24);

// One-shot HTTP listener on 127.0.0.1, random port.
class LoopbackRedirect {
 public:
  static Result<LoopbackRedirect> Listen();
  LoopbackRedirect(LoopbackRedirect&& other) noexcept;
  LoopbackRedirect& operator=(LoopbackRedirect&& other) noexcept;
  ~LoopbackRedirect();

  uint16_t port() const { return port_; }
  std::string redirect_uri() const;  // "http://127.0.0.1:<port>/"

  // Serves requests until one carries `code` or `error`; other paths (a
  // browser's /favicon.ico) get 404. Checks `state`, answers the browser
  // with a short page, and returns the code. Errors: kTimeout, kAuth
  // (error=access_denied…), kProtocol (state mismatch: possible CSRF).
  Result<std::string> WaitForCode(std::string_view expected_state,
                                  std::chrono::milliseconds timeout);

 private:
  explicit LoopbackRedirect(int fd, uint16_t port) : fd_(fd), port_(port) {}
  int fd_ = -1;
  uint16_t port_ = 0;
};

// Drives the flow: Begin() gives the URL to open in a browser; Finish()
// waits for the redirect and exchanges the code.
class AuthorizationCodeFlow {
 public:
  static Result<AuthorizationCodeFlow> Begin(OAuthClient& client);
  const std::string& authorize_url() const { return authorize_url_; }
  const std::string& redirect_uri() const { return redirect_uri_; }
  Result<TokenSet> Finish(std::chrono::milliseconds timeout);

 private:
  AuthorizationCodeFlow(OAuthClient& client, LoopbackRedirect listener)
      : client_(&client), listener_(std::move(listener)) {}
  OAuthClient* client_;
  LoopbackRedirect listener_;
  Pkce pkce_;
  std::string state_;
  std::string redirect_uri_;
  std::string authorize_url_;
};

}  // namespace mailhoard::auth
