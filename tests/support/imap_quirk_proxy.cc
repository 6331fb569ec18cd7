#include "tests/support/imap_quirk_proxy.h"

#include "tests/support/loopback.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sstream>

namespace mailhoard::testing {
namespace {

bool SendAll(int fd, const std::string& s) {
  size_t off = 0;
  while (off < s.size()) {
    ssize_t n = send(fd, s.data() + off, s.size() - off, MSG_NOSIGNAL);
    if (n <= 0) return false;
    off += static_cast<size_t>(n);
  }
  return true;
}

// Reads one direction as IMAP framing: lines, and literals announced by
// "{N}" / "{N+}" at a line's end passed through as raw bytes.
size_t LiteralSize(const std::string& line) {
  if (line.size() < 5 || line[line.size() - 3] != '}') return 0;
  size_t open = line.rfind('{');
  if (open == std::string::npos) return 0;
  std::string digits = line.substr(open + 1, line.size() - 3 - open - 1);
  if (!digits.empty() && digits.back() == '+') digits.pop_back();
  if (digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos) return 0;
  return std::stoul(digits);
}

class Framer {
 public:
  explicit Framer(int fd) : fd_(fd) {}
  // Next line (with CRLF) or, after a literal announce, the literal's bytes.
  // Returns false at EOF. *is_line tells which.
  bool Next(std::string* out, bool* is_line) {
    if (literal_left_ > 0) {
      if (!Fill()) return false;
      size_t take = std::min(literal_left_, buf_.size());
      *out = buf_.substr(0, take);
      buf_.erase(0, take);
      literal_left_ -= take;
      *is_line = false;
      return true;
    }
    for (;;) {
      size_t eol = buf_.find("\r\n");
      if (eol != std::string::npos) {
        *out = buf_.substr(0, eol + 2);
        buf_.erase(0, eol + 2);
        *is_line = true;
        literal_left_ = LiteralSize(*out);
        return true;
      }
      if (!Fill(true)) return false;
    }
  }

