// What `push` remembers per target mailbox: for each source folder, the
// target folder it goes to and how far the target was checked; for each
// message, the target UID it landed as. Storage vocabulary only.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace mailhoard::index {

struct PushFolderRecord {
  int64_t id = 0;
  std::string target;        // the target mailbox: "user@host:port"
  int64_t folder_id = 0;     // the archive folder (source)
  std::string target_name;   // raw, as the target names it
  uint32_t uidvalidity = 0;  // the target folder's, when last checked (0: never)
  // Every target UID up to here is either recorded in pushed or known not
  // to be ours: a later push lists only the UIDs above it.
  uint32_t checked_uid = 0;
  std::optional<int64_t> last_push_at;
};

struct PushedRecord {
  int64_t message_id = 0;    // messages.id in the archive
  uint32_t uidvalidity = 0;  // the target folder's
  uint32_t uid = 0;          // 0: appended without UIDPLUS, not matched yet
  std::string flags;         // as last set on the target (index letters)
  std::string keywords;
  // Not empty: the target refused the message (too large, lines too long);
  // not tried again unless asked.
  std::string refused;
  int64_t pushed_at = 0;
};

// A source message as push reads it: enough to append, match and verify.
struct PushSourceMessage {
  int64_t id = 0;
  uint32_t uid = 0;
  std::string file_name;  // relative to the folder directory
  uint64_t size = 0;
  std::optional<int64_t> internal_date;
  std::string flags;
  std::string keywords;
  std::string message_id;
  std::string sha256;
  std::string subject;
  bool lf = false;  // stored with LF line endings: CRLF restored on upload
  bool expunged = false;
};

}  // namespace mailhoard::index
