// Interpreting "* n FETCH (…)" (RFC 3501 §7.4.2, RFC 7162 MODSEQ, Gmail
// X-GM-* extensions).
#pragma once

#include <cstdint>
#include <ctime>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "engine/imap/response.h"

namespace mailhoard::imap {

struct InternalDate {
  std::string text;  // as sent: "17-Jul-1996 02:44:25 -0700"
  int64_t utc = 0;   // seconds since the epoch, UTC
  bool operator==(const InternalDate&) const = default;
};

// date-time = DQUOTE date-day-fixed "-" date-month "-" date-year SP time SP
// zone DQUOTE; the day may be space- or zero-padded or one digit.
Result<InternalDate> ParseInternalDate(std::string_view text);

struct FetchBody {
  std::string item;     // as sent, "BODY[HEADER]<0>"
  std::string name;     // "BODY", "BINARY", "RFC822", "RFC822.HEADER", …
  std::string section;  // "HEADER", "1.2", "" …
  std::optional<uint64_t> origin;
  bool is_nil = false;    // NIL: no such section
  bool streamed = false;  // bytes went to a BodySink; data is empty
  uint64_t size = 0;      // bytes (streamed or inline)
  std::string data;       // inline bodies (no sink factory)
};

struct FetchResponse {
  uint32_t sequence_number = 0;
  std::optional<uint32_t> uid;
  std::optional<std::vector<std::string>> flags;
  std::optional<InternalDate> internal_date;
  std::optional<uint64_t> rfc822_size;
  std::optional<uint64_t> modseq;
  std::optional<uint64_t> gm_msgid;
  std::optional<uint64_t> gm_thrid;
  // X-GM-LABELS entries: atoms (\Inbox, \Important) or astrings, as sent.
  std::optional<std::vector<std::string>> gm_labels;
  std::vector<FetchBody> bodies;
  // Items not interpreted above (ENVELOPE, BODYSTRUCTURE, …): name, value.
  std::vector<std::pair<std::string, Value>> other;
};

Result<FetchResponse> ParseFetchResponse(const Response& r);

}  // namespace mailhoard::imap
