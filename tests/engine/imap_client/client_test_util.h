// Helpers for ImapClient conversation tests: a scripted client, a trace
// recorder, an in-memory message handler (tests only: production sinks are
// files), and a fake server that answers every tagged command with OK.
#pragma once

#include <catch2/catch.hpp>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "engine/imap/client/imap_client.h"
#include "tests/support/script/script_transport.h"

namespace mailhoard::imap::testing {

using mailhoard::testing::Client;
using mailhoard::testing::Delivery;
using mailhoard::testing::Eof;
using mailhoard::testing::ScriptOptions;
using mailhoard::testing::ScriptStep;
using mailhoard::testing::ScriptTransport;
using mailhoard::testing::Server;

inline ClientOptions PlainOptions() {
  ClientOptions o;
  o.endpoint = {"script", 143};
  o.connect.tls = net::TlsMode::kNone;
  o.allow_plaintext_login = true;
  return o;
}

struct Scripted {
  std::unique_ptr<ImapClient> client;
  ScriptTransport* script = nullptr;  // owned by the client
  Status connect_status;
};

inline Scripted ConnectScripted(std::vector<ScriptStep> steps,
                                const ClientOptions& options = PlainOptions(),
                                ScriptOptions script_options = {}) {
  auto t = std::make_unique<ScriptTransport>(std::move(steps), script_options);
  Scripted s;
  s.script = t.get();
  auto c = ImapClient::ConnectOver(std::move(t), options);
  if (c.ok()) {
    s.client = std::move(*c);
  } else {
    s.connect_status = c.status();
    s.script = nullptr;  // destroyed with the failed client
  }
  return s;
}

class RecordingTrace : public TraceSink {
 public:
  void Line(TraceDirection d, std::string_view line) override {
    lines.push_back((d == TraceDirection::kSent ? "C: " : "S: ") + std::string(line));
  }
  std::string All() const {
    std::string out;
    for (const auto& l : lines) out += l + "\n";
    return out;
  }
  std::vector<std::string> lines;
};

class StringSink : public BodySink {
 public:
  explicit StringSink(std::string* out, bool* finished) : out_(out), finished_(finished) {}
  Status Write(const char* data, size_t len) override {
    out_->append(data, len);
    return Status::Ok();
  }
  Status Finish() override {
    *finished_ = true;
    return Status::Ok();
  }

 private:
  std::string* out_;
  bool* finished_;
};

struct ReceivedMessage {
  FetchResponse fetch;
  bool had_sink = false;
  bool finished = false;
  std::string body;
};

class MemoryHandler : public MessageHandler {
 public:
  Result<std::unique_ptr<BodySink>> OpenBody(const BodyLiteralInfo& info) override {
    opened.push_back(info.uid.value_or(0));
    auto& slot = pending_[opened.size()];
    return std::unique_ptr<BodySink>(std::make_unique<StringSink>(&slot.body, &slot.finished));
  }
  Status OnMessage(const FetchResponse& fetch, std::unique_ptr<BodySink> sink) override {
    ReceivedMessage m;
    m.fetch = fetch;
    m.had_sink = sink != nullptr;
    if (sink) {
      // The sink wrote into the slot of the oldest opened body.
      auto it = pending_.begin();
      m.body = std::move(it->second.body);
      m.finished = it->second.finished;
      pending_.erase(it);
    }
    messages.push_back(std::move(m));
    return Status::Ok();
  }
  Status OnFlagUpdate(uint32_t uid, const std::vector<std::string>& flags) override {
    flag_updates.emplace_back(uid, flags);
    return Status::Ok();
  }
  void OnMailboxChanged() override { ++mailbox_changes; }

  std::vector<uint32_t> opened;
  std::vector<ReceivedMessage> messages;
  std::vector<std::pair<uint32_t, std::vector<std::string>>> flag_updates;
  int mailbox_changes = 0;

 private:
  struct Slot {
    std::string body;
    bool finished = false;
  };
  std::map<size_t, Slot> pending_;
};

// Answers every tagged command line with "<tag> OK done", after any
// `untagged` lines; records the command lines and how many were written
// before the client first read (pipelining depth).
class AutoOkTransport : public net::Transport {
 public:
  explicit AutoOkTransport(std::string greeting) { pending_ = std::move(greeting); }
  Result<size_t> Read(char* buf, size_t len) override {
    if (pending_.empty())
      return InternalError("AutoOkTransport: client reads with nothing pending");
    if (first_read_depth_ < 0) first_read_depth_ = static_cast<int>(lines.size());
    size_t n = std::min(len, pending_.size());
    std::memcpy(buf, pending_.data(), n);
    pending_.erase(0, n);
    return n;
  }
  Status Write(std::string_view data) override {
    partial_ += data;
    size_t pos;
    while ((pos = partial_.find("\r\n")) != std::string::npos) {
      std::string line = partial_.substr(0, pos);
      partial_.erase(0, pos + 2);
      lines.push_back(line);
      std::string tag = line.substr(0, line.find(' '));
      pending_ += tag + " OK done\r\n";
    }
    return Status::Ok();
  }
  Status StartTls(const net::TlsOptions&) override { return InternalError("no TLS"); }
  bool IsTls() const override { return false; }
  void Close() override {}
  std::string Describe() const override { return "auto-ok"; }

  std::vector<std::string> lines;
  int first_read_depth() const { return first_read_depth_; }
  void reset_depth() { first_read_depth_ = -1; }

 private:
  std::string pending_;
  std::string partial_;
  int first_read_depth_ = -1;
};

}  // namespace mailhoard::imap::testing
