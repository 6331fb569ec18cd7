// libFuzzer target for everything a POP3 server says to Pop3Client: the
// greeting, CAPA, the sign-in exchanges, STAT, LIST, UIDL, RETR and TOP
// bodies (dot-unstuffing), DELE and QUIT, from a transport that serves the
// input in seeded random chunks and swallows what the client writes.
// Input: byte 0 = options (bits 0-2: sign-in method; bit 3: small line
// limits), bytes 1-4 = chunk seed, the rest is the server's side.
// Oracles beyond "no crash / no sanitizer report": the sink never gets an
// empty write nor more than twice what was served (bare LF becomes CRLF);
// the password and its SASL PLAIN form never appear in the protocol trace or
// in an error message (unless the server itself sent them).
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine/auth/base64.h"
#include "engine/pop3/pop3_client.h"
#include "engine/pop3/reply.h"
#include "tests/fuzz/fuzz_util.h"

namespace {

using mailhoard::Result;
using mailhoard::Status;
using mailhoard::fuzz::Check;
namespace auth = mailhoard::auth;
namespace net = mailhoard::net;
namespace pop3 = mailhoard::pop3;

constexpr std::string_view kUser = "fuzzuser";
constexpr std::string_view kPassword = "Fz-p0p3-S3cret";

class FuzzTransport : public net::Transport {
 public:
  FuzzTransport(std::string_view input, uint32_t seed) : input_(input), split_(seed) {}
  Result<size_t> Read(char* buf, size_t len) override {
    if (pos_ >= input_.size()) return size_t{0};
    size_t n = split_.Next(input_.size() - pos_);
    if (n > len) n = len;
    input_.copy(buf, n, pos_);
    pos_ += n;
    return n;
  }
  Status Write(std::string_view) override { return Status::Ok(); }
  Status StartTls(const net::TlsOptions&) override {
    return mailhoard::NetworkError("no TLS in the fuzzer");
  }
  bool IsTls() const override { return false; }
  void Close() override {}
  std::string Describe() const override { return "fuzz:110"; }

 private:
  std::string_view input_;
  size_t pos_ = 0;
  mailhoard::fuzz::Splitter split_;
};

struct Trace : net::TraceSink {
  void Line(net::TraceDirection, std::string_view line) override {
    text += line;
    text += '\n';
  }
  std::string text;
};

// Checks that no form of the password shows. Disarmed when the server's
// side holds one (libFuzzer learns compared strings and plays them back):
// the server echoing a secret is the server's doing.
class SecretWatch {
 public:
  explicit SecretWatch(std::string_view served) {
    forms_ = {std::string(kPassword), auth::Base64Encode(kPassword),
              auth::Base64Encode(std::string(1, '\0') + std::string(kUser) + '\0' +
                                 std::string(kPassword))};
    for (const std::string& f : forms_) {
      if (served.find(f) != std::string_view::npos) armed_ = false;
    }
  }
  void Text(std::string_view s) const {
    if (!armed_) return;
    for (const std::string& f : forms_) Check(s.find(f) == std::string_view::npos);
  }
  void Status(const mailhoard::Status& s) const { Text(s.message()); }

 private:
  bool armed_ = true;
  std::vector<std::string> forms_;
};

void Session(std::string_view input, uint8_t options, uint32_t seed) {
  Trace trace;
  pop3::ClientOptions client_options;
  client_options.allow_plaintext_login = true;
  client_options.trace = &trace;
  if (options & 8) {
    client_options.max_message_line = 64;
    client_options.max_reply_line = 64;
  }
  const SecretWatch watch(input);
  auto started =
      pop3::Pop3Client::Start(std::make_unique<FuzzTransport>(input, seed), client_options);
  if (!started.ok()) {
    watch.Status(started.status());
    watch.Text(trace.text);
    return;
  }
  std::unique_ptr<pop3::Pop3Client> client = std::move(started).value();
  static constexpr auth::AuthMethod kMethods[] = {
      auth::AuthMethod::kAuto,        auth::AuthMethod::kPlain,
      auth::AuthMethod::kLogin,       auth::AuthMethod::kPasswordCommand,
      auth::AuthMethod::kApop,        auth::AuthMethod::kXOAuth2,
      auth::AuthMethod::kOAuthBearer, auth::AuthMethod::kAuto};
  auth::Credentials credentials;
  credentials.user = std::string(kUser);
  credentials.method = kMethods[options & 7];
  credentials.secret = []() -> Result<std::string> { return std::string(kPassword); };
  watch.Status(client->Login(credentials));

  size_t served = input.size();
  uint64_t sunk = 0;
  auto sink = [&](const char*, size_t len) -> Status {
    Check(len > 0);
    sunk += len;
    return Status::Ok();
  };
  if (auto stat = client->Stat(); !stat.ok()) watch.Status(stat.status());
  if (auto list = client->List(); !list.ok()) watch.Status(list.status());
  if (auto uidl = client->Uidl(); !uidl.ok()) watch.Status(uidl.status());
  watch.Status(client->Retr(1, sink));
  watch.Status(client->Top(1, 3, sink));
  watch.Status(client->RetrMany(
      {2, 3}, [&](uint32_t) -> Result<pop3::BodySink> { return pop3::BodySink(sink); },
      [&](uint32_t, Status s) {
        watch.Status(s);
        return Status::Ok();
      }));
  watch.Status(client->Dele({1, 2}));
  watch.Status(client->Noop());
  watch.Status(client->Quit());
  watch.Text(trace.text);
  // CRLF is added to bare LF line ends, so a body can outgrow its input by
  // at most one byte per input byte.
  Check(sunk <= 2 * served + 4);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 5 || size > 64 * 1024) return 0;
  const uint8_t options = data[0];
  const uint32_t seed = static_cast<uint32_t>(data[1]) | (static_cast<uint32_t>(data[2]) << 8) |
                        (static_cast<uint32_t>(data[3]) << 16) |
                        (static_cast<uint32_t>(data[4]) << 24);
  const std::string_view input = mailhoard::fuzz::AsText(data + 5, size - 5);
  // Every reply line on its own is also a plain ParseReply() input.
  for (size_t start = 0; start < input.size();) {
    size_t end = input.find('\n', start);
    if (end == std::string_view::npos) end = input.size();
    auto reply = pop3::ParseReply(input.substr(start, end - start));
    if (reply.ok()) {
      (void)pop3::ReplyError(*reply, "RETR 1", false);
      (void)pop3::ReplyError(*reply, "PASS <redacted>", true);
    }
    start = end + 1;
  }
  Session(input, options, seed);
  return 0;
}
