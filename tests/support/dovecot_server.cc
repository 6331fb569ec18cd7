#include "tests/support/dovecot_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include "tests/support/subprocess.h"
#include "tests/support/wait_until.h"

namespace fs = std::filesystem;

namespace mailhoard::testing {
namespace {

[[noreturn]] void Die(const std::string& what) {
  fprintf(stderr, "dovecot fixture: %s\n", what.c_str());
  abort();
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void WriteFile(const std::string& path, const std::string& data) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << data;
  if (!out) Die("cannot write " + path);
}

// Ports are picked by binding to port 0 all at once (so they differ), then
// released for Dovecot. A race with another process is possible but rare;
// TryStart() retries with new ports when Dovecot cannot bind.
void PickFreePorts(uint16_t* ports, int n) {
  std::vector<int> fds;
  for (int i = 0; i < n; ++i) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) Die("bind failed");
    socklen_t len = sizeof addr;
    getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    ports[i] = ntohs(addr.sin_port);
    fds.push_back(fd);
  }
  for (int fd : fds) close(fd);
}

// True once the port answers with a greeting line.
bool Greets(uint16_t port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port);
  bool ok = false;
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
    pollfd p{fd, POLLIN, 0};
    char buf[64];
    ok = poll(&p, 1, 2000) == 1 && read(fd, buf, sizeof buf) > 0;
  }
  close(fd);
  return ok;
}

std::string MakeTempDir() {
  const char* base = getenv("TMPDIR");
  std::string tmpl = std::string(base && *base ? base : "/tmp") + "/mailhoard-dovecot-XXXXXX";
  if (!mkdtemp(tmpl.data())) Die("mkdtemp failed");
  // Dovecot's unprivileged processes must traverse it.
  chmod(tmpl.c_str(), 0755);
  return tmpl;
}

void MakeCertificates(const std::string& dir) {
  const std::string ec = "ec_paramgen_curve:prime256v1";
  RunOrDie({"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", ec, "-nodes", "-keyout",
            dir + "/ca.key", "-out", dir + "/ca.crt", "-days", "2", "-subj",
            "/CN=mailhoard test CA"});
  RunOrDie({"openssl", "req", "-newkey", "ec", "-pkeyopt", ec, "-nodes", "-keyout",
            dir + "/server.key", "-out", dir + "/server.csr", "-subj", "/CN=localhost"});
  WriteFile(dir + "/server.ext",
            "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n"
            "extendedKeyUsage=serverAuth\n");
  RunOrDie({"openssl", "x509", "-req", "-in", dir + "/server.csr", "-CA", dir + "/ca.crt", "-CAkey",
            dir + "/ca.key", "-CAcreateserial", "-out", dir + "/server.crt", "-days", "2",
            "-extfile", dir + "/server.ext"});
}

std::string Fingerprint(const std::string& cert) {
  // "sha256 Fingerprint=AB:CD:…"
  std::string out = RunOrDie({"openssl", "x509", "-in", cert, "-noout", "-fingerprint", "-sha256"});
  auto eq = out.find('=');
  std::string fp = out.substr(eq + 1);
  while (!fp.empty() && (fp.back() == '\n' || fp.back() == '\r')) fp.pop_back();
  return fp;
}

std::string ToCrlf(const std::string& in) {
  std::string out;
  out.reserve(in.size() + in.size() / 32);
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '\n' && (i == 0 || in[i - 1] != '\r')) out += '\r';
    out += in[i];
  }
  return out;
}

std::string Join(const std::vector<std::string>& v, const char* sep) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) out += (i ? sep : "") + v[i];
  return out;
}

}  // namespace

DovecotServer& DovecotServer::Shared() {
  static std::unique_ptr<DovecotServer> shared = Start(DovecotOptions{});
  return *shared;
}

std::unique_ptr<DovecotServer> DovecotServer::Start(const DovecotOptions& options) {
  std::unique_ptr<DovecotServer> server(new DovecotServer(options));
  std::string why;
  for (int attempt = 0; attempt < 5; ++attempt) {
    if (server->TryStart(&why)) return server;
  }
  Die("Dovecot did not start: " + why);
}

DovecotServer::DovecotServer(DovecotOptions options) : options_(std::move(options)) {
  dir_ = MakeTempDir();
  if (geteuid() == 0) {
    // Dovecot refuses to access mail as root; nobody owns the test mail.
    passwd* pw = getpwnam("nobody");
    if (!pw) Die("no user 'nobody'");
    mail_uid_ = pw->pw_uid;
    mail_gid_ = pw->pw_gid;
  } else {
    mail_uid_ = getuid();
    mail_gid_ = getgid();
  }
  fs::create_directories(dir_ + "/home");
  fs::create_directories(dir_ + "/state");
  // One passwd-file per user (Dovecot expands %u in the path): a file
  // changed twice within a second would be served stale from its cache.
  fs::create_directories(dir_ + "/users");
  MakeCertificates(dir_);
  ca_file_ = dir_ + "/ca.crt";
  fingerprint_ = Fingerprint(dir_ + "/server.crt");
}

