#include "tests/cli/cli_harness.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <set>
#include <sstream>

#include "storage/index/index.h"

namespace mailhoard::cli::testing {

std::string ReadFileOrEmpty(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

CliHarness::CliHarness(mailhoard::testing::DovecotServer& server, uint16_t port,
                       const std::string& extra_account_keys)
    : server_(server), user_(server.CreateUser()) {
  WriteConfig(port, extra_account_keys);
}

void CliHarness::WriteConfig(uint16_t port, const std::string& extra_account_keys) {
  std::string text = "archive = \"" + (dir_ / "hoard") + "\"\n" +
                     "[accounts.t]\n"
                     "host = \"127.0.0.1\"\n"
                     "port = " +
                     std::to_string(port ? port : server_.imap_port()) +
                     "\n"
                     "tls = \"" +
                     tls_ + "\"\n" + (tls_ == "none" ? "allow_plaintext = true\n" : "") +
                     "tls_ca_file = \"" + server_.ca_file() + "\"\nuser = \"" + user_.name +
                     "\"\n"
                     "password_env = \"MH_TEST_PW\"\n" +
                     extra_account_keys;
  config_ = WriteFile(dir_ / "config.toml", text);
}

std::vector<std::string> CliHarness::Argv(const std::vector<std::string>& args) const {
  std::vector<std::string> argv = {"env",
                                   "HOME=" + dir_.path(),
                                   "XDG_CONFIG_HOME=",
                                   "MH_TEST_PW=" + user_.password,
                                   MH_MAILHOARD_BIN,
                                   "-c",
                                   config_};
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

mailhoard::testing::CommandResult CliHarness::Run(const std::vector<std::string>& args) const {
  return mailhoard::testing::RunCommand(Argv(args));
}

pid_t CliHarness::Start(const std::vector<std::string>& args) const {
  std::vector<std::string> argv = Argv(args);
  std::string out = dir_ / "bg.out", err = dir_ / "bg.err";
  pid_t pid = fork();
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    int o = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int e = open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(o, 1);
    dup2(e, 2);
    std::vector<char*> raw;
    for (auto& a : argv) raw.push_back(a.data());
    raw.push_back(nullptr);
    execvp(raw[0], raw.data());
    _exit(127);
  }
  return pid;
}

int CliHarness::Wait(pid_t pid) {
  int status = 0;
  if (waitpid(pid, &status, 0) != pid) return -1;
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return WEXITSTATUS(status);
}

std::string CliHarness::CompareWithServer() const {
  index::IndexOptions o;
  o.read_only = true;
  o.create_if_missing = false;
  auto idx = index::Index::Open(account_dir() + "/.mailhoard.sqlite", o);
  if (!idx.ok()) return idx.status().ToString();
  index::Index& index = **idx;
  auto folders = index.ListFolders();
  if (!folders.ok()) return folders.status().ToString();
  std::map<std::string, index::FolderRecord> by_name;
  for (const auto& f : *folders) by_name[f.display_name] = f;
  for (const std::string& name : server_.Folders(user_.name)) {
    auto messages = server_.Messages(user_.name, name);
    auto it = by_name.find(name);
    if (it == by_name.end()) {
      if (messages.empty()) continue;
      return "folder not archived: " + name;
    }
    const index::FolderRecord& f = it->second;
    auto uids = index.ListUids(f.id, f.uidvalidity);
    if (!uids.ok()) return uids.status().ToString();
    std::set<uint32_t> seen_uids;
    std::set<std::string> seen_ids;
    size_t alive = 0;
    for (const auto& u : *uids) {
      if (!seen_uids.insert(u.uid).second) return name + ": uid twice: " + std::to_string(u.uid);
      alive += !u.expunged;
      auto row = index.GetMessage(u.id);
      if (!row.ok() || !row->has_value()) return name + ": row vanished";
      const std::string& mid = (*row)->message_id;
      if (!mid.empty() && !seen_ids.insert(mid).second) return name + ": Message-ID twice: " + mid;
    }
    if (alive != messages.size()) {
      return name + ": " + std::to_string(alive) + " archived, server has " +
             std::to_string(messages.size());
    }
    const std::string dir =
        f.local_path.empty() ? account_dir() : account_dir() + "/" + f.local_path;
    for (const auto& m : messages) {
      auto row = index.FindMessage(f.id, f.uidvalidity, m.uid);
      if (!row.ok() || !row->has_value())
        return name + ": uid " + std::to_string(m.uid) + " missing";
      std::string stored = ReadFileOrEmpty(dir + "/" + (*row)->file_name);
      if (stored != m.bytes) {
        return name + ": uid " + std::to_string(m.uid) + " differs (archived " +
               std::to_string(stored.size()) + " bytes, server " + std::to_string(m.bytes.size()) +
               ")";
      }
    }
  }
  return "";
}

}  // namespace mailhoard::cli::testing
