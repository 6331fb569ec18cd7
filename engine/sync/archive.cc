#include "engine/sync/archive.h"

#include <algorithm>
#include <set>

#include "storage/maildir/message_name.h"
#include "storage/mime/message_scanner.h"

namespace mailhoard::sync {

int64_t ArchiveOptions::now() const {
  Clock& c = clock ? *clock : RealClock();
  return std::chrono::duration_cast<std::chrono::seconds>(c.WallNow().time_since_epoch()).count();
}
namespace {

std::string JoinSpace(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : " ") + s;
  return out;
}

std::string StripSubdir(const std::string& file_name) {
  auto slash = file_name.find('/');
  return slash == std::string::npos ? file_name : file_name.substr(slash + 1);
}

index::LineEndings ToIndex(maildir::LineEndings e) {
  return e == maildir::LineEndings::kLf ? index::LineEndings::kLf : index::LineEndings::kCrlf;
}

// Fills the searchable header fields of a record from a scanned message.
void DescribeMessage(const mime::MessageScanner& scan, index::MessageRecord* record) {
  const mime::HeaderBlock& h = scan.headers();
  record->message_id = h.MessageId().value_or("");
  if (auto date = h.Date()) record->date = static_cast<int64_t>(*date);
  record->from_addr = h.DecodedJoined("From").value_or("");
  record->to_addr = h.DecodedJoined("To").value_or("");
  record->cc_addr = h.DecodedJoined("Cc").value_or("");
  record->subject = h.Decoded("Subject").value_or("");
}

}  // namespace

FlagSet FlagsFromIndex(const std::string& letters, const std::string& keywords) {
  const maildir::MaildirFlags flags = maildir::FlagsFromLetters(letters);
  std::vector<std::string> names = maildir::FlagNames(flags);
  FlagSet kw = FlagSet::Parse(keywords);
  names.insert(names.end(), kw.flags().begin(), kw.flags().end());
  return FlagSet(names);
}

// --- IncomingMessage ----------------------------------------------------------

struct IncomingMessage::State {
  State(maildir::MessageWriter w, mime::ScanLimits limits)
      : writer(std::move(w)), scanner(limits) {}
  maildir::MessageWriter writer;
  mime::MessageScanner scanner;
};

IncomingMessage::IncomingMessage(Archive* archive, ArchiveFolder* folder,
                                 std::unique_ptr<State> state)
    : archive_(archive), folder_(folder), state_(std::move(state)) {}

IncomingMessage::~IncomingMessage() = default;  // the writer aborts if uncommitted

Status IncomingMessage::Write(const char* data, size_t len) {
  state_->scanner.Feed(std::string_view(data, len));
  return state_->writer.Write(data, len);
}

uint64_t IncomingMessage::size() const { return state_->writer.size(); }

std::string IncomingMessage::Subject() const {
  return state_->scanner.headers().Decoded("Subject").value_or("");
}

Result<int64_t> IncomingMessage::Commit(const IncomingMeta& meta) {
  state_->scanner.Finish();
  maildir::SplitFlags split = maildir::SplitFlagNames(meta.flags.flags());
  MH_ASSIGN_OR_RETURN(maildir::DeliveredMessage delivered,
                      state_->writer.Commit(meta.uid, split.flags, meta.internal_date));
  index::MessageRecord record;
  record.folder_id = folder_->id;
  record.uidvalidity = meta.uidvalidity;
  record.uid = meta.uid;
  record.file_name = "cur/" + delivered.file_name;
  record.size = delivered.size;
  record.internal_date = meta.internal_date;
  record.flags = maildir::FlagLetters(split.flags);
  record.keywords = JoinSpace(split.keywords);
  record.sha256.assign(reinterpret_cast<const char*>(delivered.sha256.data()),
                       delivered.sha256.size());
  record.line_endings = ToIndex(delivered.stored);
  record.modseq = meta.modseq;
  record.gm_msgid = meta.gm_msgid;
  DescribeMessage(state_->scanner, &record);
  if (archive_->options_.dedupe) {
    MH_RETURN_IF_ERROR(archive_->LinkToTwin(folder_, &record, split.flags));
  }
  return archive_->Record(folder_, record, state_->scanner.raw_header(), state_->scanner.text(),
                          delivered.size);
}

