#include "tests/engine/sync/imap_sync_test_util.h"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

namespace mailhoard::sync::testing {

namespace fs = std::filesystem;

void RecordingTrace::Line(imap::TraceDirection direction, std::string_view line) {
  if (direction != imap::TraceDirection::kSent) return;
  std::lock_guard<std::mutex> lock(mu);
  sent.emplace_back(line);
}

size_t RecordingTrace::CountSent(std::string_view command) {
  std::lock_guard<std::mutex> lock(mu);
  size_t n = 0;
  for (const auto& line : sent) {
    // "<tag> COMMAND ..." or "<tag> UID COMMAND ..."
    auto sp = line.find(' ');
    if (sp != std::string::npos && line.compare(sp + 1, command.size(), command) == 0) ++n;
  }
  return n;
}

SyncFixture::SyncFixture(mailhoard::testing::DovecotServer& s) : server(s), user(s.CreateUser()) {
  char tmpl[] = "/tmp/mailhoard-sync-XXXXXX";
  dir = mkdtemp(tmpl);
}

SyncFixture::~SyncFixture() {
  if (!getenv("MAILHOARD_KEEP_TEST_DIRS")) fs::remove_all(dir);
}

std::unique_ptr<Archive> SyncFixture::OpenArchive() {
  ArchiveOptions o;
  o.account_dir = dir + "/account";
  o.durability = maildir::Durability::kBatch;
  o.clock = &archive_clock;
  auto archive = Archive::Open(o);
  if (!archive.ok()) throw std::runtime_error(archive.status().ToString());
  return std::move(archive).value();
}

ImapSyncOptions SyncFixture::Options(uint16_t port) {
  ImapSyncOptions o;
  o.client.endpoint = {server.host(), port ? port : server.imaps_port()};
  o.client.connect.tls = net::TlsMode::kImplicit;
  o.client.connect.tls_options.ca_file = server.ca_file();
  o.client.connect.io_timeout = std::chrono::seconds(20);
  o.client.trace = &trace;
  std::string password = user.password;
  o.credentials.user = user.name;
  o.credentials.secret = [password]() -> Result<std::string> { return password; };
  o.connections = 3;
  o.retry.backoff = std::chrono::milliseconds(10);
  return o;
}

SyncResult SyncFixture::Run(Policy policy, uint16_t port) {
  auto archive = OpenArchive();
  ImapSyncOptions o = Options(port);
  o.policy = policy;
  return SyncImapAccount(*archive, o);
}

namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

std::string SyncFixture::CompareWithServer() {
  auto archive = OpenArchive();
  auto folders = archive->index().ListFolders();
  if (!folders.ok()) return folders.status().ToString();
  std::map<std::string, index::FolderRecord> by_name;
  for (const auto& f : *folders) by_name[f.display_name] = f;
  for (const std::string& name : server.Folders(user.name)) {
    auto it = by_name.find(name);
    auto messages = server.Messages(user.name, name);
    if (it == by_name.end()) {
      if (messages.empty()) continue;
      return "folder not archived: " + name;
    }
    const index::FolderRecord& f = it->second;
    auto uids = archive->index().ListUids(f.id, f.uidvalidity);
    if (!uids.ok()) return uids.status().ToString();
    size_t alive = 0;
    for (const auto& u : *uids) alive += !u.expunged;
    if (alive != messages.size()) {
      return name + ": " + std::to_string(alive) + " archived, server has " +
             std::to_string(messages.size());
    }
    for (const auto& m : messages) {
      auto row = archive->index().FindMessage(f.id, f.uidvalidity, m.uid);
      if (!row.ok() || !row->has_value())
        return name + ": uid " + std::to_string(m.uid) + " missing";
      std::string path = archive->maildir().FolderDir(f.local_path) + "/" + (*row)->file_name;
      std::string stored = ReadFile(path);
      if (stored != m.bytes) {
        size_t at = 0;
        while (at < stored.size() && at < m.bytes.size() && stored[at] == m.bytes[at]) ++at;
        return name + ": uid " + std::to_string(m.uid) + " differs at byte " + std::to_string(at) +
               " (archived " + std::to_string(stored.size()) + " bytes, server " +
               std::to_string(m.bytes.size()) + ")";
      }
      if (FlagsFromIndex((*row)->flags, (*row)->keywords) != FlagSet(m.flags)) {
        return name + ": uid " + std::to_string(m.uid) + " flags " +
               FlagsFromIndex((*row)->flags, (*row)->keywords).ToString() +
               " != " + FlagSet(m.flags).ToString();
      }
      struct stat st;
      if (stat(path.c_str(), &st) != 0 || !(*row)->internal_date ||
          st.st_mtime != *(*row)->internal_date) {
        return name + ": uid " + std::to_string(m.uid) + " mtime is not INTERNALDATE";
      }
    }
  }
  return "";
}

}  // namespace mailhoard::sync::testing
