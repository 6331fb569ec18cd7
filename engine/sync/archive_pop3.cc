// Archive: POP3's UIDL bookkeeping. Kept beside the rest of the Archive's
// writes so that POP3 never opens a batch of its own (a worker's batch
// would interleave with the Archive's).
#include <algorithm>

#include "engine/sync/archive.h"

namespace mailhoard::sync {

Status Archive::ReservePop3Uids(ArchiveFolder* folder,
                                const std::vector<index::Pop3Reservation>& reserved) {
  std::lock_guard<std::mutex> lock(mu_);
  MH_RETURN_IF_ERROR(FlushLocked());
  MH_RETURN_IF_ERROR(EnsureBatchLocked());
  MH_RETURN_IF_ERROR(index_->SetPop3Reservation(folder->id, reserved));
  return FlushLocked();
}

Result<uint32_t> Archive::RecoverPop3Reservation(ArchiveFolder* folder) {
  std::lock_guard<std::mutex> lock(mu_);
  MH_ASSIGN_OR_RETURN(std::vector<index::Pop3Reservation> reserved,
                      index_->GetPop3Reservation(folder->id));
  if (reserved.empty()) return uint32_t{0};
  uint32_t max_uid = 0;
  MH_RETURN_IF_ERROR(EnsureBatchLocked());
  for (const index::Pop3Reservation& r : reserved) {
    max_uid = std::max(max_uid, r.uid);
    MH_ASSIGN_OR_RETURN(std::optional<index::MessageRecord> row,
                        index_->FindMessage(folder->id, 0, r.uid));
    if (!row) continue;  // never reached cur/: it will simply be downloaded
    MH_ASSIGN_OR_RETURN(std::optional<index::Pop3Uidl> known,
                        index_->FindPop3Uidl(folder->id, r.uidl));
    if (known && known->message_id) continue;
    MH_RETURN_IF_ERROR(index_->UpsertPop3Uidl(folder->id, r.uidl, row->id));
  }
  MH_RETURN_IF_ERROR(index_->SetPop3Reservation(folder->id, {}));
  MH_RETURN_IF_ERROR(FlushLocked());
  return max_uid;
}

Status Archive::LinkPop3Uidl(ArchiveFolder* folder, const std::string& uidl, int64_t message_id) {
  std::lock_guard<std::mutex> lock(mu_);
  MH_RETURN_IF_ERROR(EnsureBatchLocked());
  return index_->UpsertPop3Uidl(folder->id, uidl, message_id);
}

Result<std::vector<index::Pop3Uidl>> Archive::Pop3Uidls(int64_t folder_id) {
  std::lock_guard<std::mutex> lock(mu_);
  return index_->ListPop3Uidls(folder_id);
}

Status Archive::MarkPop3Deleted(ArchiveFolder* folder, const std::vector<std::string>& uidls,
                                int64_t when) {
  std::lock_guard<std::mutex> lock(mu_);
  MH_RETURN_IF_ERROR(EnsureBatchLocked());
  for (const std::string& uidl : uidls) {
    MH_RETURN_IF_ERROR(index_->MarkPop3Deleted(folder->id, uidl, when));
  }
  return FlushLocked();
}

Result<std::optional<int64_t>> Archive::FindTwin(ArchiveFolder* folder, const std::string& sha256) {
  std::lock_guard<std::mutex> lock(mu_);
  MH_ASSIGN_OR_RETURN(std::vector<index::MessageRecord> twins, index_->FindBySha256(sha256));
  for (const index::MessageRecord& t : twins) {
    if (t.folder_id == folder->id) return std::optional<int64_t>(t.id);
  }
  return std::optional<int64_t>();
}

Result<std::optional<int64_t>> Archive::ArchivedAt(int64_t message_id) {
  std::lock_guard<std::mutex> lock(mu_);
  MH_ASSIGN_OR_RETURN(std::optional<index::MessageRecord> row, index_->GetMessage(message_id));
  if (!row) return std::optional<int64_t>();
  return std::optional<int64_t>(row->created_at);
}

}  // namespace mailhoard::sync