bool DovecotServer::TryStart(std::string* why) {
  PickFreePorts(ports_, 5);
  const std::string& d = dir_;
  std::string users_clause;
  if (geteuid() == 0) {
    users_clause = "default_internal_user = dovecot\ndefault_login_user = dovenull\n";
  } else {
    passwd* pw = getpwuid(getuid());
    std::string me = pw ? pw->pw_name : "nobody";
    users_clause = "default_internal_user = " + me + "\ndefault_login_user = " + me + "\n" +
                   "service anvil {\n  chroot =\n}\nservice imap-login {\n  chroot =\n}\n" +
                   "service pop3-login {\n  chroot =\n}\nservice submission-login {\n  chroot "
                   "=\n}\n";
  }
  std::string passdb = options_.passdb_override.empty()
                           ? "passdb {\n  driver = passwd-file\n  args = scheme=PLAIN "
                             "username_format=%u " +
                                 d + "/users/%u\n}\n"
                           : options_.passdb_override;
  std::string ssl = options_.ssl ? "ssl = yes\nssl_cert = <" + d + "/server.crt\nssl_key = <" + d +
                                       "/server.key\nssl_min_protocol = TLSv1.2\n"
                                 : "ssl = no\n";
  auto listener = [&](const char* name, uint16_t port, bool tls) {
    std::string s =
        "  inet_listener " + std::string(name) + " {\n    port = " + std::to_string(port) + "\n";
    if (tls) s += options_.ssl ? "    ssl = yes\n" : "    port = 0\n";
    return s + "  }\n";
  };
  const bool submission = options_.submission_relay_port != 0;
  std::string submission_conf;
  if (submission) {
    submission_conf = "submission_relay_host = 127.0.0.1\nsubmission_relay_port = " +
                      std::to_string(options_.submission_relay_port) +
                      "\nsubmission_relay_trusted = yes\nhostname = mailhoard-test.localhost\n"
                      "service submission-login {\n" +
                      listener("submission", ports_[4], false) + "}\n";
  }
  std::string conf =
      "base_dir = " + d + "/run\nstate_dir = " + d + "/state\ninstance_name = mailhoard-test-" +
      std::to_string(getpid()) + "\nlog_path = " + d + "/dovecot.log\n" + "protocols = imap pop3" +
      std::string(submission ? " submission" : "") + "\nlisten = 127.0.0.1\n" + ssl +
      "disable_plaintext_auth = no\nauth_mechanisms = plain login\n"
      "mail_location = maildir:~/Maildir\nfirst_valid_uid = 1\n" +
      users_clause +
      "mail_plugins = zlib\nprotocol imap {\n  mail_plugins = $mail_plugins imap_zlib\n}\n" +
      passdb + "userdb {\n  driver = passwd-file\n  args = username_format=%u " + d +
      "/users/%u\n}\n" +
      "namespace inbox {\n  inbox = yes\n  separator = /\n"
      "  mailbox Sent {\n    special_use = \\Sent\n  }\n"
      "  mailbox Drafts {\n    special_use = \\Drafts\n  }\n"
      "  mailbox Trash {\n    special_use = \\Trash\n  }\n}\n"
      // Tests log in with wrong passwords on purpose; the penalty would add
      // seconds of delay to each.
      "service anvil {\n  unix_listener anvil-auth-penalty {\n    mode = 0\n  }\n}\n"
      "service imap-login {\n" +
      listener("imap", ports_[0], false) + listener("imaps", ports_[1], true) +
      "}\nservice pop3-login {\n" + listener("pop3", ports_[2], false) +
      listener("pop3s", ports_[3], true) + "}\n" + submission_conf + options_.extra_config;
  config_file_ = d + "/dovecot.conf";
  WriteFile(config_file_, conf);
  fs::remove(d + "/dovecot.log");

  pid_t pid = fork();
  if (pid < 0) Die("fork failed");
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    // Dovecot's master keeps the stderr it was started with open; a pipe
    // here would never see EOF.
    int fd = open((d + "/stderr.log").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(fd, 1);
    dup2(fd, 2);
    execlp("dovecot", "dovecot", "-F", "-c", config_file_.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  pid_ = pid;
  // Polls for the event (every port greets); the deadline only bounds a hang.
  auto deadline = std::chrono::steady_clock::now() + kEventDeadline;
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      *why = ReadFile(d + "/stderr.log") + log();
      return false;
    }
    if (Greets(ports_[0]) && Greets(ports_[2]) && (!submission || Greets(ports_[4]))) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  *why = "no greeting within " + std::to_string(kEventDeadline.count()) + " s\n" + log();
  Stop();
  return false;
}

void DovecotServer::Stop() {
  if (pid_ <= 0) return;
  kill(pid_, SIGTERM);
  for (int i = 0; i < 250; ++i) {
    int status;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  kill(pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

DovecotServer::~DovecotServer() {
  Stop();
  if (getenv("MAILHOARD_KEEP_TEST_DIRS") == nullptr) {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
}

TestUser DovecotServer::CreateUser(const std::string& userdb_extra) {
  TestUser user{"user" + std::to_string(++next_user_), "pw-" + std::to_string(next_user_) + "!x"};
  std::string home = dir_ + "/home/" + user.name;
  fs::create_directories(home);
  chown(home.c_str(), mail_uid_, mail_gid_);
  std::ofstream out(dir_ + "/users/" + user.name);
  out << user.name << ":{PLAIN}" << user.password << ":" << mail_uid_ << ":" << mail_gid_
      << "::" << home << "::" << userdb_extra << "\n";
  return user;
}

std::string DovecotServer::MaildirPath(const std::string& user) const {
  return dir_ + "/home/" + user + "/Maildir";
}

std::string DovecotServer::Doveadm(std::vector<std::string> args, const std::string& input) {
  args.insert(args.begin(), {"doveadm", "-c", config_file_});
  return RunOrDie(args, input);
}

void DovecotServer::CreateFolder(const std::string& user, const std::string& folder) {
  Doveadm({"mailbox", "create", "-u", user, folder});
}

void DovecotServer::DeleteFolder(const std::string& user, const std::string& folder) {
  Doveadm({"mailbox", "delete", "-u", user, folder});
}

void DovecotServer::RenameFolder(const std::string& user, const std::string& from,
                                 const std::string& to) {
  Doveadm({"mailbox", "rename", "-u", user, from, to});
}

uint32_t DovecotServer::Deliver(const std::string& user, const std::string& folder,
                                const std::string& message, const std::vector<std::string>& flags) {
  std::string next = Doveadm({"-f", "flow", "mailbox", "status", "-u", user, "uidnext", folder});
  // "uidnext=7"
  uint32_t uid = static_cast<uint32_t>(std::stoul(next.substr(next.find('=') + 1)));
  Doveadm({"save", "-u", user, "-m", folder}, message);
  if (!flags.empty()) SetFlags(user, folder, uid, flags);
  return uid;
}

void DovecotServer::SetFlags(const std::string& user, const std::string& folder, uint32_t uid,
                             const std::vector<std::string>& flags) {
  Doveadm({"flags", "replace", "-u", user, flags.empty() ? "" : Join(flags, " "), "mailbox", folder,
           "uid", std::to_string(uid)});
}

void DovecotServer::Expunge(const std::string& user, const std::string& folder, uint32_t uid) {
  Doveadm({"expunge", "-u", user, "mailbox", folder, "uid", std::to_string(uid)});
}

std::vector<ServerMessage> DovecotServer::Messages(const std::string& user,
                                                   const std::string& folder) {
  // UIDs and flags from Dovecot; the bytes from its Maildir files (for
  // Maildir, the message GUID is the file's base name). Reading the files
  // avoids doveadm's text escaping, so the comparison is byte-exact.
  std::string dir = Doveadm({"mailbox", "path", "-u", user, folder});
  while (!dir.empty() && dir.back() == '\n') dir.pop_back();
  std::map<std::string, std::string> files;  // base name -> path
  for (const char* sub : {"/cur", "/new"}) {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir + sub, ec)) {
      std::string name = entry.path().filename().string();
      files[name.substr(0, name.find(':'))] = entry.path().string();
    }
  }
  std::istringstream lines(
      Doveadm({"-f", "tab", "fetch", "-u", user, "uid guid flags", "mailbox", folder}));
  std::vector<ServerMessage> messages;
  std::string line;
  std::getline(lines, line);  // column titles
  while (std::getline(lines, line)) {
    auto t1 = line.find('\t');
    auto t2 = line.find('\t', t1 + 1);
    if (t1 == std::string::npos || t2 == std::string::npos) continue;
    ServerMessage m;
    m.uid = static_cast<uint32_t>(std::stoul(line.substr(0, t1)));
    std::string guid = line.substr(t1 + 1, t2 - t1 - 1);
    std::istringstream flags(line.substr(t2 + 1));
    std::string flag;
    while (flags >> flag) {
      if (flag != "\\Recent") m.flags.push_back(flag);
    }
    auto it = files.find(guid);
    if (it == files.end()) Die("no Maildir file for " + user + "/" + folder + " uid " + line);
    m.bytes = ToCrlf(ReadFile(it->second));
    messages.push_back(std::move(m));
  }
  return messages;
}

std::vector<std::string> DovecotServer::Folders(const std::string& user) {
  std::istringstream in(Doveadm({"mailbox", "list", "-u", user}));
  std::vector<std::string> folders;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty()) folders.push_back(line);
  }
  return folders;
}

std::string DovecotServer::log() const { return ReadFile(dir_ + "/dovecot.log"); }

}  // namespace mailhoard::testing
