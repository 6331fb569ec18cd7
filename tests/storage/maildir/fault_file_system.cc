#include "tests/storage/maildir/fault_file_system.h"

#include <algorithm>
#include <cerrno>

namespace mailhoard::maildir::testing {
namespace {

constexpr int kRoot = 0;

bool Mutates(FaultOp op) {
  switch (op) {
    case FaultOp::kList:
    case FaultOp::kStat:
    case FaultOp::kRead:
    case FaultOp::kCount:
      return false;
    default:
      return true;
  }
}

std::vector<std::string> Components(const std::string& path) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    if (end > start) parts.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  return parts;
}

class FakeWritableFile final : public WritableFile {
 public:
  FakeWritableFile(FaultFileSystem* fs, int id, std::string path)
      : fs_(fs), id_(id), path_(std::move(path)) {}
  Status Append(const char* data, size_t n) override {
    MH_RETURN_IF_ERROR(fs_->Check(FaultOp::kWrite, path_));
    fs_->inode(id_).data.append(data, n);
    return fs_->AfterEffect(path_);
  }
  Status Sync() override {
    MH_RETURN_IF_ERROR(fs_->Check(FaultOp::kSync, path_));
    auto& node = fs_->inode(id_);
    node.synced_data = node.data;
    node.synced_mtime = node.mtime;
    return fs_->AfterEffect(path_);
  }
  Status Close() override {
    if (closed_) return Status::Ok();
    closed_ = true;
    MH_RETURN_IF_ERROR(fs_->Check(FaultOp::kClose, path_));
    return fs_->AfterEffect(path_);
  }

 private:
  FaultFileSystem* fs_;
  int id_;
  std::string path_;
  bool closed_ = false;
};

class FakeReadableFile final : public ReadableFile {
 public:
  FakeReadableFile(FaultFileSystem* fs, int id, std::string path)
      : fs_(fs), id_(id), path_(std::move(path)) {}
  Result<size_t> Read(char* buf, size_t n) override {
    MH_RETURN_IF_ERROR(fs_->Check(FaultOp::kRead, path_));
    const std::string& data = fs_->inode(id_).data;
    size_t take = offset_ < data.size() ? std::min(n, data.size() - offset_) : 0;
    data.copy(buf, take, offset_);
    offset_ += take;
    return take;
  }

 private:
  FaultFileSystem* fs_;
  int id_;
  std::string path_;
  size_t offset_ = 0;
};

}  // namespace

FaultFileSystem::FaultFileSystem() { inodes_[kRoot].is_dir = true; }
FaultFileSystem::~FaultFileSystem() = default;

void FaultFileSystem::FailNth(FaultOp op, int n, int err) {
  nth_faults_.push_back({op, op_counts_[static_cast<int>(op)] + n, err});
}

void FaultFileSystem::FailAlways(FaultOp op, int err, const std::string& prefix) {
  path_faults_.push_back({op, err, prefix});
}

void FaultFileSystem::CrashAfter(int n) { crash_after_ = mutating_ops_ + n; }

void FaultFileSystem::CrashAfterEffectOf(int n) { crash_after_effect_of_ = mutating_ops_ + n; }

void FaultFileSystem::ClearFaults() {
  nth_faults_.clear();
  path_faults_.clear();
  crash_after_ = -1;
  crash_after_effect_of_ = -1;
  stop_after_this_op_ = false;
  crashed_ = false;
}

void FaultFileSystem::LoseUnsyncedData() {
  for (auto& [id, node] : inodes_) {
    node.data = node.synced_data;
    node.mtime = node.synced_mtime;
    node.entries = node.synced_entries;
  }
  ClearFaults();
}

