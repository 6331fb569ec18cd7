// Interpreting SEARCH (RFC 3501 §7.2.5 + RFC 7162 MODSEQ), ESEARCH
// (RFC 4731) and VANISHED (RFC 7162 §3.2.10).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "engine/imap/response.h"
#include "engine/imap/sequence_set.h"

namespace mailhoard::imap {

struct SearchResponse {
  std::vector<uint32_t> ids;  // UIDs or sequence numbers, as the command asked
  std::optional<uint64_t> modseq;
};

Result<SearchResponse> ParseSearchResponse(const Response& r);

struct EsearchResponse {
  std::optional<std::string> tag;  // (TAG "A12")
  bool uid = false;
  std::optional<uint32_t> min;
  std::optional<uint32_t> max;
  std::optional<uint32_t> count;
  std::optional<SequenceSet> all;
  std::optional<uint64_t> modseq;
};

Result<EsearchResponse> ParseEsearchResponse(const Response& r);

struct VanishedResponse {
  bool earlier = false;  // VANISHED (EARLIER): a reply to UID FETCH … VANISHED
  SequenceSet uids;
};

Result<VanishedResponse> ParseVanishedResponse(const Response& r);

}  // namespace mailhoard::imap
