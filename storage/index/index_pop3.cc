// Index: POP3 UIDL state.
#include "storage/index/index.h"
#include "storage/index/index_impl.h"

namespace mailhoard::index {

namespace {

constexpr char kUpsertUidl[] =
    "INSERT INTO pop3_uidls (folder_id, uidl, message_id) VALUES (?, ?, ?) "
    "ON CONFLICT (folder_id, uidl) DO UPDATE SET message_id = excluded.message_id";
constexpr char kSelectUidl[] =
    "SELECT folder_id, uidl, message_id, deleted_on_server_at FROM pop3_uidls "
    "WHERE folder_id = ? AND uidl = ?";
constexpr char kSelectUidls[] =
    "SELECT folder_id, uidl, message_id, deleted_on_server_at FROM pop3_uidls "
    "WHERE folder_id = ? ORDER BY uidl";
constexpr char kMarkUidlDeleted[] =
    "UPDATE pop3_uidls SET deleted_on_server_at = coalesce(deleted_on_server_at, ?) "
    "WHERE folder_id = ? AND uidl = ?";

constexpr char kClearReserved[] = "DELETE FROM pop3_reserved WHERE folder_id = ?";
constexpr char kInsertReserved[] =
    "INSERT OR REPLACE INTO pop3_reserved (folder_id, uid, uidl) VALUES (?, ?, ?)";
constexpr char kSelectReserved[] =
    "SELECT uid, uidl FROM pop3_reserved WHERE folder_id = ? ORDER BY uid";

Pop3Uidl ReadUidl(const Statement& s) {
  Pop3Uidl u;
  u.folder_id = s.ColumnInt64(0);
  u.uidl = s.ColumnText(1);
  u.message_id = s.ColumnOptionalInt64(2);
  u.deleted_on_server_at = s.ColumnOptionalInt64(3);
  return u;
}

}  // namespace

Status Index::UpsertPop3Uidl(int64_t folder_id, std::string_view uidl,
                             std::optional<int64_t> message_id) {
  if (uidl.empty()) return InvalidArgument("index: empty POP3 UIDL");
  Statement s = impl_->db.GetCachedStatement(kUpsertUidl);
  s.BindInt64(0, folder_id);
  s.BindText(1, uidl);
  s.BindOptionalInt64(2, message_id);
  return s.Run();
}

Result<std::optional<Pop3Uidl>> Index::FindPop3Uidl(int64_t folder_id, std::string_view uidl) {
  Statement s = impl_->db.GetCachedStatement(kSelectUidl);
  s.BindInt64(0, folder_id);
  s.BindText(1, uidl);
  if (s.Step()) return std::optional<Pop3Uidl>(ReadUidl(s));
  MH_RETURN_IF_ERROR(s.status());
  return std::optional<Pop3Uidl>();
}

Result<std::vector<Pop3Uidl>> Index::ListPop3Uidls(int64_t folder_id) {
  std::vector<Pop3Uidl> out;
  Statement s = impl_->db.GetCachedStatement(kSelectUidls);
  s.BindInt64(0, folder_id);
  while (s.Step()) out.push_back(ReadUidl(s));
  MH_RETURN_IF_ERROR(s.status());
  return out;
}

Status Index::MarkPop3Deleted(int64_t folder_id, std::string_view uidl, int64_t when) {
  Statement s = impl_->db.GetCachedStatement(kMarkUidlDeleted);
  s.BindInt64(0, when);
  s.BindInt64(1, folder_id);
  s.BindText(2, uidl);
  MH_RETURN_IF_ERROR(s.Run());
  if (impl_->db.changes() == 0) return NotFound("index: no POP3 UIDL " + std::string(uidl));
  return Status::Ok();
}

Status Index::SetPop3Reservation(int64_t folder_id, const std::vector<Pop3Reservation>& reserved) {
  Statement clear = impl_->db.GetCachedStatement(kClearReserved);
  clear.BindInt64(0, folder_id);
  MH_RETURN_IF_ERROR(clear.Run());
  for (const Pop3Reservation& r : reserved) {
    if (r.uidl.empty()) return InvalidArgument("index: empty POP3 UIDL");
    Statement s = impl_->db.GetCachedStatement(kInsertReserved);
    s.BindInt64(0, folder_id);
    s.BindInt64(1, r.uid);
    s.BindText(2, r.uidl);
    MH_RETURN_IF_ERROR(s.Run());
  }
  return Status::Ok();
}

Result<std::vector<Pop3Reservation>> Index::GetPop3Reservation(int64_t folder_id) {
  std::vector<Pop3Reservation> out;
  Statement s = impl_->db.GetCachedStatement(kSelectReserved);
  s.BindInt64(0, folder_id);
  while (s.Step()) {
    out.push_back({static_cast<uint32_t>(s.ColumnInt64(0)), s.ColumnText(1)});
  }
  MH_RETURN_IF_ERROR(s.status());
  return out;
}

}  // namespace mailhoard::index
