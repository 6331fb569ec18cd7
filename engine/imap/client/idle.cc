#include "engine/imap/client/idle.h"

#include <algorithm>

#include "engine/imap/client/pipeline.h"
#include "engine/imap/client/status_mapping.h"
#include "engine/imap/response_codes.h"

namespace mailhoard::imap {
namespace {

// Restores the normal read timeout however Idle returns; meanwhile a
// timeout is the end of the wait, not of the connection.
class TimeoutScope {
 public:
  TimeoutScope(Connection& conn, std::chrono::milliseconds t)
      : conn_(conn), saved_(conn.read_timeout()) {
    active_ = conn_.SetReadTimeout(t);
    conn_.set_timeout_expected(true);
  }
  ~TimeoutScope() {
    conn_.set_timeout_expected(false);
    if (active_) conn_.SetReadTimeout(saved_);
  }
  TimeoutScope(const TimeoutScope&) = delete;
  TimeoutScope& operator=(const TimeoutScope&) = delete;

 private:
  Connection& conn_;
  std::chrono::milliseconds saved_;
  bool active_ = false;
};

bool IsEvent(const std::string& name) {
  return name == "EXISTS" || name == "EXPUNGE" || name == "VANISHED" || name == "FETCH";
}

}  // namespace

Result<IdleResult> Idle(OpContext ctx, std::chrono::milliseconds timeout,
                        const std::function<void(const Response&)>& on_event) {
  if (!ctx.state.capabilities.Has("IDLE")) {
    return Status::Error(ErrorCode::kUnsupported, ctx.conn.Describe() + " does not offer IDLE");
  }
  timeout = std::min<std::chrono::milliseconds>(timeout, kMaxIdle);
  MH_ASSIGN_OR_RETURN(std::string tag, ctx.conn.Send(Command("IDLE")));
  // Wait for "+ idling" (or a refusal).
  for (;;) {
    MH_ASSIGN_OR_RETURN(Incoming in, ctx.conn.Next());
    if (in.response.kind == ResponseKind::kContinuation) break;
    if (in.response.kind == ResponseKind::kTagged && in.response.tag == tag) {
      Status s = TaggedStatus(in.response, "IDLE", ErrorScope::kFolder);
      return s.ok() ? ProtocolError("server completed IDLE before it started") : s;
    }
    if (IsEvent(ResponseName(in.response)) && on_event) on_event(in.response);
  }
  IdleResult result = IdleResult::kTimeout;
  {
    TimeoutScope scope(ctx.conn, timeout);
    for (;;) {
      auto in = ctx.conn.Next();
      if (!in.ok()) {
        if (in.status().code() == ErrorCode::kTimeout) break;
        return in.status();
      }
      if (in->response.kind == ResponseKind::kTagged) {
        // The server ended IDLE itself (e.g. shutting down): report it.
        Status s = TaggedStatus(in->response, "IDLE", ErrorScope::kFolder);
        if (!s.ok()) return s;
        return IdleResult::kChanged;
      }
      if (IsEvent(ResponseName(in->response))) {
        if (on_event) on_event(in->response);
        result = IdleResult::kChanged;
        break;
      }
    }
  }
  MH_RETURN_IF_ERROR(ctx.conn.SendLine("DONE", false));
  for (;;) {
    MH_ASSIGN_OR_RETURN(Incoming in, ctx.conn.Next());
    if (in.response.kind == ResponseKind::kTagged && in.response.tag == tag) {
      MH_RETURN_IF_ERROR(TaggedStatus(in.response, "IDLE", ErrorScope::kFolder));
      return result;
    }
    if (IsEvent(ResponseName(in.response)) && on_event) on_event(in.response);
  }
}

}  // namespace mailhoard::imap
