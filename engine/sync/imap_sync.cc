#include "engine/sync/imap_sync.h"

#include "engine/sync/imap_folder_sync.h"

namespace mailhoard::sync {
namespace {

class ImapSession : public SourceSession {
 public:
  ImapSession(std::unique_ptr<imap::ImapClient> client, const ImapSyncOptions& options)
      : client_(std::move(client)), o_(options) {}

  Status SyncFolder(Archive& archive, const FolderTask& task, FolderResult* result) override {
    return SyncImapFolder(*client_, archive, task, o_, result);
  }
  bool broken() const override { return client_->broken(); }
  void Close() override { (void)client_->Logout(); }

 private:
  std::unique_ptr<imap::ImapClient> client_;
  const ImapSyncOptions& o_;
};

SourceFolder ToSourceFolder(const imap::MailboxInfo& m, const ImapSyncOptions& o) {
  SourceFolder f;
  auto renamed = o.renames.find(m.name);
  f.info = {m.raw_name, m.name, m.delimiter, m.special_use,
            renamed == o.renames.end() ? "" : renamed->second};
  f.selectable = !m.noselect && !m.nonexistent;
  if (m.status && m.status->uidvalidity) {
    const imap::StatusResponse& s = *m.status;
    f.state = RemoteFolderState{s.uidvalidity.value_or(0), s.uidnext.value_or(0),
                                s.messages.value_or(0), s.highestmodseq};
  }
  return f;
}

}  // namespace

Result<std::unique_ptr<SourceSession>> ImapSource::Open(Pacer& pacer, bool fresh_token,
                                                        std::vector<SourceFolder>* listing) {
  imap::ClientOptions client = o_.client;
  client.before_command = [&pacer] { return pacer.gate().Wait(); };
  MH_RETURN_IF_ERROR(pacer.gate().Wait());
  MH_ASSIGN_OR_RETURN(std::unique_ptr<imap::ImapClient> c,
                      o_.connect ? o_.connect(client) : imap::ImapClient::Connect(client));
  auth::Credentials credentials = o_.credentials;
  if (fresh_token && credentials.refresh) credentials.secret = credentials.refresh;
  if (listing) {
    MH_ASSIGN_OR_RETURN(std::vector<imap::MailboxInfo> mailboxes, c->LoginAndList(credentials));
    for (const imap::MailboxInfo& m : mailboxes) listing->push_back(ToSourceFolder(m, o_));
  } else {
    MH_RETURN_IF_ERROR(c->Login(credentials));
  }
  return std::unique_ptr<SourceSession>(new ImapSession(std::move(c), o_));
}

SyncResult SyncImapAccount(Archive& archive, const ImapSyncOptions& options) {
  ImapSource source(options);
  return RunSync(archive, source, options);
}

}  // namespace mailhoard::sync
