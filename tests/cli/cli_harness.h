// Runs the real `mailhoard` binary against the test Dovecot, the way cron or
// a user would: a config file in a temp dir, the password in an environment
// variable, the archive under the temp dir.
#pragma once

#include <sys/types.h>

#include <map>
#include <string>
#include <vector>

#include "tests/cli/test_util.h"
#include "tests/support/dovecot_server.h"
#include "tests/support/subprocess.h"

namespace mailhoard::cli::testing {

class CliHarness {
 public:
  // A fresh user on the shared Dovecot; `port` 0 is the server's IMAP port
  // (STARTTLS), else e.g. a TcpProxy in front of it.
  explicit CliHarness(mailhoard::testing::DovecotServer& server, uint16_t port = 0,
                      const std::string& extra_account_keys = "");

  // Rewrites the config: the account "t" on `port` with the extra keys.
  void WriteConfig(uint16_t port, const std::string& extra_account_keys = "");
  // The `tls` key WriteConfig writes from now on: "starttls" (the default)
  // or "none" (with allow_plaintext, so a proxy can see the protocol).
  void SetTls(const std::string& mode) { tls_ = mode; }

  mailhoard::testing::CommandResult Run(const std::vector<std::string>& args) const;
  // Starts `mailhoard args...` in the background (stdout/stderr to files in
  // the temp dir); returns its pid. Wait() reaps it and returns the exit
  // code (128 + signal when killed).
  pid_t Start(const std::vector<std::string>& args) const;
  static int Wait(pid_t pid);

  const std::string& config() const { return config_; }
  std::string account_dir() const { return dir_ / "hoard/t"; }
  const TempDir& dir() const { return dir_; }
  mailhoard::testing::DovecotServer& server() { return server_; }
  const mailhoard::testing::TestUser& user() const { return user_; }

  // Every server message is archived exactly once with the server's bytes;
  // no (folder, uid) and no Message-ID twice in a folder. "" when equal,
  // else the first difference.
  std::string CompareWithServer() const;

 private:
  std::vector<std::string> Argv(const std::vector<std::string>& args) const;

  mailhoard::testing::DovecotServer& server_;
  mailhoard::testing::TestUser user_;
  TempDir dir_;
  std::string config_;
  std::string tls_ = "starttls";
};

std::string ReadFileOrEmpty(const std::string& path);

}  // namespace mailhoard::cli::testing
