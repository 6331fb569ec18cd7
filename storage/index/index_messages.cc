// Index: message rows.
#include "storage/index/index.h"
#include "storage/index/index_impl.h"

#include <optional>

namespace mailhoard::index {

namespace {

constexpr char kInsertMessage[] =
    "INSERT INTO messages (folder_id, uidvalidity, uid, file_name, size, internal_date, flags, "
    "keywords, sha256, line_endings, message_id, date, from_addr, to_addr, cc_addr, subject, "
    "headers, headers_dict_id, expunged_at, unfetchable_reason, gm_msgid, modseq, created_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
constexpr char kInsertFts[] =
    "INSERT INTO messages_fts (rowid, from_addr, to_addr, cc_addr, subject, body) "
    "VALUES (?, ?, ?, ?, ?, ?)";
constexpr char kSelectByUid[] =
    "SELECT " MH_MESSAGE_COLUMNS
    " FROM messages WHERE folder_id = ? AND uidvalidity = ? AND uid = ?";
constexpr char kSelectById[] = "SELECT " MH_MESSAGE_COLUMNS " FROM messages WHERE id = ?";
constexpr char kSelectUids[] =
    "SELECT id, uid, flags, keywords, modseq, expunged_at IS NOT NULL, "
    "unfetchable_reason IS NOT NULL FROM messages "
    "WHERE folder_id = ? AND uidvalidity = ? ORDER BY uid";
constexpr char kUpdateFlags[] =
    "UPDATE messages SET flags = ?, keywords = ?, modseq = ? WHERE id = ?";
constexpr char kUpdateFileName[] = "UPDATE messages SET file_name = ? WHERE id = ?";
constexpr char kMarkExpunged[] =
    "UPDATE messages SET expunged_at = ? "
    "WHERE folder_id = ? AND uidvalidity = ? AND uid = ? AND expunged_at IS NULL";
constexpr char kDeleteMessage[] = "DELETE FROM messages WHERE id = ?";
constexpr char kRemapUid[] = "UPDATE messages SET uidvalidity = ?, uid = ? WHERE id = ?";
constexpr char kSelectForRemap[] =
    "SELECT " MH_MESSAGE_COLUMNS
    " FROM messages WHERE folder_id = ? AND message_id = ? AND size = ? AND internal_date IS ? "
    "ORDER BY id";
constexpr char kSelectBySha256[] =
    "SELECT " MH_MESSAGE_COLUMNS " FROM messages WHERE sha256 = ? ORDER BY id";
constexpr char kSelectByGmMsgid[] =
    "SELECT " MH_MESSAGE_COLUMNS " FROM messages WHERE gm_msgid = ? ORDER BY id";
constexpr char kSelectFoldersWithUnfetchable[] =
    "SELECT DISTINCT folder_id FROM messages WHERE unfetchable_reason IS NOT NULL "
    "AND expunged_at IS NULL";
constexpr char kUpdateUnfetchable[] = "UPDATE messages SET unfetchable_reason = ? WHERE id = ?";
constexpr char kSelectMessageFiles[] =
    "SELECT m.id, m.folder_id, f.local_path, m.file_name, m.sha256, m.size, "
    "m.expunged_at IS NOT NULL, m.unfetchable_reason IS NOT NULL "
    "FROM messages m JOIN folders f ON f.id = m.folder_id ORDER BY m.id";

Result<std::vector<MessageRecord>> ReadAll(Statement& s) {
  std::vector<MessageRecord> out;
  while (s.Step()) out.push_back(ReadMessage(s));
  MH_RETURN_IF_ERROR(s.status());
  return out;
}

Result<std::optional<MessageRecord>> ReadOne(Statement& s) {
  if (s.Step()) return std::optional<MessageRecord>(ReadMessage(s));
  MH_RETURN_IF_ERROR(s.status());
  return std::optional<MessageRecord>();
}

}  // namespace

MessageRecord ReadMessage(const Statement& s) {
  MessageRecord m;
  m.id = s.ColumnInt64(0);
  m.folder_id = s.ColumnInt64(1);
  m.uidvalidity = static_cast<uint32_t>(s.ColumnInt64(2));
  m.uid = static_cast<uint32_t>(s.ColumnInt64(3));
  m.file_name = s.ColumnText(4);
  m.size = static_cast<uint64_t>(s.ColumnInt64(5));
  m.internal_date = s.ColumnOptionalInt64(6);
  m.flags = s.ColumnText(7);
  m.keywords = s.ColumnText(8);
  m.sha256 = s.ColumnBlob(9);
  m.line_endings = s.ColumnText(10) == "lf" ? LineEndings::kLf : LineEndings::kCrlf;
  m.message_id = s.ColumnText(11);
  m.date = s.ColumnOptionalInt64(12);
  m.from_addr = s.ColumnText(13);
  m.to_addr = s.ColumnText(14);
  m.cc_addr = s.ColumnText(15);
  m.subject = s.ColumnText(16);
  m.expunged_at = s.ColumnOptionalInt64(17);
  m.unfetchable_reason = s.ColumnText(18);
  if (auto g = s.ColumnOptionalInt64(19)) m.gm_msgid = static_cast<uint64_t>(*g);
  m.modseq = static_cast<uint64_t>(s.ColumnInt64(20));
  m.created_at = s.ColumnInt64(21);
  return m;
}

Result<int64_t> Index::InsertMessage(const MessageRecord& m, std::string_view raw_headers,
                                     std::string_view body_text) {
  if (!m.sha256.empty() && m.sha256.size() != 32) {
    return InvalidArgument("index: sha256 must be 32 raw bytes");
  }
  Impl& impl = *impl_;
  HeaderCodec::Compressed headers;
  if (!raw_headers.empty()) {
    MH_ASSIGN_OR_RETURN(headers, impl.codec.Compress(raw_headers));
  }
  // Outside a batch the two rows get their own transaction. Inside one we
  // deliberately use no savepoint: FTS5 flushes its pending-terms buffer at
  // every savepoint, which made a 20k-message batch 3x slower. A failed
  // messages INSERT rolls back on its own (statement atomicity); a failed FTS
  // INSERT is compensated by deleting the row again.
  std::optional<Transaction> transaction;
  if (!impl.db.in_transaction()) {
    transaction.emplace(&impl.db);
    MH_RETURN_IF_ERROR(transaction->Begin());
  }
  {
    Statement s = impl.db.GetCachedStatement(kInsertMessage);
    s.BindInt64(0, m.folder_id);
    s.BindInt64(1, m.uidvalidity);
    s.BindInt64(2, m.uid);
    s.BindText(3, m.file_name);
    s.BindInt64(4, static_cast<int64_t>(m.size));
    s.BindOptionalInt64(5, m.internal_date);
    s.BindText(6, m.flags);
    s.BindText(7, m.keywords);
    s.BindBlobOrNull(8, m.sha256);
    s.BindText(9, m.line_endings == LineEndings::kLf ? "lf" : "crlf");
    s.BindTextOrNull(10, m.message_id);
    s.BindOptionalInt64(11, m.date);
    s.BindTextOrNull(12, m.from_addr);
    s.BindTextOrNull(13, m.to_addr);
    s.BindTextOrNull(14, m.cc_addr);
    s.BindTextOrNull(15, m.subject);
    if (raw_headers.empty()) {
      s.BindNull(16);
    } else {
      s.BindBlob(16, headers.data);
    }
    s.BindInt64(17, headers.dict_id);
    s.BindOptionalInt64(18, m.expunged_at);
    s.BindTextOrNull(19, m.unfetchable_reason);
    if (m.gm_msgid) {
      s.BindInt64(20, static_cast<int64_t>(*m.gm_msgid));
    } else {
      s.BindNull(20);
    }
    s.BindInt64(21, static_cast<int64_t>(m.modseq));
    s.BindInt64(22, m.created_at);
    MH_RETURN_IF_ERROR(s.Run().WithContext("folder " + std::to_string(m.folder_id) + " uid " +
                                           std::to_string(m.uid)));
  }
  const int64_t id = impl.db.last_insert_rowid();
  if (!m.from_addr.empty() || !m.to_addr.empty() || !m.cc_addr.empty() || !m.subject.empty() ||
      !body_text.empty()) {
    Statement fts = impl.db.GetCachedStatement(kInsertFts);
    fts.BindInt64(0, id);
    fts.BindText(1, m.from_addr);
    fts.BindText(2, m.to_addr);
    fts.BindText(3, m.cc_addr);
    fts.BindText(4, m.subject);
    fts.BindText(5, body_text);
    Status indexed = fts.Run();
    if (!indexed.ok()) {
      if (!transaction) {
        Statement undo = impl.db.GetCachedStatement(kDeleteMessage);
        undo.BindInt64(0, id);
        (void)undo.Run();
      }
      return indexed;
    }
  }
  if (transaction) MH_RETURN_IF_ERROR(transaction->Commit());
  if (!raw_headers.empty() && headers.dict_id == 0) {
    // Training failures are not the caller's problem: dictionary-less blobs
    // stay valid and training is retried later.
    (void)impl.MaybeTrainDictionary(m.created_at);
  }
  return id;
}

Result<std::optional<MessageRecord>> Index::FindMessage(int64_t folder_id, uint32_t uidvalidity,
                                                        uint32_t uid) {
  Statement s = impl_->db.GetCachedStatement(kSelectByUid);
  s.BindInt64(0, folder_id);
  s.BindInt64(1, uidvalidity);
  s.BindInt64(2, uid);
  return ReadOne(s);
}

Result<std::optional<MessageRecord>> Index::GetMessage(int64_t message_id) {
  Statement s = impl_->db.GetCachedStatement(kSelectById);
  s.BindInt64(0, message_id);
  return ReadOne(s);
}

Result<std::vector<UidEntry>> Index::ListUids(int64_t folder_id, uint32_t uidvalidity) {
  std::vector<UidEntry> out;
  Statement s = impl_->db.GetCachedStatement(kSelectUids);
  s.BindInt64(0, folder_id);
  s.BindInt64(1, uidvalidity);
  while (s.Step()) {
    UidEntry e;
    e.id = s.ColumnInt64(0);
    e.uid = static_cast<uint32_t>(s.ColumnInt64(1));
    e.flags = s.ColumnText(2);
    e.keywords = s.ColumnText(3);
    e.modseq = static_cast<uint64_t>(s.ColumnInt64(4));
    e.expunged = s.ColumnInt64(5) != 0;
    e.unfetchable = s.ColumnInt64(6) != 0;
    out.push_back(std::move(e));
  }
  MH_RETURN_IF_ERROR(s.status());
  return out;
}

Status Index::UpdateFlags(int64_t message_id, std::string_view flags, std::string_view keywords,
                          uint64_t modseq) {
  Statement s = impl_->db.GetCachedStatement(kUpdateFlags);
  s.BindText(0, flags);
  s.BindText(1, keywords);
  s.BindInt64(2, static_cast<int64_t>(modseq));
  s.BindInt64(3, message_id);
  MH_RETURN_IF_ERROR(s.Run());
  return impl_->ExpectChanged("message", message_id);
}

Status Index::SetFileName(int64_t message_id, std::string_view file_name) {
  Statement s = impl_->db.GetCachedStatement(kUpdateFileName);
  s.BindText(0, file_name);
  s.BindInt64(1, message_id);
  MH_RETURN_IF_ERROR(s.Run());
  return impl_->ExpectChanged("message", message_id);
}

Result<int> Index::MarkExpunged(int64_t folder_id, uint32_t uidvalidity,
                                std::span<const uint32_t> uids, int64_t when) {
  Transaction transaction(&impl_->db);
  MH_RETURN_IF_ERROR(transaction.Begin());
  int marked = 0;
  for (uint32_t uid : uids) {
    Statement s = impl_->db.GetCachedStatement(kMarkExpunged);
    s.BindInt64(0, when);
    s.BindInt64(1, folder_id);
    s.BindInt64(2, uidvalidity);
    s.BindInt64(3, uid);
    MH_RETURN_IF_ERROR(s.Run());
    marked += impl_->db.changes();
  }
  MH_RETURN_IF_ERROR(transaction.Commit());
  return marked;
}

Status Index::DeleteMessage(int64_t message_id) {
  // The contentless FTS row stays (see schema.cc); searches join it away.
  Statement s = impl_->db.GetCachedStatement(kDeleteMessage);
  s.BindInt64(0, message_id);
  MH_RETURN_IF_ERROR(s.Run());
  return impl_->ExpectChanged("message", message_id);
}

Status Index::RemapUid(int64_t message_id, uint32_t new_uidvalidity, uint32_t new_uid) {
  Statement s = impl_->db.GetCachedStatement(kRemapUid);
  s.BindInt64(0, new_uidvalidity);
  s.BindInt64(1, new_uid);
  s.BindInt64(2, message_id);
  MH_RETURN_IF_ERROR(s.Run());
  return impl_->ExpectChanged("message", message_id);
}

Result<std::vector<MessageRecord>> Index::FindForRemap(int64_t folder_id,
                                                       std::string_view message_id, uint64_t size,
                                                       std::optional<int64_t> internal_date) {
  // Without a Message-ID there is nothing to re-identify by; the caller
  // falls back to hashes.
  if (message_id.empty()) return std::vector<MessageRecord>();
  Statement s = impl_->db.GetCachedStatement(kSelectForRemap);
  s.BindInt64(0, folder_id);
  s.BindText(1, message_id);
  s.BindInt64(2, static_cast<int64_t>(size));
  s.BindOptionalInt64(3, internal_date);
  return ReadAll(s);
}

Result<std::vector<MessageRecord>> Index::FindBySha256(std::string_view sha256) {
  if (sha256.size() != 32) return InvalidArgument("index: sha256 must be 32 raw bytes");
  Statement s = impl_->db.GetCachedStatement(kSelectBySha256);
  s.BindBlob(0, sha256);
  return ReadAll(s);
}

Result<std::vector<MessageRecord>> Index::FindByGmMsgid(uint64_t gm_msgid) {
  Statement s = impl_->db.GetCachedStatement(kSelectByGmMsgid);
  s.BindInt64(0, static_cast<int64_t>(gm_msgid));
  return ReadAll(s);
}

Result<std::vector<int64_t>> Index::FoldersWithUnfetchable() {
  // A scan of the messages table: milliseconds for 100k rows, once per run.
  Statement s = impl_->db.GetCachedStatement(kSelectFoldersWithUnfetchable);
  std::vector<int64_t> out;
  while (s.Step()) out.push_back(s.ColumnInt64(0));
  MH_RETURN_IF_ERROR(s.status());
  return out;
}

Status Index::SetUnfetchable(int64_t message_id, std::string_view reason) {
  Statement s = impl_->db.GetCachedStatement(kUpdateUnfetchable);
  s.BindTextOrNull(0, reason);
  s.BindInt64(1, message_id);
  MH_RETURN_IF_ERROR(s.Run());
  return impl_->ExpectChanged("message", message_id);
}

Status Index::ForEachMessageFile(const std::function<Status(const MessageFile&)>& fn) {
  // A unique (not cached) statement: `fn` may use the cached readers.
  Statement s = impl_->db.GetUniqueStatement(kSelectMessageFiles);
  while (s.Step()) {
    MessageFile f;
    f.id = s.ColumnInt64(0);
    f.folder_id = s.ColumnInt64(1);
    f.folder_local_path = s.ColumnText(2);
    f.file_name = s.ColumnText(3);
    f.sha256 = s.ColumnBlob(4);
    f.size = static_cast<uint64_t>(s.ColumnInt64(5));
    f.expunged = s.ColumnInt64(6) != 0;
    f.unfetchable = s.ColumnInt64(7) != 0;
    MH_RETURN_IF_ERROR(fn(f));
  }
  return s.status();
}

}  // namespace mailhoard::index
