// What one `mailhoard sync` did, in the terms a report and the run history
// need: per account and folder the new messages and bytes, the errors in
// plain words, the exit codes. Built from the sync's results by
// run_recorder.cc; read by the pure functions of report_message.h.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mailhoard::cli {

struct FolderOutcome {
  std::string name;
  uint64_t new_messages = 0;
  uint64_t bytes = 0;
  uint64_t unfetchable = 0;
  std::string error;  // empty: the folder synced
};

struct AccountOutcome {
  std::string name;
  bool oauth = false;  // signs in with OAuth2 (advice says "login", not "password")
  int64_t started_at = 0;
  int64_t ended_at = 0;
  int exit_code = 0;
  std::string error;  // the account as a whole (lock, login, archive)
  std::vector<FolderOutcome> folders;
  uint64_t new_messages = 0;
  uint64_t bytes = 0;
  uint64_t unfetchable = 0;
};

struct DiskSpace {
  std::string path;  // the archive root as configured
  uint64_t free_bytes = 0;
  uint64_t total_bytes = 0;
};

struct RunSummary {
  std::string host;  // this machine, for the subject
  int64_t started_at = 0;
  int64_t ended_at = 0;
  int exit_code = 0;
  std::vector<AccountOutcome> accounts;
  std::optional<DiskSpace> disk;
  // Below this share of free space the report says how much is left.
  int disk_warning_percent = 10;
};

}  // namespace mailhoard::cli
