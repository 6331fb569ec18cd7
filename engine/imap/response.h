// Response: one complete server response, as delivered by ResponseParser.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/imap/value.h"

namespace mailhoard::imap {

enum class ResponseKind {
  kTagged,        // "A001 OK …"
  kUntagged,      // "* …"
  kContinuation,  // "+ …"
};

// The status word of a status response (RFC 3501 §7.1). kNone for untagged
// data responses (FETCH, LIST, EXISTS, …) and continuations.
enum class StatusWord { kNone, kOk, kNo, kBad, kBye, kPreauth };

std::string_view StatusWordName(StatusWord s);

// "[NAME args]" from a status response. Kept raw as well as tokenized: the
// grammar allows any TEXT-CHAR but "]" in an unknown code's arguments, which
// need not tokenize (RFC 3501 §7.1: atom [SP 1*<any TEXT-CHAR except "]">]).
struct ResponseCode {
  std::string name;         // upper-cased, e.g. "UIDVALIDITY"
  std::string raw_args;     // text after "NAME " up to the closing "]"
  std::vector<Value> args;  // raw_args tokenized; empty if it did not tokenize
  bool args_tokenized = true;
  bool operator==(const ResponseCode&) const = default;
};

struct Response {
  ResponseKind kind = ResponseKind::kUntagged;
  std::string tag;  // kTagged only
  StatusWord status = StatusWord::kNone;
  std::optional<ResponseCode> code;  // status responses and continuations
  // Human-readable text of a status response; for a continuation the rest of
  // the line (e.g. a base64 SASL challenge), verbatim.
  std::string text;
  // Untagged data responses: every token after "* ", e.g. for
  // "* 12 FETCH (UID 7)" the values [12, FETCH, (UID 7)].
  std::vector<Value> data;
  // Set when an unknown untagged response did not tokenize: the raw line
  // after "* " is in text and data is empty.
  bool raw_text_only = false;

  bool IsStatus() const { return status != StatusWord::kNone; }
  bool operator==(const Response&) const = default;
  // For tests and logs (bodies render as <streamed N>; nothing secret is
  // ever in a response, but callers still avoid logging bodies).
  std::string ToString() const;
};

}  // namespace mailhoard::imap
