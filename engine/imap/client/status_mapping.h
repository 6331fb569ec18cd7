// Turning server status responses into Status values with scope and retry
// class, so the sync engine can tell "skip this message" from "back off"
// from "ask the user to sign in again".
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

#include "core/status.h"
#include "engine/imap/response.h"

namespace mailhoard::imap {

// Microsoft 365: "Request is throttled. Suggested Backoff Time: 2000
// milliseconds" (in a NO or in the BYE that follows it).
std::optional<std::chrono::milliseconds> SuggestedBackoff(std::string_view text);

// A tagged completion → Status. `command` is the redacted command summary,
// so a BAD on one message (Microsoft's "BAD Command Argument Error. 11")
// names the UID set it was about. OK → Ok; [THROTTLED] or the throttle
// text → transient with retry_after; [UNAVAILABLE], [SERVERBUG], [LIMIT] →
// transient; [AUTHENTICATIONFAILED] / [AUTHORIZATIONFAILED] / [EXPIRED] →
// kAuth with RetryClass::kAuth; other NO → kServerNo, BAD → kServerBad,
// both with `scope`.
Status TaggedStatus(const Response& tagged, std::string_view command, ErrorScope scope);

// An untagged BYE (or the EOF after it) → kServerBye, transient, with the
// throttle delay when the text carries one.
Status ByeStatus(const Response& bye, std::string_view server);

}  // namespace mailhoard::imap