Status FaultFileSystem::Check(FaultOp op, const std::string& path) {
  // The operation armed to stop the machine after its effect failed on its
  // own (ENOENT, ...) without reaching AfterEffect: stopped all the same.
  if (stop_after_this_op_) crashed_ = true;
  if (crashed_) return ErrnoStatus(EIO, "(simulated crash) touching", path);
  if (Mutates(op)) {
    ++mutating_ops_;
    if (crash_after_ >= 0 && mutating_ops_ > crash_after_) {
      crashed_ = true;
      return ErrnoStatus(EIO, "(simulated crash) touching", path);
    }
    if (mutating_ops_ == crash_after_effect_of_) stop_after_this_op_ = true;
  }
  int count = ++op_counts_[static_cast<int>(op)];
  for (const NthFault& f : nth_faults_) {
    if (f.op == op && f.at == count) return ErrnoStatus(f.err, "(injected)", path);
  }
  for (const PathFault& f : path_faults_) {
    if (f.op == op && path.compare(0, f.prefix.size(), f.prefix) == 0) {
      return ErrnoStatus(f.err, "(injected)", path);
    }
  }
  return Status::Ok();
}

Status FaultFileSystem::AfterEffect(const std::string& path) {
  if (!stop_after_this_op_) return Status::Ok();
  stop_after_this_op_ = false;
  crashed_ = true;
  return ErrnoStatus(EIO, "(simulated crash after the effect of) touching", path);
}

int FaultFileSystem::Resolve(const std::string& path, int* parent, std::string* leaf) {
  std::vector<std::string> parts = Components(path);
  if (parent) *parent = -1;
  if (parts.empty()) return kRoot;
  int dir = kRoot;
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    const Inode& node = inodes_[dir];
    auto it = node.entries.find(parts[i]);
    if (!node.is_dir || it == node.entries.end()) return -1;
    dir = it->second;
  }
  const Inode& node = inodes_[dir];
  if (!node.is_dir) return -1;
  if (parent) *parent = dir;
  if (leaf) *leaf = parts.back();
  auto it = node.entries.find(parts.back());
  return it == node.entries.end() ? -1 : it->second;
}

Result<std::unique_ptr<WritableFile>> FaultFileSystem::NewWritableFile(const std::string& path) {
  MH_RETURN_IF_ERROR(Check(FaultOp::kCreate, path));
  int parent;
  std::string leaf;
  int id = Resolve(path, &parent, &leaf);
  if (id >= 0) return ErrnoStatus(EEXIST, "creating", path);
  if (parent < 0) return ErrnoStatus(ENOENT, "creating", path);
  int fresh = next_inode_++;
  inodes_[fresh];
  inodes_[parent].entries[leaf] = fresh;
  MH_RETURN_IF_ERROR(AfterEffect(path));
  return std::unique_ptr<WritableFile>(new FakeWritableFile(this, fresh, path));
}

Result<std::unique_ptr<ReadableFile>> FaultFileSystem::OpenForRead(const std::string& path) {
  MH_RETURN_IF_ERROR(Check(FaultOp::kRead, path));
  int id = Resolve(path);
  if (id < 0) return ErrnoStatus(ENOENT, "opening", path);
  if (inodes_[id].is_dir) return ErrnoStatus(EISDIR, "opening", path);
  return std::unique_ptr<ReadableFile>(new FakeReadableFile(this, id, path));
}

Status FaultFileSystem::Rename(const std::string& from, const std::string& to) {
  MH_RETURN_IF_ERROR(Check(FaultOp::kRename, from));
  int from_parent, to_parent;
  std::string from_leaf, to_leaf;
  int id = Resolve(from, &from_parent, &from_leaf);
  if (id < 0) return ErrnoStatus(ENOENT, "renaming", from + " to " + to);
  int existing = Resolve(to, &to_parent, &to_leaf);
  if (to_parent < 0) return ErrnoStatus(ENOENT, "renaming", from + " to " + to);
  if (existing >= 0 && inodes_[existing].is_dir) {
    return ErrnoStatus(EISDIR, "renaming", from + " to " + to);
  }
  inodes_[from_parent].entries.erase(from_leaf);
  inodes_[to_parent].entries[to_leaf] = id;
  return AfterEffect(from);
}

