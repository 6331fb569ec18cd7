// Pop3Client against a ScriptTransport. The test owns the script (so it can
// still check what was written after a failed start, when the client has
// already dropped its transport); the client gets a forwarding handle.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "engine/pop3/pop3_client.h"
#include "tests/support/script/script_transport.h"

namespace mailhoard::pop3::testing {

using mailhoard::testing::Client;
using mailhoard::testing::Eof;
using mailhoard::testing::ScriptOptions;
using mailhoard::testing::ScriptTransport;
using mailhoard::testing::Server;

class BorrowedTransport : public net::Transport {
 public:
  explicit BorrowedTransport(net::Transport* t) : t_(t) {}
  Result<size_t> Read(char* buf, size_t len) override { return t_->Read(buf, len); }
  Status Write(std::string_view data) override { return t_->Write(data); }
  Status StartTls(const net::TlsOptions& options) override { return t_->StartTls(options); }
  bool IsTls() const override { return t_->IsTls(); }
  void Close() override { t_->Close(); }
  std::string Describe() const override { return t_->Describe(); }

 private:
  net::Transport* t_;
};

struct Scripted {
  std::unique_ptr<ScriptTransport> owned;
  ScriptTransport* script = nullptr;
  std::unique_ptr<Pop3Client> client;
  Status connect_status;
};

inline Scripted ConnectScripted(std::vector<mailhoard::testing::ScriptStep> steps,
                                ClientOptions options = {}, ScriptOptions script_options = {}) {
  Scripted s;
  s.owned = std::make_unique<ScriptTransport>(std::move(steps), script_options);
  s.script = s.owned.get();
  auto started = Pop3Client::Start(std::make_unique<BorrowedTransport>(s.script), options);
  if (started.ok()) {
    s.client = std::move(started).value();
  } else {
    s.connect_status = started.status();
  }
  return s;
}

inline auth::Credentials Password(std::string user, std::string password,
                                  auth::AuthMethod method = auth::AuthMethod::kAuto) {
  auth::Credentials c;
  c.user = std::move(user);
  c.method = method;
  c.secret = [password]() -> Result<std::string> { return password; };
  return c;
}

// Greeting and a CAPA answer; `capa` lines without CRLF.
inline std::vector<mailhoard::testing::ScriptStep> Hello(const std::string& capa) {
  return {Server("+OK POP3 ready <1896.697170952@dbc.mtview.ca.us>\r\n"), Client("CAPA\r\n"),
          Server("+OK\r\n" + capa + ".\r\n")};
}

struct Trace : TraceSink {
  void Line(TraceDirection d, std::string_view line) override {
    lines.push_back(std::string(d == TraceDirection::kSent ? "C: " : "S: ") + std::string(line));
  }
  std::string All() const {
    std::string out;
    for (const auto& l : lines) out += l + "\n";
    return out;
  }
  std::vector<std::string> lines;
};

}  // namespace mailhoard::pop3::testing
