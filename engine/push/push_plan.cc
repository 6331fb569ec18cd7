#include "engine/push/push_plan.h"

#include <algorithm>
#include <set>
#include <unordered_map>

#include "engine/sync/archive.h"
#include "storage/mime/header_block.h"

namespace mailhoard::push {
namespace {

// The target's copy may carry a different size (Exchange re-encodes and
// reports an approximate RFC822.SIZE), so a Message-ID needs only the date
// to agree; without one, size and date must both agree.
// `t`'s Message-ID is already normalised (the key it was found under).
bool SameMessage(const index::PushSourceMessage& s, const TargetKey& t) {
  const bool dates_agree =
      !s.internal_date || !t.internal_date || *s.internal_date == *t.internal_date;
  if (!s.message_id.empty()) return dates_agree;
  return s.size == t.size && s.internal_date && t.internal_date && dates_agree;
}

std::vector<std::string> Difference(const std::vector<std::string>& a,
                                    const std::vector<std::string>& b) {
  std::vector<std::string> out;
  for (const std::string& f : a) {
    if (std::find(b.begin(), b.end(), f) == b.end()) out.push_back(f);
  }
  return out;
}

}  // namespace

FolderPushPlan PlanFolderPush(const std::vector<index::PushSourceMessage>& sources,
                              const std::vector<index::PushedRecord>& pushed,
                              uint32_t target_uidvalidity, const std::vector<TargetKey>& keys,
                              const PlanOptions& options) {
  FolderPushPlan plan;
  std::unordered_map<int64_t, const index::PushedRecord*> record;
  std::set<uint32_t> known_uids;  // target UIDs already recorded as ours
  for (const index::PushedRecord& r : pushed) {
    record[r.message_id] = &r;
    if (r.uidvalidity == target_uidvalidity && r.uid) known_uids.insert(r.uid);
  }
  // Target messages nobody recorded, by Message-ID ("" for none).
  std::unordered_map<std::string, std::vector<const TargetKey*>> unknown;
  for (const TargetKey& k : keys) {
    // The archive stores Message-IDs normalised (mime::NormalizeMessageId).
    if (!known_uids.count(k.uid)) {
      unknown[mime::NormalizeMessageId(k.message_id).value_or("")].push_back(&k);
    }
  }
  auto take_match = [&](const index::PushSourceMessage& s) -> std::optional<uint32_t> {
    auto it = unknown.find(s.message_id);
    if (it == unknown.end()) return std::nullopt;
    auto& list = it->second;
    for (size_t i = 0; i < list.size(); ++i) {
      if (!SameMessage(s, *list[i])) continue;
      uint32_t uid = list[i]->uid;
      list.erase(list.begin() + static_cast<std::ptrdiff_t>(i));
      return uid;
    }
    return std::nullopt;
  };

  for (size_t i = 0; i < sources.size(); ++i) {
    const index::PushSourceMessage& s = sources[i];
    auto it = record.find(s.id);
    const index::PushedRecord* r = it == record.end() ? nullptr : it->second;
    const bool current = r && r->refused.empty() && r->uidvalidity == target_uidvalidity;
    if (current && r->uid) {
      if (s.expunged && options.mirror_deletes) {
        plan.expunge.emplace_back(s.id, r->uid);
        continue;
      }
      const auto now = sync::FlagsFromIndex(s.flags, s.keywords).flags();
      const auto then = sync::FlagsFromIndex(r->flags, r->keywords).flags();
      if (now != then) {
        // Only what changed in the archive: flags set on the target by its
        // new owner meanwhile are left alone.
        plan.flags.push_back({r->uid, s.id, Difference(now, then), Difference(then, now)});
      }
      continue;
    }
    // Not known under the current UIDVALIDITY (or appended without UIDPLUS):
    // the target may hold it anyway.
    if (auto uid = take_match(s)) {
      plan.matched.emplace_back(i, *uid);
      continue;
    }
    if (current) continue;  // appended without UIDPLUS; its UID shows up later
    if (r && !r->refused.empty() && !options.retry_refused) {
      ++plan.refused_before;
      continue;
    }
    if (r && r->refused.empty()) plan.forget.push_back(s.id);  // the target lost it
    if (s.expunged && !options.include_expunged) continue;
    plan.append.push_back(i);
    plan.append_bytes += s.size;
  }
  return plan;
}

}  // namespace mailhoard::push
