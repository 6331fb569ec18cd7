#include "engine/imap/client/pipeline.h"

#include <string>
#include <unordered_map>

#include "engine/imap/client/status_mapping.h"
#include "engine/imap/sequence_set.h"

namespace mailhoard::imap {

Status IgnoreUntagged(Incoming&) { return Status::Ok(); }

Status TaggedStatusFor(const Response& tagged, const Command& command, ErrorScope scope) {
  return TaggedStatus(tagged, command.Summary(), scope);
}

std::vector<Command> ChunkedCommands(std::string_view prefix, const SequenceSet& set,
                                     std::string_view suffix, size_t max_command_bytes) {
  // Room for the tag ("A4294967295 "), the spaces and CRLF.
  constexpr size_t kOverhead = 16;
  const size_t fixed = prefix.size() + suffix.size() + kOverhead;
  // A limit too small for even one range still sends one range per command.
  const size_t room = max_command_bytes > fixed ? max_command_bytes - fixed : 1;
  std::vector<Command> out;
  for (const std::string& chunk : set.ToChunks(room)) {
    Command c(prefix);
    c.Raw(chunk);
    if (!suffix.empty()) c.Raw(suffix);
    out.push_back(std::move(c));
  }
  return out;
}

Status RunPipelined(Connection& conn, std::span<const Command> commands,
                    const UntaggedHandler& on_untagged, const PipelineOptions& options) {
  const size_t window = options.window == 0 ? 1 : options.window;
  if (options.results) options.results->assign(commands.size(), Status::Ok());
  if (options.completions) options.completions->assign(commands.size(), Response{});
  std::unordered_map<std::string, size_t> in_flight;  // tag → command index
  size_t next = 0;
  Status first_error;
  Status handler_error;
  bool stop_sending = false;
  while (next < commands.size() || !in_flight.empty()) {
    while (!stop_sending && next < commands.size() && in_flight.size() < window) {
      // A command with a synchronising literal waits for "+", which only
      // works with nothing else expected first; those go alone. LITERAL+
      // literals pipeline like any other text.
      if (conn.NeedsContinuation(commands[next]) && !in_flight.empty()) break;
      MH_ASSIGN_OR_RETURN(std::string tag, conn.Send(commands[next]));
      in_flight.emplace(std::move(tag), next);
      ++next;
    }
    MH_ASSIGN_OR_RETURN(Incoming in, conn.Next());
    if (in.response.kind != ResponseKind::kTagged) {
      if (!handler_error.ok()) continue;  // draining after a handler error
      Status s = on_untagged(in);
      if (!s.ok()) {
        handler_error = s;
        stop_sending = true;
      }
      continue;
    }
    auto it = in_flight.find(in.response.tag);
    if (it == in_flight.end()) {
      Status s = ProtocolError(conn.Describe() + " completed a command never sent (tag " +
                               in.response.tag + ")");
      conn.Break(s);
      return s;
    }
    const size_t index = it->second;
    in_flight.erase(it);
    Status s = TaggedStatus(in.response, commands[index].Summary(), options.scope);
    if (options.results) (*options.results)[index] = s;
    if (options.completions) (*options.completions)[index] = std::move(in.response);
    if (!s.ok()) {
      if (first_error.ok()) first_error = s;
      if (!options.continue_on_error || s.retry_after()) stop_sending = true;
    }
  }
  if (!handler_error.ok()) first_error = handler_error;
  if (options.results) {
    for (size_t i = next; i < commands.size(); ++i) (*options.results)[i] = first_error;
  }
  return first_error;
}

Status RunCommand(Connection& conn, const Command& command, const UntaggedHandler& on_untagged,
                  ErrorScope scope) {
  PipelineOptions options;
  options.window = 1;
  options.scope = scope;
  return RunPipelined(conn, std::span<const Command>(&command, 1), on_untagged, options);
}

Result<Response> RunForCompletion(Connection& conn, const Command& command,
                                  const UntaggedHandler& on_untagged) {
  MH_ASSIGN_OR_RETURN(std::string tag, conn.Send(command));
  Status handler_error;
  for (;;) {
    MH_ASSIGN_OR_RETURN(Incoming in, conn.Next());
    if (in.response.kind == ResponseKind::kTagged) {
      if (in.response.tag == tag) {
        if (!handler_error.ok()) return handler_error;
        return std::move(in.response);
      }
      Status s = ProtocolError(conn.Describe() + " completed a command never sent (tag " +
                               in.response.tag + ")");
      conn.Break(s);
      return s;
    }
    if (handler_error.ok()) handler_error = on_untagged(in);
  }
}

}  // namespace mailhoard::imap
