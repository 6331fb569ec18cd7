#include "engine/imap/client/status_mapping.h"

#include <cctype>
#include <string>

#include "engine/imap/response_codes.h"
#include "engine/imap/value.h"

namespace mailhoard::imap {
namespace {

std::optional<CodeKind> KindOf(const Response& r) {
  if (!r.code) return std::nullopt;
  auto parsed = ParseResponseCode(*r.code);
  if (!parsed.ok()) return std::nullopt;
  return parsed->kind;
}

std::string Describe(const Response& r) {
  std::string out(StatusWordName(r.status));
  if (r.code) out += " [" + r.code->name + "]";
  if (!r.text.empty()) out += " " + r.text;
  return out;
}

}  // namespace

std::optional<std::chrono::milliseconds> SuggestedBackoff(std::string_view text) {
  static constexpr std::string_view kMarker = "suggested backoff time:";
  const std::string upper = ToUpperAscii(text);
  const std::string marker = ToUpperAscii(kMarker);
  size_t pos = upper.find(marker);
  if (pos == std::string::npos) return std::nullopt;
  pos += marker.size();
  while (pos < text.size() && text[pos] == ' ') ++pos;
  uint64_t n = 0;
  size_t digits = 0;
  while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos])) && digits < 10) {
    n = n * 10 + static_cast<uint64_t>(text[pos] - '0');
    ++pos;
    ++digits;
  }
  if (digits == 0) return std::nullopt;
  return std::chrono::milliseconds(n);
}

Status TaggedStatus(const Response& tagged, std::string_view command, ErrorScope scope) {
  if (tagged.status == StatusWord::kOk) return Status::Ok();
  const std::string what = std::string(command) + ": " + Describe(tagged);
  const std::optional<CodeKind> kind = KindOf(tagged);
  const auto backoff = SuggestedBackoff(tagged.text);
  const ErrorCode code =
      tagged.status == StatusWord::kBad ? ErrorCode::kServerBad : ErrorCode::kServerNo;
  if (kind == CodeKind::kThrottled || backoff) {
    Status s = Status::Error(code, what, ErrorScope::kAccount, RetryClass::kTransient);
    return backoff ? s.WithRetryAfter(*backoff) : s;
  }
  if (kind == CodeKind::kAuthenticationFailed || kind == CodeKind::kAuthorizationFailed ||
      kind == CodeKind::kExpired) {
    return Status::Error(ErrorCode::kAuth, what, ErrorScope::kAccount, RetryClass::kAuth);
  }
  if (kind == CodeKind::kUnavailable || kind == CodeKind::kServerBug || kind == CodeKind::kLimit) {
    return Status::Error(code, what, scope, RetryClass::kTransient);
  }
  return Status::Error(code, what, scope, RetryClass::kFinal);
}

Status ByeStatus(const Response& bye, std::string_view server) {
  const std::string what = std::string(server) + " said " + Describe(bye);
  if (ToUpperAscii(bye.text).find("ACCESSTOKENEXPIRED") != std::string::npos) {
    // Exchange: the session's token expired. A new session with a fresh
    // token goes on; the credentials themselves are fine.
    return Status::Error(ErrorCode::kAuth, what, ErrorScope::kAccount, RetryClass::kTransient);
  }
  Status s =
      Status::Error(ErrorCode::kServerBye, what, ErrorScope::kAccount, RetryClass::kTransient);
  if (auto backoff = SuggestedBackoff(bye.text)) return s.WithRetryAfter(*backoff);
  return s;
}

}  // namespace mailhoard::imap
