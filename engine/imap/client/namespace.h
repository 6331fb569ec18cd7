// NAMESPACE (RFC 2342): where the personal, other users' and shared folders
// live and which hierarchy delimiter each uses.
#pragma once

#include "core/status.h"
#include "engine/imap/client/session.h"
#include "engine/imap/mailbox_responses.h"

namespace mailhoard::imap {

// Without the NAMESPACE capability: one personal namespace with an empty
// prefix, as RFC 2342 §5 suggests a client assume.
Result<NamespaceResponse> GetNamespaces(OpContext ctx);

}  // namespace mailhoard::imap
