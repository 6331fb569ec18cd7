// The not-authenticated state (RFC 3501 §6.1–6.2): greeting, CAPABILITY,
// STARTTLS; and the post-login capability refresh.
#pragma once

#include "core/status.h"
#include "engine/imap/client/session.h"

namespace mailhoard::imap {

enum class Greeting { kOk, kPreauth };

// Reads the greeting. "* BYE" → kServerBye (transient, with any throttle
// delay); anything but OK/PREAUTH/BYE → kProtocol. A [CAPABILITY] code in
// the greeting is taken into state.capabilities.
Result<Greeting> ReadGreeting(OpContext ctx);

// CAPABILITY; replaces state.capabilities.
Status RequestCapabilities(OpContext ctx);

// STARTTLS (RFC 3501 §6.2.1): kTls "server does not offer STARTTLS" when it
// is not advertised — never a plaintext fallback. After the handshake the
// pre-TLS capabilities are discarded and asked for again, since a
// man-in-the-middle could have forged them.
Status UpgradeToTls(OpContext ctx);

// Takes capabilities from a status response's [CAPABILITY …] code or an
// untagged CAPABILITY response; false when `r` carries none.
bool TakeCapabilities(const Response& r, SessionState& state);

}  // namespace mailhoard::imap
