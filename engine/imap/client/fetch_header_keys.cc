#include "engine/imap/client/fetch_header_keys.h"

#include "engine/imap/client/pipeline.h"
#include "engine/imap/response_codes.h"
#include "engine/imap/value.h"

namespace mailhoard::imap {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

}  // namespace

std::string ExtractMessageId(std::string_view block) {
  size_t pos = 0;
  while (pos < block.size()) {
    size_t eol = block.find('\n', pos);
    if (eol == std::string_view::npos) eol = block.size();
    std::string_view line = block.substr(pos, eol - pos);
    pos = eol + 1;
    constexpr std::string_view kName = "message-id:";
    if (line.size() < kName.size() || !EqualsIgnoreCase(line.substr(0, kName.size()), kName)) {
      continue;
    }
    // RFC 5322 §2.2.3: a field may be folded onto following lines that
    // start with white space.
    std::string value(line.substr(kName.size()));
    while (pos < block.size() && (block[pos] == ' ' || block[pos] == '\t')) {
      eol = block.find('\n', pos);
      if (eol == std::string_view::npos) eol = block.size();
      value += block.substr(pos, eol - pos);
      pos = eol + 1;
    }
    std::string out;
    for (char c : value) {
      if (!IsSpace(c)) out += c;
    }
    return out;
  }
  return "";
}

Status FetchHeaderKeys(OpContext ctx, const SequenceSet& uids, const HeaderKeysCallback& callback) {
  if (uids.empty()) return Status::Ok();
  std::vector<Command> commands = ChunkedCommands(
      "UID FETCH", uids, "(UID RFC822.SIZE INTERNALDATE BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])",
      ctx.options.max_command_bytes);
  auto handler = [&](Incoming& in) -> Status {
    if (ResponseName(in.response) != "FETCH") return Status::Ok();
    MH_ASSIGN_OR_RETURN(FetchResponse f, ParseFetchResponse(in.response));
    if (!f.uid || !uids.Contains(*f.uid) || !f.rfc822_size || !f.internal_date) {
      return Status::Ok();  // unsolicited, or the n:* extra message
    }
    std::string id;
    for (const FetchBody& b : f.bodies) {
      if (!b.is_nil) id = ExtractMessageId(b.data);
    }
    return callback(*f.uid, id, *f.rfc822_size, *f.internal_date);
  };
  PipelineOptions po;
  po.window = ctx.options.pipeline_window;
  po.scope = ErrorScope::kFolder;
  return RunPipelined(ctx.conn, commands, handler, po);
}

}  // namespace mailhoard::imap
