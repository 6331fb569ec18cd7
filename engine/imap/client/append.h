// Writing into a mailbox: APPEND of one message streamed from a
// LiteralSource, with its flags and INTERNALDATE (RFC 3501 §6.3.11), and
// the UID it got from UIDPLUS's APPENDUID (RFC 4315 §3); CREATE of a
// mailbox that may already exist. The operations a push target needs.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "engine/imap/client/command.h"
#include "engine/imap/client/session.h"

namespace mailhoard::imap {

struct AppendRequest {
  std::string mailbox;                   // as the server names it (mUTF-7, or UTF-8)
  std::vector<std::string> flags;        // system flags and keywords; \Recent is left out
  std::optional<int64_t> internal_date;  // seconds since the epoch, sent as UTC
  std::shared_ptr<const LiteralSource> message;
};

// uidvalidity and uid are 0 when the server has no UIDPLUS.
struct AppendResult {
  uint32_t uidvalidity = 0;
  uint32_t uid = 0;
};

// A NO keeps its code for the caller: [OVERQUOTA] (stop the folder),
// [TRYCREATE] (create, then again), [LIMIT] / a size refusal (report that
// message, go on). Scope kMessage.
Result<AppendResult> Append(OpContext ctx, const AppendRequest& request);

// Several APPENDs in one flight (ClientOptions::pipeline_window in flight;
// with LITERAL+ no round trip per message, else each literal still waits
// for its go-ahead). One result per request, in order; a request the
// server never answered (the connection broke) carries the connection's
// error: it may or may not have landed.
std::vector<Result<AppendResult>> AppendPipelined(OpContext ctx,
                                                  const std::vector<AppendRequest>& requests);

// CREATE; a mailbox that already exists ([ALREADYEXISTS], or Dovecot's
// plain "NO Mailbox already exists") is not an error.
Status Create(OpContext ctx, const std::string& mailbox);

// "04-Dec-2026 21:02:07 +0000" (RFC 3501 date-time), for APPEND.
std::string FormatInternalDate(int64_t utc_seconds);

}  // namespace mailhoard::imap