// --- Archive ------------------------------------------------------------------

Archive::Archive(ArchiveOptions options) : options_(std::move(options)), mapper_(options_.layout) {}

Archive::~Archive() {
  std::lock_guard<std::mutex> lock(mu_);
  // An unfinished batch is rolled back: its files are in cur/ and will be
  // adopted on the next open, so nothing is lost by not committing here.
  if (index_ && index_->in_batch()) index_->RollbackBatch();
}

Result<std::unique_ptr<Archive>> Archive::Open(ArchiveOptions options) {
  std::unique_ptr<Archive> archive(new Archive(std::move(options)));
  maildir::FileSystem* fs =
      archive->options_.fs ? archive->options_.fs : maildir::DefaultFileSystem();
  maildir::MaildirOptions mopts;
  mopts.durability = archive->options_.durability;
  mopts.line_endings = archive->options_.line_endings;
  archive->maildir_ = std::make_unique<maildir::Maildir>(fs, archive->options_.account_dir, mopts);
  // The root must exist before SQLite can create the index inside it.
  MH_RETURN_IF_ERROR(archive->maildir_->EnsureFolder(
      archive->options_.layout == maildir::Layout::kMaildirPlusPlus ? "" : "INBOX"));
  index::IndexOptions iopts;
  MH_ASSIGN_OR_RETURN(
      archive->index_,
      index::Index::Open(archive->options_.account_dir + "/.mailhoard.sqlite", iopts));
  return archive;
}

Status Archive::EnsureBatchLocked() {
  if (index_->in_batch()) return Status::Ok();
  batch_count_ = 0;
  batch_bytes_ = 0;
  return index_->BeginBatch();
}

Status Archive::FlushLocked() {
  if (!index_->in_batch()) return Status::Ok();
  // Files before rows: the directory entries of everything this batch
  // records must be durable before the index says they exist.
  Status s = maildir_->SyncBatch();
  if (!s.ok()) {
    index_->RollbackBatch();
    return s;
  }
  s = index_->CommitBatch();
  if (!s.ok()) index_->RollbackBatch();
  batch_count_ = 0;
  batch_bytes_ = 0;
  return s;
}

Status Archive::Flush() {
  std::lock_guard<std::mutex> lock(mu_);
  return FlushLocked();
}

Result<int64_t> Archive::Record(ArchiveFolder* folder, const index::MessageRecord& record,
                                const std::string& raw_headers, const std::string& body_text,
                                uint64_t bytes) {
  std::lock_guard<std::mutex> lock(mu_);
  MH_RETURN_IF_ERROR(EnsureBatchLocked());
  index::MessageRecord r = record;
  r.created_at = options_.now();
  // A message recorded as unfetchable earlier has arrived after all: its
  // placeholder row gives way to the real one.
  MH_ASSIGN_OR_RETURN(std::optional<index::MessageRecord> existing,
                      index_->FindMessage(folder->id, r.uidvalidity, r.uid));
  if (existing && !existing->unfetchable_reason.empty() && existing->file_name.empty()) {
    MH_RETURN_IF_ERROR(index_->DeleteMessage(existing->id));
  }
  MH_ASSIGN_OR_RETURN(int64_t id, index_->InsertMessage(r, raw_headers, body_text));
  ++batch_count_;
  batch_bytes_ += bytes;
  if (batch_count_ >= options_.batch_messages || batch_bytes_ >= options_.batch_bytes) {
    MH_RETURN_IF_ERROR(FlushLocked());
  }
  return id;
}

