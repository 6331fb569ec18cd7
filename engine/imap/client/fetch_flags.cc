#include "engine/imap/client/fetch_flags.h"

#include "engine/imap/client/examine.h"
#include "engine/imap/client/pipeline.h"
#include "engine/imap/response_codes.h"
#include "engine/imap/search_responses.h"

namespace mailhoard::imap {

Status FetchFlags(OpContext ctx, const SequenceSet& uids, std::optional<uint64_t> changed_since,
                  bool vanished, const FlagsCallback& on_flags,
                  const VanishedCallback& on_vanished) {
  if (uids.empty()) return Status::Ok();
  if (vanished && (!changed_since || !ctx.state.qresync)) {
    return InvalidArgument("VANISHED needs CHANGEDSINCE and QRESYNC enabled");
  }
  std::string suffix = ctx.state.condstore && !changed_since ? "(UID FLAGS MODSEQ)" : "(UID FLAGS)";
  if (changed_since) {
    suffix += " (CHANGEDSINCE " + std::to_string(*changed_since) + (vanished ? " VANISHED)" : ")");
  }
  std::vector<Command> commands =
      ChunkedCommands("UID FETCH", uids, suffix, ctx.options.max_command_bytes);
  auto handler = [&](Incoming& in) -> Status {
    const std::string name = ResponseName(in.response);
    if (name == "FETCH") {
      if (auto change = FlagChangeFrom(in.response); change && on_flags) {
        return on_flags(change->uid, change->flags, change->modseq);
      }
    } else if (name == "VANISHED" && on_vanished) {
      MH_ASSIGN_OR_RETURN(VanishedResponse v, ParseVanishedResponse(in.response));
      return on_vanished(v.uids);
    }
    return Status::Ok();
  };
  PipelineOptions po;
  po.window = ctx.options.pipeline_window;
  po.scope = ErrorScope::kFolder;
  return RunPipelined(ctx.conn, commands, handler, po);
}

}  // namespace mailhoard::imap
