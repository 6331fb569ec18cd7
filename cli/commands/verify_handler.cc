// `mailhoard verify [ACCOUNT] [--repair]`: does the Maildir hold what the
// index says, byte for byte, and does the index know every message file?
// Runs under the account lock: a sync in progress has files in cur/ that
// its open batch has not recorded yet, which would look like orphans.
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <vector>

#include "cli/account_lock.h"
#include "cli/commands/account_session.h"
#include "cli/commands/engine_handlers.h"
#include "storage/index/index.h"
#include "storage/maildir/message_name.h"
#include "storage/maildir/sha256.h"

namespace mailhoard::cli {
namespace {

struct Problem {
  std::string kind;  // "missing", "size-mismatch", "hash-mismatch", "orphan", "unindexed"
  std::string path;
  std::string detail;
  int64_t message_id = 0;  // the index row, for "missing"
  bool expunged = false;   // the server no longer has it either
};

struct FolderFiles {
  index::FolderRecord record;
  std::set<std::string> names;  // "cur/<name>" of every row with a file
};

struct AccountReport {
  uint64_t rows_checked = 0, files_seen = 0, unfetchable = 0, adopted = 0;
  std::vector<Problem> problems;
  std::set<int64_t> orphan_folders;  // folder ids with adoptable files
  std::string quick_check = "ok";
};

// SHA-256 and size of a file, read in 64 KiB chunks: messages can be large.
Status HashFile(const std::string& path, maildir::Sha256Digest* digest, uint64_t* size) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return IoError("cannot open " + path);
  maildir::Sha256 hash;
  std::vector<char> buf(64 * 1024);
  *size = 0;
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    std::streamsize n = in.gcount();
    if (n <= 0) break;
    hash.Update(buf.data(), static_cast<size_t>(n));
    *size += static_cast<uint64_t>(n);
  }
  if (in.bad()) return IoError("cannot read " + path);
  *digest = hash.Finish();
  return Status::Ok();
}

std::string FolderDir(const AccountConfig& account, const std::string& local_path) {
  return local_path.empty() ? account.archive_dir : account.archive_dir + "/" + local_path;
}

Status CheckRows(const AccountConfig& account, index::Index& index,
                 std::map<int64_t, FolderFiles>& folders, AccountReport& report) {
  return index.ForEachMessageFile([&](const index::MessageFile& f) {
    if (f.unfetchable && f.file_name.empty()) {
      ++report.unfetchable;
      return Status::Ok();
    }
    ++report.rows_checked;
    folders[f.folder_id].names.insert(f.file_name);
    const std::string path = FolderDir(account, f.folder_local_path) + "/" + f.file_name;
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) {
      report.problems.push_back(
          {"missing", path, "the index has a row for it, the file is gone", f.id, f.expunged});
      return Status::Ok();
    }
    maildir::Sha256Digest digest{};
    uint64_t size = 0;
    Status s = HashFile(path, &digest, &size);
    if (!s.ok()) {
      report.problems.push_back({"unreadable", path, s.message()});
      return Status::Ok();
    }
    if (size != f.size) {
      report.problems.push_back(
          {"size-mismatch", path,
           "index says " + std::to_string(f.size) + " bytes, file has " + std::to_string(size)});
    } else if (!f.sha256.empty() &&
               f.sha256 !=
                   std::string(reinterpret_cast<const char*>(digest.data()), digest.size())) {
      report.problems.push_back(
          {"hash-mismatch", path,
           "SHA-256 " + maildir::ToHex(digest) + ", index says " +
               maildir::ToHex(reinterpret_cast<const uint8_t*>(f.sha256.data()), f.sha256.size())});
    }
    return Status::Ok();
  });
}

