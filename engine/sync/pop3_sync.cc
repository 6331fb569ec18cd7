#include "engine/sync/pop3_sync.h"

#include <algorithm>
#include <unordered_map>

#include "engine/sync/pop3_planner.h"
#include "storage/maildir/sha256.h"

namespace mailhoard::sync {
namespace {

constexpr char kInbox[] = "INBOX";
constexpr int64_t kSecondsPerDay = 86400;

// POP3 has one mailbox, with no hierarchy delimiter. Named fields: the
// struct grows (local_name) and must not need an edit here each time.
RemoteFolderInfo InboxInfo() {
  RemoteFolderInfo info;
  info.remote_name = kInbox;
  info.display_name = kInbox;
  return info;
}

bool Cancelled(const Pop3SyncOptions& o) { return o.cancel && o.cancel->load(); }

Status CancelledStatus() { return Status::Error(ErrorCode::kCancelled, "stopped by a signal"); }

// Everything one session needs; a retry builds a new one.
struct Run {
  Archive& archive;
  const Pop3SyncOptions& o;
  FolderResult* result;
  int64_t now = 0;
  pop3::Pop3Client* client = nullptr;
  ArchiveFolder* folder = nullptr;
  uint64_t total = 0;  // messages to download, for progress
};

void Progress(const Run& r, bool finished) {
  if (!r.o.on_progress) return;
  r.o.on_progress({kInbox, r.result->fetched, r.total, r.result->bytes, finished});
}

void Warn(const Pop3SyncOptions& o, std::string_view text) {
  if (o.on_warning) o.on_warning(text);
}

// A -ERR for one message (not the connection, not the account) is worth
// skipping: the message is retried on the next run.
bool MessageLevel(const pop3::Pop3Client& client, const Status& s) {
  return !client.broken() && s.code() == ErrorCode::kServerNo && !s.transient();
}

// --- Downloading -------------------------------------------------------------

Result<uint32_t> NextUid(Archive& archive, ArchiveFolder* folder, uint32_t max_reserved) {
  MH_ASSIGN_OR_RETURN(std::vector<LocalMessage> local, archive.LocalMessages(folder, 0));
  uint32_t max_uid = local.empty() ? 0 : local.back().uid;
  return std::max(max_uid, max_reserved) + 1;
}

struct Downloaded {
  int64_t id = 0;
  bool duplicate = false;  // fallback: the archive already had these bytes
};

// Delivers a fully received message under `uid` and counts it.
Result<int64_t> Store(Run& r, IncomingMessage& msg, uint32_t uid) {
  uint64_t size = msg.size();
  IncomingMeta meta;
  meta.uidvalidity = 0;
  meta.uid = uid;
  MH_ASSIGN_OR_RETURN(int64_t id, msg.Commit(meta));
  ++r.result->fetched;
  r.result->bytes += size;
  Progress(r, false);
  return id;
}

// RETR into a new Maildir file, de-duplicated: the SHA-256 of the bytes as
// they will be stored is computed on the way, and a message whose twin is
// already in the folder is discarded before it is committed.
Result<Downloaded> DownloadUnlessKnown(Run& r, uint32_t number, uint32_t uid) {
  MH_ASSIGN_OR_RETURN(std::unique_ptr<IncomingMessage> msg, r.archive.NewMessage(r.folder));
  maildir::Sha256 hash;
  bool lf = r.archive.options().line_endings == maildir::LineEndings::kLf;
  Status s = r.client->Retr(number, [&](const char* data, size_t len) -> Status {
    // Pop3Client passes each line and then its CRLF separately; kLf stores
    // that CRLF as LF, and the hash must match what is stored.
    if (lf && len == 2 && data[0] == '\r' && data[1] == '\n') {
      hash.Update("\n", 1);
    } else {
      hash.Update(data, len);
    }
    return msg->Write(data, len);
  });
  MH_RETURN_IF_ERROR(s);
  Downloaded out;
  maildir::Sha256Digest digest = hash.Finish();
  std::string sha(reinterpret_cast<const char*>(digest.data()), digest.size());
  MH_ASSIGN_OR_RETURN(std::optional<int64_t> twin, r.archive.FindTwin(r.folder, sha));
  if (twin) {
    out.id = *twin;
    out.duplicate = true;
    return out;  // `msg` is discarded uncommitted
  }
  MH_ASSIGN_OR_RETURN(out.id, Store(r, *msg, uid));
  return out;
}

// --- Deleting ----------------------------------------------------------------

struct Deletion {
  uint32_t number = 0;
  std::string uidl;  // empty without UIDL support
};

// Whether an archived message (index row `message_id`) may go from the server.
Result<bool> ShouldDelete(Run& r, int64_t message_id) {
  if (r.o.mode == Pop3Mode::kDrain) return true;
  if (!r.o.delete_after_days) return false;
  MH_ASSIGN_OR_RETURN(std::optional<int64_t> archived_at, r.archive.ArchivedAt(message_id));
  if (!archived_at) return false;
  return *archived_at + int64_t{*r.o.delete_after_days} * kSecondsPerDay <= r.now;
}

// DELE, then QUIT; the index learns of the deletion only after the server
// acknowledged QUIT (RFC 1939 §6: the UPDATE state).
Status DeleteAndQuit(Run& r, const std::vector<Deletion>& deletions) {
  if (Cancelled(r.o)) return CancelledStatus();
  if (!deletions.empty()) {
    std::vector<uint32_t> numbers;
    for (const auto& d : deletions) numbers.push_back(d.number);
    Status s = r.client->Dele(numbers);
    if (!s.ok()) {
      // Some DELE failed: undo all of them rather than guess which held.
      if (!r.client->broken()) (void)r.client->Rset();
      if (!r.client->broken()) (void)r.client->Quit();
      return s.WithContext("deleting archived messages on the server");
    }
  }
  if (r.o.before_quit) r.o.before_quit(*r.client);
  MH_RETURN_IF_ERROR(r.client->Quit().WithContext("QUIT after deleting"));
  if (deletions.empty()) return Status::Ok();
  std::vector<std::string> uidls;
  for (const auto& d : deletions) {
    if (!d.uidl.empty()) uidls.push_back(d.uidl);
  }
  MH_RETURN_IF_ERROR(r.archive.MarkPop3Deleted(r.folder, uidls, r.now));
  r.result->expunged += deletions.size();
  return Status::Ok();
}

Status FinishInbox(Run& r, uint32_t next_uid, uint32_t server_messages) {
  index::FolderSyncState state;
  state.uidvalidity = 0;
  state.uidnext = next_uid;
  state.messages = server_messages;
  state.last_uid_seen = next_uid - 1;
  MH_RETURN_IF_ERROR(r.archive.FinishFolder(r.folder, state));
  // Deletions follow: everything they rely on must be committed first.
  return r.archive.Flush();
}

// --- The two ways of telling what is new -------------------------------------

// The index's view of this folder's UIDLs, for the planner.
Result<std::unordered_map<std::string, Pop3KnownUidl>> KnownUidls(Archive& archive,
                                                                  ArchiveFolder* folder) {
  MH_ASSIGN_OR_RETURN(std::vector<LocalMessage> local, archive.LocalMessages(folder, 0));
  std::unordered_map<int64_t, uint32_t> unfetchable;  // row id -> uid
  for (const auto& m : local) {
    if (m.unfetchable) unfetchable.emplace(m.id, m.uid);
  }
  MH_ASSIGN_OR_RETURN(std::vector<index::Pop3Uidl> rows, archive.Pop3Uidls(folder->id));
  std::unordered_map<std::string, Pop3KnownUidl> known;
  for (auto& row : rows) {
    Pop3KnownUidl k;
    if (row.message_id) {
      auto it = unfetchable.find(*row.message_id);
      if (it == unfetchable.end()) {
        k.archived = true;
        k.message_id = *row.message_id;
      } else {
        k.unfetchable = true;
        k.uid = it->second;
      }
    }
    known.emplace(std::move(row.uidl), k);
  }
  return known;
}

// RETRs `batch` (pipelined where offered), each streamed into its own file
// and recorded with its UIDL in the current index batch. A message the
// server refuses is recorded unfetchable (a row without a file, linked to
// its UIDL so the next run asks again under the same uid) and appended to
// `refused`. `archived` learns UIDL -> row id of what was stored.
Status Download(Run& r, const std::vector<Pop3Download>& batch,
                std::unordered_map<std::string, int64_t>* archived,
                std::vector<Pop3Download>* refused) {
  std::vector<uint32_t> numbers;
  std::unordered_map<uint32_t, size_t> position;  // message number -> batch index
  for (size_t i = 0; i < batch.size(); ++i) {
    numbers.push_back(batch[i].number);
    position[batch[i].number] = i;
  }
  std::unique_ptr<IncomingMessage> current;
  auto begin = [&](uint32_t) -> Result<pop3::BodySink> {
    MH_ASSIGN_OR_RETURN(current, r.archive.NewMessage(r.folder));
    IncomingMessage* msg = current.get();
    return pop3::BodySink([msg](const char* data, size_t len) { return msg->Write(data, len); });
  };
  auto finish = [&](uint32_t number, Status status) -> Status {
    std::unique_ptr<IncomingMessage> msg = std::move(current);
    const Pop3Download& d = batch[position[number]];
    if (!status.ok()) {
      if (!MessageLevel(*r.client, status)) return status;
      MH_ASSIGN_OR_RETURN(int64_t row, r.archive.RecordUnfetchable(r.folder, 0, d.uid,
                                                                   "RETR: " + status.message()));
      MH_RETURN_IF_ERROR(r.archive.LinkPop3Uidl(r.folder, d.uidl, row));
      refused->push_back(d);
      return Cancelled(r.o) ? CancelledStatus() : Status::Ok();
    }
    MH_ASSIGN_OR_RETURN(int64_t id, Store(r, *msg, d.uid));
    // Same batch as the message row (unless the Archive just committed
    // its batch; then the reservation covers the gap).
    MH_RETURN_IF_ERROR(r.archive.LinkPop3Uidl(r.folder, d.uidl, id));
    (*archived)[d.uidl] = id;
    return Cancelled(r.o) ? CancelledStatus() : Status::Ok();
  };
  return r.client->RetrMany(numbers, begin, finish);
}

Status SyncWithUidl(Run& r, const std::vector<pop3::UidlEntry>& uidls, uint32_t next_uid) {
  std::unordered_map<std::string, int64_t> archived;  // UIDL -> row id
  std::vector<Pop3Download> todo;
  {
    MH_ASSIGN_OR_RETURN(auto known, KnownUidls(r.archive, r.folder));
    todo = PlanPop3Downloads(uidls, known, next_uid);
    for (const auto& [uidl, k] : known) {
      if (k.archived) archived.emplace(uidl, k.message_id);
    }
  }
  for (const auto& d : todo) {
    if (!d.retry) next_uid = std::max(next_uid, d.uid + 1);
  }
  r.total = todo.size();
  std::vector<Pop3Download> refused;
  const size_t chunk = std::max<size_t>(1, r.o.chunk_messages);
  for (size_t start = 0; start < todo.size(); start += chunk) {
    std::vector<Pop3Download> batch(todo.begin() + start,
                                    todo.begin() + std::min(todo.size(), start + chunk));
    std::vector<index::Pop3Reservation> reserved;
    for (const auto& d : batch) reserved.push_back({d.uid, d.uidl});
    MH_RETURN_IF_ERROR(r.archive.ReservePop3Uids(r.folder, reserved));
    MH_RETURN_IF_ERROR(Download(r, batch, &archived, &refused));
    MH_RETURN_IF_ERROR(r.archive.ReservePop3Uids(r.folder, {}));
  }
  // Refused ones are asked once more, one by one, after the rest: a server
  // that could not produce a message a moment ago may now.
  std::vector<Pop3Download> still_refused;
  for (const auto& d : refused) {
    if (Cancelled(r.o)) return CancelledStatus();
    MH_RETURN_IF_ERROR(Download(r, {d}, &archived, &still_refused));
  }
  r.result->unfetchable += still_refused.size();
  MH_RETURN_IF_ERROR(FinishInbox(r, next_uid, static_cast<uint32_t>(uidls.size())));

  std::vector<Deletion> deletions;
  for (const auto& e : uidls) {
    auto it = archived.find(e.uidl);
    if (it == archived.end()) continue;  // not archived: never delete
    MH_ASSIGN_OR_RETURN(bool del, ShouldDelete(r, it->second));
    if (del) deletions.push_back({e.number, e.uidl});
  }
  return DeleteAndQuit(r, deletions);
}

Status SyncByContent(Run& r, const std::vector<pop3::ListEntry>& list, uint32_t next_uid) {
  Warn(r.o,
       "POP3 server does not support UIDL: every message is downloaded each run and "
       "de-duplicated by its SHA-256");
  r.total = list.size();
  std::vector<Deletion> deletions;
  for (const auto& e : list) {
    if (Cancelled(r.o)) return CancelledStatus();
    auto got = DownloadUnlessKnown(r, e.number, next_uid);
    if (!got.ok()) {
      if (!MessageLevel(*r.client, got.status())) return got.status();
      ++r.result->unfetchable;
      continue;
    }
    if (!got->duplicate) ++next_uid;
    MH_ASSIGN_OR_RETURN(bool del, ShouldDelete(r, got->id));
    if (del) deletions.push_back({e.number, ""});
  }
  MH_RETURN_IF_ERROR(FinishInbox(r, next_uid, static_cast<uint32_t>(list.size())));
  return DeleteAndQuit(r, deletions);
}

// What a real run would download, exactly: the planner's downloads (new
// UIDLs and those refused last time), with the sizes LIST reports (without
// UIDL: every message, as a real run downloads them all before
// de-duplicating).
Status DryRun(Run& r) {
  MH_ASSIGN_OR_RETURN(std::optional<index::FolderRecord> record, r.archive.FindFolder(kInbox));
  MH_ASSIGN_OR_RETURN(std::vector<pop3::ListEntry> list, r.client->List());
  std::unordered_map<uint32_t, uint64_t> size_of;  // message number -> octets
  for (const auto& e : list) size_of[e.number] = e.size;
  auto uidls = r.client->Uidl();
  if (!uidls.ok() && uidls.status().code() != ErrorCode::kUnsupported) return uidls.status();
  std::vector<uint32_t> wanted;
  if (uidls.ok()) {
    std::unordered_map<std::string, Pop3KnownUidl> known;
    if (record) {
      // Read as it is: OpenFolder would create what a dry run must not.
      ArchiveFolder inbox;
      inbox.id = record->id;
      MH_ASSIGN_OR_RETURN(known, KnownUidls(r.archive, &inbox));
    }
    for (const Pop3Download& d : PlanPop3Downloads(*uidls, known, 1)) wanted.push_back(d.number);
  } else {
    for (const auto& e : list) wanted.push_back(e.number);
  }
  r.total = wanted.size();
  r.result->fetched = wanted.size();
  for (uint32_t number : wanted) r.result->bytes += size_of[number];
  Progress(r, true);
  return r.client->Quit();
}

// One signed-in POP3 session, good for one pass over the mailbox: QUIT
// ends it (and is the moment the server deletes), so a retry opens a new
// one.
class Pop3Session : public SourceSession {
 public:
  Pop3Session(std::unique_ptr<pop3::Pop3Client> client, const Pop3SyncOptions& options)
      : client_(std::move(client)), o_(options) {}

