// Plain records exchanged with the Index. Storage vocabulary only: a remote
// folder, its uidvalidity / uid / modseq, flags. No protocol types.
//
// Times are Unix seconds (UTC), supplied by the caller (no clock in here).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mailhoard::index {

enum class FolderState { kActive, kGoneOnServer };

struct FolderRecord {
  int64_t id = 0;
  std::string remote_name;   // raw bytes as the server names it (e.g. modified UTF-7)
  std::string display_name;  // decoded UTF-8
  std::string delimiter;     // empty: the server has no hierarchy delimiter
  std::string local_path;    // relative to the account's archive root; unique
  std::string special_use;   // e.g. "\\Sent"; empty if none
  uint32_t uidvalidity = 0;
  uint32_t uidnext = 0;
  uint64_t highestmodseq = 0;
  uint32_t messages = 0;  // server's message count when last seen
  uint32_t last_uid_seen = 0;
  std::optional<int64_t> last_sync_at;
  std::string last_error;  // empty: last sync of this folder succeeded
  FolderState state = FolderState::kActive;
  std::optional<int64_t> gone_since;
};

// What a completed folder sync writes back, in the same transaction as the
// messages it stored.
struct FolderSyncState {
  uint32_t uidvalidity = 0;
  uint32_t uidnext = 0;
  uint64_t highestmodseq = 0;
  uint32_t messages = 0;
  uint32_t last_uid_seen = 0;
  std::optional<int64_t> last_sync_at;
};

enum class LineEndings { kCrlf, kLf };

struct MessageRecord {
  int64_t id = 0;  // assigned by InsertMessage
  int64_t folder_id = 0;
  uint32_t uidvalidity = 0;
  uint32_t uid = 0;
  std::string file_name;  // Maildir name relative to the folder directory ("cur/...")
  uint64_t size = 0;
  std::optional<int64_t> internal_date;
  std::string flags;     // compact system flags, e.g. "FRS"
  std::string keywords;  // space-separated keywords
  std::string sha256;    // 32 raw bytes, or empty if unknown
  LineEndings line_endings = LineEndings::kCrlf;
  std::string message_id;       // empty: none
  std::optional<int64_t> date;  // the Date: header
  // Decoded UTF-8 display forms (storage/mime decodes them).
  std::string from_addr;
  std::string to_addr;
  std::string cc_addr;
  std::string subject;
  std::optional<int64_t> expunged_at;
  std::string unfetchable_reason;  // empty: fetchable
  std::optional<uint64_t> gm_msgid;
  uint64_t modseq = 0;
  int64_t created_at = 0;
};

// One row of ListUids: enough to diff against the server, nothing heavy.
struct UidEntry {
  int64_t id = 0;
  uint32_t uid = 0;
  std::string flags;
  std::string keywords;
  uint64_t modseq = 0;
  bool expunged = false;
  bool unfetchable = false;  // a row without a file: retry the fetch
};

// One row of ForEachMessageFile, for `mailhoard verify`.
struct MessageFile {
  int64_t id = 0;
  int64_t folder_id = 0;
  std::string folder_local_path;
  std::string file_name;
  std::string sha256;  // empty if unknown
  uint64_t size = 0;
  bool expunged = false;
  bool unfetchable = false;
};

// A UIDL of a chunk about to be downloaded, and the uid its file will
// carry: durable before the file can land, so that a file an interrupted
// run left in cur/ is linked to its UIDL instead of downloaded again.
struct Pop3Reservation {
  uint32_t uid = 0;
  std::string uidl;
  bool operator==(const Pop3Reservation&) const = default;
};

struct Pop3Uidl {
  int64_t folder_id = 0;
  std::string uidl;
  std::optional<int64_t> message_id;  // messages.id once stored
  std::optional<int64_t> deleted_on_server_at;
};

struct SearchHit {
  int64_t message_id = 0;  // messages.id (= FTS rowid)
  int64_t folder_id = 0;
  std::string folder_display_name;
  std::string folder_local_path;
  std::string file_name;        // join with folder_local_path for the file
  std::optional<int64_t> date;  // Date:, else INTERNALDATE
  std::string from_addr;
  std::string subject;
  uint64_t size = 0;
  std::string flags;     // compact system flags, e.g. "FRS"
  std::string keywords;  // space-separated
};

// One account's part of a search: the first `limit` hits and how many
// messages match in all.
struct SearchResults {
  std::vector<SearchHit> hits;
  int64_t total = 0;
};

}  // namespace mailhoard::index
