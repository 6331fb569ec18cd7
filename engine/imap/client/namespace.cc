#include "engine/imap/client/namespace.h"

#include "engine/imap/client/pipeline.h"
#include "engine/imap/response_codes.h"

namespace mailhoard::imap {

Result<NamespaceResponse> GetNamespaces(OpContext ctx) {
  NamespaceResponse result;
  if (!ctx.state.capabilities.Has("NAMESPACE")) {
    result.personal.push_back({"", std::nullopt});
    return result;
  }
  bool seen = false;
  MH_RETURN_IF_ERROR(RunCommand(ctx.conn, Command("NAMESPACE"), [&](Incoming& in) -> Status {
    if (ResponseName(in.response) != "NAMESPACE") return Status::Ok();
    MH_ASSIGN_OR_RETURN(result, ParseNamespaceResponse(in.response));
    seen = true;
    return Status::Ok();
  }));
  if (!seen) return ProtocolError("NAMESPACE completed without a NAMESPACE response");
  return result;
}

}  // namespace mailhoard::imap
