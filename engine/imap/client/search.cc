#include "engine/imap/client/search.h"

#include <algorithm>

#include "engine/imap/client/pipeline.h"
#include "engine/imap/response_codes.h"
#include "engine/imap/search_responses.h"

namespace mailhoard::imap {
namespace {
constexpr size_t kMaxUids = 10'000'000;

Result<std::vector<uint32_t>> Search(OpContext ctx, const std::string& criteria) {
  const bool esearch = ctx.state.capabilities.Has("ESEARCH");
  Command cmd(std::string(esearch ? "UID SEARCH RETURN (ALL) " : "UID SEARCH ") + criteria);
  std::vector<uint32_t> uids;
  auto handler = [&](Incoming& in) -> Status {
    const std::string name = ResponseName(in.response);
    if (name == "ESEARCH") {
      MH_ASSIGN_OR_RETURN(EsearchResponse e, ParseEsearchResponse(in.response));
      if (e.all) {
        MH_ASSIGN_OR_RETURN(std::vector<uint32_t> more, e.all->Expand(kMaxUids - uids.size()));
        uids.insert(uids.end(), more.begin(), more.end());
      }
    } else if (name == "SEARCH") {
      MH_ASSIGN_OR_RETURN(SearchResponse s, ParseSearchResponse(in.response));
      if (s.ids.size() > kMaxUids - uids.size()) return ProtocolError("too many UIDs in SEARCH");
      uids.insert(uids.end(), s.ids.begin(), s.ids.end());
    }
    return Status::Ok();
  };
  // "* SEARCH 1 2 3 …" for 1,000,000 messages is ~8 MB and 1,000,000
  // tokens on one line, beyond the parser's defaults: allow up to 2,000,000
  // UIDs for this command only (still a bound; the parser holds every token,
  // so this costs memory — ESEARCH, which Dovecot, Gmail and M365 offer, is
  // compact), then restore the normal limits.
  const ParserLimits saved = ctx.conn.limits();
  ParserLimits wide = saved;
  wide.max_line_length = std::max<size_t>(saved.max_line_length, 24 * 1024 * 1024);
  wide.max_tokens = std::max<size_t>(saved.max_tokens, 2'000'016);
  if (!esearch) ctx.conn.set_limits(wide);
  Status s = RunCommand(ctx.conn, cmd, handler, ErrorScope::kFolder);
  ctx.conn.set_limits(saved);
  MH_RETURN_IF_ERROR(s);
  std::sort(uids.begin(), uids.end());
  uids.erase(std::unique(uids.begin(), uids.end()), uids.end());
  return uids;
}

}  // namespace

Result<std::vector<uint32_t>> SearchAllUids(OpContext ctx) { return Search(ctx, "ALL"); }

Result<std::vector<uint32_t>> SearchUidsFrom(OpContext ctx, uint32_t first) {
  MH_ASSIGN_OR_RETURN(std::vector<uint32_t> uids,
                      Search(ctx, "UID " + std::to_string(first) + ":*"));
  uids.erase(uids.begin(), std::lower_bound(uids.begin(), uids.end(), first));
  return uids;
}

}  // namespace mailhoard::imap
