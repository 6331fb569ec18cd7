// SMTP replies (RFC 5321 section 4.2, enhanced codes RFC 3463) as libcurl
// lets us see them, and what each means for a report that must get out:
// refresh the token once, wait, try the next route, or tell a human.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"

namespace mailhoard::smtp {

struct SmtpReply {
  int code = 0;          // 250, 334, 535, ...
  std::string enhanced;  // "5.7.139"; empty when the server sent none
  std::string text;      // the rest of the line
};

// One reply line, "535 5.7.139 Authentication unsuccessful" or a
// continuation "250-PIPELINING"; nullopt when it does not start with a code.
std::optional<SmtpReply> ParseReplyLine(std::string_view line);

enum class AuthFailure {
  // Microsoft 365: SMTP AUTH is switched off for the mailbox or tenant.
  kSmtpAuthDisabled,
  // 334 (an OAuth error challenge) or 535 to a bearer token: the token is
  // dead or lacks the scope; refresh once and retry.
  kTokenRejected,
  kCredentialsRejected,  // 535 to a password
  kRetryLater,           // 454 4.7.0 and other 4xx
  kOther,
};

AuthFailure ClassifyAuthReply(const SmtpReply& reply, bool bearer);

// The Status for a refused AUTH, in plain words and with the server's own
// text kept for support. `user` is the login (never a secret).
Status AuthFailureStatus(const SmtpReply& reply, bool bearer, std::string_view user);

// For 5.7.139: how an administrator switches SMTP AUTH on for `user`.
std::string SmtpAuthDisabledAdvice(std::string_view user);

}  // namespace mailhoard::smtp
