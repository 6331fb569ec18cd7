// `mailhoard export ACCOUNT [FOLDER] --mbox FILE`: the archive as one mboxrd
// file (RFC 4155; mboxrd quoting so that any reader can undo it exactly).
// Streamed message by message and chunk by chunk; written to FILE.tmp and
// renamed, so a failed export never leaves a truncated FILE behind.
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <set>
#include <string_view>
#include <vector>

#include "cli/commands/account_session.h"
#include "cli/commands/engine_handlers.h"
#include "storage/index/index.h"

namespace mailhoard::cli {
namespace {

using Sink = std::function<bool(std::string_view)>;

// Turns one message into its mbox body: CRLF → LF, and every line matching
// ^>*From  gets one more '>' (mboxrd). Works on chunks of any size: the
// state of the current line survives chunk boundaries.
class MboxrdBody {
 public:
  explicit MboxrdBody(const Sink& sink) : sink_(sink) {}

  bool Feed(std::string_view data) {
    out_.clear();
    for (char c : data) Put(c);
    return Emit();
  }

  // Ends the message with a newline (if missing) and the blank line that
  // separates it from the next "From " line.
  bool Finish() {
    out_.clear();
    if (pending_cr_) Char('\r');
    pending_cr_ = false;
    if (!prefix_.empty()) FlushPrefix(false);
    if (!at_line_start_) out_ += '\n';
    out_ += '\n';
    return Emit();
  }

 private:
  static constexpr std::string_view kFrom = "From ";

  void Put(char c) {
    if (pending_cr_) {
      pending_cr_ = false;
      if (c != '\n') Char('\r');  // a lone CR is content
    }
    if (c == '\r') {
      pending_cr_ = true;
      return;
    }
    Char(c);
  }

  void Char(char c) {
    if (at_line_start_ || !prefix_.empty()) {
      // Still inside a possible ">*From " prefix?
      size_t gts = prefix_.find_first_not_of('>');
      if (gts == std::string::npos) gts = prefix_.size();
      size_t matched = prefix_.size() - gts;  // chars of "From " matched so far
      bool fits = (matched == 0 && c == '>') || (matched < kFrom.size() && c == kFrom[matched]);
      at_line_start_ = false;
      if (fits) {
        prefix_ += c;
        if (prefix_.size() - gts == kFrom.size()) FlushPrefix(true);
        return;
      }
      FlushPrefix(false);
    }
    out_ += c;
    if (c == '\n') at_line_start_ = true;
  }

  void FlushPrefix(bool quote) {
    if (quote) out_ += '>';
    out_ += prefix_;
    prefix_.clear();
  }

  bool Emit() { return out_.empty() || sink_(out_); }

  const Sink& sink_;
  std::string out_;
  std::string prefix_;
  bool at_line_start_ = true;
  bool pending_cr_ = false;
};

// "From MAILER-DAEMON Thu Nov 27 05:23:00 2026": the asctime() form of
// RFC 4155; the sender is unknown after the fact, as in Dovecot's export.
std::string FromLine(int64_t when) {
  time_t t = static_cast<time_t>(when);
  tm tm_utc;
  gmtime_r(&t, &tm_utc);
  char buf[64];
  strftime(buf, sizeof buf, "From MAILER-DAEMON %a %b %e %H:%M:%S %Y\n", &tm_utc);
  return buf;
}

Status CopyMessage(std::ifstream& in, const std::string& path, const Sink& sink) {
  MboxrdBody body(sink);
  std::vector<char> buf(64 * 1024);
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    std::streamsize n = in.gcount();
    if (n <= 0) break;
    if (!body.Feed(std::string_view(buf.data(), static_cast<size_t>(n)))) {
      return IoError("cannot write the mbox");
    }
  }
  if (in.bad()) return IoError("cannot read " + path);
  if (!body.Finish()) return IoError("cannot write the mbox");
  return Status::Ok();
}

struct ExportCounts {
  uint64_t messages = 0, bytes = 0, skipped = 0;
  std::vector<std::string> missing;  // rows whose file could not be opened
};

Status Export(const AccountConfig& account, index::Index& index, const std::set<int64_t>& folders,
              const Sink& sink, ExportCounts* counts) {
  return index.ForEachMessageFile([&](const index::MessageFile& f) -> Status {
    if (!folders.count(f.folder_id)) return Status::Ok();
    if (f.file_name.empty()) {
      ++counts->skipped;  // unfetchable: there is nothing to export
      return Status::Ok();
    }
    const std::string dir = f.folder_local_path.empty()
                                ? account.archive_dir
                                : account.archive_dir + "/" + f.folder_local_path;
    const std::string path = dir + "/" + f.file_name;
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      // One lost file should not cost the whole export; it is reported
      // (and `mailhoard verify` says more).
      counts->missing.push_back(path);
      return Status::Ok();
    }
    int64_t when = 0;
    auto row = index.GetMessage(f.id);
    if (row.ok() && row->has_value()) {
      when = (*row)->internal_date.value_or((*row)->date.value_or((*row)->created_at));
    }
    if (!sink(FromLine(when))) return IoError("cannot write the mbox");
    MH_RETURN_IF_ERROR(CopyMessage(in, path, sink));
    ++counts->messages;
    counts->bytes += f.size;
    return Status::Ok();
  });
}

}  // namespace

