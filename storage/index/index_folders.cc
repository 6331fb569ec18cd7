// Index: folder rows.
#include "storage/index/index.h"
#include "storage/index/index_impl.h"

namespace mailhoard::index {

namespace {

constexpr char kSelectFolderByRemoteName[] =
    "SELECT " MH_FOLDER_COLUMNS " FROM folders WHERE remote_name = ?";
constexpr char kSelectFolderById[] = "SELECT " MH_FOLDER_COLUMNS " FROM folders WHERE id = ?";
constexpr char kSelectFolders[] = "SELECT " MH_FOLDER_COLUMNS " FROM folders ORDER BY local_path";
// LIST-derived fields are refreshed on conflict; sync state is left alone so
// a LIST never rewinds what a completed sync recorded.
constexpr char kUpsertFolder[] =
    "INSERT INTO folders (remote_name, display_name, delimiter, local_path, special_use, "
    "uidvalidity, uidnext, highestmodseq, messages, last_uid_seen, last_sync_at, last_error, "
    "state, gone_since) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'active', NULL) "
    "ON CONFLICT (remote_name) DO UPDATE SET display_name = excluded.display_name, "
    "delimiter = excluded.delimiter, local_path = excluded.local_path, "
    "special_use = excluded.special_use, state = 'active', gone_since = NULL "
    "RETURNING id";
constexpr char kUpdateSyncState[] =
    "UPDATE folders SET uidvalidity = ?, uidnext = ?, highestmodseq = ?, messages = ?, "
    "last_uid_seen = ?, last_sync_at = ?, last_error = NULL WHERE id = ?";
constexpr char kUpdateFolderError[] = "UPDATE folders SET last_error = ? WHERE id = ?";
constexpr char kMarkFolderGone[] =
    "UPDATE folders SET state = 'gone_on_server', gone_since = coalesce(gone_since, ?) "
    "WHERE id = ?";
constexpr char kDeleteFolder[] = "DELETE FROM folders WHERE id = ?";

}  // namespace

FolderRecord ReadFolder(const Statement& s) {
  FolderRecord f;
  f.id = s.ColumnInt64(0);
  f.remote_name = s.ColumnBlob(1);
  f.display_name = s.ColumnText(2);
  f.delimiter = s.ColumnText(3);
  f.local_path = s.ColumnText(4);
  f.special_use = s.ColumnText(5);
  f.uidvalidity = static_cast<uint32_t>(s.ColumnInt64(6));
  f.uidnext = static_cast<uint32_t>(s.ColumnInt64(7));
  f.highestmodseq = static_cast<uint64_t>(s.ColumnInt64(8));
  f.messages = static_cast<uint32_t>(s.ColumnInt64(9));
  f.last_uid_seen = static_cast<uint32_t>(s.ColumnInt64(10));
  f.last_sync_at = s.ColumnOptionalInt64(11);
  f.last_error = s.ColumnText(12);
  f.state =
      s.ColumnText(13) == "gone_on_server" ? FolderState::kGoneOnServer : FolderState::kActive;
  f.gone_since = s.ColumnOptionalInt64(14);
  return f;
}

Result<std::optional<FolderRecord>> Index::FindFolderByRemoteName(std::string_view remote_name) {
  Statement s = impl_->db.GetCachedStatement(kSelectFolderByRemoteName);
  s.BindBlob(0, remote_name);
  if (s.Step()) return std::optional<FolderRecord>(ReadFolder(s));
  MH_RETURN_IF_ERROR(s.status());
  return std::optional<FolderRecord>();
}

Result<std::optional<FolderRecord>> Index::GetFolder(int64_t folder_id) {
  Statement s = impl_->db.GetCachedStatement(kSelectFolderById);
  s.BindInt64(0, folder_id);
  if (s.Step()) return std::optional<FolderRecord>(ReadFolder(s));
  MH_RETURN_IF_ERROR(s.status());
  return std::optional<FolderRecord>();
}

Result<int64_t> Index::UpsertFolder(const FolderRecord& f) {
  // An empty local path is valid: in the maildir++ layout INBOX is the
  // account directory itself.
  if (f.remote_name.empty()) return InvalidArgument("index: a folder needs a remote name");
  Statement s = impl_->db.GetCachedStatement(kUpsertFolder);
  s.BindBlob(0, f.remote_name);
  s.BindText(1, f.display_name);
  s.BindTextOrNull(2, f.delimiter);
  s.BindText(3, f.local_path);
  s.BindTextOrNull(4, f.special_use);
  s.BindInt64(5, f.uidvalidity);
  s.BindInt64(6, f.uidnext);
  s.BindInt64(7, static_cast<int64_t>(f.highestmodseq));
  s.BindInt64(8, f.messages);
  s.BindInt64(9, f.last_uid_seen);
  s.BindOptionalInt64(10, f.last_sync_at);
  s.BindTextOrNull(11, f.last_error);
  if (!s.Step()) {
    MH_RETURN_IF_ERROR(s.status().WithContext("folder " + f.display_name));
    return InternalError("index: upsert of folder " + f.display_name + " returned no id");
  }
  int64_t id = s.ColumnInt64(0);
  // Step to completion so the RETURNING statement finishes its write now.
  MH_RETURN_IF_ERROR(s.Run());
  return id;
}

Result<std::vector<FolderRecord>> Index::ListFolders() {
  std::vector<FolderRecord> out;
  Statement s = impl_->db.GetCachedStatement(kSelectFolders);
  while (s.Step()) out.push_back(ReadFolder(s));
  MH_RETURN_IF_ERROR(s.status());
  return out;
}

Status Index::UpdateFolderSyncState(int64_t folder_id, const FolderSyncState& st) {
  Statement s = impl_->db.GetCachedStatement(kUpdateSyncState);
  s.BindInt64(0, st.uidvalidity);
  s.BindInt64(1, st.uidnext);
  s.BindInt64(2, static_cast<int64_t>(st.highestmodseq));
  s.BindInt64(3, st.messages);
  s.BindInt64(4, st.last_uid_seen);
  s.BindOptionalInt64(5, st.last_sync_at);
  s.BindInt64(6, folder_id);
  MH_RETURN_IF_ERROR(s.Run());
  return impl_->ExpectChanged("folder", folder_id);
}

Status Index::SetFolderError(int64_t folder_id, std::string_view error) {
  Statement s = impl_->db.GetCachedStatement(kUpdateFolderError);
  s.BindTextOrNull(0, error);
  s.BindInt64(1, folder_id);
  MH_RETURN_IF_ERROR(s.Run());
  return impl_->ExpectChanged("folder", folder_id);
}

Status Index::MarkFolderGone(int64_t folder_id, int64_t when) {
  Statement s = impl_->db.GetCachedStatement(kMarkFolderGone);
  s.BindInt64(0, when);
  s.BindInt64(1, folder_id);
  MH_RETURN_IF_ERROR(s.Run());
  return impl_->ExpectChanged("folder", folder_id);
}

Status Index::DeleteFolder(int64_t folder_id) {
  Statement s = impl_->db.GetCachedStatement(kDeleteFolder);
  s.BindInt64(0, folder_id);
  MH_RETURN_IF_ERROR(s.Run());
  return impl_->ExpectChanged("folder", folder_id);
}

}  // namespace mailhoard::index