  Status SyncFolder(Archive& archive, const FolderTask& task, FolderResult* result) override {
    used_ = true;
    Run r{archive, o_, result};
    r.now = archive.options().now();
    r.client = client_.get();
    if (o_.dry_run) return DryRun(r);

    MH_ASSIGN_OR_RETURN(r.folder, archive.OpenFolder(task.folder, 0));
    result->adopted = r.folder->adopted;
    MH_ASSIGN_OR_RETURN(uint32_t max_reserved, archive.RecoverPop3Reservation(r.folder));
    MH_ASSIGN_OR_RETURN(uint32_t next_uid, NextUid(archive, r.folder, max_reserved));

    auto uidls = client_->Uidl();
    Status s;
    if (uidls.ok()) {
      s = SyncWithUidl(r, *uidls, next_uid);
    } else if (uidls.status().code() == ErrorCode::kUnsupported) {
      MH_ASSIGN_OR_RETURN(std::vector<pop3::ListEntry> list, client_->List());
      s = SyncByContent(r, list, next_uid);
    } else {
      s = uidls.status();
    }
    if (!s.ok()) {
      // What was stored is kept; nothing was deleted (no QUIT was sent).
      (void)archive.Flush();
      return s;
    }
    Progress(r, true);
    return Status::Ok();
  }

