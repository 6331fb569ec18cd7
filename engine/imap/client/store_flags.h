// Changing a push target's mailbox: UID STORE of flags (RFC 3501 §6.4.6,
// silent), UID EXPUNGE (RFC 4315 §2.1) and SUBSCRIBE. Each needs the
// mailbox SELECTed (examine.h: Select), never merely EXAMINEd.
#pragma once

#include <string>
#include <vector>

#include "core/status.h"
#include "engine/imap/client/session.h"
#include "engine/imap/sequence_set.h"

namespace mailhoard::imap {

enum class StoreMode {
  kReplace,  // FLAGS.SILENT: the message ends with exactly these flags
  kAdd,      // +FLAGS.SILENT
  kRemove,   // -FLAGS.SILENT
};

struct FlagStore {
  SequenceSet uids;
  StoreMode mode = StoreMode::kReplace;
  std::vector<std::string> flags;  // \Recent and non-atoms are left out
};

// All stores pipelined; a NO for one (a message expunged meanwhile) does
// not stop the others. The first failure is returned, with message scope.
Status StoreFlags(OpContext ctx, const std::vector<FlagStore>& stores);

// Needs UIDPLUS (kUnsupported without it: a plain EXPUNGE would also remove
// messages someone else marked \Deleted).
Status UidExpunge(OpContext ctx, const SequenceSet& uids);

Status Subscribe(OpContext ctx, const std::string& mailbox);

// "(\Seen $Forwarded)": system flags and keywords that are atoms, without
// \Recent (the server's to set, RFC 3501 §2.3.2), so a hostile keyword
// cannot inject syntax.
std::string FlagListText(const std::vector<std::string>& flags);

}  // namespace mailhoard::imap
