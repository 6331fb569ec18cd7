// A small SMTP server on 127.0.0.1 for tests: the relay target of the test
// Dovecot's submission service, and a scripted server for what a real one
// will not do on demand (no STARTTLS on offer, Microsoft 365's
// "535 5.7.139 … SmtpClientAuthentication is disabled", a refused
// recipient). Plaintext only; it keeps every message it accepts.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace mailhoard::testing {

struct SinkMessage {
  std::string from;
  std::vector<std::string> to;
  std::string data;  // as sent after DATA, dot-unstuffed, CRLF line ends
};

struct SmtpSinkOptions {
  // Non-empty: AUTH PLAIN LOGIN XOAUTH2 are offered and every AUTH is
  // answered with this reply line (without CRLF), e.g. "235 ok".
  std::string auth_reply;
  std::set<std::string> reject_rcpt;  // answered "550 5.1.1 no such user"
};

class SmtpSink {
 public:
  explicit SmtpSink(SmtpSinkOptions options = {});
  ~SmtpSink();
  SmtpSink(const SmtpSink&) = delete;
  SmtpSink& operator=(const SmtpSink&) = delete;

  uint16_t port() const { return port_; }
  // Waits up to `seconds` for at least `n` messages; returns what is there.
  std::vector<SinkMessage> WaitFor(size_t n, int seconds = 10);
  std::vector<SinkMessage> messages();
  // Commands seen (AUTH lines cut after the mechanism), for assertions.
  std::vector<std::string> commands();

 private:
  void Serve();
  void Session(int fd);

  SmtpSinkOptions options_;
  int listen_fd_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<SinkMessage> messages_;
  std::vector<std::string> commands_;
  std::thread thread_;
};

}  // namespace mailhoard::testing
