// The writable side of a store, as push sees it: the driver interface a
// push target implements. ImapTarget (imap_target.h) is the one driver
// today; tests wrap it to fail at chosen steps. Folder names here are
// decoded UTF-8: encoding (modified UTF-7, or UTF-8 with UTF8=ACCEPT) is
// the driver's business.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "engine/imap/client/command.h"
#include "engine/push/folder_map.h"
#include "engine/push/push_plan.h"

namespace mailhoard::push {

struct TargetListing {
  std::vector<TargetMailbox> mailboxes;
  std::optional<char> delimiter;
};

struct TargetFolderState {
  uint32_t uidvalidity = 0;
  std::optional<uint32_t> uidnext;
  uint32_t exists = 0;
};

struct AppendItem {
  std::vector<std::string> flags;
  std::optional<int64_t> internal_date;
  std::shared_ptr<const imap::LiteralSource> message;
};

struct Appended {
  uint32_t uidvalidity = 0;  // 0 and 0: the target has no UIDPLUS
  uint32_t uid = 0;
};

using HashCallback = std::function<Status(uint32_t uid, const std::string& sha256, uint64_t size)>;

class TargetStore {
 public:
  virtual ~TargetStore() = default;
  virtual Result<TargetListing> List() = 0;
  // Creates (an existing one is fine) and subscribes.
  virtual Status Create(const std::string& name) = 0;
  // Opens a folder for the calls below; read-only unless `writable`.
  virtual Result<TargetFolderState> Open(const std::string& name, bool writable) = 0;
  // Keys of the open folder's messages with UID >= from_uid.
  virtual Status ListKeys(uint32_t from_uid, std::vector<TargetKey>* out) = 0;
  // Into the open folder.
  virtual Result<Appended> Append(const AppendItem& item) = 0;
  // Several into the open folder, one result each, in order; by default
  // one after the other. A result that is an error of a broken connection
  // may or may not have landed (the next push finds out).
  virtual std::vector<Result<Appended>> AppendBatch(const std::vector<AppendItem>& items) {
    std::vector<Result<Appended>> out;
    for (const AppendItem& item : items) {
      out.push_back(Append(item));
      if (broken()) break;
    }
    const Status rest =
        out.back().ok() ? NetworkError("the connection was lost") : out.back().status();
    while (out.size() < items.size()) out.push_back(rest);
    return out;
  }
  virtual Status ChangeFlags(const std::vector<FlagDelta>& deltas) = 0;
  virtual Status Expunge(const std::vector<uint32_t>& uids) = 0;
  // SHA-256 (raw 32 bytes) and size of the open folder's messages `uids`.
  virtual Status Hash(const std::vector<uint32_t>& uids, const HashCallback& on_hash) = 0;
  // The connection is gone: reconnect before the next call.
  virtual bool broken() const = 0;
  virtual void Close() = 0;
};

using TargetConnector = std::function<Result<std::unique_ptr<TargetStore>>()>;

}  // namespace mailhoard::push
