#include "engine/sync/planner.h"

#include <algorithm>
#include <map>
#include <tuple>

namespace mailhoard::sync {

uint64_t ExpectedFetches(FolderAction action, const RemoteFolderState& remote,
                         const LocalFolderState& local) {
  switch (action) {
    case FolderAction::kSkip:
      return 0;
    case FolderAction::kFull:
    case FolderAction::kUidValidityChanged:
      return remote.messages;
    case FolderAction::kIncremental:
      break;
  }
  return remote.uidnext > local.uidnext ? remote.uidnext - local.uidnext : 0;
}

int ConnectionsFor(const std::vector<uint64_t>& expected_fetches, int limit) {
  constexpr uint64_t kMessagesPerUnit = 64;
  constexpr uint64_t kUnitsPerConnection = 8;
  uint64_t units = 0;
  for (uint64_t n : expected_fetches) units += 1 + n / kMessagesPerUnit;
  const uint64_t wanted = (units + kUnitsPerConnection - 1) / kUnitsPerConnection;
  const uint64_t cap = std::min<uint64_t>(std::max(limit, 1), expected_fetches.size());
  return static_cast<int>(std::max<uint64_t>(1, std::min(wanted, cap)));
}

FolderAction DecideFolder(const RemoteFolderState& remote, const LocalFolderState& local,
                          const FolderDecisionOptions& options) {
  if (!local.known) return FolderAction::kFull;
  if (remote.uidvalidity != local.uidvalidity) return FolderAction::kUidValidityChanged;
  bool moved = remote.uidnext != local.uidnext || remote.messages != local.messages;
  if (remote.highestmodseq && local.highestmodseq != 0) {
    moved = moved || *remote.highestmodseq != local.highestmodseq;
  } else if (options.rescan_flags_without_modseq) {
    moved = true;
  }
  return moved || local.has_unfetchable ? FolderAction::kIncremental : FolderAction::kSkip;
}

ChangePlan PlanFromFullListing(const std::vector<LocalMessage>& local,
                               const std::vector<RemoteMessage>& remote) {
  ChangePlan plan;
  size_t r = 0;
  for (const LocalMessage& l : local) {
    while (r < remote.size() && remote[r].uid < l.uid) ++r;
    if (r < remote.size() && remote[r].uid == l.uid) {
      if (l.expunged) plan.reappeared.push_back({l.id, l.uid});
      if (remote[r].flags != l.flags) plan.flag_updates.push_back({l.id, l.uid, remote[r].flags});
    } else if (!l.expunged) {
      plan.expunged.push_back({l.id, l.uid});
    }
  }
  return plan;
}

std::vector<uint32_t> Unarchived(const std::vector<LocalMessage>& local,
                                 const std::vector<uint32_t>& listed) {
  std::vector<uint32_t> out;
  size_t l = 0;
  for (uint32_t uid : listed) {
    while (l < local.size() && local[l].uid < uid) ++l;
    if (l == local.size() || local[l].uid != uid) out.push_back(uid);
  }
  return out;
}

ChangePlan PlanFromChanges(const std::vector<LocalMessage>& local,
                           const std::vector<RemoteMessage>& changed,
                           const std::vector<uint32_t>& vanished) {
  ChangePlan plan;
  auto find = [&](uint32_t uid) -> const LocalMessage* {
    auto it = std::lower_bound(local.begin(), local.end(), uid,
                               [](const LocalMessage& m, uint32_t u) { return m.uid < u; });
    return it != local.end() && it->uid == uid ? &*it : nullptr;
  };
  for (const RemoteMessage& c : changed) {
    const LocalMessage* l = find(c.uid);
    if (l && l->flags != c.flags) plan.flag_updates.push_back({l->id, l->uid, c.flags});
  }
  for (uint32_t uid : vanished) {
    const LocalMessage* l = find(uid);
    if (l && !l->expunged) plan.expunged.push_back({l->id, l->uid});
  }
  return plan;
}

std::vector<uint32_t> NewUids(const std::vector<uint32_t>& remote_uids, uint32_t last_uid_seen) {
  auto it = std::upper_bound(remote_uids.begin(), remote_uids.end(), last_uid_seen);
  return std::vector<uint32_t>(it, remote_uids.end());
}

bool RemapKey::operator<(const RemapKey& o) const {
  return std::tie(message_id, size, internal_date) <
         std::tie(o.message_id, o.size, o.internal_date);
}
bool RemapKey::operator==(const RemapKey& o) const {
  return message_id == o.message_id && size == o.size && internal_date == o.internal_date;
}

RemapPlan PlanRemap(std::vector<RemapCandidate> local, std::vector<RemapCandidate> remote) {
  RemapPlan plan;
  auto by_key_then_uid = [](const RemapCandidate& a, const RemapCandidate& b) {
    if (!(a.key == b.key)) return a.key < b.key;
    return a.uid < b.uid;
  };
  std::sort(local.begin(), local.end(), by_key_then_uid);
  std::sort(remote.begin(), remote.end(), by_key_then_uid);
  size_t l = 0, r = 0;
  while (l < local.size() || r < remote.size()) {
    bool take_local = r == remote.size() || (l < local.size() && local[l].key < remote[r].key);
    bool take_remote = l == local.size() || (r < remote.size() && remote[r].key < local[l].key);
    if (take_local) {
      plan.unmatched_local.push_back(local[l++].id);
    } else if (take_remote) {
      plan.fetch.push_back(remote[r++].uid);
    } else if (local[l].key.message_id.empty()) {
      plan.unmatched_local.push_back(local[l++].id);
      plan.fetch.push_back(remote[r++].uid);
    } else {
      plan.matched.push_back({local[l++].id, remote[r++].uid});
    }
  }
  std::sort(plan.fetch.begin(), plan.fetch.end());
  return plan;
}

}  // namespace mailhoard::sync
