#include "cli/commands/sync_summary.h"

#include <cstdio>

#include "cli/report/mime_text.h"

namespace mailhoard::cli {
namespace {

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
  line += (dry_run ? "would fetch " : "") + Plural(r.fetched(), "new message") + " (" +
          Megabytes(r.bytes()) + ")";
  if (r.flag_updates()) {
    line += ", " + Plural(r.flag_updates(), "flag change");
  }
  if (r.expunged()) line += ", " + std::to_string(r.expunged()) + " expunged on the server";
  if (remapped) {
    line += ", " + Plural(remapped, "message") + " re-identified after a UIDVALIDITY change";
  }
  if (adopted) line += ", " + Plural(adopted, "message") + " kept from an interrupted run";
  line += " in " + std::to_string(r.folders.size()) + " of " + Plural(r.folders_listed, "folder");
  if (failed) line += ", " + std::to_string(failed) + " failed";
  char t[32];
  snprintf(t, sizeof t, "%.1f", seconds);
  line += std::string(", ") + t + " s\n";
  if (stopped) {
    line += account + ": " + Plural(stopped, "folder") +
            " not finished; run `mailhoard sync` again to continue where it stopped\n";
  }
  if (!r.folders_gone.empty()) {
    line += account + ": " + (dry_run ? "would mark " : "") +
            Plural(r.folders_gone.size(), "folder") +
            " gone from the server (archived mail stays): " + JoinNames(r.folders_gone) + "\n";
  }
  return line;
}

}  // namespace mailhoard::cli
