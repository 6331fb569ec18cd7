// Index: what `push` put into which target (schema v4).
#include "storage/index/index.h"
#include "storage/index/index_impl.h"

namespace mailhoard::index {

namespace {

constexpr char kUpsertPushFolder[] =
    "INSERT INTO push_folders (target, folder_id, target_name) VALUES (?, ?, ?) "
    "ON CONFLICT (target, folder_id) DO UPDATE SET target_name = excluded.target_name";
constexpr char kSelectPushFolder[] =
    "SELECT id, target, folder_id, target_name, uidvalidity, checked_uid, last_push_at "
    "FROM push_folders WHERE target = ? AND folder_id = ?";
constexpr char kSelectPushFolders[] =
    "SELECT id, target, folder_id, target_name, uidvalidity, checked_uid, last_push_at "
    "FROM push_folders WHERE target = ? ORDER BY id";
constexpr char kUpdatePushFolder[] =
    "UPDATE push_folders SET uidvalidity = ?, checked_uid = ?, last_push_at = ? WHERE id = ?";
constexpr char kUpsertPushed[] =
    "INSERT INTO pushed (push_folder_id, message_id, uidvalidity, uid, flags, keywords, refused, "
    "pushed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (push_folder_id, message_id) DO "
    "UPDATE SET uidvalidity = excluded.uidvalidity, uid = excluded.uid, flags = excluded.flags, "
    "keywords = excluded.keywords, refused = excluded.refused, pushed_at = excluded.pushed_at";
constexpr char kSelectPushed[] =
    "SELECT message_id, uidvalidity, uid, flags, keywords, refused, pushed_at FROM pushed "
    "WHERE push_folder_id = ? ORDER BY message_id";
constexpr char kDeletePushed[] = "DELETE FROM pushed WHERE push_folder_id = ? AND message_id = ?";
// Rows without a file (unfetchable) cannot be pushed.
constexpr char kSelectSource[] =
    "SELECT id, uid, file_name, size, internal_date, flags, keywords, message_id, sha256, "
    "subject, line_endings, expunged_at FROM messages WHERE folder_id = ? AND "
    "unfetchable_reason IS NULL ORDER BY uidvalidity, uid";

PushFolderRecord ReadPushFolder(const Statement& s) {
  PushFolderRecord f;
  f.id = s.ColumnInt64(0);
  f.target = s.ColumnText(1);
  f.folder_id = s.ColumnInt64(2);
  f.target_name = s.ColumnBlob(3);
  f.uidvalidity = static_cast<uint32_t>(s.ColumnInt64(4));
  f.checked_uid = static_cast<uint32_t>(s.ColumnInt64(5));
  f.last_push_at = s.ColumnOptionalInt64(6);
  return f;
}

}  // namespace

Result<PushFolderRecord> Index::UpsertPushFolder(std::string_view target, int64_t folder_id,
                                                 std::string_view target_name) {
  {
    Statement s = impl_->db.GetCachedStatement(kUpsertPushFolder);
    s.BindText(0, target);
    s.BindInt64(1, folder_id);
    s.BindBlob(2, target_name);
    MH_RETURN_IF_ERROR(s.Run());
  }
  Statement s = impl_->db.GetCachedStatement(kSelectPushFolder);
  s.BindText(0, target);
  s.BindInt64(1, folder_id);
  if (s.Step()) return ReadPushFolder(s);
  MH_RETURN_IF_ERROR(s.status());
  return NotFound("index: push folder just written is missing");
}

Result<std::vector<PushFolderRecord>> Index::ListPushFolders(std::string_view target) {
  std::vector<PushFolderRecord> out;
  Statement s = impl_->db.GetCachedStatement(kSelectPushFolders);
  s.BindText(0, target);
  while (s.Step()) out.push_back(ReadPushFolder(s));
  MH_RETURN_IF_ERROR(s.status());
  return out;
}

Status Index::UpdatePushFolder(int64_t push_folder_id, uint32_t uidvalidity, uint32_t checked_uid,
                               int64_t when) {
  Statement s = impl_->db.GetCachedStatement(kUpdatePushFolder);
  s.BindInt64(0, uidvalidity);
  s.BindInt64(1, checked_uid);
  s.BindInt64(2, when);
  s.BindInt64(3, push_folder_id);
  MH_RETURN_IF_ERROR(s.Run());
  return impl_->ExpectChanged("push folder", push_folder_id);
}

Status Index::RecordPushed(int64_t push_folder_id, const PushedRecord& r) {
  Statement s = impl_->db.GetCachedStatement(kUpsertPushed);
  s.BindInt64(0, push_folder_id);
  s.BindInt64(1, r.message_id);
  s.BindInt64(2, r.uidvalidity);
  s.BindInt64(3, r.uid);
  s.BindText(4, r.flags);
  s.BindText(5, r.keywords);
  s.BindText(6, r.refused);
  s.BindInt64(7, r.pushed_at);
  return s.Run();
}

Status Index::ForgetPushed(int64_t push_folder_id, int64_t message_id) {
  Statement s = impl_->db.GetCachedStatement(kDeletePushed);
  s.BindInt64(0, push_folder_id);
  s.BindInt64(1, message_id);
  return s.Run();
}

Result<std::vector<PushedRecord>> Index::ListPushed(int64_t push_folder_id) {
  std::vector<PushedRecord> out;
  Statement s = impl_->db.GetCachedStatement(kSelectPushed);
  s.BindInt64(0, push_folder_id);
  while (s.Step()) {
    PushedRecord r;
    r.message_id = s.ColumnInt64(0);
    r.uidvalidity = static_cast<uint32_t>(s.ColumnInt64(1));
    r.uid = static_cast<uint32_t>(s.ColumnInt64(2));
    r.flags = s.ColumnText(3);
    r.keywords = s.ColumnText(4);
    r.refused = s.ColumnText(5);
    r.pushed_at = s.ColumnInt64(6);
    out.push_back(std::move(r));
  }
  MH_RETURN_IF_ERROR(s.status());
  return out;
}

Result<std::vector<PushSourceMessage>> Index::ListPushSource(int64_t folder_id) {
  std::vector<PushSourceMessage> out;
  Statement s = impl_->db.GetCachedStatement(kSelectSource);
  s.BindInt64(0, folder_id);
  while (s.Step()) {
    PushSourceMessage m;
    m.id = s.ColumnInt64(0);
    m.uid = static_cast<uint32_t>(s.ColumnInt64(1));
    m.file_name = s.ColumnText(2);
    m.size = static_cast<uint64_t>(s.ColumnInt64(3));
    m.internal_date = s.ColumnOptionalInt64(4);
    m.flags = s.ColumnText(5);
    m.keywords = s.ColumnText(6);
    m.message_id = s.ColumnText(7);
    m.sha256 = s.ColumnBlob(8);
    m.subject = s.ColumnText(9);
    m.lf = s.ColumnText(10) == "lf";
    m.expunged = s.ColumnOptionalInt64(11).has_value();
    out.push_back(std::move(m));
  }
  MH_RETURN_IF_ERROR(s.status());
  return out;
}

}  // namespace mailhoard::index