int RunExport(CommandContext& ctx, const ExportOptions& options) {
  CommandAccounts loaded = LoadAccount(ctx, options.account);
  if (!loaded.ok()) return loaded.exit_code;
  const AccountConfig* account = &loaded.account();
  auto idx = OpenIndexReadOnly(*account);
  if (!idx.ok()) {
    ctx.PrintError(account->name + ": nothing archived yet (" + idx.status().ToString() + ")");
    return kExitUsage;
  }
  auto records = (*idx)->ListFolders();
  if (!records.ok()) return ctx.ReportAccountFailure(records.status().WithContext(account->name));
  std::set<int64_t> folders;
  for (const auto& r : *records) {
    if (options.folder.empty() || r.display_name == options.folder) folders.insert(r.id);
  }
  if (folders.empty() && !options.folder.empty()) {
    std::string known;
    for (const auto& r : *records) known += (known.empty() ? "" : ", ") + r.display_name;
    ctx.PrintError(account->name + ": no archived folder named \"" + options.folder +
                   "\" (archived: " + known + ")");
    return kExitUsage;
  }

  const bool to_stdout = options.mbox_file == "-";
  const std::string tmp = options.mbox_file + ".tmp";
  FILE* file = nullptr;
  if (!to_stdout) {
    file = fopen(tmp.c_str(), "wbx");
    if (!file && errno == EEXIST) {
      // Debris of an export that died; ours to replace.
      unlink(tmp.c_str());
      file = fopen(tmp.c_str(), "wbx");
    }
    if (!file) {
      ctx.PrintError("cannot create " + tmp + ": " + strerror(errno));
      return kExitLocalIo;
    }
  }
  Sink sink = [&](std::string_view data) {
    if (to_stdout) {
      ctx.out.write(data.data(), static_cast<std::streamsize>(data.size()));
      return static_cast<bool>(ctx.out);
    }
    return fwrite(data.data(), 1, data.size(), file) == data.size();
  };
  ExportCounts counts;
  Status s = Export(*account, **idx, folders, sink, &counts);
  if (!to_stdout) {
    bool written = fflush(file) == 0 && fsync(fileno(file)) == 0;
    written = fclose(file) == 0 && written;
    if (s.ok() && !written) s = IoError("cannot write " + tmp + ": " + strerror(errno));
    if (s.ok() && rename(tmp.c_str(), options.mbox_file.c_str()) != 0) {
      s = IoError("cannot rename " + tmp + " to " + options.mbox_file + ": " + strerror(errno));
    }
    if (!s.ok()) unlink(tmp.c_str());
  } else {
    ctx.out.flush();
  }
  if (!s.ok()) {
    ctx.PrintError(account->name + ": export failed: " + s.ToString());
    return kExitLocalIo;
  }
  if (ctx.json && !to_stdout) {
    nlohmann::json j = {{"name", account->name},
                        {"mbox", options.mbox_file},
                        {"messages", counts.messages},
                        {"bytes", counts.bytes},
                        {"unfetchable_skipped", counts.skipped},
                        {"missing_files", counts.missing}};
    ctx.out << j.dump(2) << "\n";
  } else if (!ctx.quiet && !to_stdout) {
    ctx.out << account->name << ": exported " << counts.messages << " message"
            << (counts.messages == 1 ? "" : "s") << " from " << folders.size() << " folder"
            << (folders.size() == 1 ? "" : "s") << " to " << options.mbox_file << "\n";
  }
  if (to_stdout && !ctx.quiet) {
    ctx.err << "mailhoard: " << account->name << ": exported " << counts.messages << " message"
            << (counts.messages == 1 ? "" : "s") << "\n";
  }
  for (const auto& path : counts.missing) {
    ctx.PrintError(account->name + ": not exported, file missing: " + path);
  }
  return counts.missing.empty() ? kExitOk : kExitPartial;
}

}  // namespace mailhoard::cli
