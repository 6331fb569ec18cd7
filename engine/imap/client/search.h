// UID SEARCH, compact with ESEARCH (RFC 4731): every UID in the examined
// mailbox (expunge detection without CONDSTORE), or every UID from one on
// (what a FETCH of new mail should have delivered).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"
#include "engine/imap/client/command.h"
#include "engine/imap/client/connection.h"
#include "engine/imap/client/session.h"

namespace mailhoard::imap {

// One UID SEARCH as a command plus the collector of its answer, so that it
// can ride in the same flight as other commands (FetchMessages sends it
// with the FETCH of new mail: one round trip instead of two).
class UidSearch {
 public:
  // "UID SEARCH UID first:*": UIDs >= first. "UID n:*" names the highest
  // UID even when it is below n (RFC 3501 §6.4.8), so Take() filters.
  static UidSearch From(const SessionState& state, uint32_t first);
  static UidSearch All(const SessionState& state);

  const Command& command() const { return command_; }
  // Without ESEARCH, "* SEARCH 1 2 3 …" for 1,000,000 messages is ~8 MB and
  // 1,000,000 tokens on one line, beyond the parser's defaults: up to
  // 2,000,000 UIDs are allowed while the search runs (still a bound; the
  // parser holds every token, so this costs memory — ESEARCH, which
  // Dovecot, Gmail and M365 offer, is compact).
  ParserLimits LimitsWhileRunning(const ParserLimits& normal) const;
  // SEARCH and ESEARCH responses; others are ignored.
  Status OnUntagged(Incoming& in);
  // Ascending, without duplicates. At most 10 million (a bound, not a
  // buffer: the server cannot make us allocate without limit).
  std::vector<uint32_t> Take();

 private:
  UidSearch(const SessionState& state, const std::string& criteria, uint32_t first);
  Command command_;
  bool esearch_;
  uint32_t first_;
  std::vector<uint32_t> uids_;
};

Result<std::vector<uint32_t>> SearchAllUids(OpContext ctx);
Result<std::vector<uint32_t>> SearchUidsFrom(OpContext ctx, uint32_t first);

}  // namespace mailhoard::imap
