// A plaintext IMAP proxy in front of the real Dovecot that makes it behave
// like Microsoft 365 where a real server cannot be made to on demand:
// capabilities without CONDSTORE/QRESYNC/ESEARCH/LIST-STATUS/LIST-EXTENDED/
// SPECIAL-USE/COMPRESS (and
// BAD for a LIST with RETURN options, which they would need), a
// "BAD Command Argument Error. 11" for any UID FETCH naming one broken
// message, and a throttling BYE ("Suggested Backoff Time: N milliseconds")
// after a number of commands. Literals are passed through untouched in both
// directions, so message bodies are never rewritten; a FETCH response is
// either passed whole or left out whole (Exchange's "OK" for a range that
// lacks some of its messages). Every connection and command is recorded
// with its time, so tests can check what was sent inside a throttle window.
#pragma once

#include <atomic>
#include <chrono>
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
  // Throttle connection number `throttle_connection` (0: the first one
  // made) after this many commands (0: never). With throttle_with_no the
  // command gets Exchange's tagged NO first, then the BYE.
  int throttle_after_commands = 0;
  int throttle_connection = 0;
  bool throttle_with_no = false;
  int backoff_ms = 300;
  // Body FETCH responses for these UIDs are left out of the reply, which
  // still ends OK: the first time each is asked for, or always.
  std::set<uint32_t> omit_uids;
  bool omit_forever = false;
  // Exchange ends a session when its access token expires: after this many
  // body FETCH responses on one connection (0: never), up to
  // `expire_sessions` times in all, either "* BYE Session invalidated -
  // AccessTokenExpired", or (expire_with_no) "NO [AUTHENTICATIONFAILED]" to
  // every later command of that connection.
  int expire_after_bodies = 0;
  int expire_sessions = 1;
  bool expire_with_no = false;
  // A server without UIDPLUS: the capability and every [APPENDUID …] code
  // are taken out of what the client sees.
  bool no_uidplus = false;
  // Exchange Online keeps no \Flagged given in APPEND's flag list.
  bool drop_flagged_in_append = false;
};

struct ProxyEvent {
  enum Kind { kConnect, kCommand, kThrottled, kExpired };
  Kind kind;
  int connection;
  std::chrono::steady_clock::time_point at;
  std::string line;  // the command, without CRLF (kCommand)
};

class ImapQuirkProxy {
 public:
  ImapQuirkProxy(uint16_t target_port, QuirkOptions options);
  ~ImapQuirkProxy();
  uint16_t port() const { return port_; }
  int throttled() const { return throttled_.load(); }
  int bad_answers() const { return bad_answers_.load(); }
  int omitted() const { return omitted_.load(); }
  int expired() const { return expired_.load(); }
  std::vector<ProxyEvent> events() const;

 private:
  void AcceptLoop();
  void Serve(int client, int index);
  void Record(ProxyEvent::Kind kind, int index, std::string line = "");
  bool TakeOmitted(uint32_t uid);
  bool TakeExpiry();

  uint16_t target_port_;
  QuirkOptions options_;
  int listen_fd_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<int> connections_{0};
  std::atomic<int> throttled_{0};
  std::atomic<int> bad_answers_{0};
  std::atomic<int> omitted_{0};
  std::atomic<int> expired_{0};
  std::thread acceptor_;
  mutable std::mutex mu_;  // fds_, workers_, events_, options_.omit_uids
  std::vector<ProxyEvent> events_;
  std::vector<std::thread> workers_;
  std::vector<int> fds_;
};

}  // namespace mailhoard::testing
