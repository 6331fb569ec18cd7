#include "engine/sync/imap_folder_sync.h"

#include <algorithm>
#include <optional>
#include <set>

#include "storage/mime/header_block.h"

namespace mailhoard::sync {
namespace {

using imap::SequenceSet;

// Streams one body into an IncomingMessage (tmp/ file + scanner).
class ArchiveBodySink : public imap::BodySink {
 public:
  explicit ArchiveBodySink(std::unique_ptr<IncomingMessage> message)
      : message_(std::move(message)) {}
  Status Write(const char* data, size_t len) override { return message_->Write(data, len); }
  Status Finish() override { return Status::Ok(); }
  IncomingMessage& message() { return *message_; }

 private:
  std::unique_ptr<IncomingMessage> message_;
};

class ArchiveHandler : public imap::MessageHandler {
 public:
  ArchiveHandler(Archive& archive, ArchiveFolder* folder, uint32_t uidvalidity,
                 const ImapSyncOptions& options, FolderResult* result, uint64_t expected)
      : archive_(archive),
        folder_(folder),
        uidvalidity_(uidvalidity),
        options_(options),
        result_(result),
        expected_(expected) {}

  Result<std::unique_ptr<imap::BodySink>> OpenBody(const imap::BodyLiteralInfo&) override {
    if (options_.cancel && options_.cancel->load()) {
      return Status::Error(ErrorCode::kCancelled, "stopped by a signal");
    }
    MH_ASSIGN_OR_RETURN(auto message, archive_.NewMessage(folder_));
    return std::unique_ptr<imap::BodySink>(new ArchiveBodySink(std::move(message)));
  }

  Status OnMessage(const imap::FetchResponse& fetch,
                   std::unique_ptr<imap::BodySink> sink) override {
    if (!fetch.uid) return Status::Ok();
    max_uid_ = std::max(max_uid_, *fetch.uid);
    if (!sink) {
      // Exchange answers a message it cannot retrieve with an empty FETCH or
      // a NIL body: nothing to archive, but remembered and asked for again.
      return Unfetchable(*fetch.uid, "the server sent no body for it");
    }
    auto* body = static_cast<ArchiveBodySink*>(sink.get());
    if (body->message().size() < kPlaceholderMaxBytes &&
        IsExchangePlaceholder(body->message().Subject())) {
      // Dropping the sink discards the tmp/ file: the placeholder is not
      // the message and must never be archived as if it were.
      return Unfetchable(*fetch.uid, "Exchange could not retrieve it over IMAP (placeholder)");
    }
    IncomingMeta meta;
    meta.uidvalidity = uidvalidity_;
    meta.uid = *fetch.uid;
    if (fetch.flags) meta.flags = FlagSet(*fetch.flags);
    if (fetch.internal_date) meta.internal_date = fetch.internal_date->utc;
    meta.modseq = fetch.modseq.value_or(0);
    meta.gm_msgid = fetch.gm_msgid;
    uint64_t size = body->message().size();
    MH_RETURN_IF_ERROR(body->message().Commit(meta).status());
    delivered_.insert(*fetch.uid);
    ++result_->fetched;
    result_->bytes += size;
    if (options_.on_progress) {
      options_.on_progress({result_->name, result_->fetched, expected_, result_->bytes, false});
    }
    return Status::Ok();
  }

  uint32_t max_uid() const { return max_uid_; }
  // Stored or recorded as unfetchable during this run.
  bool Delivered(uint32_t uid) const { return delivered_.count(uid) > 0; }

  Status Unfetchable(uint32_t uid, const std::string& reason) {
    delivered_.insert(uid);
    ++result_->unfetchable;
    max_uid_ = std::max(max_uid_, uid);
    return archive_.RecordUnfetchable(folder_, uidvalidity_, uid, reason).status();
  }

 private:
  // Exchange's stand-in for a message it cannot convert: a short message
  // whose subject says so, delivered instead of the real one.
  static constexpr uint64_t kPlaceholderMaxBytes = 64 * 1024;
  static bool IsExchangePlaceholder(const std::string& subject) {
    return subject.rfind("Retrieval using the IMAP4 protocol failed", 0) == 0;
  }