 private:
  bool Fill(bool force = false) {
    if (!buf_.empty() && !force) return true;
    char tmp[65536];
    ssize_t n = read(fd_, tmp, sizeof tmp);
    if (n <= 0) return false;
    buf_.append(tmp, static_cast<size_t>(n));
    return true;
  }
  int fd_;
  std::string buf_;
  size_t literal_left_ = 0;
};

std::string StripExtensions(const std::string& line) {
  if (line.find("CAPABILITY") == std::string::npos) return line;
  static const char* kGone[] = {" CONDSTORE",   " QRESYNC",          " ESEARCH",
                                " LIST-STATUS", " COMPRESS=DEFLATE", " ENABLE",
                                " SEARCHRES",   " LIST-EXTENDED",    " SPECIAL-USE"};
  std::string out = line;
  for (const char* token : kGone) {
    size_t pos;
    while ((pos = out.find(token)) != std::string::npos) {
      size_t end = pos + strlen(token);
      if (end < out.size() && out[end] != ' ' && out[end] != ']' && out[end] != '\r') break;
      out.erase(pos, strlen(token));
    }
  }
  return out;
}

// LIST with RETURN options (LIST-EXTENDED, LIST-STATUS): Exchange answers
// them with BAD.
bool RefusedExtendedList(const std::string& line) {
  std::istringstream in(line);
  std::string tag, command;
  in >> tag >> command;
  return command == "LIST" && line.find(" RETURN (") != std::string::npos;
}

// "A7 UID FETCH 1:5,9 (…)": true if the set names any of `uids`.
bool NamesBadUid(const std::string& line, const std::set<uint32_t>& uids) {
  std::istringstream in(line);
  std::string tag, uid, fetch, set;
  in >> tag >> uid >> fetch >> set;
  // Exchange fails the body fetch of a broken message, not its flags.
  if (uid != "UID" || fetch != "FETCH" || line.find("BODY") == std::string::npos) return false;
  std::istringstream ranges(set);
  std::string range;
  while (std::getline(ranges, range, ',')) {
    auto colon = range.find(':');
    std::string a = range.substr(0, colon);
    std::string b = colon == std::string::npos ? a : range.substr(colon + 1);
    uint32_t lo = a == "*" ? UINT32_MAX : static_cast<uint32_t>(std::stoul(a));
    uint32_t hi = b == "*" ? UINT32_MAX : static_cast<uint32_t>(std::stoul(b));
    if (lo > hi) std::swap(lo, hi);
    for (uint32_t u : uids) {
      if (u >= lo && u <= hi) return true;
    }
  }
  return false;
}

// "* 12 FETCH (UID 40 … BODY[] {123}": the first line of a response that
// carries a body; *uid is its UID.
bool StartsBodyFetch(const std::string& line, uint32_t* uid) {
  if (line.rfind("* ", 0) != 0 || line.find(" FETCH (") == std::string::npos ||
      line.find("BODY[") == std::string::npos || LiteralSize(line) == 0) {
    return false;
  }
  size_t pos = line.find("UID ");
  if (pos == std::string::npos) return false;
  *uid = static_cast<uint32_t>(std::strtoul(line.c_str() + pos + 4, nullptr, 10));
  return true;
}

std::string Tag(const std::string& line) { return line.substr(0, line.find(' ')); }

std::string WithoutUidplus(std::string line) {
  size_t pos;
  if (line.find("CAPABILITY") != std::string::npos) {
    while ((pos = line.find(" UIDPLUS")) != std::string::npos) line.erase(pos, 8);
  }
  if ((pos = line.find("[APPENDUID ")) != std::string::npos) {
    size_t end = line.find("] ", pos);
    if (end != std::string::npos) line.erase(pos, end + 2 - pos);
  }
  return line;
}

// "A5 APPEND "INBOX" (\Seen \Flagged) …": the flag list without \Flagged.
std::string WithoutFlaggedInAppend(std::string line) {
  std::istringstream in(line);
  std::string tag, command;
  in >> tag >> command;
  if (command != "APPEND") return line;
  size_t open = line.find('(');
  size_t close = open == std::string::npos ? open : line.find(')', open);
  if (close == std::string::npos) return line;
  size_t pos = line.find("\\Flagged", open);
  if (pos == std::string::npos || pos > close) return line;
  line.erase(pos, 8);
  if (pos < line.size() && line[pos] == ' ') {
    line.erase(pos, 1);
  } else if (pos > 0 && line[pos - 1] == ' ') {
    line.erase(pos - 1, 1);
  }
  return line;
}

}  // namespace

std::vector<ProxyEvent> ImapQuirkProxy::events() const {
  std::lock_guard<std::mutex> lock(mu_);
  return events_;
}

void ImapQuirkProxy::Record(ProxyEvent::Kind kind, int index, std::string line) {
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
  std::lock_guard<std::mutex> lock(mu_);
  events_.push_back({kind, index, std::chrono::steady_clock::now(), std::move(line)});
}

bool ImapQuirkProxy::TakeOmitted(uint32_t uid) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = options_.omit_uids.find(uid);
  if (it == options_.omit_uids.end()) return false;
  if (!options_.omit_forever) options_.omit_uids.erase(it);
  return true;
}

bool ImapQuirkProxy::TakeExpiry() {
  int n = expired_.load();
  while (n < options_.expire_sessions) {
    if (expired_.compare_exchange_weak(n, n + 1)) return true;
  }
  return false;
}

ImapQuirkProxy::ImapQuirkProxy(uint16_t target_port, QuirkOptions options)
    : target_port_(target_port), options_(std::move(options)) {
  listen_fd_ = ListenLoopback(&port_);
  acceptor_ = std::thread([this] { AcceptLoop(); });
}

ImapQuirkProxy::~ImapQuirkProxy() {
  stopping_ = true;
  shutdown(listen_fd_, SHUT_RDWR);
  acceptor_.join();
  close(listen_fd_);
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (int fd : fds_) shutdown(fd, SHUT_RDWR);
  }
  for (auto& t : workers_) t.join();
  for (int fd : fds_) close(fd);
}

void ImapQuirkProxy::AcceptLoop() {
  while (!stopping_) {
    int c = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (c < 0) continue;
    int index = connections_.fetch_add(1);
    std::lock_guard<std::mutex> lock(mu_);
    fds_.push_back(c);
    workers_.emplace_back([this, c, index] { Serve(c, index); });
  }
}

