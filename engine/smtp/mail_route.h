// A way to get one message to its recipients: an SMTP submission server
// (libcurl) or a local sendmail-compatible program. Reports try their
// routes in order (mail_delivery.h).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/auth/credentials.h"
#include "core/status.h"

namespace mailhoard::smtp {

struct Envelope {
  std::string from;             // bare address, no <>
  std::vector<std::string> to;  // bare addresses
};

struct SendResult {
  std::vector<std::string> accepted;
  // Recipients the server refused, with its reply; the others still got it.
  std::vector<std::pair<std::string, std::string>> rejected;
};

class MailRoute {
 public:
  virtual ~MailRoute() = default;
  // "smtp.example.org:587 (STARTTLS, XOAUTH2 as me@example.org)"
  virtual std::string Describe() const = 0;
  // Fails when no recipient took the message.
  virtual Result<SendResult> Send(const Envelope& envelope, std::string_view message) = 0;
};

enum class SmtpTls { kImplicit, kStartTls, kNone };

struct SmtpRouteOptions {
  std::string host;
  uint16_t port = 587;
  SmtpTls tls = SmtpTls::kStartTls;
  // kNone is refused unless this is set (the config's loud opt-in).
  bool allow_plaintext = false;
  std::string ca_file;    // PEM bundle; empty = system store. Verification is never off.
  std::string ehlo_name;  // sent in EHLO; required (RFC 5321 4.1.1.1)
  // No AUTH when empty. kAuto is AUTH PLAIN; SMTP has no password command
  // or APOP, so kPasswordCommand and kApop are refused.
  std::optional<auth::Credentials> login;
  std::chrono::milliseconds connect_timeout{15'000};
  std::chrono::milliseconds total_timeout{60'000};
};

std::unique_ptr<MailRoute> MakeSmtpRoute(SmtpRouteOptions options);

// Runs `program -i -f FROM -- RCPT...` with the message on stdin (the
// interface of sendmail(8), which Postfix, Exim, msmtp and nullmailer all
// provide). Killed after `timeout`.
std::unique_ptr<MailRoute> MakeSendmailRoute(
    std::string program, std::chrono::seconds timeout = std::chrono::seconds(60));

const char* ToString(SmtpTls tls);

}  // namespace mailhoard::smtp