Status FaultFileSystem::Link(const std::string& from, const std::string& to) {
  MH_RETURN_IF_ERROR(Check(FaultOp::kLink, from));
  int to_parent;
  std::string to_leaf;
  int id = Resolve(from);
  if (id < 0) return ErrnoStatus(ENOENT, "hard-linking", from + " to " + to);
  if (inodes_[id].is_dir) return ErrnoStatus(EXDEV, "hard-linking", from + " to " + to);
  if (Resolve(to, &to_parent, &to_leaf) >= 0) {
    return ErrnoStatus(EEXIST, "hard-linking", from + " to " + to);
  }
  if (to_parent < 0) return ErrnoStatus(ENOENT, "hard-linking", from + " to " + to);
  inodes_[to_parent].entries[to_leaf] = id;
  return AfterEffect(from);
}

Status FaultFileSystem::Unlink(const std::string& path) {
  MH_RETURN_IF_ERROR(Check(FaultOp::kUnlink, path));
  int parent;
  std::string leaf;
  int id = Resolve(path, &parent, &leaf);
  if (id < 0) return ErrnoStatus(ENOENT, "removing", path);
  if (inodes_[id].is_dir) return ErrnoStatus(EISDIR, "removing", path);
  inodes_[parent].entries.erase(leaf);
  return AfterEffect(path);
}

Status FaultFileSystem::SyncDir(const std::string& path) {
  MH_RETURN_IF_ERROR(Check(FaultOp::kSyncDir, path));
  int id = Resolve(path);
  if (id < 0) return ErrnoStatus(ENOENT, "opening directory", path);
  Inode& node = inodes_[id];
  if (!node.is_dir) return ErrnoStatus(ENOTDIR, "opening directory", path);
  node.synced_entries = node.entries;
  return AfterEffect(path);
}

Status FaultFileSystem::SyncFileSystem(const std::string& path) {
  MH_RETURN_IF_ERROR(Check(FaultOp::kSyncFs, path));
  for (auto& [id, node] : inodes_) {
    node.synced_data = node.data;
    node.synced_mtime = node.mtime;
    node.synced_entries = node.entries;
  }
  return AfterEffect(path);
}

Result<bool> FaultFileSystem::CreateDir(const std::string& path) {
  MH_RETURN_IF_ERROR(Check(FaultOp::kMkdir, path));
  int parent;
  std::string leaf;
  int id = Resolve(path, &parent, &leaf);
  if (id >= 0) {
    if (inodes_[id].is_dir) {
      MH_RETURN_IF_ERROR(AfterEffect(path));
      return false;
    }
    return IoError("creating directory " + path + ": a file of that name is in the way");
  }
  if (parent < 0) return ErrnoStatus(ENOENT, "creating directory", path);
  int fresh = next_inode_++;
  inodes_[fresh].is_dir = true;
  inodes_[parent].entries[leaf] = fresh;
  MH_RETURN_IF_ERROR(AfterEffect(path));
  return true;
}

Result<std::vector<std::string>> FaultFileSystem::ListDir(const std::string& path) {
  MH_RETURN_IF_ERROR(Check(FaultOp::kList, path));
  int id = Resolve(path);
  if (id < 0) return ErrnoStatus(ENOENT, "listing", path);
  if (!inodes_[id].is_dir) return ErrnoStatus(ENOTDIR, "listing", path);
  std::vector<std::string> names;
  for (const auto& [name, child] : inodes_[id].entries) names.push_back(name);
  return names;
}

Result<FileInfo> FaultFileSystem::Stat(const std::string& path) {
  MH_RETURN_IF_ERROR(Check(FaultOp::kStat, path));
  int id = Resolve(path);
  if (id < 0) return ErrnoStatus(ENOENT, "inspecting", path);
  const Inode& node = inodes_[id];
  return FileInfo{node.data.size(), node.mtime, node.is_dir};
}

Status FaultFileSystem::SetMtime(const std::string& path, int64_t mtime) {
  MH_RETURN_IF_ERROR(Check(FaultOp::kSetMtime, path));
  int id = Resolve(path);
  if (id < 0) return ErrnoStatus(ENOENT, "setting the time of", path);
  inodes_[id].mtime = mtime;
  return AfterEffect(path);
}

}  // namespace mailhoard::maildir::testing
