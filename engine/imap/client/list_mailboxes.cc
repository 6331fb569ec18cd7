#include "engine/imap/client/list_mailboxes.h"

#include <algorithm>
#include <utility>

#include "engine/imap/client/pipeline.h"
#include "engine/imap/mutf7.h"
#include "engine/imap/response_codes.h"

namespace mailhoard::imap {
namespace {

constexpr std::string_view kSpecialUse[] = {"\\All",  "\\Archive", "\\Drafts", "\\Flagged",
                                            "\\Junk", "\\Sent",    "\\Trash",  "\\Important"};

MailboxInfo ToInfo(ListResponse&& list, bool utf8) {
  MailboxInfo info;
  info.raw_name = std::move(list.mailbox);
  if (utf8) {
    info.name = info.raw_name;
  } else if (auto decoded = DecodeMutf7(info.raw_name); decoded.ok()) {
    info.name = std::move(*decoded);
  } else {
    info.name = info.raw_name;
    info.name_undecodable = true;
  }
  info.delimiter = list.delimiter;
  info.nonexistent = list.HasAttribute("\\NonExistent");
  info.noselect = list.HasAttribute("\\Noselect") || info.nonexistent;
  for (std::string_view use : kSpecialUse) {
    if (list.HasAttribute(use)) {
      info.special_use = use;
      break;
    }
  }
  info.attributes = std::move(list.attributes);
  return info;
}

std::string StatusItems(bool modseq) {
  std::string items = "MESSAGES UIDNEXT UIDVALIDITY";
  if (modseq) items += " HIGHESTMODSEQ";
  return items;
}

std::string StatusItems(const SessionState& state) {
  return StatusItems(state.condstore || state.capabilities.Has("CONDSTORE"));
}

Command ListCommand(bool special_use, const std::string& status_items) {
  Command list("LIST \"\" \"*\"");
  std::string ret;
  if (special_use) ret += "SPECIAL-USE";
  if (!status_items.empty()) {
    if (!ret.empty()) ret += ' ';
    ret += "STATUS (" + status_items + ")";
  }
  if (!ret.empty()) list.Raw("RETURN (" + ret + ")");
  return list;
}

}  // namespace

Command ExtendedListCommand(bool modseq) { return ListCommand(true, StatusItems(modseq)); }

Status MailboxListing::OnUntagged(Incoming& in) {
  const std::string name = ResponseName(in.response);
  if (name == "LIST") {
    MH_ASSIGN_OR_RETURN(ListResponse l, ParseListResponse(in.response));
    MailboxInfo info = ToInfo(std::move(l), state_.utf8_accept);
    if (auto it = early_status_.find(info.raw_name); it != early_status_.end()) {
      info.status = std::move(it->second);
      early_status_.erase(it);
    }
    index_[info.raw_name] = out_.size();
    out_.push_back(std::move(info));
  } else if (name == "STATUS") {
    MH_ASSIGN_OR_RETURN(StatusResponse st, ParseStatusResponse(in.response));
    auto it = index_.find(st.mailbox);
    if (it == index_.end()) {
      std::string mailbox = st.mailbox;
      early_status_[std::move(mailbox)] = std::move(st);
    } else {
      out_[it->second].status = std::move(st);
    }
  }
  return Status::Ok();
}

std::vector<MailboxInfo> MailboxListing::Take() {
  index_.clear();
  early_status_.clear();
  return std::move(out_);
}

Result<std::vector<MailboxInfo>> ListMailboxes(OpContext ctx, bool with_status) {
  const Capabilities& caps = ctx.state.capabilities;
  const bool list_status = with_status && ctx.options.use_list_status && caps.Has("LIST-STATUS");
  const bool special_use = caps.Has("SPECIAL-USE") && caps.Has("LIST-EXTENDED");
  Command list = ListCommand(special_use, list_status ? StatusItems(ctx.state) : "");
  MailboxListing listing(ctx.state);
  auto handler = [&](Incoming& in) { return listing.OnUntagged(in); };
  MH_RETURN_IF_ERROR(RunCommand(ctx.conn, list, handler));
  if (!with_status || list_status) return listing.Take();

  // RFC 3501 §6.3.10 allows STATUS in any authenticated state; sending
  // them all before reading any reply keeps it to one round trip.
  std::vector<Command> batch;
  for (const MailboxInfo& m : listing.mailboxes()) {
    if (m.noselect) continue;
    Command st("STATUS");
    st.String(m.raw_name, {.allow_utf8 = ctx.state.utf8_accept});
    st.Raw("(" + StatusItems(ctx.state) + ")");
    batch.push_back(std::move(st));
  }
  PipelineOptions po;
  // A mailbox deleted between LIST and STATUS answers NO; the rest still
  // count, and that one simply has no status.
  po.window = std::max(ctx.options.pipeline_window, ctx.options.status_window);
  po.continue_on_error = true;
  po.scope = ErrorScope::kFolder;
  std::vector<Status> results;
  po.results = &results;
  Status s = RunPipelined(ctx.conn, batch, handler, po);
  if (!s.ok() && (s.retry_after() || s.code() != ErrorCode::kServerNo)) return s;
  return listing.Take();
}

}  // namespace mailhoard::imap
