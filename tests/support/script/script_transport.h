// ScriptTransport: a scripted fake server for declarative conversation tests
// (curl's tests/data/test8xx, Trojita's FakeSocket).
//
//   ScriptTransport t({Server("* OK ready\r\n"),
//                      Client("a1 CAPABILITY\r\n"),
//                      Server("* CAPABILITY IMAP4rev1 STARTTLS\r\na1 OK\r\n"),
//                      Client("a2 STARTTLS\r\n"),
//                      Server("a2 OK begin\r\n"),
//                      StartTls(),
//                      Eof()});
//   ... run the client against t ...
//   REQUIRE(t.Done().ok());
//
// Steps run strictly in order. Client() steps must match the bytes written
// exactly (a command may be written in several Write calls); a mismatch
// fails the Write with a diff and is remembered, so Done() fails even if the
// client swallowed the error. Server bytes can be delivered whole, one byte
// per Read, or in random splits, so parsers meet every possible boundary.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "engine/net/transport.h"

namespace mailhoard::testing {

struct ScriptStep {
  enum class Kind { kServer, kClient, kEof, kError, kStartTls };
  Kind kind;
  std::string bytes;  // kServer, kClient
  Status error;       // kError: returned by the next Read or Write
};

inline ScriptStep Server(std::string bytes) {
  return {ScriptStep::Kind::kServer, std::move(bytes), {}};
}
inline ScriptStep Client(std::string bytes) {
  return {ScriptStep::Kind::kClient, std::move(bytes), {}};
}
// Orderly end of stream: every Read from here on returns 0.
inline ScriptStep Eof() { return {ScriptStep::Kind::kEof, {}, {}}; }
inline ScriptStep Error(Status status) { return {ScriptStep::Kind::kError, {}, std::move(status)}; }
// The client calls Transport::StartTls() here (after the server's go-ahead).
inline ScriptStep StartTls() { return {ScriptStep::Kind::kStartTls, {}, {}}; }

enum class Delivery {
  kWhole,    // each Read returns the rest of the current Server() step
  kOneByte,  // each Read returns one byte
  kRandom,   // each Read returns 1..rest bytes, from a seeded generator
  kGreedy,   // each Read fills the buffer across consecutive Server() steps,
             // as TCP coalesces two responses into one segment
};

struct ScriptOptions {
  Delivery delivery = Delivery::kWhole;
  uint32_t seed = 1;
  std::string describe = "script:143";
};

class ScriptTransport : public net::Transport {
 public:
  explicit ScriptTransport(std::vector<ScriptStep> steps, ScriptOptions options = {});

  Result<size_t> Read(char* buf, size_t len) override;
  Status Write(std::string_view data) override;
  Status StartTls(const net::TlsOptions& options) override;
  bool IsTls() const override { return tls_; }
  void Close() override { closed_ = true; }
  std::string Describe() const override { return options_.describe; }

  // OK when every step was consumed (a trailing Eof() need not be read) and
  // no mismatch happened; otherwise says which step is pending and why.
  Status Done() const;

  // Everything the client wrote, in order (for failure messages).
  const std::string& written() const { return written_; }
  bool closed() const { return closed_; }
  const net::TlsOptions& last_tls_options() const { return tls_options_; }
  size_t step() const { return step_; }

  // "a1 OK\r\n" -> "a1 OK\\r\\n", for readable diffs.
  static std::string Escape(std::string_view bytes);

 private:
  Status Fail(Status status);
  std::string Where() const;

  std::vector<ScriptStep> steps_;
  ScriptOptions options_;
  std::mt19937 rng_;
  size_t step_ = 0;
  size_t offset_ = 0;  // into steps_[step_].bytes
  std::string written_;
  Status failure_;
  bool tls_ = false;
  bool closed_ = false;
  net::TlsOptions tls_options_;
};

}  // namespace mailhoard::testing
