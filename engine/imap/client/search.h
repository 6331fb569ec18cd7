// UID SEARCH, compact with ESEARCH (RFC 4731): every UID in the examined
// mailbox (expunge detection without CONDSTORE), or every UID from one on
// (what a FETCH of new mail should have delivered).
#pragma once

#include <cstdint>
#include <vector>

#include "engine/core/status.h"
#include "engine/imap/client/session.h"

namespace mailhoard::imap {

// Ascending UIDs. At most 10 million (a bound, not a buffer: the server
// cannot make us allocate without limit).
Result<std::vector<uint32_t>> SearchAllUids(OpContext ctx);
// UIDs >= `first`. "UID n:*" names the highest UID even when it is below n
// (RFC 3501 §6.4.8), so the answer is filtered.
Result<std::vector<uint32_t>> SearchUidsFrom(OpContext ctx, uint32_t first);

}  // namespace mailhoard::imap
