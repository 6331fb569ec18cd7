// What a push did, per folder and in total: for the CLI's summary, its JSON
// output and exit codes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"

namespace mailhoard::push {

struct RefusedMessage {
  std::string subject;
  uint64_t size = 0;
  std::string reason;  // the target's words
};

struct VerifyCounts {
  bool ran = false;
  uint64_t expected = 0;  // archived messages that should be on the target
  uint64_t same = 0;      // present, byte for byte
  uint64_t differ = 0;    // present, other bytes
  uint64_t missing = 0;   // recorded as pushed, not on the target
  uint64_t unpushed = 0;  // not pushed (refused, or not yet)
  bool ok() const { return differ == 0 && missing == 0 && unpushed == 0; }
};

struct PushFolderResult {
  std::string source;  // archived folder name
  std::string target;  // target folder name ("" when skipped)
  std::string note;    // why the name differs
  std::string skipped;
  bool created = false;
  uint64_t appended = 0;  // (dry run: would append)
  uint64_t bytes = 0;
  uint64_t matched = 0;  // found on the target already: recorded, not appended
  uint64_t flag_updates = 0;
  uint64_t expunged = 0;
  uint64_t refused_before = 0;
  std::vector<RefusedMessage> refused;
  VerifyCounts verify;
  int attempts = 0;
  bool target_full = false;  // [OVERQUOTA]: the push stopped here
  Status status;
};

struct PushResult {
  std::vector<PushFolderResult> folders;
  // Account-level (connect, login, LIST); a full target is transient:
  // retry once space was made.
  Status status;
  uint64_t appended() const;
  uint64_t bytes() const;
  uint64_t refused() const;  // this run and earlier ones
  uint64_t failed_folders() const;
  bool verify_ok() const;
};

}  // namespace mailhoard::push
