// The keys that identify a message across a UIDVALIDITY change (RFC 3501
// §2.3.1.1): Message-ID, RFC822.SIZE and INTERNALDATE, without the body.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "core/status.h"
#include "engine/imap/client/session.h"
#include "engine/imap/fetch_response.h"
#include "engine/imap/sequence_set.h"

namespace mailhoard::imap {

// message_id is "<…>" as written (angle brackets kept), or "" when absent.
using HeaderKeysCallback = std::function<Status(uint32_t uid, std::string_view message_id,
                                                uint64_t size, const InternalDate& internal_date)>;

// UID FETCH set (UID RFC822.SIZE INTERNALDATE
// BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)]), chunked and pipelined like
// FetchFlags. The header block is small and kept inline (bounded by
// ParserLimits::max_inline_literal).
Status FetchHeaderKeys(OpContext ctx, const SequenceSet& uids, const HeaderKeysCallback& callback);

// The Message-ID field's value from a header block (unfolded, trimmed);
// "" if there is none.
std::string ExtractMessageId(std::string_view header_block);

}  // namespace mailhoard::imap
