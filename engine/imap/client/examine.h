// EXAMINE (RFC 3501 §6.3.2): open a mailbox read-only — an archiver never
// SELECTs, so \Recent and \Seen are never changed by us — optionally with
// QRESYNC (RFC 7162 §3.2.5) to learn what changed since the last run.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "engine/imap/client/session.h"
#include "engine/imap/sequence_set.h"

namespace mailhoard::imap {

struct QresyncParams {
  uint32_t uidvalidity = 0;
  uint64_t modseq = 0;  // HIGHESTMODSEQ stored after the last run
  std::optional<SequenceSet> known_uids;
};

struct FlagChange {
  uint32_t uid = 0;
  std::vector<std::string> flags;
  std::optional<uint64_t> modseq;
};

struct SelectedMailbox {
  std::string raw_name;
  uint32_t uidvalidity = 0;
  std::optional<uint32_t> uidnext;  // some servers omit it
  uint32_t exists = 0;
  std::optional<uint64_t> highestmodseq;
  bool nomodseq = false;  // [NOMODSEQ]: no CONDSTORE for this mailbox
  std::vector<std::string> flags;
  std::vector<std::string> permanentflags;
  bool read_only = true;
  // QRESYNC only: expunged since params.modseq (VANISHED (EARLIER)) and
  // messages whose flags changed (FETCH during the EXAMINE).
  SequenceSet vanished;
  std::vector<FlagChange> changed;
};

// EXAMINE raw_name [(QRESYNC (…))]. A NO is kServerNo with folder scope.
// QRESYNC params need qresync enabled (else kUnsupported).
Result<SelectedMailbox> Examine(OpContext ctx, const std::string& raw_name,
                                const std::optional<QresyncParams>& qresync);

// SELECT raw_name: read-write, for a push target only (STORE of flags,
// EXPUNGE with --mirror-deletes). An archiver's source is only EXAMINEd.
Result<SelectedMailbox> Select(OpContext ctx, const std::string& raw_name);

// Shared by EXAMINE and FETCH: a FETCH response's UID/FLAGS/MODSEQ as a
// FlagChange; nullopt when it carries no UID or no FLAGS.
std::optional<FlagChange> FlagChangeFrom(const Response& fetch);

}  // namespace mailhoard::imap
