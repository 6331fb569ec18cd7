// UID SEARCH ALL, compact with ESEARCH (RFC 4731): every UID in the
// examined mailbox, for expunge detection without CONDSTORE.
#pragma once

#include <cstdint>
#include <vector>

#include "engine/core/status.h"
#include "engine/imap/client/session.h"

namespace mailhoard::imap {

// Ascending UIDs. At most 10 million (a bound, not a buffer: the server
// cannot make us allocate without limit).
Result<std::vector<uint32_t>> SearchAllUids(OpContext ctx);

}  // namespace mailhoard::imap
