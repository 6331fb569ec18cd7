#include "engine/imap/client/connect_phase.h"

#include <utility>

#include "engine/imap/client/pipeline.h"
#include "engine/imap/client/status_mapping.h"
#include "engine/imap/response_codes.h"

namespace mailhoard::imap {

bool TakeCapabilities(const Response& r, SessionState& state) {
  if (r.IsStatus() && r.code) {
    auto code = ParseResponseCode(*r.code);
    if (code.ok() && code->kind == CodeKind::kCapability) {
      state.capabilities = Capabilities(code->atoms);
      return true;
    }
    return false;
  }
  if (r.kind == ResponseKind::kUntagged && ResponseName(r) == "CAPABILITY") {
    auto atoms = ParseCapabilityResponse(r);
    if (!atoms.ok()) return false;
    state.capabilities = Capabilities(std::move(*atoms));
    return true;
  }
  return false;
}

Result<Greeting> ReadGreeting(OpContext ctx) {
  MH_ASSIGN_OR_RETURN(Incoming in, ctx.conn.Next());
  const Response& r = in.response;
  if (r.kind == ResponseKind::kUntagged) {
    switch (r.status) {
      case StatusWord::kOk:
        TakeCapabilities(r, ctx.state);
        return Greeting::kOk;
      case StatusWord::kPreauth:
        TakeCapabilities(r, ctx.state);
        return Greeting::kPreauth;
      case StatusWord::kBye:
        return ByeStatus(r, ctx.conn.Describe()).WithContext("greeting");
      default:
        break;
    }
  }
  Status s = ProtocolError(ctx.conn.Describe() + " sent no IMAP greeting: " + r.ToString());
  ctx.conn.Break(s);
  return s;
}

Status RequestCapabilities(OpContext ctx) {
  bool got = false;
  MH_RETURN_IF_ERROR(RunCommand(ctx.conn, Command("CAPABILITY"), [&](Incoming& in) {
    if (TakeCapabilities(in.response, ctx.state)) got = true;
    return Status::Ok();
  }));
  if (!got) return ProtocolError(ctx.conn.Describe() + " answered CAPABILITY without a list");
  return Status::Ok();
}

Status UpgradeToTls(OpContext ctx) {
  if (!ctx.state.capabilities.Has("STARTTLS")) {
    Status s = TlsError(ctx.conn.Describe() +
                        ": server does not offer STARTTLS (refusing to continue in plaintext)");
    ctx.conn.Break(s);
    return s;
  }
  MH_ASSIGN_OR_RETURN(Response done,
                      RunForCompletion(ctx.conn, Command("STARTTLS"), IgnoreUntagged));
  if (done.status != StatusWord::kOk) {
    Status s = TlsError(ctx.conn.Describe() + ": server refused STARTTLS: " + done.ToString());
    ctx.conn.Break(s);
    return s;
  }
  MH_RETURN_IF_ERROR(ctx.conn.UpgradeTls(ctx.options.connect.tls_options));
  ctx.state.capabilities = Capabilities();
  return RequestCapabilities(ctx);
}

}  // namespace mailhoard::imap
