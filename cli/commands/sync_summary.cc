#include "cli/commands/sync_summary.h"

#include <cstdio>

#include "cli/report/mime_text.h"

namespace mailhoard::cli {
namespace {

std::string Count(uint64_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

std::string JoinNames(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

}  // namespace

std::string SyncSummary(const std::string& account, const sync::SyncResult& r, bool dry_run,
                        double seconds) {
  uint64_t failed = 0, stopped = 0, remapped = 0, adopted = 0;
  for (const auto& f : r.folders) {
    if (f.status.code() == ErrorCode::kCancelled) {
      ++stopped;  // not a failure: the next run continues it
    } else if (!f.status.ok()) {
      ++failed;
    }
    remapped += f.remapped;
    adopted += f.adopted;
  }
  std::string line = account + ": ";
  if (stopped) line += "interrupted after ";
  line += (dry_run ? "would fetch " : "") + Count(r.fetched(), "new message", "new messages") +
          " (" + Megabytes(r.bytes()) + ")";
  if (r.flag_updates()) {
    line += ", " + Count(r.flag_updates(), "flag change", "flag changes");
  }
  if (r.expunged()) line += ", " + std::to_string(r.expunged()) + " expunged on the server";
  if (remapped) {
    line +=
        ", " + Count(remapped, "message", "messages") + " re-identified after a UIDVALIDITY change";
  }
  if (adopted)
    line += ", " + Count(adopted, "message", "messages") + " kept from an interrupted run";
  line += " in " + std::to_string(r.folders.size()) + " of " +
          Count(r.folders_listed, "folder", "folders");
  if (failed) line += ", " + std::to_string(failed) + " failed";
  char t[32];
  snprintf(t, sizeof t, "%.1f", seconds);
  line += std::string(", ") + t + " s\n";
  if (stopped) {
    line += account + ": " + Count(stopped, "folder", "folders") +
            " not finished; run `mailhoard sync` again to continue where it stopped\n";
  }
  if (!r.folders_gone.empty()) {
    line += account + ": " + (dry_run ? "would mark " : "") +
            Count(r.folders_gone.size(), "folder", "folders") +
            " gone from the server (archived mail stays): " + JoinNames(r.folders_gone) + "\n";
  }
  return line;
}

}  // namespace mailhoard::cli