Status Archive::LinkToTwin(ArchiveFolder* folder, index::MessageRecord* record,
                           maildir::MaildirFlags flags) {
  std::optional<index::MessageRecord> twin;
  std::string twin_path;
  {
    std::lock_guard<std::mutex> lock(mu_);
    MH_ASSIGN_OR_RETURN(std::vector<index::MessageRecord> same,
                        index_->FindBySha256(record->sha256));
    for (auto& m : same) {
      if (m.folder_id == folder->id || m.file_name.empty()) continue;
      MH_ASSIGN_OR_RETURN(std::optional<index::FolderRecord> f, index_->GetFolder(m.folder_id));
      if (!f) continue;
      twin = std::move(m);
      twin_path = f->local_path;
      break;
    }
  }
  if (!twin) return Status::Ok();
  // Same bytes: one file on disk, one name per folder (each with its own
  // uid and flags), so every folder still reads as a normal Maildir.
  MH_ASSIGN_OR_RETURN(std::string linked,
                      maildir_->LinkMessage(twin_path, StripSubdir(twin->file_name),
                                            folder->local_path, record->uid, flags));
  MH_RETURN_IF_ERROR(maildir_->RemoveMessage(folder->local_path, StripSubdir(record->file_name)));
  record->file_name = "cur/" + linked;
  return Status::Ok();
}

Result<ArchiveFolder*> Archive::OpenFolder(const RemoteFolderInfo& remote, uint32_t uidvalidity) {
  std::unique_lock<std::mutex> lock(mu_);
  auto it = folders_.find(remote.remote_name);
  if (it != folders_.end()) return it->second.get();

  MH_ASSIGN_OR_RETURN(std::optional<index::FolderRecord> existing,
                      index_->FindFolderByRemoteName(remote.remote_name));
  index::FolderRecord record;
  if (existing) {
    record = *existing;
  } else {
    MH_ASSIGN_OR_RETURN(std::vector<index::FolderRecord> all, index_->ListFolders());
    // The account directory also holds our own files; a folder named, say,
    // "mailhoard/sqlite" must not map onto the index in maildir++.
    std::vector<std::string> taken = {".mailhoard.sqlite",     ".mailhoard.sqlite-wal",
                                      ".mailhoard.sqlite-shm", ".mailhoard.sqlite-journal",
                                      ".mailhoard.lock",       ".oauth-token.json"};
    for (const auto& f : all) taken.push_back(f.local_path);
    MH_ASSIGN_OR_RETURN(
        record.local_path,
        mapper_.Assign(remote.local_name.empty() ? remote.display_name : remote.local_name,
                       remote.delimiter, taken));
    record.uidvalidity = uidvalidity;
  }
  record.remote_name = remote.remote_name;
  record.display_name = remote.display_name;
  record.delimiter = remote.delimiter ? std::string(1, *remote.delimiter) : "";
  record.special_use = remote.special_use;
  // Directories first: a row must never point at a folder that is not there.
  // EnsureFolder makes them durable, so the row can join the open batch and
  // commit with the folder's first messages (a flush here cost one syncfs
  // per folder opened).
  MH_RETURN_IF_ERROR(maildir_->EnsureFolder(record.local_path));
  MH_ASSIGN_OR_RETURN(record.id, index_->UpsertFolder(record));

  auto folder = std::make_unique<ArchiveFolder>();
  folder->id = record.id;
  folder->local_path = record.local_path;
  folder->remote = remote;
  folder->record = record;
  ArchiveFolder* raw = folder.get();
  folders_[remote.remote_name] = std::move(folder);
  lock.unlock();
  MH_RETURN_IF_ERROR(AdoptOrphans(raw, record.uidvalidity ? record.uidvalidity : uidvalidity));
  return raw;
}

