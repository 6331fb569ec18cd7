// A plaintext IMAP proxy in front of the real Dovecot that makes it behave
// like Microsoft 365 where a real server cannot be made to on demand:
// capabilities without CONDSTORE/QRESYNC/ESEARCH/LIST-STATUS/LIST-EXTENDED/
// SPECIAL-USE/COMPRESS (and
// BAD for a LIST with RETURN options, which they would need), a
// "BAD Command Argument Error. 11" for any UID FETCH naming one broken
// message, and a throttling BYE ("Suggested Backoff Time: N milliseconds")
// after a number of commands. Literals are passed through untouched in both
// directions, so message bodies are never rewritten.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace mailhoard::testing {

struct QuirkOptions {
  bool strip_extensions = true;  // Microsoft 365 offers none of them
  std::set<uint32_t> bad_uids;   // a UID FETCH of bodies naming any of these gets BAD
  // Throttle the first connection after this many commands (0: never).
  int throttle_after_commands = 0;
  int backoff_ms = 300;
};

class ImapQuirkProxy {
 public:
  ImapQuirkProxy(uint16_t target_port, QuirkOptions options);
  ~ImapQuirkProxy();
  uint16_t port() const { return port_; }
  int throttled() const { return throttled_.load(); }
  int bad_answers() const { return bad_answers_.load(); }

 private:
  void AcceptLoop();
  void Serve(int client, int index);

  uint16_t target_port_;
  QuirkOptions options_;
  int listen_fd_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<int> connections_{0};
  std::atomic<int> throttled_{0};
  std::atomic<int> bad_answers_{0};
  std::thread acceptor_;
  std::mutex mu_;
  std::vector<std::thread> workers_;
  std::vector<int> fds_;
};

}  // namespace mailhoard::testing