  bool broken() const override { return used_ || client_->broken(); }

  // Only a session that never got to the mailbox (its folder filtered
  // out) is still open; it has no DELE pending.
  void Close() override { (void)client_->Quit(); }

 private:
  std::unique_ptr<pop3::Pop3Client> client_;
  const Pop3SyncOptions& o_;
  bool used_ = false;
};

}  // namespace

Result<std::unique_ptr<SourceSession>> Pop3Source::Open(Pacer& pacer, bool /*fresh_token*/,
                                                        std::vector<SourceFolder>* listing) {
  MH_RETURN_IF_ERROR(pacer.gate().Wait());
  MH_ASSIGN_OR_RETURN(std::unique_ptr<pop3::Pop3Client> client,
                      o_.connect ? o_.connect(o_.client) : pop3::Pop3Client::Connect(o_.client));
  // A rejected token is refreshed inside Login (credentials.refresh).
  MH_RETURN_IF_ERROR(client->Login(o_.credentials));
  if (listing) listing->push_back({InboxInfo(), true, std::nullopt});
  return std::unique_ptr<SourceSession>(new Pop3Session(std::move(client), o_));
}

SyncResult SyncPop3Account(Archive& archive, const Pop3SyncOptions& options) {
  Pop3Source source(options);
  return RunSync(archive, source, options);
}

}  // namespace mailhoard::sync