Result<size_t> Archive::AdoptFiles(int64_t folder_id) {
  std::optional<index::FolderRecord> record;
  {
    std::lock_guard<std::mutex> lock(mu_);
    MH_ASSIGN_OR_RETURN(record, index_->GetFolder(folder_id));
  }
  if (!record) return size_t{0};
  // Commit what is pending first: on failure only this adoption is undone.
  MH_RETURN_IF_ERROR(Flush());
  // Not entered in folders_: nothing is synced into it, it only names the
  // folder for AdoptOrphans and Record.
  ArchiveFolder folder;
  folder.id = record->id;
  folder.local_path = record->local_path;
  folder.record = *record;
  Status s = AdoptOrphans(&folder, record->uidvalidity);
  if (!s.ok()) {
    std::lock_guard<std::mutex> lock(mu_);
    if (index_->in_batch()) index_->RollbackBatch();
    batch_count_ = 0;
    batch_bytes_ = 0;
    return s;
  }
  return folder.adopted;
}

Status Archive::AdoptOrphans(ArchiveFolder* folder, uint32_t uidvalidity) {
  MH_ASSIGN_OR_RETURN(maildir::ReconcileReport report, maildir_->Reconcile(folder->local_path));
  if (report.messages.empty()) return Status::Ok();
  std::set<uint32_t> known;
  {
    std::lock_guard<std::mutex> lock(mu_);
    MH_ASSIGN_OR_RETURN(std::vector<index::UidEntry> rows,
                        index_->ListUids(folder->id, uidvalidity));
    // An unfetchable row has no file: a file under its uid is the message
    // arriving after all, and Record() replaces the placeholder.
    for (const auto& r : rows) {
      if (!r.unfetchable) known.insert(r.uid);
    }
  }
  maildir::FileSystem* fs = options_.fs ? options_.fs : maildir::DefaultFileSystem();
  std::string dir = maildir_->FolderDir(folder->local_path);
  // A file may be in cur/ only because a crashed run renamed it there and
  // died before fsyncing the directory: its entry must be durable before a
  // row that points at it commits, or a power cut leaves a row without file.
  if (options_.durability != maildir::Durability::kNone) {
    std::set<std::string> subdirs;
    for (const maildir::FoundMessage& found : report.messages) {
      if (!known.count(found.uid)) subdirs.insert(found.subdir);
    }
    for (const std::string& sub : subdirs) MH_RETURN_IF_ERROR(fs->SyncDir(dir + "/" + sub));
  }
  for (const maildir::FoundMessage& found : report.messages) {
    if (known.count(found.uid)) continue;
    // A file that reached cur/ before a crash: read it once to describe it,
    // instead of downloading it again.
    std::string path = dir + "/" + found.subdir + "/" + found.file_name;
    MH_ASSIGN_OR_RETURN(auto file, fs->OpenForRead(path));
    MH_ASSIGN_OR_RETURN(maildir::FileInfo info, fs->Stat(path));
    mime::ScanLimits limits;
    limits.max_text_bytes = options_.max_body_text;
    mime::MessageScanner scan(limits);
    maildir::Sha256 hash;
    std::vector<char> buf(64 * 1024);
    uint64_t size = 0;
    for (;;) {
      MH_ASSIGN_OR_RETURN(size_t n, file->Read(buf.data(), buf.size()));
      if (n == 0) break;
      scan.Feed(std::string_view(buf.data(), n));
      hash.Update(buf.data(), n);
      size += n;
    }
    scan.Finish();
    index::MessageRecord record;
    record.folder_id = folder->id;
    record.uidvalidity = uidvalidity;
    record.uid = found.uid;
    record.file_name = found.subdir + "/" + found.file_name;
    record.size = size;
    record.internal_date = info.mtime;
    record.flags = maildir::FlagLetters(found.flags);
    auto digest = hash.Finish();
    record.sha256.assign(reinterpret_cast<const char*>(digest.data()), digest.size());
    record.line_endings = options_.line_endings == maildir::LineEndings::kLf
                              ? index::LineEndings::kLf
                              : index::LineEndings::kCrlf;
    DescribeMessage(scan, &record);
    MH_RETURN_IF_ERROR(Record(folder, record, scan.raw_header(), scan.text(), size).status());
    ++folder->adopted;
  }
  return Flush();
}

