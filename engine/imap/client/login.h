// Authentication: LOGIN (RFC 3501 §6.2.3) and AUTHENTICATE (RFC 3501
// §6.2.2, SASL-IR RFC 4959) with PLAIN, LOGIN, XOAUTH2 and OAUTHBEARER.
#pragma once

#include <functional>
#include <string>

#include "engine/core/status.h"
#include "engine/imap/client/session.h"

namespace mailhoard::imap {

enum class AuthMethod {
  kAuto,          // AUTHENTICATE PLAIN if advertised, else the LOGIN command
  kPlain,         // AUTHENTICATE PLAIN
  kSaslLogin,     // AUTHENTICATE LOGIN
  kLoginCommand,  // the LOGIN command
  kXOAuth2,       // AUTHENTICATE XOAUTH2 (Google, Microsoft)
  kOAuthBearer,   // AUTHENTICATE OAUTHBEARER (RFC 7628)
};

struct Credentials {
  std::string user;
  AuthMethod method = AuthMethod::kAuto;
  // The password or access token, fetched when needed (never stored here).
  std::function<Result<std::string>()> secret;
  // XOAUTH2/OAUTHBEARER: a fresh access token after the server rejected the
  // current one; called at most once per Login, then the login is retried
  // once. May be empty.
  std::function<Result<std::string>()> refresh;
};

// Authenticates; on success state.capabilities holds the post-login list
// (from the tagged OK's [CAPABILITY] or a CAPABILITY command). Errors: kAuth
// with RetryClass::kAuth for rejected credentials; transient for
// [UNAVAILABLE] and throttling; kInvalidArgument when credentials would go
// over plaintext without allow_plaintext_login; kUnsupported when the
// mechanism is not offered or LOGINDISABLED forbids LOGIN.
Status Login(OpContext ctx, const Credentials& credentials);

}  // namespace mailhoard::imap