  Archive& archive_;
  ArchiveFolder* folder_;
  uint32_t uidvalidity_;
  const ImapSyncOptions& options_;
  FolderResult* result_;
  uint64_t expected_;
  uint32_t max_uid_ = 0;
  std::set<uint32_t> delivered_;
};

// One message alone. A refusal (NO/BAD) records that message as
// unfetchable; a connection problem is the caller's.
Status FetchOne(imap::ImapClient& client, uint32_t uid, ArchiveHandler& handler) {
  SequenceSet one;
  one.AddRange(uid, uid);
  Status single = client.FetchMessages(one, handler);
  if (single.ok()) return single;
  if (client.broken() || single.transient()) return single;
  return handler.Unfetchable(uid, single.message());
}

// Fetches `uids`; when the server refuses the command (Microsoft 365's
// "BAD Command Argument Error. 11" for one broken message fails a whole
// range), falls back to one message at a time so that only the broken ones
// are recorded as unfetchable and the folder still completes.
//
// With `listed`, "UID SEARCH UID list_from:*" rides in the same flight and,
// when the whole flight succeeds, *listed gets its answer.
Status FetchResilient(imap::ImapClient& client, const SequenceSet& uids, ArchiveHandler& handler,
                      std::optional<std::vector<uint32_t>>* listed = nullptr,
                      uint32_t list_from = 0) {
  Status s;
  if (listed) {
    std::vector<uint32_t> got;
    s = client.FetchMessagesListing(uids, list_from, handler, &got);
    if (s.ok()) *listed = std::move(got);
  } else {
    s = client.FetchMessages(uids, handler);
  }
  bool refused = s.code() == ErrorCode::kServerBad || s.code() == ErrorCode::kServerNo;
  if (s.ok() || !refused || client.broken()) return s;
  std::vector<uint32_t> candidates;
  if (uids.ranges().size() == 1 && uids.ranges()[0].last == SequenceSet::kStar) {
    MH_ASSIGN_OR_RETURN(candidates, client.SearchUidsFrom(uids.ranges()[0].first));
  } else {
    MH_ASSIGN_OR_RETURN(candidates, uids.Expand(10'000'000));
  }
  for (uint32_t uid : candidates) {
    if (handler.Delivered(uid)) continue;
    MH_RETURN_IF_ERROR(FetchOne(client, uid, handler));
  }
  return Status::Ok();
}

// Exchange may answer a FETCH with OK and leave some of its messages out.
// Each of `expected` that did not arrive is asked for alone; one that
// still does not is recorded with a reason, so that it is reported, asked
// for on every later run, and never passed over by the folder's
// high-water mark.
Status FetchStragglers(imap::ImapClient& client, const std::vector<uint32_t>& expected,
                       ArchiveHandler& handler) {
  for (uint32_t uid : expected) {
    if (handler.Delivered(uid)) continue;
    MH_RETURN_IF_ERROR(FetchOne(client, uid, handler));
    if (!handler.Delivered(uid)) {
      MH_RETURN_IF_ERROR(handler.Unfetchable(uid, "no FETCH response"));
    }
  }
  return Status::Ok();
}

uint32_t MaxUid(const std::vector<LocalMessage>& local) {
  return local.empty() ? 0 : local.back().uid;
}

// UIDVALIDITY changed: identify what we already have by Message-ID, size
// and INTERNALDATE (headers only), and return the UIDs still to download.
Result<std::vector<uint32_t>> Remap(imap::ImapClient& client, Archive& archive,
                                    ArchiveFolder* folder, uint32_t uidvalidity,
                                    FolderResult* result) {
  std::vector<RemapCandidate> remote;
  SequenceSet all;
  all.AddRange(1, SequenceSet::kStar);
  MH_RETURN_IF_ERROR(
      client.FetchHeaderKeys(all, [&](uint32_t uid, std::string_view message_id, uint64_t size,
                                      const imap::InternalDate& date) {
        // The index keeps Message-IDs as storage/mime normalises them.
        std::string id = mime::NormalizeMessageId(message_id).value_or("");
        remote.push_back({0, uid, {std::move(id), size, date.utc}});
        return Status::Ok();
      }));
  MH_ASSIGN_OR_RETURN(std::vector<RemapCandidate> local,
                      archive.RemapCandidates(folder, uidvalidity, remote));
  RemapPlan plan = PlanRemap(std::move(local), std::move(remote));
  for (const auto& m : plan.matched) {
    MH_RETURN_IF_ERROR(archive.Remap(m.local_id, uidvalidity, m.new_uid));
  }
  result->remapped = plan.matched.size();
  return plan.fetch;
}

// Flag changes and expunges for messages we already hold. A listing of
// every UID also names those the server has and the index does not
// (passed over by an earlier run): they go to *unarchived.
Status SyncChanges(imap::ImapClient& client, Archive& archive, ArchiveFolder* folder,
                   const imap::SelectedMailbox& box, bool used_qresync,
                   const ImapSyncOptions& options, FolderResult* result,
                   std::vector<uint32_t>* unarchived) {
  MH_ASSIGN_OR_RETURN(std::vector<LocalMessage> local,
                      archive.LocalMessages(folder, box.uidvalidity));
  if (local.empty()) return Status::Ok();
  uint32_t last = MaxUid(local);
  SequenceSet known;
  known.AddRange(1, last);
  ChangePlan plan;
  uint64_t stored_modseq = folder->record.highestmodseq;
  if (used_qresync) {
    std::vector<RemoteMessage> changed;
    for (const auto& c : box.changed) changed.push_back({c.uid, FlagSet(c.flags)});
    MH_ASSIGN_OR_RETURN(std::vector<uint32_t> vanished, box.vanished.Expand(10'000'000));
    plan = PlanFromChanges(local, changed, vanished);
  } else if (client.condstore() && stored_modseq > 0 && box.highestmodseq) {
    std::vector<RemoteMessage> changed;
    MH_RETURN_IF_ERROR(client.FetchFlags(
        known, stored_modseq, false,
        [&](uint32_t uid, const std::vector<std::string>& flags, std::optional<uint64_t>) {
          changed.push_back({uid, FlagSet(flags)});
          return Status::Ok();
        }));
    std::sort(changed.begin(), changed.end(),
              [](const RemoteMessage& a, const RemoteMessage& b) { return a.uid < b.uid; });
    plan = PlanFromChanges(local, changed, {});
    // CONDSTORE without QRESYNC reports no expunges: compare UIDs, but only
    // when the count says something went.
    size_t alive = std::count_if(local.begin(), local.end(),
                                 [](const LocalMessage& m) { return !m.expunged; });
    uint32_t newer = box.uidnext.value_or(last + 1) - last - 1;  // upper bound of new mail
    if (box.exists != alive + newer) {
      MH_ASSIGN_OR_RETURN(std::vector<uint32_t> uids, client.SearchAllUids());
      std::vector<RemoteMessage> listing;
      for (uint32_t uid : uids) listing.push_back({uid, FlagSet()});
      ChangePlan gone = PlanFromFullListing(local, listing);
      plan.expunged = gone.expunged;
      uids.erase(std::upper_bound(uids.begin(), uids.end(), last), uids.end());
      *unarchived = Unarchived(local, uids);
    }
  } else {
    // No CONDSTORE (Microsoft 365): one FLAGS listing of what we hold tells
    // both flag changes and expunges.
    std::vector<RemoteMessage> listing;
    listing.reserve(local.size());
    MH_RETURN_IF_ERROR(client.FetchFlags(
        known, std::nullopt, false,
        [&](uint32_t uid, const std::vector<std::string>& flags, std::optional<uint64_t>) {
          listing.push_back({uid, FlagSet(flags)});
          return Status::Ok();
        }));
    std::sort(listing.begin(), listing.end(),
              [](const RemoteMessage& a, const RemoteMessage& b) { return a.uid < b.uid; });
    plan = PlanFromFullListing(local, listing);
    std::vector<uint32_t> listed;
    listed.reserve(listing.size());
    for (const RemoteMessage& m : listing) listed.push_back(m.uid);
    *unarchived = Unarchived(local, listed);
  }
  if (options.dry_run) {
    result->flag_updates = plan.flag_updates.size();
    result->expunged = plan.expunged.size();
    return Status::Ok();
  }
  for (const auto& update : plan.flag_updates) {
    MH_RETURN_IF_ERROR(archive.ApplyFlags(folder, update));
  }
  result->flag_updates = plan.flag_updates.size();
  MH_RETURN_IF_ERROR(archive.ApplyExpunges(folder, box.uidvalidity, plan.expunged, options.policy));
  result->expunged = plan.expunged.size();
  return Status::Ok();
}

// What a real run would fetch, counted exactly with RFC822.SIZE, and the
// flag changes and expunges it would apply, all without writing: the folder
// is read through a record that is not registered with the Archive (a new
// folder gets no directory and no row).
Status DryRunFolder(imap::ImapClient& client, Archive& archive, const FolderTask& task,
                    const std::optional<index::FolderRecord>& known,
                    const imap::SelectedMailbox& box, bool validity_changed, bool used_qresync,
                    const ImapSyncOptions& options, FolderResult* result) {
  SequenceSet wanted;
  if (known && known->last_sync_at && !validity_changed) {
    ArchiveFolder folder;
    folder.id = known->id;
    folder.local_path = known->local_path;
    folder.remote = task.folder;
    folder.record = *known;
    std::vector<uint32_t> again;
    MH_RETURN_IF_ERROR(
        SyncChanges(client, archive, &folder, box, used_qresync, options, result, &again));
    MH_ASSIGN_OR_RETURN(std::vector<LocalMessage> local,
                        archive.LocalMessages(&folder, box.uidvalidity));
    for (const LocalMessage& m : local) {
      if (m.unfetchable && !m.expunged) again.push_back(m.uid);
    }
    const uint32_t last_seen = std::max(MaxUid(local), known->last_uid_seen);
    std::sort(again.begin(), again.end());
    wanted = SequenceSet::FromSorted(again);
    wanted.AddRange(last_seen + 1, SequenceSet::kStar);
  } else {
    // New, or every UID changed meaning: the real run fetches what it cannot
    // re-identify, so this is the most it would fetch.
    if (validity_changed) result->action = FolderAction::kUidValidityChanged;
    wanted.AddRange(1, SequenceSet::kStar);
  }
  if (box.exists == 0) return Status::Ok();  // nothing to fetch, and n:* would need a message
  return client.FetchHeaderKeys(
      wanted, [&](uint32_t, std::string_view, uint64_t size, const imap::InternalDate&) {
        ++result->fetched;
        result->bytes += size;
        return Status::Ok();
      });
}

}  // namespace

Status SyncImapFolder(imap::ImapClient& client, Archive& archive, const FolderTask& task,
                      const ImapSyncOptions& options, FolderResult* result) {
  MH_ASSIGN_OR_RETURN(std::optional<index::FolderRecord> known,
                      archive.FindFolder(task.folder.remote_name));
  bool synced_before = known && known->last_sync_at.has_value();
  std::optional<imap::QresyncParams> qresync;
  if (client.qresync() && synced_before && known->highestmodseq > 0) {
    qresync = imap::QresyncParams{known->uidvalidity, known->highestmodseq, std::nullopt};
  }
  MH_ASSIGN_OR_RETURN(imap::SelectedMailbox box, client.Examine(task.folder.remote_name, qresync));
  bool validity_changed = synced_before && known->uidvalidity != box.uidvalidity;
  bool used_qresync = qresync && !validity_changed;
  if (options.dry_run) {
    return DryRunFolder(client, archive, task, known, box, validity_changed, used_qresync, options,
                        result);
  }

  MH_ASSIGN_OR_RETURN(ArchiveFolder * folder, archive.OpenFolder(task.folder, box.uidvalidity));
  result->adopted = folder->adopted;

  std::vector<uint32_t> refetch;
  std::vector<uint32_t> unarchived;
  if (validity_changed) {
    result->action = FolderAction::kUidValidityChanged;
    MH_ASSIGN_OR_RETURN(refetch, Remap(client, archive, folder, box.uidvalidity, result));
    used_qresync = false;
  }
  if (synced_before || folder->adopted > 0 || validity_changed) {
    // The stored modseq belongs to the old UIDVALIDITY after a change.
    if (validity_changed) folder->record.highestmodseq = 0;
    MH_RETURN_IF_ERROR(
        SyncChanges(client, archive, folder, box, used_qresync, options, result, &unarchived));
  }

  MH_ASSIGN_OR_RETURN(std::vector<LocalMessage> local,
                      archive.LocalMessages(folder, box.uidvalidity));
  // The high-water mark moves only when a folder completes, after every
  // UID the server listed below it is stored or recorded as unfetchable.
  // What a crashed or interrupted run stored above it is kept, but the
  // gaps between are checked again.
  const uint32_t high_water = validity_changed ? 0 : folder->record.last_uid_seen;
  // Where the range fetch of new mail starts.
  const uint32_t last_seen = std::max(MaxUid(local), high_water);
  uint64_t expected =
      box.uidnext && *box.uidnext > last_seen + 1 ? *box.uidnext - last_seen - 1 : 0;

  ArchiveHandler handler(archive, folder, box.uidvalidity, options, result, expected);
  // Below the resume point: messages with no twin after a re-map, those
  // the server would not deliver last time, and those it lists that the
  // index lacks.
  std::vector<uint32_t> again = std::move(unarchived);
  for (uint32_t uid : refetch) {
    if (uid <= last_seen) again.push_back(uid);
  }
  for (const LocalMessage& m : local) {
    if (m.unfetchable && !m.expunged) again.push_back(m.uid);
  }
  std::sort(again.begin(), again.end());
  again.erase(std::unique(again.begin(), again.end()), again.end());
  if (!again.empty()) {
    MH_RETURN_IF_ERROR(FetchResilient(client, SequenceSet::FromSorted(again), handler));
  }
  // What the server holds above the high-water mark, to be checked against
  // what arrived: a FETCH answered OK proves nothing about the messages it
  // left out. The listing rides with the FETCH of new mail.
  std::optional<std::vector<uint32_t>> listed;
  bool maybe_new = !box.uidnext || *box.uidnext > last_seen + 1;
  if (maybe_new && box.exists > 0) {
    SequenceSet fresh;
    fresh.AddRange(last_seen + 1, SequenceSet::kStar);
    MH_RETURN_IF_ERROR(FetchResilient(client, fresh, handler, &listed, high_water + 1));
  }
  std::vector<uint32_t> expected_uids = again;
  if (box.exists > 0 && (maybe_new || last_seen > high_water)) {
    if (!listed) {
      MH_ASSIGN_OR_RETURN(listed, client.SearchUidsFrom(high_water + 1));
    }
    std::vector<uint32_t> lacking = Unarchived(local, *listed);
    expected_uids.insert(expected_uids.end(), lacking.begin(), lacking.end());
    std::sort(expected_uids.begin(), expected_uids.end());
    expected_uids.erase(std::unique(expected_uids.begin(), expected_uids.end()),
                        expected_uids.end());
  }
  MH_RETURN_IF_ERROR(FetchStragglers(client, expected_uids, handler));

  index::FolderSyncState state;
  state.uidvalidity = box.uidvalidity;
  state.uidnext = box.uidnext.value_or(std::max(last_seen, handler.max_uid()) + 1);
  state.highestmodseq = box.nomodseq ? 0 : box.highestmodseq.value_or(0);
  state.messages = box.exists;
  state.last_uid_seen = std::max(last_seen, handler.max_uid());
  MH_RETURN_IF_ERROR(archive.FinishFolder(folder, state));
  folder->record.last_uid_seen = state.last_uid_seen;
  folder->record.highestmodseq = state.highestmodseq;
  folder->record.uidvalidity = state.uidvalidity;
  folder->record.last_sync_at = 1;
  if (options.on_progress) {
    options.on_progress({result->name, result->fetched, expected, result->bytes, true});
  }
  return Status::Ok();
}

}  // namespace mailhoard::sync