void ImapQuirkProxy::Serve(int client, int index) {
  int server = DialLoopback(target_port_);
  if (server < 0) return;
  {
    std::lock_guard<std::mutex> lock(mu_);
    fds_.push_back(server);
  }
  Record(ProxyEvent::kConnect, index);
  std::mutex write_client;  // both directions may answer the client
  std::atomic<bool> token_expired{false};
  std::thread down([&] {
    Framer f(server);
    std::string chunk;
    bool line;
    bool in_body = false, dropping = false;
    int bodies = 0;
    while (f.Next(&chunk, &line)) {
      if (line && options_.strip_extensions) chunk = StripExtensions(chunk);
      if (line && options_.no_uidplus) chunk = WithoutUidplus(chunk);
      uint32_t uid = 0;
      bool first = false;
      if (line && !in_body && StartsBodyFetch(chunk, &uid)) {
        in_body = first = true;
        dropping = TakeOmitted(uid);
        if (dropping) omitted_.fetch_add(1);
      }
      if (!dropping) {
        std::lock_guard<std::mutex> lock(write_client);
        if (!SendAll(client, chunk)) break;
      }
      if (!in_body || first || !line || LiteralSize(chunk) > 0) continue;
      // The line after the last literal: the response is complete.
      in_body = false;
      if (dropping) {
        dropping = false;
        continue;
      }
      if (options_.expire_after_bodies == 0 || ++bodies < options_.expire_after_bodies ||
          token_expired || !TakeExpiry()) {
        continue;
      }
      Record(ProxyEvent::kExpired, index);
      if (options_.expire_with_no) {
        token_expired = true;
        continue;
      }
      std::lock_guard<std::mutex> lock(write_client);
      SendAll(client, "* BYE Session invalidated - AccessTokenExpired\r\n");
      break;
    }
    shutdown(client, SHUT_RDWR);
    shutdown(server, SHUT_RDWR);
  });
  Framer f(client);
  std::string chunk;
  bool line;
  int commands = 0;
  bool after_literal = false;  // the next line continues a command (APPEND's tail)
  while (f.Next(&chunk, &line)) {
    if (line && after_literal) {
      after_literal = LiteralSize(chunk) > 0;
      if (!SendAll(server, chunk)) break;
      continue;
    }
    if (line) {
      after_literal = LiteralSize(chunk) > 0;
      ++commands;
      Record(ProxyEvent::kCommand, index, chunk);
      if (index == options_.throttle_connection && options_.throttle_after_commands > 0 &&
          commands > options_.throttle_after_commands) {
        // Exchange's throttling: an explanation, then the door.
        std::string hint =
            "Request is throttled. Suggested Backoff Time: " + std::to_string(options_.backoff_ms) +
            " milliseconds\r\n";
        Record(ProxyEvent::kThrottled, index);
        std::lock_guard<std::mutex> lock(write_client);
        if (options_.throttle_with_no) SendAll(client, Tag(chunk) + " NO " + hint);
        SendAll(client, "* BYE " + hint);
        throttled_.fetch_add(1);
        break;
      }
      if (token_expired) {
        std::lock_guard<std::mutex> lock(write_client);
        SendAll(
            client,
            Tag(chunk) + " NO [AUTHENTICATIONFAILED] Session invalidated - AccessTokenExpired\r\n");
        continue;
      }
      if (options_.drop_flagged_in_append) chunk = WithoutFlaggedInAppend(chunk);
      if (options_.strip_extensions && RefusedExtendedList(chunk)) {
        // Let the server itself answer BAD, so the reply comes in order.
        chunk = Tag(chunk) + " XLISTRETURN\r\n";
      }
      if (!options_.bad_uids.empty() && NamesBadUid(chunk, options_.bad_uids)) {
        std::lock_guard<std::mutex> lock(write_client);
        SendAll(client, Tag(chunk) + " BAD Command Argument Error. 11\r\n");
        bad_answers_.fetch_add(1);
        continue;
      }
    }
    if (!SendAll(server, chunk)) break;
  }
  shutdown(server, SHUT_RDWR);
  shutdown(client, SHUT_RDWR);
  down.join();
}

}  // namespace mailhoard::testing
