#include "engine/imap/client/fetch_messages.h"

#include <utility>

#include "engine/imap/client/pipeline.h"
#include "engine/imap/response_codes.h"

namespace mailhoard::imap {
namespace {

constexpr std::string_view kItems = "(UID FLAGS INTERNALDATE RFC822.SIZE BODY.PEEK[])";

// Clears the connection's body factory however FetchMessages returns.
class FactoryScope {
 public:
  FactoryScope(Connection& conn, BodySinkFactory f) : conn_(conn) {
    conn_.set_body_sink_factory(std::move(f));
  }
  ~FactoryScope() { conn_.clear_body_sink_factory(); }
  FactoryScope(const FactoryScope&) = delete;
  FactoryScope& operator=(const FactoryScope&) = delete;

 private:
  Connection& conn_;
};

bool HasMessageData(const FetchResponse& f) {
  return !f.bodies.empty() || f.rfc822_size || f.internal_date;
}

}  // namespace

Status FetchMessages(OpContext ctx, const SequenceSet& uids, MessageHandler& handler,
                     UidSearch* alongside) {
  if (uids.empty()) return Status::Ok();
  std::vector<Command> commands;
  if (alongside) commands.push_back(alongside->command());
  const size_t first_fetch = commands.size();
  for (Command& c : ChunkedCommands("UID FETCH", uids, kItems, ctx.options.max_command_bytes)) {
    commands.push_back(std::move(c));
  }

  // After the handler failed (disk full…), replies still in flight are
  // drained without writing their bodies anywhere.
  bool handler_failed = false;
  FactoryScope scope(ctx.conn,
                     [&](const BodyLiteralInfo& info) -> Result<std::unique_ptr<BodySink>> {
                       // Bodies of responses that turn out not to be ours (no UID, or a UID
                       // outside the set) are dropped unread by OnMessage's caller below.
                       if (handler_failed || (info.uid && !uids.Contains(*info.uid))) {
                         return std::unique_ptr<BodySink>();
                       }
                       return handler.OpenBody(info);
                     });

  auto on_untagged = [&](Incoming& in) -> Status {
    const std::string name = ResponseName(in.response);
    if (alongside && (name == "SEARCH" || name == "ESEARCH")) return alongside->OnUntagged(in);
    if (name == "EXPUNGE" || name == "EXISTS" || name == "VANISHED") {
      handler.OnMailboxChanged();
      return Status::Ok();
    }
    if (name != "FETCH") return Status::Ok();
    MH_ASSIGN_OR_RETURN(FetchResponse fetch, ParseFetchResponse(in.response));
    // Without a UID it cannot be an answer to UID FETCH (RFC 3501 §6.4.8
    // requires UID in those): an unsolicited update by sequence number.
    if (!fetch.uid || !uids.Contains(*fetch.uid)) return Status::Ok();
    Status s;
    if (!HasMessageData(fetch) && fetch.flags) {
      s = handler.OnFlagUpdate(*fetch.uid, *fetch.flags);
    } else {
      std::unique_ptr<BodySink> sink;
      if (!in.bodies.empty()) sink = std::move(in.bodies.front());
      s = handler.OnMessage(fetch, std::move(sink));
    }
    if (!s.ok()) handler_failed = true;
    return s;
  };

  PipelineOptions po;
  po.window = ctx.options.pipeline_window;
  po.scope = ErrorScope::kMessage;
  po.continue_on_error = true;
  std::vector<Status> results;
  po.results = &results;
  const ParserLimits saved = ctx.conn.limits();
  if (alongside) ctx.conn.set_limits(alongside->LimitsWhileRunning(saved));
  Status s = RunPipelined(ctx.conn, commands, on_untagged, po);
  ctx.conn.set_limits(saved);
  if (s.ok() || (s.code() != ErrorCode::kServerNo && s.code() != ErrorCode::kServerBad)) return s;
  if (alongside && !results[0].ok()) return results[0].WithScope(ErrorScope::kFolder);
  // The message scope is only true when the failed command named a single
  // UID; a failed chunk of many cannot say which message is at fault (the
  // caller may retry those one by one).
  for (size_t i = first_fetch; i < results.size(); ++i) {
    if (results[i].ok()) continue;
    const std::string& set_text = commands[i].pieces().front().text;
    const bool single = set_text.find_first_of(",:*", std::string_view("UID FETCH ").size()) >
                        set_text.find(' ', std::string_view("UID FETCH ").size());
    return results[i].WithScope(single ? ErrorScope::kMessage : ErrorScope::kFolder);
  }
  return s;
}

}  // namespace mailhoard::imap
