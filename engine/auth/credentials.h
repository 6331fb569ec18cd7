// How a client signs in, the same for IMAP, POP3 and SMTP: a user, a
// method, and the secret fetched only when needed. Header-only, so the
// protocol clients can hold it without linking the OAuth2 code.
#pragma once

#include <functional>
#include <string>

#include "core/status.h"

namespace mailhoard::auth {

// One list for all protocols; a client refuses (kUnsupported) a method its
// protocol does not have, such as APOP over IMAP.
enum class AuthMethod {
  kAuto,             // SASL PLAIN if offered, else the protocol's password command
  kPlain,            // SASL PLAIN (RFC 4616)
  kLogin,            // SASL LOGIN
  kPasswordCommand,  // IMAP's LOGIN command (RFC 3501 §6.2.3), POP3's USER/PASS (RFC 1939 §7)
  kApop,             // POP3 APOP (RFC 1939 §7): needs the greeting's timestamp
  kXOAuth2,          // XOAUTH2 (Google, Microsoft)
  kOAuthBearer,      // OAUTHBEARER (RFC 7628)
};

// The secret is an OAuth2 access token, which a server may reject as
// expired: worth one refresh and retry.
inline bool IsBearer(AuthMethod m) {
  return m == AuthMethod::kXOAuth2 || m == AuthMethod::kOAuthBearer;
}

struct Credentials {
  std::string user;
  AuthMethod method = AuthMethod::kAuto;
  // The password or access token, fetched when needed (never stored here).
  std::function<Result<std::string>()> secret;
  // Bearer methods: a fresh access token after the server rejected the
  // current one; called at most once per login, then the login is retried
  // once. May be empty.
  std::function<Result<std::string>()> refresh;
};

}  // namespace mailhoard::auth
