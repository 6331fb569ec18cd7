// POP3 status lines (+OK / -ERR) and the extended response codes of
// RFC 2449 §8 and RFC 3206, turned into typed errors.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace mailhoard::pop3 {

struct Reply {
  bool ok = false;
  std::string code;  // "AUTH", "IN-USE", "SYS/TEMP", ...; empty if none
  std::string text;  // the rest of the line, without the code
};

// A line that starts with neither "+OK" nor "-ERR" is a kProtocol error
// (RFC 1939 §3: status indicators are case-sensitive, but some servers send
// "+ok"; we accept any case).
Result<Reply> ParseReply(std::string_view line);

// The Status for a -ERR reply to `command` ("RETR 3"):
//   [AUTH]                  kAuth, RetryClass::kAuth
//   [IN-USE]                kLocked, transient (another session holds the maildrop)
//   [LOGIN-DELAY]           kServerNo, transient
//   [SYS/TEMP]              kServerNo, transient
//   [SYS/PERM]              kServerNo, final
//   no code, during_auth    kAuth, RetryClass::kAuth (RFC 1939 servers say nothing more)
//   no code                 kServerNo, final
Status ReplyError(const Reply& reply, std::string_view command, bool during_auth);

}  // namespace mailhoard::pop3
