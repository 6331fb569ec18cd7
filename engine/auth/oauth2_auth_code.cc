#include "engine/auth/oauth2_auth_code.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>

#include "engine/auth/base64.h"

namespace mailhoard::auth {
namespace {

using Clock = std::chrono::steady_clock;

Status WaitReadable(int fd, Clock::time_point deadline, std::string_view what) {
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) return TimeoutError("timed out waiting for " + std::string(what));
    pollfd p{fd, POLLIN, 0};
    int rc = poll(&p, 1, static_cast<int>(left.count()));
    if (rc > 0) return Status::Ok();
    if (rc < 0 && errno != EINTR) return NetworkError(std::string("poll: ") + strerror(errno));
  }
}

void Respond(int fd, int code, std::string_view text) {
  std::string body = "<!doctype html><title>mailhoard</title><p>" + std::string(text) + "</p>\n";
  std::string reason = code == 200 ? "OK" : code == 404 ? "Not Found" : "Bad Request";
  std::string r = "HTTP/1.1 " + std::to_string(code) + " " + reason +
                  "\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: " +
                  std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
  size_t off = 0;
  while (off < r.size()) {
    ssize_t n = send(fd, r.data() + off, r.size() - off, MSG_NOSIGNAL);
    if (n <= 0) return;
    off += static_cast<size_t>(n);
  }
}

// Reads the request head (up to 8 KB) and returns the request target of a
// GET, or an empty string.
std::string ReadTarget(int fd, Clock::time_point deadline) {
  std::string head;
  char buf[1024];
  while (head.find("\r\n\r\n") == std::string::npos && head.size() < 8192) {
    if (!WaitReadable(fd, deadline, "the browser").ok()) break;
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    head.append(buf, static_cast<size_t>(n));
  }
  if (!head.starts_with("GET ")) return "";
  auto end = head.find(' ', 4);
  return end == std::string::npos ? "" : head.substr(4, end - 4);
}

std::map<std::string, std::string> ParseQuery(std::string_view target) {
  std::map<std::string, std::string> out;
  auto q = target.find('?');
  if (q == std::string_view::npos) return out;
  std::string_view rest = target.substr(q + 1);
  while (!rest.empty()) {
    auto amp = rest.find('&');
    std::string_view pair = rest.substr(0, amp);
    auto eq = pair.find('=');
    auto key = UrlDecode(pair.substr(0, eq));
    auto value = UrlDecode(eq == std::string_view::npos ? "" : pair.substr(eq + 1));
    if (key && value) out[*key] = *value;
    if (amp == std::string_view::npos) break;
    rest = rest.substr(amp + 1);
  }
  return out;
}

bool ConstantTimeEqual(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace

Result<std::string> RandomToken(size_t bytes) {
  std::string raw(bytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), static_cast<int>(bytes)) != 1) {
    return InternalError("the system random number generator failed");
  }
  return Base64UrlEncode(raw);
}

std::string PkceChallengeS256(std::string_view verifier) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(verifier.data()), verifier.size(), digest);
  return Base64UrlEncode(std::string_view(reinterpret_cast<char*>(digest), sizeof digest));
}

Result<Pkce> MakePkce() {
  MH_ASSIGN_OR_RETURN(std::string verifier, RandomToken(32));  // 43 chars
  Pkce p;
  p.challenge = PkceChallengeS256(verifier);
  p.verifier = std::move(verifier);
  return p;
}

Result<LoopbackRedirect> LoopbackRedirect::Listen() {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return NetworkError(std::string("socket: ") + strerror(errno));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  // Loopback only: the code must never be reachable from the network.
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || listen(fd, 4) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    Status s = NetworkError(std::string("loopback listener: ") + strerror(errno));
    close(fd);
    return s;
  }
  return LoopbackRedirect(fd, ntohs(addr.sin_port));
}

LoopbackRedirect::LoopbackRedirect(LoopbackRedirect&& other) noexcept
    : fd_(other.fd_), port_(other.port_) {
  other.fd_ = -1;
}

LoopbackRedirect& LoopbackRedirect::operator=(LoopbackRedirect&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) close(fd_);
    fd_ = other.fd_;
    port_ = other.port_;
    other.fd_ = -1;
  }
  return *this;
}

LoopbackRedirect::~LoopbackRedirect() {
  if (fd_ >= 0) close(fd_);
}

std::string LoopbackRedirect::redirect_uri() const {
  return "http://127.0.0.1:" + std::to_string(port_) + "/";
}

Result<std::string> LoopbackRedirect::WaitForCode(std::string_view expected_state,
                                                  std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    MH_RETURN_IF_ERROR(WaitReadable(fd_, deadline, "the browser to return from sign-in"));
    int conn = accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (conn < 0) continue;
    // A slow or silent connection must not eat the whole sign-in window.
    auto conn_deadline = std::min(deadline, Clock::now() + std::chrono::seconds(10));
    std::string target = ReadTarget(conn, conn_deadline);
    auto query = ParseQuery(target);
    if (!query.contains("code") && !query.contains("error")) {
      Respond(conn, 404, "Not found.");
      close(conn);
      continue;
    }
    if (!ConstantTimeEqual(query["state"], expected_state)) {
      Respond(conn, 400, "Sign-in failed: the reply does not belong to this sign-in.");
      close(conn);
      return ProtocolError(
          "the sign-in redirect carried the wrong state; possible cross-site "
          "request forgery, sign-in aborted");
    }
    if (query.contains("error")) {
      Respond(conn, 200, "Sign-in failed. You can close this window.");
      close(conn);
      std::string m = "sign-in failed in the browser: " + query["error"].substr(0, 60);
      if (!query["error_description"].empty()) {
        m += ": " + query["error_description"].substr(0, 200);
      }
      return Status::Error(ErrorCode::kAuth, m, ErrorScope::kAccount, RetryClass::kAuth);
    }
    Respond(conn, 200, "Signed in to mailhoard. You can close this window.");
    close(conn);
    return query["code"];
  }
}

Result<AuthorizationCodeFlow> AuthorizationCodeFlow::Begin(OAuthClient& client) {
  const OAuthEndpoints& e = client.endpoints();
  if (e.authorize_url.empty()) return InvalidArgument("no authorize endpoint configured");
  MH_ASSIGN_OR_RETURN(LoopbackRedirect listener, LoopbackRedirect::Listen());
  AuthorizationCodeFlow flow(client, std::move(listener));
  MH_ASSIGN_OR_RETURN(flow.pkce_, MakePkce());
  MH_ASSIGN_OR_RETURN(flow.state_, RandomToken());
  flow.redirect_uri_ = flow.listener_.redirect_uri();
  FormFields q{{"client_id", e.client_id},
               {"response_type", "code"},
               {"redirect_uri", flow.redirect_uri_},
               {"response_mode", "query"},
               {"scope", e.scopes},
               {"state", flow.state_},
               {"code_challenge", flow.pkce_.challenge},
               {"code_challenge_method", "S256"}};
  char sep = e.authorize_url.find('?') == std::string::npos ? '?' : '&';
  flow.authorize_url_ = e.authorize_url + sep + FormEncode(q);
  return flow;
}

Result<TokenSet> AuthorizationCodeFlow::Finish(std::chrono::milliseconds timeout) {
  MH_ASSIGN_OR_RETURN(std::string code, listener_.WaitForCode(state_, timeout));
  return client_->ExchangeCode(code, redirect_uri_, pkce_.verifier);
}

}  // namespace mailhoard::auth
