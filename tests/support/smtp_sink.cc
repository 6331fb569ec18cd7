#include "tests/support/smtp_sink.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>

namespace mailhoard::testing {
namespace {

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(toupper(static_cast<unsigned char>(c)));
  return s;
}

// Reads one CRLF line (without it); false at EOF or after 10 s of silence.
bool ReadLine(int fd, std::string* buffer, std::string* line) {
  for (;;) {
    size_t nl = buffer->find("\r\n");
    if (nl != std::string::npos) {
      *line = buffer->substr(0, nl);
      buffer->erase(0, nl + 2);
      return true;
    }
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 10'000) != 1) return false;
    char chunk[4096];
    ssize_t n = read(fd, chunk, sizeof chunk);
    if (n <= 0) return false;
    buffer->append(chunk, static_cast<size_t>(n));
  }
}

void Send(int fd, const std::string& text) {
  std::string all = text + "\r\n";
  size_t off = 0;
  while (off < all.size()) {
    ssize_t n = write(fd, all.data() + off, all.size() - off);
    if (n <= 0) return;
    off += static_cast<size_t>(n);
  }
}

std::string Address(const std::string& arg) {
  size_t lt = arg.find('<'), gt = arg.find('>');
  if (lt == std::string::npos || gt == std::string::npos || gt < lt) return arg;
  return arg.substr(lt + 1, gt - lt - 1);
}

}  // namespace

SmtpSink::SmtpSink(SmtpSinkOptions options) : options_(std::move(options)) {
  listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (listen_fd_ < 0 || bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      listen(listen_fd_, 16) != 0) {
    std::abort();
  }
  socklen_t len = sizeof addr;
  getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  thread_ = std::thread([this] { Serve(); });
}

SmtpSink::~SmtpSink() {
  stop_ = true;
  shutdown(listen_fd_, SHUT_RDWR);
  thread_.join();
  close(listen_fd_);
}

void SmtpSink::Serve() {
  while (!stop_) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (poll(&p, 1, 100) != 1) continue;
    int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    Session(fd);
    close(fd);
  }
}

void SmtpSink::Session(int fd) {
  std::string buffer, line;
  SinkMessage current;
  Send(fd, "220 sink.localhost ESMTP test sink");
  while (!stop_ && ReadLine(fd, &buffer, &line)) {
    std::string verb = Upper(line.substr(0, line.find(' ')));
    {
      std::lock_guard<std::mutex> lock(mu_);
      commands_.push_back(verb == "AUTH" ? line.substr(0, line.find(' ', 5)) : line);
    }
    if (verb == "EHLO" || verb == "HELO" || verb == "LHLO") {
      std::string reply = "250-sink.localhost\r\n";
      if (!options_.auth_reply.empty()) reply += "250-AUTH PLAIN LOGIN XOAUTH2\r\n";
      Send(fd, reply + "250 8BITMIME");
    } else if (verb == "AUTH") {
      Send(fd, options_.auth_reply.empty() ? "503 5.5.1 no AUTH here" : options_.auth_reply);
    } else if (verb == "MAIL") {
      current = SinkMessage();
      current.from = Address(line);
      Send(fd, "250 2.1.0 ok");
    } else if (verb == "RCPT") {
      std::string to = Address(line);
      if (options_.reject_rcpt.count(to)) {
        Send(fd, "550 5.1.1 no such user");
      } else {
        current.to.push_back(to);
        Send(fd, "250 2.1.5 ok");
      }
    } else if (verb == "DATA") {
      Send(fd, "354 go ahead");
      std::string data;
      while (ReadLine(fd, &buffer, &line) && line != ".") {
        data += (line.rfind("..", 0) == 0 ? line.substr(1) : line) + "\r\n";
      }
      current.data = std::move(data);
      {
        std::lock_guard<std::mutex> lock(mu_);
        messages_.push_back(current);
      }
      cv_.notify_all();
      Send(fd, "250 2.0.0 queued");
    } else if (verb == "RSET" || verb == "NOOP") {
      Send(fd, "250 ok");
    } else if (verb == "QUIT") {
      Send(fd, "221 bye");
      return;
    } else {
      Send(fd, "502 5.5.2 not implemented");
    }
  }
}

std::vector<SinkMessage> SmtpSink::WaitFor(size_t n, int seconds) {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait_for(lock, std::chrono::seconds(seconds), [&] { return messages_.size() >= n; });
  return messages_;
}

std::vector<SinkMessage> SmtpSink::messages() {
  std::lock_guard<std::mutex> lock(mu_);
  return messages_;
}

std::vector<std::string> SmtpSink::commands() {
  std::lock_guard<std::mutex> lock(mu_);
  return commands_;
}

}  // namespace mailhoard::testing
