// Connection: the wire side of one IMAP session — tags, command writing
// (literals, pipelining), response framing through ResponseParser, body
// streaming hooks, STARTTLS and COMPRESS upgrades, and the trace.
//
// It knows no IMAP operation: the operation files (login.cc, fetch_*.cc …)
// send commands through it and read responses back. One thread at a time.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "engine/imap/client/command.h"
#include "engine/imap/client/trace.h"
#include "engine/imap/response.h"
#include "engine/imap/response_parser.h"
#include "engine/net/transport.h"

namespace mailhoard::imap {

// One complete response, plus the body sinks that received its streamed
// literals (already Finish()ed), in the order the bodies appeared.
struct Incoming {
  Response response;
  std::vector<std::unique_ptr<BodySink>> bodies;
};

// How literals in commands are sent (RFC 7888).
enum class LiteralMode {
  kSynchronizing,  // "{n}", wait for "+" before the bytes
  kNonSyncAlways,  // LITERAL+: "{n+}" for any size
  kNonSyncSmall,   // LITERAL-: "{n+}" up to 4096 bytes, else synchronising
};

using AlertCallback = std::function<void(std::string_view text)>;

class Connection {
 public:
  Connection(std::unique_ptr<net::Transport> transport, ParserLimits limits, TraceSink* trace);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // The next complete response, from the queue or the wire. EOF is a
  // kNetwork error, or the BYE's status when the server said goodbye first.
  Result<Incoming> Next();

  // Writes "<tag> <command>\r\n" and returns the tag (A1, A2, …). A
  // synchronising literal waits for the server's "+"; responses arriving
  // meanwhile are queued for Next(). If the server answers the command
  // with a tagged response instead of "+", the rest is not sent and the
  // tag is returned as usual: the caller sees that completion.
  Result<std::string> Send(const Command& command);
  // A continuation-response line (AUTHENTICATE step, IDLE's DONE). Secret
  // lines are traced as <redacted>.
  Status SendLine(std::string_view line, bool secret);

  // STARTTLS after its tagged OK: refuses if any response or partial
  // response arrived after that OK (plaintext injection, CVE-2011-0411).
  Status UpgradeTls(const net::TlsOptions& options);
  // COMPRESS DEFLATE after its tagged OK, with the same check.
  Status StartDeflate();
  bool deflate() const { return deflate_; }

  // While set, FETCH body literals are streamed into sinks the factory
  // makes; they come back with the response in Incoming::bodies. A null
  // sink discards the bytes.
  void set_body_sink_factory(BodySinkFactory factory);
  void clear_body_sink_factory();

  void set_literal_mode(LiteralMode mode) { literal_mode_ = mode; }
  // Whether sending `command` waits for a "+" (a synchronising literal
  // under the current literal mode).
  bool NeedsContinuation(const Command& command) const;
  // Parser limits, e.g. raised around UID SEARCH ALL, whose one-line reply
  // for a large folder exceeds the defaults.
  const ParserLimits& limits() const { return parser_.limits(); }
  void set_limits(const ParserLimits& limits) { parser_.set_limits(limits); }
  void set_alert_callback(AlertCallback cb) { alert_ = std::move(cb); }
  // Runs before each Send; its error is returned instead of sending.
  void set_before_send(std::function<Status()> hook) { before_send_ = std::move(hook); }
  // Read timeout of the socket underneath (IDLE waits longer than a
  // normal read); false if the transport is not a socket.
  bool SetReadTimeout(std::chrono::milliseconds timeout);
  std::chrono::milliseconds read_timeout() const;
  // While set (IDLE), a read timeout is an answer and the connection stays
  // usable. Otherwise it breaks the connection: the server went silent
  // mid-response (or mid-literal), and a retry must reconnect rather than
  // send its next command into the same dead or half-read stream.
  void set_timeout_expected(bool expected) { timeout_expected_ = expected; }

  // The last untagged BYE, if any (its status says throttled or shutdown).
  const Status& bye() const { return bye_; }
  bool broken() const { return !broken_.ok(); }
  const Status& broken_status() const { return broken_; }
  // Marks the connection unusable (a stream error, a handler failure in
  // the middle of pipelined replies); later calls return this status.
  void Break(Status status);
  void Close();

  net::Transport& transport() { return *transport_; }
  const net::Transport& transport() const { return *transport_; }
  std::string Describe() const { return transport_->Describe(); }
  uint64_t commands_sent() const { return next_tag_ - 1; }

 private:
  Status Fill();
  Status OnResponse(Response&& r);
  Status WriteTraced(std::string_view bytes, std::string_view trace_line);
  Status WaitForContinuation(const std::string& tag, bool* aborted);
  bool Synchronizing(uint64_t literal_size) const;

  std::unique_ptr<net::Transport> transport_;
  ResponseParser parser_;
  TraceSink* trace_;
  std::deque<Incoming> queue_;
  std::vector<std::unique_ptr<BodySink>> pending_bodies_;
  BodySinkFactory user_factory_;
  uint64_t next_tag_ = 1;
  LiteralMode literal_mode_ = LiteralMode::kSynchronizing;
  AlertCallback alert_;
  std::function<Status()> before_send_;
  Status bye_;
  Status broken_;
  bool deflate_ = false;
  bool eof_ = false;
  bool timeout_expected_ = false;
};

}  // namespace mailhoard::imap
