#include "engine/sync/sync_result.h"

#include <algorithm>

namespace mailhoard::sync {

bool SyncResult::ok() const { return status.ok() && failed_folders() == 0; }

uint64_t SyncResult::failed_folders() const {
  return std::count_if(folders.begin(), folders.end(),
                       [](const FolderResult& f) { return !f.status.ok(); });
}

uint64_t SyncResult::fetched() const {
  uint64_t n = 0;
  for (const auto& f : folders) n += f.fetched;
  return n;
}

uint64_t SyncResult::bytes() const {
  uint64_t n = 0;
  for (const auto& f : folders) n += f.bytes;
  return n;
}

uint64_t SyncResult::flag_updates() const {
  uint64_t n = 0;
  for (const auto& f : folders) n += f.flag_updates;
  return n;
}

uint64_t SyncResult::expunged() const {
  uint64_t n = 0;
  for (const auto& f : folders) n += f.expunged;
  return n;
}

}  // namespace mailhoard::sync
