#include "cli/report/run_advice.h"

#include "cli/exit_codes.h"
#include "cli/report/mime_text.h"

namespace mailhoard::cli {

const char* ExitMeaning(int exit_code) {
  switch (exit_code) {
    case kExitOk:
      return "success";
    case kExitPartial:
      return "some folders or messages failed";
    case kExitUsage:
      return "usage or configuration error";
    case kExitInternal:
      return "internal error";
    case kExitLocked:
      return "skipped: another mailhoard was syncing it";
    case kExitLocalIo:
      return "local archive I/O error";
    case kExitTempFail:
      return "temporary failure";
    case kExitAuth:
      return "authentication needed";
    case kExitConfig:
      return "the server cannot be used as configured";
    default:
      return "failed";
  }
}

std::vector<std::string> AccountAdvice(const AccountOutcome& a) {
  std::vector<std::string> out;
  const std::string& n = a.name;
  switch (a.exit_code) {
    case kExitAuth:
      out.push_back(a.oauth ? "run `mailhoard login " + n +
                                  "`: the refresh token was revoked or has expired, so " + n +
                                  " cannot sign in until someone signs in again"
                            : "fix the password of " + n +
                                  " (password_cmd / password_file / password_env): the server "
                                  "rejected it");
      break;
    case kExitLocalIo:
      out.push_back("fix the archive of " + n +
                    " (disk full, permissions or a damaged index); retrying alone will not help");
      break;
    case kExitTempFail:
      out.push_back("nothing, unless it keeps happening: the server of " + n +
                    " could not be reached or was busy; the next run tries again");
      break;
    case kExitConfig:
      out.push_back("fix the settings of " + n +
                    " that the error below names (certificate, TLS mode or host name); "
                    "retrying alone will not help");
      break;
    case kExitUsage:
      out.push_back("fix the configuration: run `mailhoard config check`");
      break;
    case kExitInternal:
      out.push_back("this is a bug in mailhoard: please report it with the error below");
      break;
    default:
      break;
  }
  uint64_t failed = 0;
  for (const auto& f : a.folders) failed += !f.error.empty();
  if (failed) {
    out.push_back("nothing for now: the next run retries the " + std::to_string(failed) +
                  " failed folder" + (failed == 1 ? "" : "s") + " of " + n +
                  "; if the same folder keeps failing, see the error below");
  }
  if (a.unfetchable) {
    out.push_back("run `mailhoard folders " + n + "` to see why " + std::to_string(a.unfetchable) +
                  " message" + (a.unfetchable == 1 ? "" : "s") +
                  " could not be fetched; they are tried again on every run");
  }
  return out;
}

std::string DiskAdvice(const DiskSpace& d) {
  int percent = d.total_bytes ? static_cast<int>(d.free_bytes * 100 / d.total_bytes) : 0;
  return "the disk holding " + d.path + " has " + Megabytes(d.free_bytes) + " left (" +
         std::to_string(percent) + "% free): make room before it fills up";
}

std::vector<std::string> RunAdvice(const RunSummary& run) {
  std::vector<std::string> out;
  for (const auto& a : run.accounts) {
    auto more = AccountAdvice(a);
    out.insert(out.end(), more.begin(), more.end());
  }
  if (run.disk && run.disk->total_bytes &&
      run.disk->free_bytes * 100 <
          run.disk->total_bytes * static_cast<uint64_t>(run.disk_warning_percent)) {
    out.push_back(DiskAdvice(*run.disk));
  }
  return out;
}

}  // namespace mailhoard::cli