Result<std::unique_ptr<IncomingMessage>> Archive::NewMessage(ArchiveFolder* folder) {
  MH_ASSIGN_OR_RETURN(maildir::MessageWriter writer, maildir_->NewMessage(folder->local_path));
  mime::ScanLimits limits;
  limits.max_text_bytes = options_.max_body_text;
  auto state = std::make_unique<IncomingMessage::State>(std::move(writer), limits);
  return std::unique_ptr<IncomingMessage>(new IncomingMessage(this, folder, std::move(state)));
}

Result<std::vector<LocalMessage>> Archive::LocalMessages(ArchiveFolder* folder,
                                                         uint32_t uidvalidity) {
  std::lock_guard<std::mutex> lock(mu_);
  MH_ASSIGN_OR_RETURN(std::vector<index::UidEntry> rows, index_->ListUids(folder->id, uidvalidity));
  std::vector<LocalMessage> out;
  out.reserve(rows.size());
  for (const auto& r : rows) {
    out.push_back({r.id, r.uid, FlagsFromIndex(r.flags, r.keywords), r.expunged, r.unfetchable});
  }
  return out;
}

Result<int64_t> Archive::RecordUnfetchable(ArchiveFolder* folder, uint32_t uidvalidity,
                                           uint32_t uid, const std::string& reason) {
  std::lock_guard<std::mutex> lock(mu_);
  MH_RETURN_IF_ERROR(EnsureBatchLocked());
  MH_ASSIGN_OR_RETURN(std::optional<index::MessageRecord> existing,
                      index_->FindMessage(folder->id, uidvalidity, uid));
  if (existing) {
    MH_RETURN_IF_ERROR(index_->SetUnfetchable(existing->id, reason));
    return existing->id;
  }
  index::MessageRecord r;
  r.folder_id = folder->id;
  r.uidvalidity = uidvalidity;
  r.uid = uid;
  r.unfetchable_reason = reason;
  r.created_at = options_.now();
  return index_->InsertMessage(r, "", "");
}

Status Archive::ApplyFlags(ArchiveFolder* folder, const FlagUpdate& update) {
  std::lock_guard<std::mutex> lock(mu_);
  MH_ASSIGN_OR_RETURN(std::optional<index::MessageRecord> row, index_->GetMessage(update.id));
  if (!row) return Status::Ok();
  maildir::SplitFlags split = maildir::SplitFlagNames(update.flags.flags());
  std::string letters = maildir::FlagLetters(split.flags);
  MH_RETURN_IF_ERROR(EnsureBatchLocked());
  if (!row->file_name.empty() && letters != row->flags) {
    MH_ASSIGN_OR_RETURN(
        std::string renamed,
        maildir_->SetFlags(folder->local_path, StripSubdir(row->file_name), split.flags));
    MH_RETURN_IF_ERROR(index_->SetFileName(update.id, "cur/" + renamed));
  }
  return index_->UpdateFlags(update.id, letters, JoinSpace(split.keywords), row->modseq);
}

Status Archive::ApplyExpunges(ArchiveFolder* folder, uint32_t uidvalidity,
                              const std::vector<LocalRef>& expunged, Policy policy) {
  if (expunged.empty()) return Status::Ok();
  std::lock_guard<std::mutex> lock(mu_);
  MH_RETURN_IF_ERROR(EnsureBatchLocked());
  if (policy == Policy::kArchive) {
    std::vector<uint32_t> uids;
    for (const auto& e : expunged) uids.push_back(e.uid);
    return index_->MarkExpunged(folder->id, uidvalidity, uids, options_.now()).status();
  }
  for (const auto& e : expunged) {
    MH_ASSIGN_OR_RETURN(std::optional<index::MessageRecord> row, index_->GetMessage(e.id));
    if (!row) continue;
    // Row last would be safer against a crash in between, but a row whose
    // file is gone is what `verify` reports and a re-run repeats the
    // removal; a file without a row would be adopted back. So: file first.
    if (!row->file_name.empty()) {
      MH_RETURN_IF_ERROR(maildir_->RemoveMessage(folder->local_path, StripSubdir(row->file_name)));
    }
    MH_RETURN_IF_ERROR(index_->DeleteMessage(e.id));
  }
  return Status::Ok();
}

