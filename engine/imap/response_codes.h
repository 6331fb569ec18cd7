// Interpreting status responses and the simplest untagged data responses.
//
// Plain functions over a complete Response (see response_parser.h); each
// fails with kProtocol when the response is not of the shape asked for.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "engine/imap/response.h"
#include "engine/imap/sequence_set.h"

namespace mailhoard::imap {

enum class CodeKind {
  kOther,  // unknown or uninteresting: see ResponseCode::name / raw_args
  kAlert,
  kCapability,
  kPermanentFlags,
  kUidValidity,
  kUidNext,
  kUnseen,
  kHighestModSeq,  // RFC 7162
  kNoModSeq,
  kAppendUid,  // RFC 4315 UIDPLUS
  kCopyUid,
  kReadOnly,
  kReadWrite,
  kTryCreate,
  kClosed,       // RFC 7162 §3.2.11: the previous mailbox was closed
  kThrottled,    // RFC 9051 §7.1 / Microsoft 365 and Gmail
  kUnavailable,  // RFC 5530
  kAuthenticationFailed,
  kAuthorizationFailed,
  kExpired,
  kLimit,
  kOverQuota,
  kServerBug,
  kNonexistent,
  kAlreadyExists,
};

struct ParsedCode {
  CodeKind kind = CodeKind::kOther;
  std::string name;
  uint64_t number = 0;             // UIDVALIDITY, UIDNEXT, UNSEEN, HIGHESTMODSEQ
  std::vector<std::string> atoms;  // CAPABILITY list, PERMANENTFLAGS flags
  uint32_t uid_validity = 0;       // APPENDUID / COPYUID
  SequenceSet source_uids;         // COPYUID
  SequenceSet uids;                // APPENDUID, COPYUID destination
};

Result<ParsedCode> ParseResponseCode(const ResponseCode& code);

// Upper-cased name of an untagged data response: "FETCH" for "* 3 FETCH …",
// "LIST" for "* LIST …"; the status word for status responses; "" for
// tagged and continuation responses.
std::string ResponseName(const Response& r);
// The leading number of "* n EXISTS" / "* n RECENT" / "* n EXPUNGE" /
// "* n FETCH", or nullopt.
std::optional<uint32_t> ResponseNumber(const Response& r);

// "* n EXISTS" etc.: the number if r is that response.
Result<uint32_t> ParseNumberResponse(const Response& r, std::string_view name);
// "* CAPABILITY IMAP4rev1 …" → atoms as sent.
Result<std::vector<std::string>> ParseCapabilityResponse(const Response& r);
// "* ENABLED CONDSTORE QRESYNC" (RFC 5161).
Result<std::vector<std::string>> ParseEnabledResponse(const Response& r);
// "* FLAGS (\Answered \Seen $Forwarded)".
Result<std::vector<std::string>> ParseFlagsResponse(const Response& r);

// A flag list value "(\Seen foo)" → its atoms; fails on non-atoms.
Result<std::vector<std::string>> AtomList(const Value& list);

}  // namespace mailhoard::imap
