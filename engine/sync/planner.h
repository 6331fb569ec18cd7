// The planner: pure functions from (what the server says, what the index
// holds) to what a sync must do. No I/O, no clocks — so every subtle case
// (UIDVALIDITY change, a vanished message, a flag that changed case) is a
// table-driven unit test. The runner carries the plans out.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/sync/flag_set.h"

namespace mailhoard::sync {

enum class Policy {
  kArchive,  // never delete locally; mark what the server expunged
  kMirror,   // remove locally what the server expunged
};

// What STATUS / LIST-STATUS / SELECT told us about a folder.
struct RemoteFolderState {
  uint32_t uidvalidity = 0;
  uint32_t uidnext = 0;
  uint32_t messages = 0;
  std::optional<uint64_t> highestmodseq;  // absent without CONDSTORE, or [NOMODSEQ]
};

// What the index remembers from the last successful sync of the folder.
struct LocalFolderState {
  bool known = false;  // false: never synced
  uint32_t uidvalidity = 0;
  uint32_t uidnext = 0;
  uint32_t messages = 0;
  uint64_t highestmodseq = 0;    // 0: unknown
  uint32_t last_uid_seen = 0;    // highest UID archived (or known unfetchable)
  bool has_unfetchable = false;  // messages to ask for again
};

enum class FolderAction {
  kSkip,                // nothing moved: do not even EXAMINE it
  kFull,                // first sync
  kIncremental,         // new mail and/or flag and expunge changes
  kUidValidityChanged,  // UIDs were reassigned: re-map, then fetch the rest
};

struct FolderDecisionOptions {
  // Without CONDSTORE a flag change moves nothing STATUS reports. true opens
  // every folder anyway to compare flags (what mbsync does); false keeps a
  // no-op run to one round trip per account and catches flag changes on the
  // next run that opens the folder for other reasons.
  bool rescan_flags_without_modseq = false;
};

FolderAction DecideFolder(const RemoteFolderState& remote, const LocalFolderState& local,
                          const FolderDecisionOptions& options = {});

// Messages a folder's task will probably fetch: all of them on a first sync
// or after a UIDVALIDITY change, else the growth of UIDNEXT (an upper bound:
// some may be expunged already). 0 for flag and expunge changes only.
uint64_t ExpectedFetches(FolderAction action, const RemoteFolderState& remote,
                         const LocalFolderState& local);

// How many connections the run's folder tasks are worth, at most `limit`.
// A further connection costs a TLS handshake and a login (three round trips
// and a server process) before its first EXAMINE, while a folder with only
// flag or expunge changes costs one EXAMINE: opening four connections for
// three such folders made Dovecot work twice as hard as one connection did.
// So one connection per 8 units of work, a folder being one unit plus one
// per 64 messages to fetch.
int ConnectionsFor(const std::vector<uint64_t>& expected_fetches, int limit);

// One message as the index knows it.
struct LocalMessage {
  int64_t id = 0;  // index row id
  uint32_t uid = 0;
  FlagSet flags;
  bool expunged = false;     // already marked as expunged on the server
  bool unfetchable = false;  // known, but the server would not deliver it yet
};

// One message as the server reports it now.
struct RemoteMessage {
  uint32_t uid = 0;
  FlagSet flags;
};

struct FlagUpdate {
  int64_t id = 0;
  uint32_t uid = 0;
  FlagSet flags;
};

struct LocalRef {
  int64_t id = 0;
  uint32_t uid = 0;
  bool operator==(const LocalRef&) const = default;
};

struct ChangePlan {
  std::vector<FlagUpdate> flag_updates;
  std::vector<LocalRef> expunged;  // archive: mark; mirror: remove locally
  // Marked expunged earlier but listed again: UIDs are never reused
  // (RFC 3501 §2.3.1.1), so an earlier listing was incomplete. Reported,
  // never acted on.
  std::vector<LocalRef> reappeared;
};

// Full comparison (no CONDSTORE): `remote` lists every message the server
// has with uid <= local.last_uid_seen, sorted by uid; `local` is sorted by
// uid. A local message missing from `remote` was expunged.
ChangePlan PlanFromFullListing(const std::vector<LocalMessage>& local,
                               const std::vector<RemoteMessage>& remote);

// UIDs the server listed (sorted) that `local` (sorted by uid) holds no row
// for: messages an earlier FETCH passed over without a response, which must
// be fetched, never skipped.
std::vector<uint32_t> Unarchived(const std::vector<LocalMessage>& local,
                                 const std::vector<uint32_t>& listed);

// CONDSTORE/QRESYNC: `changed` holds only messages whose flags changed
// since the stored HIGHESTMODSEQ; `vanished` the UIDs expunged since then.
// Both may name UIDs we never archived; those are ignored.
ChangePlan PlanFromChanges(const std::vector<LocalMessage>& local,
                           const std::vector<RemoteMessage>& changed,
                           const std::vector<uint32_t>& vanished);

// UIDs of new messages to fetch: those the server lists above
// last_uid_seen. `remote_uids` must be sorted.
std::vector<uint32_t> NewUids(const std::vector<uint32_t>& remote_uids, uint32_t last_uid_seen);

// UIDVALIDITY change: a message is the same one again when Message-ID,
// RFC822.SIZE and INTERNALDATE all agree (mbsync verifies Message-IDs before
// it believes a UIDVALIDITY change; we go one further and never discard).
struct RemapKey {
  std::string message_id;
  uint64_t size = 0;
  int64_t internal_date = 0;
  bool operator<(const RemapKey& o) const;
  bool operator==(const RemapKey& o) const;
};
struct RemapCandidate {
  int64_t id = 0;  // local row, or 0 for remote entries
  uint32_t uid = 0;
  RemapKey key;
};
struct RemapPlan {
  struct Match {
    int64_t local_id;
    uint32_t new_uid;
  };
  std::vector<Match> matched;
  std::vector<uint32_t> fetch;           // remote UIDs with no local twin
  std::vector<int64_t> unmatched_local;  // stay archived under the old UIDVALIDITY
};
// Messages without a Message-ID never match (an empty key proves nothing);
// duplicates pair up one to one in UID order.
RemapPlan PlanRemap(std::vector<RemapCandidate> local, std::vector<RemapCandidate> remote);

}  // namespace mailhoard::sync
