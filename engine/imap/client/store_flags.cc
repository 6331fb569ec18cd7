#include "engine/imap/client/store_flags.h"

#include "core/ascii.h"
#include "engine/imap/client/pipeline.h"

namespace mailhoard::imap {

std::string FlagListText(const std::vector<std::string>& flags) {
  std::string out = "(";
  for (const std::string& f : flags) {
    if (f.empty() || EqualsIgnoreAsciiCase(f, "\\Recent")) continue;
    std::string_view atom = f[0] == '\\' ? std::string_view(f).substr(1) : std::string_view(f);
    if (atom.empty() || !IsAstringAtom(atom) || atom.find_first_of("]%*") != std::string::npos) {
      continue;
    }
    if (out.size() > 1) out += ' ';
    out += f;
  }
  return out + ")";
}

Status StoreFlags(OpContext ctx, const std::vector<FlagStore>& stores) {
  std::vector<Command> commands;
  for (const FlagStore& s : stores) {
    if (s.uids.empty()) continue;
    const char* item = s.mode == StoreMode::kAdd      ? "+FLAGS.SILENT "
                       : s.mode == StoreMode::kRemove ? "-FLAGS.SILENT "
                                                      : "FLAGS.SILENT ";
    for (Command& c : ChunkedCommands("UID STORE", s.uids, item + FlagListText(s.flags),
                                      ctx.options.max_command_bytes)) {
      commands.push_back(std::move(c));
    }
  }
  if (commands.empty()) return Status::Ok();
  PipelineOptions po;
  po.window = ctx.options.pipeline_window;
  po.scope = ErrorScope::kMessage;
  po.continue_on_error = true;
  return RunPipelined(ctx.conn, commands, IgnoreUntagged, po);
}

Status UidExpunge(OpContext ctx, const SequenceSet& uids) {
  if (uids.empty()) return Status::Ok();
  if (!ctx.state.capabilities.Has("UIDPLUS")) {
    return Status::Error(ErrorCode::kUnsupported,
                         ctx.conn.Describe() + " has no UIDPLUS: cannot expunge single messages",
                         ErrorScope::kFolder);
  }
  std::vector<Command> commands =
      ChunkedCommands("UID EXPUNGE", uids, "", ctx.options.max_command_bytes);
  PipelineOptions po;
  po.window = ctx.options.pipeline_window;
  po.scope = ErrorScope::kFolder;
  return RunPipelined(ctx.conn, commands, IgnoreUntagged, po);
}

Status Subscribe(OpContext ctx, const std::string& mailbox) {
  Command cmd("SUBSCRIBE");
  cmd.String(mailbox, {.allow_utf8 = ctx.state.utf8_accept});
  return RunCommand(ctx.conn, cmd, IgnoreUntagged, ErrorScope::kFolder);
}

}  // namespace mailhoard::imap
