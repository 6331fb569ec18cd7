#include "storage/maildir/maildir.h"

#include <algorithm>
#include <unordered_set>

namespace mailhoard::maildir {
namespace {

constexpr const char* kSubdirs[] = {"cur", "new", "tmp"};

std::string Parent(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

// "" or "a/b/c" with no empty, "." or ".." component.
bool IsSafeRelative(const std::string& path) {
  if (path.empty()) return true;
  size_t start = 0;
  for (;;) {
    size_t end = path.find('/', start);
    std::string_view part(path.data() + start,
                          (end == std::string::npos ? path.size() : end) - start);
    if (part.empty() || part == "." || part == ".." || part.find('\0') != std::string_view::npos) {
      return false;
    }
    if (end == std::string::npos) return true;
    start = end + 1;
  }
}

bool IsNotFound(const Status& s) { return s.code() == ErrorCode::kNotFound; }

}  // namespace

std::vector<std::string> MissingFiles(const ReconcileReport& report,
                                      const std::vector<std::string>& expected) {
  std::unordered_set<std::string> present;
  present.reserve(report.messages.size() + report.other_files.size());
  for (const FoundMessage& m : report.messages) present.insert(m.file_name);
  for (const FoundFile& f : report.other_files) present.insert(f.file_name);
  std::vector<std::string> missing;
  for (const std::string& name : expected) {
    if (!present.count(name)) missing.push_back(name);
  }
  return missing;
}

Maildir::Maildir(FileSystem* fs, std::string root, MaildirOptions options,
                 UniqueNameGenerator* names)
    : fs_(fs), root_(std::move(root)), options_(options), names_(names) {
  while (root_.size() > 1 && root_.back() == '/') root_.pop_back();
  if (names_ == nullptr) {
    owned_names_ = std::make_unique<UniqueNameGenerator>();
    names_ = owned_names_.get();
  }
  if (options_.write_buffer_bytes < 4096) options_.write_buffer_bytes = 4096;
}

Maildir::~Maildir() = default;

std::string Maildir::FolderDir(const std::string& folder) const {
  return folder.empty() ? root_ : root_ + "/" + folder;
}

std::string Maildir::MessageName(const std::string& unique, uint32_t uid, uint64_t size,
                                 MaildirFlags flags) const {
  return unique + ",U=" + std::to_string(uid) + ",S=" + std::to_string(size) + ":2," +
         FlagLetters(flags);
}

Status Maildir::DirChanged(const std::string& dir) {
  switch (options_.durability) {
    case Durability::kNone:
      return Status::Ok();
    case Durability::kFull:
      return fs_->SyncDir(dir);
    case Durability::kBatch: {
      std::lock_guard<std::mutex> lock(mu_);
      dirty_dirs_.insert(dir);
      return Status::Ok();
    }
  }
  return Status::Ok();
}

void Maildir::DeferRename(std::string from, std::string to, std::string dir) {
  std::lock_guard<std::mutex> lock(mu_);
  pending_.push_back({std::move(from), std::move(to), std::move(dir)});
}

Status Maildir::PublishPending() {
  std::vector<PendingRename> pending;
  {
    std::lock_guard<std::mutex> lock(mu_);
    pending.swap(pending_);
  }
  if (pending.empty()) return Status::Ok();
  Status s = fs_->SyncFileSystem(root_);
  size_t done = 0;
  for (; s.ok() && done < pending.size(); ++done) {
    s = fs_->Rename(pending[done].from, pending[done].to);
    if (s.ok()) s = DirChanged(pending[done].dir);
  }
  if (!s.ok()) {
    // Keep what is left for a retry; a rename that failed stays in the list.
    if (done > 0 && done <= pending.size()) --done;
    std::lock_guard<std::mutex> lock(mu_);
    pending_.insert(pending_.begin(), pending.begin() + static_cast<ptrdiff_t>(done),
                    pending.end());
  }
  return s;
}

Status Maildir::SyncBatch() {
  MH_RETURN_IF_ERROR(PublishPending());
  std::set<std::string> dirs;
  {
    std::lock_guard<std::mutex> lock(mu_);
    dirs.swap(dirty_dirs_);
  }
  for (auto it = dirs.begin(); it != dirs.end(); ++it) {
    Status s = fs_->SyncDir(*it);
    if (!s.ok()) {
      // Keep the rest for a retry: nothing in this batch is durable yet.
      std::lock_guard<std::mutex> lock(mu_);
      dirty_dirs_.insert(it, dirs.end());
      return s;
    }
  }
  return Status::Ok();
}

// mkdir -p, bottom-up on demand: the common case (everything exists) costs
// one mkdir per level and no stat. A directory made here is fsynced in its
// parent, and that parent in its own: the parent may be the last directory
// a crashed run made, whose entry was never fsynced (a crashed run fsyncs
// each mkdir before the next, so only its last one can be missing). With
// `sync_existing`, a directory found already there is fsynced in its parent
// for the same reason.
Status Maildir::CreateDirs(const std::string& path, bool* created, bool sync_existing) {
  Result<bool> r = fs_->CreateDir(path);
  if (!r.ok() && IsNotFound(r.status()) && Parent(path) != path) {
    bool parent_created = false;
    MH_RETURN_IF_ERROR(CreateDirs(Parent(path), &parent_created, false));
    r = fs_->CreateDir(path);
  }
  if (!r.ok()) return r.status();
  *created = *r;
  if (options_.durability == Durability::kNone || Parent(path) == path) return Status::Ok();
  if (*r || sync_existing) MH_RETURN_IF_ERROR(fs_->SyncDir(Parent(path)));
  const std::string grandparent = Parent(Parent(path));
  if (*r && grandparent != Parent(path)) MH_RETURN_IF_ERROR(fs_->SyncDir(grandparent));
  return Status::Ok();
}

Status Maildir::EnsureFolder(const std::string& folder) {
  // Paths come from FolderPathMapper, which never produces these; checked
  // anyway because a wrong path here writes outside the archive.
  if (!IsSafeRelative(folder)) {
    return InvalidArgument("folder path \"" + folder + "\" leaves the account root");
  }
  std::string dir = FolderDir(folder);
  // kFull fsyncs each message into cur/ and records it at once, with no
  // syncfs to cover the directories above: a folder left by a crashed run
  // between its mkdir and the fsync of its parent is made durable here, at
  // two directory fsyncs per folder opened. (kBatch: the syncfs before a
  // batch commits covers them.)
  const bool full = options_.durability == Durability::kFull;
  bool created = false;
  MH_RETURN_IF_ERROR(CreateDirs(dir, &created, /*sync_existing=*/full));
  bool any = false;
  for (const char* sub : kSubdirs) {
    MH_ASSIGN_OR_RETURN(bool made, fs_->CreateDir(dir + "/" + sub));
    any = any || made;
  }
  if ((any || full) && options_.durability != Durability::kNone) {
    MH_RETURN_IF_ERROR(fs_->SyncDir(dir));
  }
  return Status::Ok();
}

Result<MessageWriter> Maildir::NewMessage(const std::string& folder,
                                          std::optional<LineEndings> line_endings) {
  std::string dir = FolderDir(folder);
  std::string unique = names_->Next();
  Result<std::unique_ptr<WritableFile>> file = fs_->NewWritableFile(dir + "/tmp/" + unique);
  if (!file.ok()) {
    if (IsNotFound(file.status())) {
      return file.status().WithContext("folder \"" + folder + "\" is not set up (EnsureFolder)");
    }
    return file.status();
  }
  return MessageWriter(this, fs_, std::move(dir), std::move(unique), std::move(*file),
                       line_endings.value_or(options_.line_endings), options_.write_buffer_bytes);
}

Result<std::string> Maildir::Locate(const std::string& folder, const std::string& file_name) {
  std::string dir = FolderDir(folder);
  std::string cur = dir + "/cur/" + file_name;
  Result<FileInfo> st = fs_->Stat(cur);
  if (st.ok()) return cur;
  if (!IsNotFound(st.status())) return st.status();
  std::string fresh = dir + "/new/" + file_name;
  st = fs_->Stat(fresh);
  if (st.ok()) return fresh;
  return st.status();
}

Result<std::string> Maildir::SetFlags(const std::string& folder, const std::string& file_name,
                                      MaildirFlags flags) {
  MH_RETURN_IF_ERROR(PublishPending());
  MH_ASSIGN_OR_RETURN(ParsedName parsed, ParseMessageName(file_name));
  std::string renamed = WithFlags(parsed, flags);
  std::string dir = FolderDir(folder);
  std::string from = dir + "/cur/" + file_name;
  std::string to = dir + "/cur/" + renamed;
  if (renamed == file_name) return renamed;
  // Try cur/ directly: a stat first would cost a syscall on every change.
  Status s = fs_->Rename(from, to);
  if (IsNotFound(s)) {
    s = fs_->Rename(dir + "/new/" + file_name, to);
    if (s.ok()) MH_RETURN_IF_ERROR(DirChanged(dir + "/new"));
  }
  MH_RETURN_IF_ERROR(s);
  MH_RETURN_IF_ERROR(DirChanged(dir + "/cur"));
  return renamed;
}

Status Maildir::RemoveMessage(const std::string& folder, const std::string& file_name) {
  MH_RETURN_IF_ERROR(PublishPending());
  std::string dir = FolderDir(folder);
  for (const char* sub : {"cur", "new"}) {
    Status s = fs_->Unlink(dir + "/" + sub + "/" + file_name);
    if (s.ok()) return DirChanged(dir + "/" + sub);
    if (!IsNotFound(s)) return s;
  }
  return Status::Ok();
}

Result<std::string> Maildir::LinkMessage(const std::string& from_folder,
                                         const std::string& file_name, const std::string& to_folder,
                                         uint32_t uid, MaildirFlags flags) {
  MH_RETURN_IF_ERROR(PublishPending());
  MH_ASSIGN_OR_RETURN(ParsedName parsed, ParseMessageName(file_name));
  MH_ASSIGN_OR_RETURN(std::string from, Locate(from_folder, file_name));
  uint64_t size = 0;
  if (parsed.size) {
    size = *parsed.size;
  } else {
    MH_ASSIGN_OR_RETURN(FileInfo info, fs_->Stat(from));
    size = info.size;
  }
  std::string name = MessageName(names_->Next(), uid, size, flags);
  std::string to_cur = FolderDir(to_folder) + "/cur";
  Status s = fs_->Link(from, to_cur + "/" + name);
  if (s.code() == ErrorCode::kUnsupported) return CopyMessage(from, to_folder, uid, flags);
  MH_RETURN_IF_ERROR(s);
  MH_RETURN_IF_ERROR(DirChanged(to_cur));
  return name;
}

// The fallback where hard links are impossible: a second copy, delivered
// like any message (same crash order), keeping the original's bytes and time.
Result<std::string> Maildir::CopyMessage(const std::string& from, const std::string& to_folder,
                                         uint32_t uid, MaildirFlags flags) {
  MH_ASSIGN_OR_RETURN(FileInfo info, fs_->Stat(from));
  MH_ASSIGN_OR_RETURN(std::unique_ptr<ReadableFile> in, fs_->OpenForRead(from));
  MH_ASSIGN_OR_RETURN(MessageWriter out, NewMessage(to_folder, LineEndings::kAsIs));
  std::unique_ptr<char[]> buf(new char[options_.write_buffer_bytes]);
  for (;;) {
    MH_ASSIGN_OR_RETURN(size_t n, in->Read(buf.get(), options_.write_buffer_bytes));
    if (n == 0) break;
    MH_RETURN_IF_ERROR(out.Write(buf.get(), n));
  }
  MH_ASSIGN_OR_RETURN(DeliveredMessage d, out.Commit(uid, flags, info.mtime));
  return d.file_name;
}

Result<ReconcileReport> Maildir::Reconcile(const std::string& folder,
                                           const ReconcileOptions& options) {
  ReconcileReport report;
  std::string dir = FolderDir(folder);
  std::string tmp = dir + "/tmp";
  MH_ASSIGN_OR_RETURN(std::vector<std::string> debris, fs_->ListDir(tmp));
  for (const std::string& name : debris) {
    std::string path = tmp + "/" + name;
    if (options.tmp_max_age_seconds > 0) {
      Result<FileInfo> info = fs_->Stat(path);
      if (!info.ok()) continue;  // raced with its owner
      if (info->is_directory || options.now - info->mtime < options.tmp_max_age_seconds) continue;
    }
    Status s = fs_->Unlink(path);
    if (s.ok()) {
      ++report.tmp_removed;
    } else if (!IsNotFound(s)) {
      return s;
    }
  }
  // The removals need no fsync: if they come back after a crash, the next
  // reconcile removes them again.
  MH_RETURN_IF_ERROR(ListMessages(dir, /*missing_ok=*/false, &report));
  return report;
}

Result<ReconcileReport> Maildir::Scan(const std::string& folder) {
  ReconcileReport report;
  MH_RETURN_IF_ERROR(ListMessages(FolderDir(folder), /*missing_ok=*/true, &report));
  return report;
}

Status Maildir::ListMessages(const std::string& dir, bool missing_ok, ReconcileReport* report) {
  for (const char* sub : {"cur", "new"}) {
    std::string subdir = dir + "/" + sub;
    Result<std::vector<std::string>> listed = fs_->ListDir(subdir);
    if (!listed.ok() && missing_ok && IsNotFound(listed.status())) continue;
    MH_RETURN_IF_ERROR(listed.status());
    for (std::string& name : *listed) {
      if (name.empty() || name.front() == '.') continue;
      Result<ParsedName> parsed = ParseMessageName(name);
      if (!parsed.ok() || !parsed->uid) {
        report->other_files.push_back({sub, std::move(name)});
        continue;
      }
      FoundMessage m;
      m.subdir = sub;
      m.uid = *parsed->uid;
      m.flags = parsed->flags;
      if (parsed->size) {
        m.size = *parsed->size;
      } else {
        Result<FileInfo> info = fs_->Stat(subdir + "/" + name);
        if (!info.ok()) {
          if (IsNotFound(info.status())) continue;
          return info.status();
        }
        m.size = info->size;
      }
      m.file_name = std::move(name);
      report->messages.push_back(std::move(m));
    }
  }
  std::sort(report->messages.begin(), report->messages.end(),
            [](const FoundMessage& a, const FoundMessage& b) {
              return a.uid != b.uid ? a.uid < b.uid : a.file_name < b.file_name;
            });
  std::sort(report->other_files.begin(), report->other_files.end(),
            [](const FoundFile& a, const FoundFile& b) {
              return a.file_name != b.file_name ? a.file_name < b.file_name : a.subdir < b.subdir;
            });
  return Status::Ok();
}

}  // namespace mailhoard::maildir
