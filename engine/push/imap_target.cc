#include "engine/push/imap_target.h"

#include <algorithm>

#include "engine/imap/mutf7.h"
#include "storage/maildir/sha256.h"

namespace mailhoard::push {
namespace {

// Hashes a BODY[] literal as it streams past; nothing is kept.
class HashingSink : public imap::BodySink {
 public:
  Status Write(const char* data, size_t len) override {
    sha_.Update(data, len);
    size_ += len;
    return Status::Ok();
  }
  Status Finish() override {
    auto d = sha_.Finish();
    digest_.assign(reinterpret_cast<const char*>(d.data()), d.size());
    return Status::Ok();
  }
  const std::string& digest() const { return digest_; }
  uint64_t size() const { return size_; }

 private:
  maildir::Sha256 sha_;
  std::string digest_;
  uint64_t size_ = 0;
};

class HashingHandler : public imap::MessageHandler {
 public:
  explicit HashingHandler(const HashCallback& on_hash) : on_hash_(on_hash) {}
  Result<std::unique_ptr<imap::BodySink>> OpenBody(const imap::BodyLiteralInfo&) override {
    return std::unique_ptr<imap::BodySink>(new HashingSink());
  }
  Status OnMessage(const imap::FetchResponse& fetch,
                   std::unique_ptr<imap::BodySink> sink) override {
    if (!fetch.uid || !sink) return Status::Ok();
    auto* h = static_cast<HashingSink*>(sink.get());
    return on_hash_(*fetch.uid, h->digest(), h->size());
  }

 private:
  const HashCallback& on_hash_;
};

imap::SequenceSet SetOf(std::vector<uint32_t> uids) {
  std::sort(uids.begin(), uids.end());
  uids.erase(std::unique(uids.begin(), uids.end()), uids.end());
  return imap::SequenceSet::FromSorted(uids);
}

}  // namespace

Result<std::unique_ptr<ImapTarget>> ImapTarget::Connect(const imap::ClientOptions& options,
                                                        const auth::Credentials& credentials) {
  MH_ASSIGN_OR_RETURN(std::unique_ptr<imap::ImapClient> client, imap::ImapClient::Connect(options));
  MH_RETURN_IF_ERROR(client->Login(credentials));
  return std::make_unique<ImapTarget>(std::move(client));
}

Result<TargetListing> ImapTarget::List() {
  MH_ASSIGN_OR_RETURN(std::vector<imap::MailboxInfo> boxes, client_->ListMailboxes(false));
  TargetListing out;
  for (const imap::MailboxInfo& b : boxes) {
    if (b.nonexistent) continue;
    raw_names_[b.name] = b.raw_name;
    if (b.delimiter && !out.delimiter) out.delimiter = b.delimiter;
    out.mailboxes.push_back({b.name, b.special_use, !b.noselect});
  }
  if (!out.delimiter) {
    // An empty account lists only INBOX, which may carry no delimiter.
    auto ns = client_->Namespaces();
    if (ns.ok() && !ns->personal.empty()) out.delimiter = ns->personal.front().delimiter;
  }
  return out;
}

Result<std::string> ImapTarget::RawName(const std::string& name) const {
  auto it = raw_names_.find(name);
  if (it != raw_names_.end()) return it->second;
  if (client_->utf8_accept()) return name;
  return imap::EncodeMutf7(name);
}

Status ImapTarget::Create(const std::string& name) {
  MH_ASSIGN_OR_RETURN(std::string raw, RawName(name));
  MH_RETURN_IF_ERROR(client_->Create(raw));
  raw_names_[name] = raw;
  // A folder nobody subscribed to is invisible in many clients; a refusal
  // here is not worth failing the push for.
  Status subscribed = client_->Subscribe(raw);
  if (!subscribed.ok() && client_->broken()) return subscribed;
  return Status::Ok();
}

Result<TargetFolderState> ImapTarget::Open(const std::string& name, bool writable) {
  MH_ASSIGN_OR_RETURN(std::string raw, RawName(name));
  MH_ASSIGN_OR_RETURN(imap::SelectedMailbox box,
                      writable ? client_->Select(raw) : client_->Examine(raw, std::nullopt));
  open_raw_ = raw;
  return TargetFolderState{box.uidvalidity, box.uidnext, box.exists};
}

Status ImapTarget::ListKeys(uint32_t from_uid, std::vector<TargetKey>* out) {
  imap::SequenceSet all;
  all.AddRange(from_uid == 0 ? 1 : from_uid, UINT32_MAX);
  return client_->FetchHeaderKeys(all, [&](uint32_t uid, std::string_view message_id, uint64_t size,
                                           const imap::InternalDate& date) {
    // "n:*" also returns the last message when n is beyond it (RFC 3501
    // §6.4.8).
    if (uid < from_uid) return Status::Ok();
    TargetKey k{uid, std::string(message_id), size, std::nullopt};
    if (!date.text.empty()) k.internal_date = date.utc;
    out->push_back(std::move(k));
    return Status::Ok();
  });
}

imap::AppendRequest ImapTarget::Request(const AppendItem& item) const {
  imap::AppendRequest r;
  r.mailbox = open_raw_;
  r.flags = item.flags;
  r.internal_date = item.internal_date;
  r.message = item.message;
  return r;
}

Result<Appended> ImapTarget::Append(const AppendItem& item) {
  MH_ASSIGN_OR_RETURN(imap::AppendResult done, client_->Append(Request(item)));
  return Appended{done.uidvalidity, done.uid};
}

std::vector<Result<Appended>> ImapTarget::AppendBatch(const std::vector<AppendItem>& items) {
  std::vector<imap::AppendRequest> requests;
  for (const AppendItem& item : items) requests.push_back(Request(item));
  std::vector<Result<Appended>> out;
  for (auto& r : client_->AppendPipelined(requests)) {
    if (r.ok()) {
      out.push_back(Appended{r->uidvalidity, r->uid});
    } else {
      out.push_back(r.status());
    }
  }
  return out;
}

Status ImapTarget::ChangeFlags(const std::vector<FlagDelta>& deltas) {
  std::vector<imap::FlagStore> stores;
  for (const FlagDelta& d : deltas) {
    imap::SequenceSet one;
    one.AddRange(d.uid, d.uid);
    if (!d.add.empty()) stores.push_back({one, imap::StoreMode::kAdd, d.add});
    if (!d.remove.empty()) stores.push_back({one, imap::StoreMode::kRemove, d.remove});
  }
  return client_->StoreFlags(stores);
}

Status ImapTarget::Expunge(const std::vector<uint32_t>& uids) {
  if (uids.empty()) return Status::Ok();
  const imap::SequenceSet set = SetOf(uids);
  MH_RETURN_IF_ERROR(client_->StoreFlags({{set, imap::StoreMode::kAdd, {"\\Deleted"}}}));
  return client_->UidExpunge(set);
}

Status ImapTarget::Hash(const std::vector<uint32_t>& uids, const HashCallback& on_hash) {
  if (uids.empty()) return Status::Ok();
  HashingHandler handler(on_hash);
  return client_->FetchMessages(SetOf(uids), handler);
}

void ImapTarget::Close() {
  if (!client_->broken()) (void)client_->Logout();
}

}  // namespace mailhoard::push
