#include "engine/imap/client/search.h"

#include <algorithm>

#include "engine/imap/client/pipeline.h"
#include "engine/imap/response_codes.h"
#include "engine/imap/search_responses.h"

namespace mailhoard::imap {
namespace {

constexpr size_t kMaxUids = 10'000'000;

Result<std::vector<uint32_t>> Run(OpContext ctx, UidSearch search) {
  const ParserLimits saved = ctx.conn.limits();
  ctx.conn.set_limits(search.LimitsWhileRunning(saved));
  Status s = RunCommand(
      ctx.conn, search.command(), [&](Incoming& in) { return search.OnUntagged(in); },
      ErrorScope::kFolder);
  ctx.conn.set_limits(saved);
  MH_RETURN_IF_ERROR(s);
  return search.Take();
}

}  // namespace

UidSearch::UidSearch(const SessionState& state, const std::string& criteria, uint32_t first)
    : command_(std::string(state.capabilities.Has("ESEARCH") ? "UID SEARCH RETURN (ALL) "
                                                             : "UID SEARCH ") +
               criteria),
      esearch_(state.capabilities.Has("ESEARCH")),
      first_(first) {}

UidSearch UidSearch::From(const SessionState& state, uint32_t first) {
  return UidSearch(state, "UID " + std::to_string(first) + ":*", first);
}

UidSearch UidSearch::All(const SessionState& state) { return UidSearch(state, "ALL", 0); }

ParserLimits UidSearch::LimitsWhileRunning(const ParserLimits& normal) const {
  if (esearch_) return normal;
  ParserLimits wide = normal;
  wide.max_line_length = std::max<size_t>(normal.max_line_length, 24 * 1024 * 1024);
  wide.max_tokens = std::max<size_t>(normal.max_tokens, 2'000'016);
  return wide;
}

Status UidSearch::OnUntagged(Incoming& in) {
  const std::string name = ResponseName(in.response);
  if (name == "ESEARCH") {
    MH_ASSIGN_OR_RETURN(EsearchResponse e, ParseEsearchResponse(in.response));
    if (e.all) {
      MH_ASSIGN_OR_RETURN(std::vector<uint32_t> more, e.all->Expand(kMaxUids - uids_.size()));
      uids_.insert(uids_.end(), more.begin(), more.end());
    }
  } else if (name == "SEARCH") {
    MH_ASSIGN_OR_RETURN(SearchResponse s, ParseSearchResponse(in.response));
    if (s.ids.size() > kMaxUids - uids_.size()) return ProtocolError("too many UIDs in SEARCH");
    uids_.insert(uids_.end(), s.ids.begin(), s.ids.end());
  }
  return Status::Ok();
}

std::vector<uint32_t> UidSearch::Take() {
  std::vector<uint32_t> out = std::move(uids_);
  uids_.clear();
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  out.erase(out.begin(), std::lower_bound(out.begin(), out.end(), first_));
  return out;
}

Result<std::vector<uint32_t>> SearchAllUids(OpContext ctx) {
  return Run(ctx, UidSearch::All(ctx.state));
}

Result<std::vector<uint32_t>> SearchUidsFrom(OpContext ctx, uint32_t first) {
  return Run(ctx, UidSearch::From(ctx.state, first));
}

}  // namespace mailhoard::imap