// Files in cur/ and new/ that no row names. Read-only: unlike
// Maildir::Reconcile this leaves tmp/ alone.
Status CheckFiles(const AccountConfig& account, index::Index& index,
                  std::map<int64_t, FolderFiles>& folders, AccountReport& report) {
  for (auto& [id, folder] : folders) {
    MH_ASSIGN_OR_RETURN(std::vector<index::UidEntry> uids,
                        index.ListUids(id, folder.record.uidvalidity));
    std::set<uint32_t> known;
    for (const auto& u : uids) known.insert(u.uid);
    const std::string dir = FolderDir(account, folder.record.local_path);
    for (const char* sub : {"cur", "new"}) {
      std::error_code ec;
      std::filesystem::directory_iterator it(dir + "/" + sub, ec), end;
      for (; !ec && it != end; it.increment(ec)) {
        if (!it->is_regular_file(ec)) continue;
        const std::string name = it->path().filename().string();
        if (name.empty() || name[0] == '.') continue;
        ++report.files_seen;
        const std::string rel = std::string(sub) + "/" + name;
        if (folder.names.count(rel)) continue;
        auto parsed = maildir::ParseMessageName(name);
        const std::string path = dir + "/" + rel;
        if (parsed.ok() && parsed->uid && !known.count(*parsed->uid)) {
          report.problems.push_back({"orphan", path,
                                     "carries UID " + std::to_string(*parsed->uid) +
                                         " the index does not know (verify --repair adopts it)"});
          report.orphan_folders.insert(id);
        } else {
          report.problems.push_back({"unindexed", path,
                                     parsed.ok() && parsed->uid
                                         ? "another file holds UID " + std::to_string(*parsed->uid)
                                         : "no ,U=<uid> in its name: not written by mailhoard"});
        }
      }
    }
  }
  return Status::Ok();
}

Result<AccountReport> Check(const AccountConfig& account, index::Index& index) {
  AccountReport report;
  Status quick = index.QuickCheck();
  if (!quick.ok()) report.quick_check = quick.ToString();
  std::map<int64_t, FolderFiles> folders;
  MH_ASSIGN_OR_RETURN(std::vector<index::FolderRecord> records, index.ListFolders());
  for (auto& r : records) folders[r.id].record = r;
  MH_RETURN_IF_ERROR(CheckRows(account, index, folders, report));
  MH_RETURN_IF_ERROR(CheckFiles(account, index, folders, report));
  return report;
}

// Opening a folder through the Archive adopts the files a crashed run left
// in cur/ (see Archive::OpenFolder), exactly as the next sync would.
Result<size_t> Adopt(const AccountConfig& account, const std::set<int64_t>& folder_ids) {
  MH_ASSIGN_OR_RETURN(std::unique_ptr<sync::Archive> archive, OpenArchive(account));
  size_t adopted = 0;
  for (int64_t id : folder_ids) {
    MH_ASSIGN_OR_RETURN(std::optional<index::FolderRecord> rec, archive->index().GetFolder(id));
    if (!rec) continue;
    sync::RemoteFolderInfo remote;
    remote.remote_name = rec->remote_name;
    remote.display_name = rec->display_name;
    if (!rec->delimiter.empty()) remote.delimiter = rec->delimiter[0];
    remote.special_use = rec->special_use;
    MH_ASSIGN_OR_RETURN(sync::ArchiveFolder * folder,
                        archive->OpenFolder(remote, rec->uidvalidity));
    adopted += folder->adopted;
    // OpenFolder marks the folder active; a folder gone on the server stays gone.
    if (rec->state == index::FolderState::kGoneOnServer) {
      MH_RETURN_IF_ERROR(archive->index().MarkFolderGone(id, rec->gone_since.value_or(0)));
    }
  }
  MH_RETURN_IF_ERROR(archive->Flush());
  return adopted;
}

// A row whose file is gone becomes an unfetchable row without a file: the
// next sync asks the server for that UID again and replaces the row. Only a
// message the server still has can come back this way.
Result<size_t> RequeueMissing(const AccountConfig& account, const std::vector<Problem>& problems) {
  MH_ASSIGN_OR_RETURN(std::unique_ptr<sync::Archive> archive, OpenArchive(account));
  index::Index& index = archive->index();
  size_t queued = 0;
  for (const auto& p : problems) {
    if (p.kind != "missing" || p.expunged || p.message_id == 0) continue;
    MH_RETURN_IF_ERROR(index.SetFileName(p.message_id, ""));
    MH_RETURN_IF_ERROR(
        index.SetUnfetchable(p.message_id, "file missing locally: the next sync fetches it again"));
    ++queued;
  }
  return queued;
}

bool Clean(const AccountReport& r) { return r.problems.empty() && r.quick_check == "ok"; }

void Print(CommandContext& ctx, const AccountConfig& account, const AccountReport& r) {
  for (const auto& p : r.problems) {
    ctx.out << account.name << ": " << p.kind << ": " << p.path << " (" << p.detail << ")\n";
  }
  if (r.quick_check != "ok") {
    ctx.out << account.name << ": index quick_check failed: " << r.quick_check << "\n";
  }
  ctx.out << account.name << ": " << r.rows_checked << " messages checked, " << r.files_seen
          << " files seen, " << r.unfetchable << " unfetchable, " << r.problems.size() << " problem"
          << (r.problems.size() == 1 ? "" : "s");
  if (r.adopted) ctx.out << ", " << r.adopted << " adopted";
  ctx.out << (Clean(r) ? " — clean\n" : "\n");
}

