// Pop3Client authentication: USER/PASS and APOP (RFC 1939 §7), AUTH with
// SASL (RFC 5034).
#include <openssl/evp.h>

#include <optional>

#include "engine/auth/base64.h"
#include "engine/auth/sasl.h"
#include "engine/pop3/pop3_client.h"

namespace mailhoard::pop3 {
namespace {

constexpr std::string_view kRedactedLine = net::kRedacted;
// RFC 2449 §4: a command line is at most 255 octets; RFC 5034 §4 says an
// initial response that would not fit must be sent after an empty challenge.
constexpr size_t kMaxCommandLine = 255 - 2;

Result<std::string> Md5Hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), digest, &len, EVP_md5(), nullptr) != 1) {
    return InternalError("MD5 is not available for APOP");
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < len; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 15];
  }
  return out;
}

}  // namespace

Status Pop3Client::Login(const auth::Credentials& credentials) {
  if (!credentials.secret) return InvalidArgument("POP3 login needs a password or token source");
  if (!is_tls() && !options_.allow_plaintext_login) {
    return InvalidArgument(
        "refusing to send POP3 credentials over an unencrypted connection "
        "(use TLS or STLS, or allow plaintext login explicitly)");
  }
  MH_ASSIGN_OR_RETURN(std::string secret, credentials.secret());
  bool token_rejected = false;
  Status s = LoginOnce(credentials, secret, &token_rejected);
  if (s.ok() || !token_rejected || !credentials.refresh || broken_) return s;
  // One refresh and retry: the session stays in the AUTHORIZATION state
  // after a failed AUTH (RFC 5034 §4).
  MH_ASSIGN_OR_RETURN(std::string fresh, credentials.refresh());
  return LoginOnce(credentials, fresh, &token_rejected);
}

Status Pop3Client::LoginOnce(const auth::Credentials& c, const std::string& secret,
                             bool* token_rejected) {
  auth::AuthMethod method = c.method;
  if (method == auth::AuthMethod::kAuto) {
    method = caps_.HasSasl("PLAIN") ? auth::AuthMethod::kPlain : auth::AuthMethod::kPasswordCommand;
  }
  switch (method) {
    case auth::AuthMethod::kPasswordCommand:
      return UserPass(c, secret);
    case auth::AuthMethod::kApop:
      return Apop(c, secret);
    default:
      return Sasl(c, secret, method, token_rejected);
  }
}

Status Pop3Client::UserPass(const auth::Credentials& c, const std::string& secret) {
  if (c.user.find_first_of("\r\n") != std::string::npos ||
      secret.find_first_of("\r\n") != std::string::npos) {
    return InvalidArgument("POP3 user name or password contains a line break");
  }
  MH_RETURN_IF_ERROR(Simple("USER " + c.user, true));
  return Simple("PASS " + secret, true, "PASS <redacted>");
}

Status Pop3Client::Apop(const auth::Credentials& c, const std::string& secret) {
  if (apop_timestamp_.empty()) {
    return Status::Error(ErrorCode::kUnsupported,
                         "POP3 server greeting has no APOP timestamp; APOP is not offered");
  }
  if (c.user.find_first_of(" \r\n") != std::string::npos) {
    return InvalidArgument("APOP user name contains a space or line break");
  }
  MH_ASSIGN_OR_RETURN(std::string digest, Md5Hex(apop_timestamp_ + secret));
  return Simple("APOP " + c.user + " " + digest, true, "APOP " + c.user + " <redacted>");
}

Status Pop3Client::Sasl(const auth::Credentials& c, const std::string& secret,
                        auth::AuthMethod method, bool* token_rejected) {
  std::unique_ptr<auth::SaslMechanism> mech =
      auth::MakeMechanism(method, c.user, secret, options_.endpoint.host, options_.endpoint.port);
  std::string name(mech->name());
  // A mechanism the server does not list may still work (Microsoft 365
  // lists none before TLS); only refuse when CAPA said what it supports.
  if (caps_.known && !caps_.sasl.empty() && !caps_.HasSasl(name)) {
    return Status::Error(
        ErrorCode::kUnsupported, "POP3 server does not offer AUTH " + name + " (SASL " + [&] {
          std::string l;
          for (const auto& m : caps_.sasl) l += (l.empty() ? "" : " ") + m;
          return l;
        }() + ")");
  }
  std::string command = "AUTH " + name;
  // An initial response too long for the command line is sent as the
  // answer to the server's first (empty) challenge instead.
  std::optional<std::string> pending;
  if (mech->has_initial_response()) {
    MH_ASSIGN_OR_RETURN(std::string ir, mech->InitialResponse());
    // RFC 5034 §4: an empty initial response is sent as "=".
    std::string encoded = ir.empty() ? "=" : auth::Base64Encode(ir);
    if (command.size() + 1 + encoded.size() <= kMaxCommandLine) {
      command += " " + encoded;
    } else {
      pending = std::move(ir);
    }
  }
  MH_RETURN_IF_ERROR(Send(command, "AUTH " + name + " <redacted>"));
  for (;;) {
    auto line = reader_.ReadLine(options_.max_reply_line);
    if (!line.ok()) return Broken(line.status());
    std::string_view l = *line;
    if (l.size() >= 1 && l[0] == '+' && (l.size() == 1 || l[1] == ' ')) {
      if (options_.trace) options_.trace->Line(TraceDirection::kReceived, "+ <redacted>");
      std::string_view b64 = l.size() > 2 ? l.substr(2) : std::string_view();
      auto challenge = auth::Base64Decode(b64);
      if (!challenge.ok()) {
        (void)Send("*", {});  // RFC 5034 §4: cancel the exchange
        return Broken(challenge.status());
      }
      Result<std::string> answer =
          pending && challenge->empty() ? Result<std::string>(*pending) : mech->Step(*challenge);
      pending.reset();
      if (!answer.ok()) {
        MH_RETURN_IF_ERROR(Send("*", {}));
        MH_ASSIGN_OR_RETURN(Reply cancelled, ReadReply());
        (void)cancelled;
        return answer.status();
      }
      MH_RETURN_IF_ERROR(Send(auth::Base64Encode(*answer), kRedactedLine));
      continue;
    }
    if (options_.trace) options_.trace->Line(TraceDirection::kReceived, l);
    auto reply = ParseReply(l);
    if (!reply.ok()) return Broken(reply.status());
    if (reply->ok) return Status::Ok();
    Status refused = ReplyError(*reply, "AUTH " + name, true);
    if (refused.retry() != RetryClass::kAuth) return refused;  // [SYS/TEMP], [IN-USE]
    Status failure = mech->Failure(reply->text);
    *token_rejected = auth::IsBearer(method) && auth::IsTokenRejected(failure);
    return failure;
  }
}

}  // namespace mailhoard::pop3
