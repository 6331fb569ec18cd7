#include "engine/sync/verify.h"

#include <map>

#include "engine/sync/archive.h"
#include "storage/maildir/maildir.h"
#include "storage/maildir/sha256.h"

namespace mailhoard::sync {
namespace {

bool IsNotFound(const Status& s) { return s.code() == ErrorCode::kNotFound; }

// A file gone while the server still has the message: the next sync can
// fetch it again.
bool Requeueable(const Finding& f) {
  return f.kind == FindingKind::kMissing && !f.expunged && f.message_id != 0;
}

struct FolderFiles {
  index::FolderRecord record;
  std::set<std::string> names;  // "cur/<name>" of every row with a file
};

std::string HashDifference(const std::string& recorded, const maildir::Sha256Digest& digest) {
  return std::string(reinterpret_cast<const char*>(digest.data()), digest.size()) == recorded
             ? ""
             : "SHA-256 " + maildir::ToHex(digest) + ", index says " +
                   maildir::ToHex(reinterpret_cast<const uint8_t*>(recorded.data()),
                                  recorded.size());
}

// One row against its file: there, readable, same size, same SHA-256.
Status CheckRow(maildir::FileSystem& fs, const maildir::Maildir& md, const index::MessageFile& f,
                CheckReport& report) {
  const std::string path = md.FolderDir(f.folder_local_path) + "/" + f.file_name;
  Result<maildir::FileInfo> info = fs.Stat(path);
  if ((info.ok() && info->is_directory) || IsNotFound(info.status())) {
    report.findings.push_back({FindingKind::kMissing, path,
                               "the index has a row for it, the file is gone", f.id, f.expunged});
    return Status::Ok();
  }
  Result<maildir::FileDigest> digest =
      info.ok() ? maildir::HashFile(fs, path) : Result<maildir::FileDigest>(info.status());
  if (!digest.ok()) {
    report.findings.push_back({FindingKind::kUnreadable, path, digest.status().message()});
    return Status::Ok();
  }
  if (digest->size != f.size) {
    report.findings.push_back({FindingKind::kSizeMismatch, path,
                               "index says " + std::to_string(f.size) + " bytes, file has " +
                                   std::to_string(digest->size)});
  } else if (!f.sha256.empty()) {
    std::string differs = HashDifference(f.sha256, digest->sha256);
    if (!differs.empty()) report.findings.push_back({FindingKind::kHashMismatch, path, differs});
  }
  return Status::Ok();
}

// Files in cur/ and new/ of one folder that no row names.
Status CheckFolderFiles(index::Index& index, maildir::FileSystem& fs, maildir::Maildir& md,
                        int64_t id, const FolderFiles& folder, CheckReport& report) {
  MH_ASSIGN_OR_RETURN(std::vector<index::UidEntry> uids,
                      index.ListUids(id, folder.record.uidvalidity));
  // A row without a file (unfetchable) does not hold its UID: a file under
  // it is the message arriving after all, and adoption replaces the row.
  std::set<uint32_t> known;
  for (const auto& u : uids) {
    if (!u.unfetchable) known.insert(u.uid);
  }
  Result<maildir::ReconcileReport> scanned = md.Scan(folder.record.local_path);
  if (!scanned.ok()) {
    return scanned.status().WithContext("listing folder \"" + folder.record.local_path + "\"");
  }
  const std::string dir = md.FolderDir(folder.record.local_path);
  // kNamed: a row's file (CheckRow looked at it); kSkip: not a regular file,
  // or gone since the listing.
  enum class Entry { kNamed, kUnnamed, kSkip };
  auto classify = [&](const std::string& subdir, const std::string& name) -> Result<Entry> {
    const std::string rel = subdir + "/" + name;
    if (folder.names.count(rel)) return Entry::kNamed;
    Result<maildir::FileInfo> info = fs.Stat(dir + "/" + rel);
    if (!info.ok() && IsNotFound(info.status())) return Entry::kSkip;
    MH_RETURN_IF_ERROR(info.status());
    return info->is_directory ? Entry::kSkip : Entry::kUnnamed;
  };
  for (const maildir::FoundMessage& m : scanned->messages) {
    MH_ASSIGN_OR_RETURN(Entry entry, classify(m.subdir, m.file_name));
    if (entry != Entry::kSkip) ++report.files_seen;
    if (entry != Entry::kUnnamed) continue;
    const std::string path = dir + "/" + m.subdir + "/" + m.file_name;
    if (!known.count(m.uid)) {
      report.findings.push_back({FindingKind::kOrphan, path,
                                 "carries UID " + std::to_string(m.uid) +
                                     " the index does not know (verify --repair adopts it)"});
      report.orphan_folders.insert(id);
    } else {
      report.findings.push_back(
          {FindingKind::kUnindexed, path, "another file holds UID " + std::to_string(m.uid)});
    }
  }
  for (const maildir::FoundFile& f : scanned->other_files) {
    MH_ASSIGN_OR_RETURN(Entry entry, classify(f.subdir, f.file_name));
    if (entry != Entry::kSkip) ++report.files_seen;
    if (entry != Entry::kUnnamed) continue;
    report.findings.push_back({FindingKind::kUnindexed, dir + "/" + f.subdir + "/" + f.file_name,
                               "no ,U=<uid> in its name: not written by mailhoard"});
  }
  return Status::Ok();
}

}  // namespace

std::string_view FindingKindName(FindingKind kind) {
  switch (kind) {
    case FindingKind::kMissing:
      return "missing";
    case FindingKind::kUnreadable:
      return "unreadable";
    case FindingKind::kSizeMismatch:
      return "size-mismatch";
    case FindingKind::kHashMismatch:
      return "hash-mismatch";
    case FindingKind::kOrphan:
      return "orphan";
    case FindingKind::kUnindexed:
      return "unindexed";
  }
  return "unknown";
}

size_t CheckReport::Count(FindingKind kind) const {
  size_t n = 0;
  for (const Finding& f : findings) n += f.kind == kind;
  return n;
}

Result<CheckReport> CheckArchive(index::Index& index, maildir::FileSystem& fs,
                                 const std::string& account_dir) {
  CheckReport report;
  Status quick = index.QuickCheck();
  if (!quick.ok()) report.quick_check = quick.ToString();
  // Only ever listed and read: durability and names do not matter here.
  maildir::Maildir md(&fs, account_dir, {.durability = maildir::Durability::kNone});
  std::map<int64_t, FolderFiles> folders;
  MH_ASSIGN_OR_RETURN(std::vector<index::FolderRecord> records, index.ListFolders());
  for (auto& r : records) folders[r.id].record = r;
  MH_RETURN_IF_ERROR(index.ForEachMessageFile([&](const index::MessageFile& f) {
    if (f.unfetchable && f.file_name.empty()) {
      ++report.unfetchable;
      return Status::Ok();
    }
    ++report.rows_checked;
    folders[f.folder_id].names.insert(f.file_name);
    return CheckRow(fs, md, f, report);
  }));
  for (const auto& [id, folder] : folders) {
    MH_RETURN_IF_ERROR(CheckFolderFiles(index, fs, md, id, folder, report));
  }
  return report;
}

bool NeedsRepair(const CheckReport& report) {
  if (!report.orphan_folders.empty()) return true;
  for (const Finding& f : report.findings) {
    if (Requeueable(f)) return true;
  }
  return false;
}

Result<RepairResult> RepairArchive(Archive& archive, const CheckReport& report) {
  maildir::FileSystem& fs =
      archive.options().fs ? *archive.options().fs : *maildir::DefaultFileSystem();
  index::Index& index = archive.index();
  RepairResult result;
  MH_RETURN_IF_ERROR(archive.Flush());  // a batch of the caller's is not ours to roll back
  // A row whose file is gone becomes an unfetchable row without a file: the
  // next sync asks the server for that UID again and replaces the row. Only
  // a message the server still has can come back this way. One transaction,
  // so a failure leaves every row as it was.
  {
    index::ScopedBatch batch(&index);
    MH_RETURN_IF_ERROR(batch.Begin());
    for (const Finding& f : report.findings) {
      if (!Requeueable(f)) continue;
      Result<maildir::FileInfo> info = fs.Stat(f.path);
      if (info.ok() && !info->is_directory) continue;  // back since the check
      if (!info.ok() && !IsNotFound(info.status())) {
        return info.status().WithContext("checking " + f.path + " before queueing it again");
      }
      MH_RETURN_IF_ERROR(index.SetFileName(f.message_id, ""));
      MH_RETURN_IF_ERROR(index.SetUnfetchable(
          f.message_id, "file missing locally: the next sync fetches it again"));
      ++result.requeued;
    }
    MH_RETURN_IF_ERROR(batch.Commit());
  }
  for (int64_t id : report.orphan_folders) {
    MH_ASSIGN_OR_RETURN(size_t adopted, archive.AdoptFiles(id));
    result.adopted += adopted;
  }
  return result;
}

}  // namespace mailhoard::sync
