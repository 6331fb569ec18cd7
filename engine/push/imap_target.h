// The IMAP driver of a push target: an ImapClient logged in to the target
// mailbox, opening folders with SELECT (EXAMINE for a dry run or a verify).
#pragma once

#include <map>
#include <memory>

#include "engine/imap/client/imap_client.h"
#include "engine/push/target_store.h"

namespace mailhoard::push {

class ImapTarget : public TargetStore {
 public:
  // Connects and logs in (ENABLE UTF8=ACCEPT when offered).
  static Result<std::unique_ptr<ImapTarget>> Connect(const imap::ClientOptions& options,
                                                     const auth::Credentials& credentials);
  explicit ImapTarget(std::unique_ptr<imap::ImapClient> client) : client_(std::move(client)) {}

  Result<TargetListing> List() override;
  Status Create(const std::string& name) override;
  Result<TargetFolderState> Open(const std::string& name, bool writable) override;
  Status ListKeys(uint32_t from_uid, std::vector<TargetKey>* out) override;
  Result<Appended> Append(const AppendItem& item) override;
  // Pipelined (ImapClient::AppendPipelined).
  std::vector<Result<Appended>> AppendBatch(const std::vector<AppendItem>& items) override;
  Status ChangeFlags(const std::vector<FlagDelta>& deltas) override;
  Status Expunge(const std::vector<uint32_t>& uids) override;
  Status Hash(const std::vector<uint32_t>& uids, const HashCallback& on_hash) override;
  bool broken() const override { return client_->broken(); }
  void Close() override;

  const imap::ImapClient& client() const { return *client_; }

 private:
  Result<std::string> RawName(const std::string& name) const;
  imap::AppendRequest Request(const AppendItem& item) const;

  std::unique_ptr<imap::ImapClient> client_;
  std::map<std::string, std::string> raw_names_;  // decoded → as the server sent it
  std::string open_raw_;
};

}  // namespace mailhoard::push
