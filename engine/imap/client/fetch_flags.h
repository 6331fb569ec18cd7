// UID FETCH … (UID FLAGS), optionally (CHANGEDSINCE n [VANISHED]) (RFC 7162
// §3.1.4, §3.2.6): flag changes and, with QRESYNC, expunges since the last
// run. Long UID sets are split into pipelined chunks below
// max_command_bytes.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "engine/imap/client/session.h"
#include "engine/imap/sequence_set.h"

namespace mailhoard::imap {

using FlagsCallback = std::function<Status(uint32_t uid, const std::vector<std::string>& flags,
                                           std::optional<uint64_t> modseq)>;
using VanishedCallback = std::function<Status(const SequenceSet& uids)>;

// Calls on_flags for every FETCH carrying UID and FLAGS (solicited or not:
// both are current server state) and on_vanished for VANISHED responses.
// `vanished` needs changed_since and QRESYNC enabled. Scope of NO/BAD:
// folder.
Status FetchFlags(OpContext ctx, const SequenceSet& uids, std::optional<uint64_t> changed_since,
                  bool vanished, const FlagsCallback& on_flags,
                  const VanishedCallback& on_vanished);

}  // namespace mailhoard::imap
