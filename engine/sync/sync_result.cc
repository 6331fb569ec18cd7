#include "engine/sync/sync_result.h"

#include <algorithm>

namespace mailhoard::sync {
namespace {

uint64_t Sum(const std::vector<FolderResult>& folders, uint64_t FolderResult::*count) {
  uint64_t n = 0;
  for (const auto& f : folders) n += f.*count;
  return n;
}

}  // namespace

bool SyncResult::ok() const { return status.ok() && failed_folders() == 0; }

uint64_t SyncResult::failed_folders() const {
  return std::count_if(folders.begin(), folders.end(),
                       [](const FolderResult& f) { return !f.status.ok(); });
}

uint64_t SyncResult::fetched() const { return Sum(folders, &FolderResult::fetched); }
uint64_t SyncResult::bytes() const { return Sum(folders, &FolderResult::bytes); }
uint64_t SyncResult::flag_updates() const { return Sum(folders, &FolderResult::flag_updates); }
uint64_t SyncResult::expunged() const { return Sum(folders, &FolderResult::expunged); }

}  // namespace mailhoard::sync
