// The IMAP source driver: sessions over imap::ImapClient for the runner
// (runner.h). A session signs in and lists with status in one flight
// (LIST-STATUS, or pipelined STATUS), waits at the account's throttle gate
// before every command, and syncs one folder at a time
// (imap_folder_sync.h).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "engine/imap/client/imap_client.h"
#include "engine/sync/archive.h"
#include "engine/sync/planner.h"
#include "engine/sync/runner.h"
#include "engine/sync/source_store.h"
#include "engine/sync/sync_result.h"

namespace mailhoard::sync {

struct ImapSyncOptions : RunOptions {
  imap::ClientOptions client;
  auth::Credentials credentials;
  // Local renames: decoded remote name → name of the local folder.
  std::map<std::string, std::string> renames;
  Policy policy = Policy::kArchive;
  // Connects a client; defaults to imap::ImapClient::Connect(client).
  std::function<Result<std::unique_ptr<imap::ImapClient>>(const imap::ClientOptions&)> connect;
};

class ImapSource : public SourceStore {
 public:
  explicit ImapSource(const ImapSyncOptions& options) : o_(options) {}
  Result<std::unique_ptr<SourceSession>> Open(Pacer& pacer, bool fresh_token,
                                              std::vector<SourceFolder>* listing) override;
  int max_sessions() const override { return o_.connections; }

 private:
  const ImapSyncOptions& o_;
};

// RunSync over an ImapSource.
SyncResult SyncImapAccount(Archive& archive, const ImapSyncOptions& options);

}  // namespace mailhoard::sync