nlohmann::json ToJson(const AccountConfig& account, const AccountReport& r) {
  nlohmann::json problems = nlohmann::json::array();
  for (const auto& p : r.problems) {
    problems.push_back({{"kind", p.kind}, {"path", p.path}, {"detail", p.detail}});
  }
  return {{"name", account.name},       {"messages_checked", r.rows_checked},
          {"files_seen", r.files_seen}, {"unfetchable", r.unfetchable},
          {"adopted", r.adopted},       {"quick_check", r.quick_check},
          {"problems", problems},       {"clean", Clean(r)}};
}

ExitCode VerifyAccount(CommandContext& ctx, const AccountConfig& account, bool repair,
                       nlohmann::json* json) {
  auto fail = [&](const Status& s) {
    (*json) = {{"name", account.name}, {"error", s.ToString()}};
    ExitCode code = ctx.ReportAccountFailure(s.WithContext(account.name));
    (*json)["exit_code"] = code;
    return code;
  };
  std::error_code ec;
  if (!std::filesystem::exists(account.archive_dir + "/.mailhoard.sqlite", ec)) {
    (*json) = {{"name", account.name}, {"error", "never synced"}, {"clean", true}};
    if (!ctx.json && !ctx.quiet) ctx.out << account.name << ": never synced, nothing to verify\n";
    return kExitOk;
  }
  auto lock = AccountLock::Acquire(account.archive_dir, account.name);
  if (!lock.ok()) return fail(lock.status());
  AccountReport report;
  {
    auto idx = OpenIndexReadOnly(account);
    if (!idx.ok()) return fail(idx.status());
    auto checked = Check(account, **idx);
    if (!checked.ok()) return fail(checked.status());
    report = std::move(checked).value();
  }
  size_t requeued = 0;
  if (repair) {
    auto queued = RequeueMissing(account, report.problems);
    if (!queued.ok()) return fail(queued.status());
    requeued = *queued;
  }
  if (repair && (!report.orphan_folders.empty() || requeued > 0)) {
    auto adopted = report.orphan_folders.empty() ? Result<size_t>(size_t{0})
                                                 : Adopt(account, report.orphan_folders);
    if (!adopted.ok()) return fail(adopted.status());
    // Check again so the report shows what is left after the repair.
    auto idx = OpenIndexReadOnly(account);
    if (!idx.ok()) return fail(idx.status());
    auto checked = Check(account, **idx);
    if (!checked.ok()) return fail(checked.status());
    report = std::move(checked).value();
    report.adopted = *adopted;
  }
  size_t missing = 0;
  for (const auto& p : report.problems) missing += p.kind == "missing";
  if (!ctx.json && !(ctx.quiet && Clean(report))) {
    Print(ctx, account, report);
    if (requeued) {
      ctx.out << account.name << ": " << requeued << " missing message file"
              << (requeued == 1 ? "" : "s") << " queued: the next sync fetches "
              << (requeued == 1 ? "it" : "them") << " from the server again\n";
    }
    if (repair && missing) {
      ctx.out << account.name << ": " << missing << " message file" << (missing == 1 ? "" : "s")
              << " missing and expunged on the server: cannot be fetched again; restore "
              << (missing == 1 ? "it" : "them") << " from a backup\n";
    }
  }
  *json = ToJson(account, report);
  ExitCode code = Clean(report) ? kExitOk : kExitPartial;
  (*json)["exit_code"] = code;
  return code;
}

}  // namespace

int RunVerify(CommandContext& ctx, const VerifyOptions& options) {
  CommandAccounts loaded = LoadAccountOrAll(ctx, options.account);
  if (!loaded.ok()) return loaded.exit_code;
  std::vector<ExitCode> codes;
  nlohmann::json out = {{"accounts", nlohmann::json::array()}};
  for (const AccountConfig* account : loaded.accounts) {
    nlohmann::json j;
    codes.push_back(VerifyAccount(ctx, *account, options.repair, &j));
    out["accounts"].push_back(j);
  }
  ExitCode worst = WorstExitCode(codes);
  if (ctx.json) {
    out["exit_code"] = worst;
    ctx.out << out.dump(2) << "\n";
  }
  return worst;
}

}  // namespace mailhoard::cli
