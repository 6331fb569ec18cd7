#include "engine/smtp/smtp_reply.h"

#include <cctype>

namespace mailhoard::smtp {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// "5.7.139" per RFC 3463: class.subject.detail, each 1-3 digits.
bool IsEnhancedCode(std::string_view s) {
  int dots = 0;
  size_t run = 0;
  for (char c : s) {
    if (c == '.') {
      if (run == 0) return false;
      ++dots;
      run = 0;
    } else if (IsDigit(c)) {
      if (++run > 3) return false;
    } else {
      return false;
    }
  }
  return dots == 2 && run > 0;
}

std::string ServerSaid(const SmtpReply& r) {
  std::string s = std::to_string(r.code);
  if (!r.enhanced.empty()) s += " " + r.enhanced;
  if (!r.text.empty()) s += " " + r.text;
  return "(server said: " + s + ")";
}

}  // namespace

std::optional<SmtpReply> ParseReplyLine(std::string_view line) {
  while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.remove_suffix(1);
  if (line.size() < 3 || !IsDigit(line[0]) || !IsDigit(line[1]) || !IsDigit(line[2])) {
    return std::nullopt;
  }
  if (line.size() > 3 && line[3] != ' ' && line[3] != '-') return std::nullopt;
  SmtpReply r;
  r.code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
  std::string_view rest = line.size() > 4 ? line.substr(4) : std::string_view();
  size_t sp = rest.find(' ');
  std::string_view first = rest.substr(0, sp);
  if (IsEnhancedCode(first)) {
    r.enhanced = std::string(first);
    rest = sp == std::string_view::npos ? std::string_view() : rest.substr(sp + 1);
  }
  r.text = std::string(rest);
  return r;
}

AuthFailure ClassifyAuthReply(const SmtpReply& reply, bool bearer) {
  // Exchange Online sends this for OAuth and passwords alike when the
  // "Authenticated SMTP" switch is off; no token refresh can fix it.
  if (reply.enhanced == "5.7.139") return AuthFailure::kSmtpAuthDisabled;
  if (reply.code / 100 == 4) return AuthFailure::kRetryLater;
  // Dovecot answers a dead token with 334 <base64 {"status":"401",…}> and,
  // to a client that answers the challenge, 535 5.7.8 (libcurl 7.88 gives
  // up at the 334 itself); Exchange answers 535 5.7.3 with no challenge at
  // all. All mean the same: refresh once, then give up.
  if (bearer && (reply.code == 334 || reply.code == 535)) return AuthFailure::kTokenRejected;
  if (reply.code == 535) return AuthFailure::kCredentialsRejected;
  return AuthFailure::kOther;
}

std::string SmtpAuthDisabledAdvice(std::string_view user) {
  std::string u = user.empty() ? "<user>" : std::string(user);
  return "an Exchange Online administrator can switch it on for this mailbox with PowerShell "
         "`Set-CASMailbox -Identity " +
         u +
         " -SmtpClientAuthenticationDisabled $false`, or in the Microsoft 365 admin centre: "
         "Users > Active users > " +
         u + " > Mail > Manage email apps > tick \"Authenticated SMTP\"";
}

Status AuthFailureStatus(const SmtpReply& reply, bool bearer, std::string_view user) {
  switch (ClassifyAuthReply(reply, bearer)) {
    case AuthFailure::kSmtpAuthDisabled:
      return Status::Error(ErrorCode::kAuth,
                           "Microsoft 365 refused to let " + std::string(user) +
                               " send mail: SMTP AUTH (\"Authenticated SMTP\") is disabled for "
                               "the mailbox or the whole tenant; " +
                               SmtpAuthDisabledAdvice(user) + " " + ServerSaid(reply),
                           ErrorScope::kAccount, RetryClass::kAuth);
    case AuthFailure::kTokenRejected:
      return Status::Error(
          ErrorCode::kAuth,
          "token rejected by the SMTP server for " + std::string(user) + " " + ServerSaid(reply),
          ErrorScope::kAccount, RetryClass::kTransient);
    case AuthFailure::kCredentialsRejected:
      return Status::Error(ErrorCode::kAuth,
                           "the SMTP server rejected the login of " + std::string(user) +
                               ": check the password source in [report] " + ServerSaid(reply),
                           ErrorScope::kAccount, RetryClass::kAuth);
    case AuthFailure::kRetryLater:
      return Status::Error(ErrorCode::kServerNo,
                           "the SMTP server is temporarily unable to authenticate; the next run "
                           "tries again " +
                               ServerSaid(reply),
                           ErrorScope::kAccount, RetryClass::kTransient);
    case AuthFailure::kOther:
      break;
  }
  return Status::Error(ErrorCode::kAuth, "SMTP authentication failed " + ServerSaid(reply));
}

}  // namespace mailhoard::smtp
