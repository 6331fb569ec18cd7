#include "engine/imap/client/append.h"

#include <cstdio>
#include <ctime>

#include "core/ascii.h"
#include "engine/imap/client/pipeline.h"
#include "engine/imap/client/status_mapping.h"
#include "engine/imap/client/store_flags.h"
#include "engine/imap/response_codes.h"

namespace mailhoard::imap {
std::string FormatInternalDate(int64_t utc_seconds) {
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::time_t t = static_cast<std::time_t>(utc_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%02d-%s-%04d %02d:%02d:%02d +0000", tm.tm_mday,
                kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

namespace {

Command AppendCommand(const OpContext& ctx, const AppendRequest& request) {
  StringOptions name_options;
  name_options.allow_utf8 = ctx.state.utf8_accept;
  Command cmd("APPEND");
  cmd.String(request.mailbox, name_options).Raw(FlagListText(request.flags));
  if (request.internal_date) cmd.Raw("\"" + FormatInternalDate(*request.internal_date) + "\"");
  cmd.Streamed(request.message);
  return cmd;
}

AppendResult ResultFrom(const Response& done) {
  AppendResult out;
  if (done.code) {
    auto code = ParseResponseCode(*done.code);
    if (code.ok() && code->kind == CodeKind::kAppendUid && !code->uids.ranges().empty()) {
      out.uidvalidity = code->uid_validity;
      out.uid = code->uids.ranges().front().first;
    }
  }
  return out;
}

}  // namespace

Result<AppendResult> Append(OpContext ctx, const AppendRequest& request) {
  if (!request.message) return InvalidArgument("APPEND without a message");
  Command cmd = AppendCommand(ctx, request);
  MH_ASSIGN_OR_RETURN(Response done, RunForCompletion(ctx.conn, cmd, IgnoreUntagged));
  MH_RETURN_IF_ERROR(TaggedStatusFor(done, cmd, ErrorScope::kMessage));
  return ResultFrom(done);
}

std::vector<Result<AppendResult>> AppendPipelined(OpContext ctx,
                                                  const std::vector<AppendRequest>& requests) {
  std::vector<Command> commands;
  for (const AppendRequest& r : requests) {
    if (!r.message) return {InvalidArgument("APPEND without a message")};
    commands.push_back(AppendCommand(ctx, r));
  }
  std::vector<Status> results;
  std::vector<Response> completions;
  PipelineOptions po;
  po.window = ctx.options.pipeline_window;
  po.scope = ErrorScope::kMessage;
  po.continue_on_error = true;
  po.results = &results;
  po.completions = &completions;
  Status run = RunPipelined(ctx.conn, commands, IgnoreUntagged, po);
  std::vector<Result<AppendResult>> out;
  for (size_t i = 0; i < commands.size(); ++i) {
    if (completions[i].tag.empty()) {
      // Never answered: it may or may not have landed.
      out.push_back(run.ok() ? ProtocolError("APPEND was not answered") : run);
    } else if (!results[i].ok()) {
      out.push_back(results[i]);
    } else {
      out.push_back(ResultFrom(completions[i]));
    }
  }
  return out;
}

Status Create(OpContext ctx, const std::string& mailbox) {
  StringOptions name_options;
  name_options.allow_utf8 = ctx.state.utf8_accept;
  Command cmd("CREATE");
  cmd.String(mailbox, name_options);
  MH_ASSIGN_OR_RETURN(Response done, RunForCompletion(ctx.conn, cmd, IgnoreUntagged));
  if (done.status == StatusWord::kNo) {
    bool exists = false;
    if (done.code) {
      auto code = ParseResponseCode(*done.code);
      exists = code.ok() && code->kind == CodeKind::kAlreadyExists;
    }
    // Servers before RFC 5530 say it in words only.
    std::string text;
    for (char c : done.text) text += AsciiLower(c);
    if (exists || text.find("already exists") != std::string::npos) return Status::Ok();
  }
  return TaggedStatusFor(done, cmd, ErrorScope::kFolder);
}

}  // namespace mailhoard::imap