Result<std::vector<RemapCandidate>> Archive::RemapCandidates(
    ArchiveFolder* folder, uint32_t new_uidvalidity, const std::vector<RemapCandidate>& remote) {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<RemapCandidate> out;
  std::set<int64_t> seen;
  for (const auto& r : remote) {
    if (r.key.message_id.empty()) continue;
    MH_ASSIGN_OR_RETURN(
        std::vector<index::MessageRecord> rows,
        index_->FindForRemap(folder->id, r.key.message_id, r.key.size, r.key.internal_date));
    for (const auto& row : rows) {
      if (row.uidvalidity == new_uidvalidity || !seen.insert(row.id).second) continue;
      out.push_back({row.id, row.uid, {row.message_id, row.size, row.internal_date.value_or(0)}});
    }
  }
  return out;
}

Status Archive::Remap(int64_t message_id, uint32_t new_uidvalidity, uint32_t new_uid) {
  std::lock_guard<std::mutex> lock(mu_);
  MH_RETURN_IF_ERROR(EnsureBatchLocked());
  return index_->RemapUid(message_id, new_uidvalidity, new_uid);
}

Status Archive::FinishFolder(ArchiveFolder* folder, const index::FolderSyncState& state) {
  std::lock_guard<std::mutex> lock(mu_);
  MH_RETURN_IF_ERROR(EnsureBatchLocked());
  index::FolderSyncState s = state;
  s.last_sync_at = options_.now();
  MH_RETURN_IF_ERROR(index_->UpdateFolderSyncState(folder->id, s));
  return index_->SetFolderError(folder->id, "");
}

Status Archive::SetFolderError(ArchiveFolder* folder, const std::string& error) {
  std::lock_guard<std::mutex> lock(mu_);
  MH_RETURN_IF_ERROR(FlushLocked());
  return index_->SetFolderError(folder->id, error);
}

Result<std::optional<index::FolderRecord>> Archive::FindFolder(const std::string& remote_name) {
  std::lock_guard<std::mutex> lock(mu_);
  return index_->FindFolderByRemoteName(remote_name);
}

Result<std::vector<int64_t>> Archive::FoldersWithUnfetchable() {
  std::lock_guard<std::mutex> lock(mu_);
  return index_->FoldersWithUnfetchable();
}

Status Archive::RecordFolderError(const std::string& remote_name, const std::string& error) {
  std::lock_guard<std::mutex> lock(mu_);
  MH_RETURN_IF_ERROR(FlushLocked());
  MH_ASSIGN_OR_RETURN(std::optional<index::FolderRecord> f,
                      index_->FindFolderByRemoteName(remote_name));
  if (!f) return Status::Ok();
  return index_->SetFolderError(f->id, error);
}

Result<std::vector<std::string>> Archive::MarkGoneFolders(
    const std::vector<std::string>& remote_names_seen, bool dry_run) {
  std::lock_guard<std::mutex> lock(mu_);
  std::set<std::string> seen(remote_names_seen.begin(), remote_names_seen.end());
  MH_ASSIGN_OR_RETURN(std::vector<index::FolderRecord> all, index_->ListFolders());
  std::vector<std::string> gone;
  for (const auto& f : all) {
    if (f.state == index::FolderState::kActive && !seen.count(f.remote_name)) {
      if (!dry_run) MH_RETURN_IF_ERROR(index_->MarkFolderGone(f.id, options_.now()));
      gone.push_back(f.display_name);
    }
  }
  return gone;
}

}  // namespace mailhoard::sync
