#include "engine/imap/client/examine.h"

#include <utility>

#include "engine/imap/client/pipeline.h"
#include "engine/imap/fetch_response.h"
#include "engine/imap/response_codes.h"
#include "engine/imap/search_responses.h"

namespace mailhoard::imap {

std::optional<FlagChange> FlagChangeFrom(const Response& r) {
  auto fetch = ParseFetchResponse(r);
  if (!fetch.ok() || !fetch->uid || !fetch->flags) return std::nullopt;
  return FlagChange{*fetch->uid, std::move(*fetch->flags), fetch->modseq};
}

namespace {

Result<SelectedMailbox> Open(OpContext ctx, const char* verb, const std::string& raw_name,
                             const std::optional<QresyncParams>& qresync) {
  if (qresync && !ctx.state.qresync) {
    return Status::Error(ErrorCode::kUnsupported,
                         "QRESYNC is not enabled on " + ctx.conn.Describe());
  }
  Command cmd(verb);
  cmd.String(raw_name, {.allow_utf8 = ctx.state.utf8_accept});
  if (qresync) {
    std::string p =
        "(QRESYNC (" + std::to_string(qresync->uidvalidity) + " " + std::to_string(qresync->modseq);
    if (qresync->known_uids && !qresync->known_uids->empty()) {
      p += " " + qresync->known_uids->ToString();
    }
    cmd.Raw(p + "))");
  }
  // Without ENABLE, the (CONDSTORE) parameter turns CONDSTORE on
  // (RFC 7162 §3.1.8).
  const bool condstore_param = !qresync && !ctx.state.condstore &&
                               ctx.state.capabilities.Has("CONDSTORE") &&
                               !ctx.state.capabilities.Has("ENABLE");
  if (condstore_param) cmd.Raw("(CONDSTORE)");

  SelectedMailbox box;
  box.raw_name = raw_name;
  bool have_uidvalidity = false;
  auto take_code = [&](const Response& r) {
    if (!r.code) return;
    auto code = ParseResponseCode(*r.code);
    if (!code.ok()) return;
    switch (code->kind) {
      case CodeKind::kUidValidity:
        box.uidvalidity = static_cast<uint32_t>(code->number);
        have_uidvalidity = true;
        break;
      case CodeKind::kUidNext:
        box.uidnext = static_cast<uint32_t>(code->number);
        break;
      case CodeKind::kHighestModSeq:
        box.highestmodseq = code->number;
        break;
      case CodeKind::kNoModSeq:
        box.nomodseq = true;
        break;
      case CodeKind::kPermanentFlags:
        box.permanentflags = code->atoms;
        break;
      case CodeKind::kReadWrite:
        box.read_only = false;
        break;
      default:
        break;
    }
  };
  auto handler = [&](Incoming& in) -> Status {
    const Response& r = in.response;
    if (r.IsStatus()) {
      take_code(r);
      return Status::Ok();
    }
    const std::string name = ResponseName(r);
    if (name == "EXISTS") {
      MH_ASSIGN_OR_RETURN(box.exists, ParseNumberResponse(r, "EXISTS"));
    } else if (name == "FLAGS") {
      MH_ASSIGN_OR_RETURN(box.flags, ParseFlagsResponse(r));
    } else if (name == "VANISHED") {
      MH_ASSIGN_OR_RETURN(VanishedResponse v, ParseVanishedResponse(r));
      for (const auto& range : v.uids.ranges()) box.vanished.AddRange(range.first, range.last);
    } else if (name == "FETCH") {
      if (auto change = FlagChangeFrom(r)) box.changed.push_back(std::move(*change));
    }
    return Status::Ok();
  };

  ctx.state.examined.reset();
  MH_ASSIGN_OR_RETURN(Response done, RunForCompletion(ctx.conn, cmd, handler));
  if (done.status != StatusWord::kOk) {
    return TaggedStatusFor(done, cmd, ErrorScope::kFolder);
  }
  take_code(done);
  if (!have_uidvalidity) {
    return Status::Error(ErrorCode::kProtocol,
                         ctx.conn.Describe() + " sent no UIDVALIDITY for " + raw_name,
                         ErrorScope::kFolder);
  }
  ctx.state.examined = raw_name;
  if (condstore_param) ctx.state.condstore = true;
  return box;
}

}  // namespace

Result<SelectedMailbox> Examine(OpContext ctx, const std::string& raw_name,
                                const std::optional<QresyncParams>& qresync) {
  return Open(ctx, "EXAMINE", raw_name, qresync);
}

Result<SelectedMailbox> Select(OpContext ctx, const std::string& raw_name) {
  return Open(ctx, "SELECT", raw_name, std::nullopt);
}

}  // namespace mailhoard::imap
