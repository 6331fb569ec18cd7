#include "engine/pop3/reply.h"

#include <cctype>

namespace mailhoard::pop3 {
namespace {

bool StartsWithNoCase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (std::toupper(static_cast<unsigned char>(s[i])) != prefix[i]) return false;
  }
  return true;
}

std::string_view TrimLeadingSpace(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  return s;
}

// Server text goes into error messages: keep it printable and short, so a
// hostile server cannot smuggle terminal escapes into a user's log.
std::string Printable(std::string_view s) {
  std::string out;
  for (char c : s.substr(0, 200)) {
    unsigned char u = static_cast<unsigned char>(c);
    out += (u >= 0x20 && u != 0x7f) ? c : '?';
  }
  return out;
}

}  // namespace

Result<Reply> ParseReply(std::string_view line) {
  Reply reply;
  std::string_view rest;
  if (StartsWithNoCase(line, "+OK")) {
    reply.ok = true;
    rest = line.substr(3);
  } else if (StartsWithNoCase(line, "-ERR")) {
    rest = line.substr(4);
  } else {
    return ProtocolError("POP3 server sent neither +OK nor -ERR: \"" + Printable(line) + "\"");
  }
  if (!rest.empty() && rest.front() != ' ') {
    return ProtocolError("POP3 status indicator not followed by a space: \"" + Printable(line) +
                         "\"");
  }
  rest = TrimLeadingSpace(rest);
  // RFC 2449 §8: a response code is "[" code "]" right after the indicator.
  if (!rest.empty() && rest.front() == '[') {
    size_t close = rest.find(']');
    if (close != std::string_view::npos) {
      reply.code = std::string(rest.substr(1, close - 1));
      for (char& c : reply.code) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      rest = TrimLeadingSpace(rest.substr(close + 1));
    }
  }
  reply.text = Printable(rest);
  return reply;
}

Status ReplyError(const Reply& reply, std::string_view command, bool during_auth) {
  std::string message = "POP3 server refused " + std::string(command) + ": " +
                        (reply.code.empty() ? "" : "[" + reply.code + "] ") + reply.text;
  const std::string& code = reply.code;
  if (code == "AUTH") {
    return Status::Error(ErrorCode::kAuth, message, ErrorScope::kAccount, RetryClass::kAuth);
  }
  if (code == "IN-USE") {
    return Status::Error(ErrorCode::kLocked, message, ErrorScope::kAccount, RetryClass::kTransient);
  }
  if (code == "SYS/TEMP" || code == "LOGIN-DELAY") {
    return Status::Error(ErrorCode::kServerNo, message, ErrorScope::kAccount,
                         RetryClass::kTransient);
  }
  if (code == "SYS/PERM") {
    return Status::Error(ErrorCode::kServerNo, message, ErrorScope::kAccount, RetryClass::kFinal);
  }
  if (during_auth) {
    return Status::Error(ErrorCode::kAuth, message, ErrorScope::kAccount, RetryClass::kAuth);
  }
  return Status::Error(ErrorCode::kServerNo, message, ErrorScope::kAccount, RetryClass::kFinal);
}

}  // namespace mailhoard::pop3
