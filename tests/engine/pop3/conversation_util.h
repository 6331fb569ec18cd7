// Pop3Client against a ScriptTransport: the client owns the transport, the
// test keeps a pointer to check that every scripted step was consumed.
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

struct Scripted {
  ScriptTransport* script = nullptr;
  std::unique_ptr<Pop3Client> client;
  Status connect_status;
};

inline Scripted ConnectScripted(std::vector<mailhoard::testing::ScriptStep> steps,
                                ClientOptions options = {}, ScriptOptions script_options = {}) {
  auto transport = std::make_unique<ScriptTransport>(std::move(steps), script_options);
  Scripted s;
  s.script = transport.get();
  auto started = Pop3Client::Start(std::move(transport), options);
  if (started.ok()) {
    s.client = std::move(started).value();
  } else {
    s.connect_status = started.status();
  }
  return s;
}

inline Credentials Password(std::string user, std::string password,
                            AuthMethod method = AuthMethod::kAuto) {
  Credentials c;
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
