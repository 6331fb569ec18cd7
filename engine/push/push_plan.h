// What one folder's push does (pure: no I/O). Given the archived messages,
// what the index says was pushed, and what the target holds above the
// point it was last checked, decide which messages to record as already
// there, which to append, whose flags to change, and what to expunge.
//
// The one rule that makes push resumable: a message is appended only if it
// is neither recorded as pushed under the target's current UIDVALIDITY nor
// found among the target's unchecked messages (same Message-ID and
// INTERNALDATE, or same size and INTERNALDATE without a Message-ID). A push
// killed after an APPEND and before its record is committed finds that
// message on the target next time instead of appending it again.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "storage/index/push_record.h"

namespace mailhoard::push {

// A target message above the checked mark (UID FETCH … (UID RFC822.SIZE
// INTERNALDATE BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])).
struct TargetKey {
  uint32_t uid = 0;
  std::string message_id;  // "<…>" or ""
  uint64_t size = 0;
  std::optional<int64_t> internal_date;
};

struct PlanOptions {
  bool include_expunged = false;  // push messages the source expunged (a restore)
  bool retry_refused = false;     // try messages the target refused before
  bool mirror_deletes = false;    // expunge on the target what the source expunged
};

struct FlagDelta {
  uint32_t uid = 0;  // target UID
  int64_t message_id = 0;
  std::vector<std::string> add;
  std::vector<std::string> remove;
};

struct FolderPushPlan {
  // Found on the target: record them as pushed (target UID known now).
  std::vector<std::pair<size_t, uint32_t>> matched;  // (source index, target uid)
  // Recorded under another UIDVALIDITY and not found again: forget them.
  std::vector<int64_t> forget;
  std::vector<size_t> append;  // source indexes, in UID order
  std::vector<FlagDelta> flags;
  std::vector<std::pair<int64_t, uint32_t>> expunge;  // (message id, target uid)
  uint64_t append_bytes = 0;
  uint64_t refused_before = 0;  // refused in an earlier push, not retried
};

// sources: ListPushSource order. pushed: what the index holds for this
// (target, folder). target_uidvalidity: the target folder's now. keys: the
// target's messages above the checked mark (all of them when the
// UIDVALIDITY changed).
FolderPushPlan PlanFolderPush(const std::vector<index::PushSourceMessage>& sources,
                              const std::vector<index::PushedRecord>& pushed,
                              uint32_t target_uidvalidity, const std::vector<TargetKey>& keys,
                              const PlanOptions& options);

}  // namespace mailhoard::push
