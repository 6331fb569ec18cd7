// Authentication: LOGIN (RFC 3501 §6.2.3) and AUTHENTICATE (RFC 3501
// §6.2.2, SASL-IR RFC 4959) with PLAIN, LOGIN, XOAUTH2 and OAUTHBEARER.
#pragma once

#include <span>
#include <string>

#include "engine/auth/credentials.h"
#include "core/status.h"
#include "engine/imap/client/pipeline.h"
#include "engine/imap/client/session.h"

namespace mailhoard::imap {

// Authenticates with any auth::AuthMethod but kApop (kAuto: AUTHENTICATE
// PLAIN if advertised, else the LOGIN command; kPasswordCommand: the LOGIN
// command). On success state.capabilities holds the post-login list
// (from the tagged OK's [CAPABILITY] or a CAPABILITY command). Errors: kAuth
// with RetryClass::kAuth for rejected credentials; transient for
// [UNAVAILABLE] and throttling; kInvalidArgument when credentials would go
// over plaintext without allow_plaintext_login; kUnsupported when the
// mechanism is not offered or LOGINDISABLED forbids LOGIN.
Status Login(OpContext ctx, const auth::Credentials& credentials);

// A command to run right after a successful login (ID, ENABLE, LIST…) and
// its tagged outcome.
struct Followup {
  Command command;
  Status status;
};

// Whether the login is a single line the server answers without a
// continuation (LOGIN with quoted strings or a non-synchronising literal,
// AUTHENTICATE PLAIN with SASL-IR), so commands may follow it in the same
// flight (RFC 3501 §5.5) and a login costs one round trip, not several.
bool LoginIsOneLine(OpContext ctx, const auth::Credentials& credentials);

// Login, then `followups`: in the same flight as the login when
// LoginIsOneLine, else pipelined after it. Every untagged response after
// the login goes to `on_untagged`. The result is the login's; each
// follow-up's own outcome is in its `status` (after a failed login they
// are not run, or were refused by the server, and carry that failure).
Status LoginThen(OpContext ctx, const auth::Credentials& credentials, std::span<Followup> followups,
                 const UntaggedHandler& on_untagged);

}  // namespace mailhoard::imap
