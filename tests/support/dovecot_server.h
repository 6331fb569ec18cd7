// A real Dovecot (Debian's dovecot-imapd + dovecot-pop3d) for integration
// tests: started on 127.0.0.1 with free ports, its own config, base_dir,
// per-run CA and server certificate under a temp dir; stopped and removed
// when the object goes away, and killed with the test process if that dies
// (PR_SET_PDEATHSIG), so no test leaves a server behind.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace mailhoard::testing {

struct TestUser {
  std::string name;
  std::string password;
};

struct ServerMessage {
  uint32_t uid = 0;
  std::vector<std::string> flags;  // e.g. "\\Seen", "$Forwarded"; \Recent dropped
  std::string bytes;               // as IMAP FETCH BODY[] returns them (CRLF)
};

struct DovecotOptions {
  bool ssl = true;  // false: no TLS listeners and no STARTTLS offered
  // Extra lines appended to dovecot.conf (e.g. an oauth2 passdb).
  std::string extra_config;
  // Replaces the passwd-file passdb (for tests that bring their own).
  std::string passdb_override;
  // Non-zero: also run Dovecot's submission service (dovecot-submissiond)
  // on submission_port(), STARTTLS offered if ssl, relaying what it accepts
  // to 127.0.0.1 at this port (a test's SMTP sink) without TLS.
  uint16_t submission_relay_port = 0;
};

class DovecotServer {
 public:
  // One server per test process, started on first use.
  static DovecotServer& Shared();
  static std::unique_ptr<DovecotServer> Start(const DovecotOptions& options);
  ~DovecotServer();
  DovecotServer(const DovecotServer&) = delete;
  DovecotServer& operator=(const DovecotServer&) = delete;

  std::string host() const { return "127.0.0.1"; }
  uint16_t imap_port() const { return ports_[0]; }        // plaintext, STARTTLS offered if ssl
  uint16_t imaps_port() const { return ports_[1]; }       // implicit TLS
  uint16_t pop3_port() const { return ports_[2]; }        // plaintext, STLS offered if ssl
  uint16_t pop3s_port() const { return ports_[3]; }       // implicit TLS
  uint16_t submission_port() const { return ports_[4]; }  // with submission_relay_port
  const std::string& ca_file() const { return ca_file_; }
  // "AB:CD:…" (upper-case hex, colon separated) of the server certificate.
  const std::string& cert_fingerprint_sha256() const { return fingerprint_; }
  const std::string& dir() const { return dir_; }
  const std::string& config_file() const { return config_file_; }

  // A fresh user with an empty mailbox; each call gives a new name, so tests
  // sharing one server never see each other's mail.
  // `userdb_extra` goes into the passwd-file's extra-fields column, e.g.
  // "userdb_mail=maildir:~/Maildir:UTF-8".
  TestUser CreateUser(const std::string& userdb_extra = "");
  std::string MaildirPath(const std::string& user) const;

  void CreateFolder(const std::string& user, const std::string& folder);
  void DeleteFolder(const std::string& user, const std::string& folder);
  void RenameFolder(const std::string& user, const std::string& from, const std::string& to);
  // Saves a message (LF or CRLF line endings) and returns its UID.
  uint32_t Deliver(const std::string& user, const std::string& folder, const std::string& message,
                   const std::vector<std::string>& flags = {});
  void SetFlags(const std::string& user, const std::string& folder, uint32_t uid,
                const std::vector<std::string>& flags);
  void Expunge(const std::string& user, const std::string& folder, uint32_t uid);
  std::vector<ServerMessage> Messages(const std::string& user, const std::string& folder);
  std::vector<std::string> Folders(const std::string& user);

  // Runs doveadm against this instance; returns stdout, aborts on failure.
  std::string Doveadm(std::vector<std::string> args, const std::string& input = "");
  std::string log() const;

 private:
  explicit DovecotServer(DovecotOptions options);
  bool TryStart(std::string* why);
  void Stop();

  DovecotOptions options_;
  std::string dir_;
  std::string config_file_;
  std::string ca_file_;
  std::string fingerprint_;
  uint16_t ports_[5] = {0, 0, 0, 0, 0};
  int pid_ = -1;
  int next_user_ = 0;
  unsigned mail_uid_ = 0;
  unsigned mail_gid_ = 0;
};

}  // namespace mailhoard::testing
