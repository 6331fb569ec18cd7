#include "engine/sync/pop3_planner.h"

#include <unordered_set>

namespace mailhoard::sync {

std::vector<Pop3Download> PlanPop3Downloads(
    const std::vector<pop3::UidlEntry>& listing,
    const std::unordered_map<std::string, Pop3KnownUidl>& known, uint32_t next_uid) {
  std::vector<Pop3Download> out;
  std::unordered_set<std::string_view> planned;
  for (const auto& e : listing) {
    if (!planned.insert(e.uidl).second) continue;
    auto it = known.find(e.uidl);
    if (it == known.end()) {
      out.push_back({e.number, e.uidl, next_uid++, false});
    } else if (!it->second.archived && it->second.unfetchable) {
      out.push_back({e.number, e.uidl, it->second.uid, true});
    }
    // Known and archived, or known without a message and not unfetchable (a
    // row deleted from under it): nothing to download.
  }
  return out;
}

}  // namespace mailhoard::sync
