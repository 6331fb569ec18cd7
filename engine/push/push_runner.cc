#include "engine/push/push_runner.h"

#include <algorithm>
#include <map>
#include <set>

#include "core/pacer.h"
#include "engine/push/file_literal.h"
#include "storage/maildir/sha256.h"

namespace mailhoard::push {
namespace {

bool Cancelled(const PushOptions& o) { return o.cancel && o.cancel->load(); }

bool Contains(const Status& s, std::string_view code) {
  return s.message().find(code) != std::string::npos;
}

// A tagged NO/BAD to one APPEND on a connection that still works: the
// target refuses this message (too large, a line too long, a limit), not
// the session.
bool RefusedMessage(const Status& s, const TargetStore& store) {
  return (s.code() == ErrorCode::kServerNo || s.code() == ErrorCode::kServerBad) &&
         s.scope() != ErrorScope::kAccount && !store.broken();
}

std::string FolderDir(const sync::Archive& archive, const std::string& local_path) {
  const std::string& root = archive.options().account_dir;
  return local_path.empty() ? root : root + "/" + local_path;
}

// One folder's work on one connection, start to end; called again after a
// reconnect, when it re-reads what the index and the target say.
class FolderPush {
 public:
  FolderPush(sync::Archive& archive, TargetStore& store, const PushOptions& o,
             const index::FolderRecord& folder, FolderMapping& mapping, PushFolderResult* result)
      : archive_(archive),
        index_(archive.index()),
        store_(store),
        o_(o),
        folder_(folder),
        mapping_(mapping),
        result_(result) {}

  Status Run() {
    MH_ASSIGN_OR_RETURN(sources_, index_.ListPushSource(folder_.id));
    if (mapping_.create && o_.dry_run) return PlanNewFolder();
    if (mapping_.create) {
      MH_RETURN_IF_ERROR(store_.Create(mapping_.target_name));
      mapping_.create = false;
      result_->created = true;
    }
    MH_ASSIGN_OR_RETURN(TargetFolderState state, store_.Open(mapping_.target_name, !o_.dry_run));
    MH_RETURN_IF_ERROR(LoadRecord());
    const bool same_validity = record_.uidvalidity == state.uidvalidity;
    const uint32_t checked = same_validity ? record_.checked_uid : 0;
    std::vector<TargetKey> keys;
    const bool unchecked = state.exists > 0 && (!state.uidnext || *state.uidnext > checked + 1);
    if (unchecked) MH_RETURN_IF_ERROR(store_.ListKeys(checked + 1, &keys));
    MH_ASSIGN_OR_RETURN(std::vector<index::PushedRecord> pushed, index_.ListPushed(record_.id));
    FolderPushPlan plan = PlanFolderPush(sources_, pushed, state.uidvalidity, keys, o_.plan);
    result_->refused_before = plan.refused_before;
    if (o_.dry_run) {
      result_->appended = plan.append.size();
      result_->bytes = plan.append_bytes;
      result_->matched = plan.matched.size();
      result_->flag_updates = plan.flags.size();
      result_->expunged = plan.expunge.size();
      return Status::Ok();
    }
    // Everything at or below the highest UID listed is now known.
    uint32_t new_checked = checked;
    if (unchecked) {
      new_checked = state.uidnext ? *state.uidnext - 1 : checked;
      for (const TargetKey& k : keys) new_checked = std::max(new_checked, k.uid);
    }
    std::vector<FlagDelta> deltas = plan.flags;
    MH_RETURN_IF_ERROR(RecordMatched(plan, state.uidvalidity, &deltas));
    std::set<uint32_t> appended_uids;
    MH_RETURN_IF_ERROR(AppendAll(plan, state.uidvalidity, &deltas, &appended_uids));
    MH_RETURN_IF_ERROR(ApplyFlags(deltas, plan.flags, &pushed));
    MH_RETURN_IF_ERROR(ApplyExpunges(plan));
    // Our own appends directly above the mark need no listing next time; a
    // message someone else delivered in between stops the advance.
    while (appended_uids.count(new_checked + 1)) ++new_checked;
    index::ScopedBatch batch(&index_);
    MH_RETURN_IF_ERROR(batch.Begin());
    MH_RETURN_IF_ERROR(index_.UpdatePushFolder(record_.id, state.uidvalidity, new_checked,
                                               archive_.options().now()));
    return batch.Commit();
  }

  Status Verify() {
    MH_ASSIGN_OR_RETURN(sources_, index_.ListPushSource(folder_.id));
    VerifyCounts& v = result_->verify;
    v = VerifyCounts{};
    v.ran = true;
    MH_RETURN_IF_ERROR(LoadRecord());
    MH_ASSIGN_OR_RETURN(std::vector<index::PushedRecord> pushed, index_.ListPushed(record_.id));
    MH_ASSIGN_OR_RETURN(TargetFolderState state, store_.Open(mapping_.target_name, false));
    std::map<int64_t, const index::PushedRecord*> by_message;
    for (const auto& r : pushed) by_message[r.message_id] = &r;
    std::map<uint32_t, const index::PushSourceMessage*> expected;  // target uid → source
    for (const auto& s : sources_) {
      if (s.expunged && !o_.plan.include_expunged) continue;
      ++v.expected;
      auto it = by_message.find(s.id);
      if (it == by_message.end() || !it->second->refused.empty() || !it->second->uid ||
          it->second->uidvalidity != state.uidvalidity) {
        ++v.unpushed;
        continue;
      }
      expected[it->second->uid] = &s;
    }
    std::vector<uint32_t> uids;
    for (const auto& [uid, s] : expected) uids.push_back(uid);
    std::set<uint32_t> seen;
    MH_RETURN_IF_ERROR(store_.Hash(uids, [&](uint32_t uid, const std::string& sha, uint64_t) {
      auto it = expected.find(uid);
      if (it == expected.end() || !seen.insert(uid).second) return Status::Ok();
      if (sha == ArchivedHash(*it->second)) {
        ++v.same;
      } else {
        ++v.differ;
      }
      return Status::Ok();
    }));
    v.missing = expected.size() - seen.size();
    return Status::Ok();
  }

 private:
  // Dry run into a folder that does not exist yet: everything would go.
  Status PlanNewFolder() {
    for (const auto& s : sources_) {
      if (s.expunged && !o_.plan.include_expunged) continue;
      ++result_->appended;
      result_->bytes += s.size;
    }
    return Status::Ok();
  }

  Status LoadRecord() {
    if (loaded_) return Status::Ok();
    if (o_.dry_run) {
      MH_ASSIGN_OR_RETURN(auto all, index_.ListPushFolders(o_.target));
      for (const auto& r : all) {
        if (r.folder_id == folder_.id) record_ = r;
      }
    } else {
      MH_ASSIGN_OR_RETURN(record_,
                          index_.UpsertPushFolder(o_.target, folder_.id, mapping_.target_name));
    }
    loaded_ = true;
    return Status::Ok();
  }

  std::string ArchivedHash(const index::PushSourceMessage& s) {
    if (!s.sha256.empty() && !s.lf) return s.sha256;
    // Stored with LF: the target holds the CRLF form, hash that.
    auto literal = FileLiteral::Open(Path(s), s.lf);
    if (!literal.ok()) return "";
    maildir::Sha256 sha;
    Status st = (*literal)->WriteTo([&](const char* d, size_t n) {
      sha.Update(d, n);
      return Status::Ok();
    });
    if (!st.ok()) return "";
    auto digest = sha.Finish();
    return std::string(reinterpret_cast<const char*>(digest.data()), digest.size());
  }

  std::string Path(const index::PushSourceMessage& s) const {
    return FolderDir(archive_, folder_.local_path) + "/" + s.file_name;
  }

  index::PushedRecord Pushed(const index::PushSourceMessage& s, uint32_t uidvalidity,
                             uint32_t uid) const {
    index::PushedRecord r;
    r.message_id = s.id;
    r.uidvalidity = uidvalidity;
    r.uid = uid;
    r.flags = s.flags;
    r.keywords = s.keywords;
    r.pushed_at = archive_.options().now();
    return r;
  }

  Status RecordMatched(const FolderPushPlan& plan, uint32_t uidvalidity,
                       std::vector<FlagDelta>* deltas) {
    if (plan.matched.empty() && plan.forget.empty()) return Status::Ok();
    index::ScopedBatch batch(&index_);
    MH_RETURN_IF_ERROR(batch.Begin());
    for (int64_t id : plan.forget) MH_RETURN_IF_ERROR(index_.ForgetPushed(record_.id, id));
    for (const auto& [i, uid] : plan.matched) {
      const auto& s = sources_[i];
      MH_RETURN_IF_ERROR(index_.RecordPushed(record_.id, Pushed(s, uidvalidity, uid)));
      // Found, not appended by us (or appended before a crash): make sure it
      // carries at least the archived flags.
      auto flags = sync::FlagsFromIndex(s.flags, s.keywords).flags();
      if (!flags.empty()) deltas->push_back({uid, s.id, flags, {}});
    }
    result_->matched += plan.matched.size();
    return batch.Commit();
  }

  // APPENDs go out `append_window` at a time in one flight. Every one that
  // landed is recorded before a failure of the flight is acted on.
  Status AppendAll(const FolderPushPlan& plan, uint32_t uidvalidity, std::vector<FlagDelta>* deltas,
                   std::set<uint32_t>* appended_uids) {
    index::ScopedBatch batch(&index_);
    MH_RETURN_IF_ERROR(batch.Begin());
    size_t in_batch = 0;
    bool created = false;
    for (size_t pos = 0; pos < plan.append.size() && !Cancelled(o_);) {
      std::vector<size_t> flight;
      std::vector<AppendItem> items;
      while (pos < plan.append.size() && items.size() < std::max<size_t>(1, o_.append_window)) {
        const size_t i = plan.append[pos++];
        const auto& s = sources_[i];
        auto literal = FileLiteral::Open(Path(s), s.lf);
        if (!literal.ok()) {
          // A file missing or unreadable in the archive: `verify` is the
          // tool for it; the other messages go on.
          result_->refused.push_back({s.subject, s.size, literal.status().message()});
          continue;
        }
        flight.push_back(i);
        items.push_back({sync::FlagsFromIndex(s.flags, s.keywords).flags(), s.internal_date,
                         std::move(literal).value()});
      }
      if (items.empty()) continue;
      std::vector<Result<Appended>> results = store_.AppendBatch(items);
      Status stop;
      for (size_t k = 0; k < flight.size(); ++k) {
        const auto& s = sources_[flight[k]];
        Result<Appended>& appended = results[k];
        if (!appended.ok() && Contains(appended.status(), "[TRYCREATE]") && stop.ok()) {
          if (!created) {
            MH_RETURN_IF_ERROR(store_.Create(mapping_.target_name));
            MH_RETURN_IF_ERROR(store_.Open(mapping_.target_name, true).status());
            created = true;
          }
          appended = store_.Append(items[k]);
        }
        if (!appended.ok()) {
          const Status& e = appended.status();
          if (RefusedMessage(e, store_) && !Contains(e, "[OVERQUOTA]")) {
            index::PushedRecord r = Pushed(s, uidvalidity, 0);
            r.refused = e.message();
            MH_RETURN_IF_ERROR(index_.RecordPushed(record_.id, r));
            result_->refused.push_back({s.subject, s.size, e.message()});
          } else if (stop.ok()) {
            stop = e;
          }
          continue;
        }
        const uint32_t uid = appended->uid;
        const uint32_t validity = appended->uidvalidity ? appended->uidvalidity : uidvalidity;
        MH_RETURN_IF_ERROR(index_.RecordPushed(record_.id, Pushed(s, validity, uid)));
        if (uid && validity == uidvalidity) appended_uids->insert(uid);
        const auto& flags = items[k].flags;
        if (o_.flag_after_append && uid &&
            std::find(flags.begin(), flags.end(), "\\Flagged") != flags.end()) {
          deltas->push_back({uid, s.id, {"\\Flagged"}, {}});
        }
        ++result_->appended;
        result_->bytes += s.size;
        ++in_batch;
      }
      ReportProgress(plan);
      if (!stop.ok()) {
        MH_RETURN_IF_ERROR(batch.Commit());
        if (!Contains(stop, "[OVERQUOTA]")) return stop;  // reconnect and go on
        result_->target_full = true;
        // Final here (waiting will not free space), transient for the
        // caller once the push has stopped.
        return Status::Error(stop.code(),
                             "the target mailbox is full (" + stop.message() +
                                 "); free space there or raise its quota, then push again",
                             ErrorScope::kAccount, RetryClass::kFinal);
      }
      if (in_batch >= o_.batch_messages) {
        MH_RETURN_IF_ERROR(batch.Commit());
        MH_RETURN_IF_ERROR(batch.Begin());
        in_batch = 0;
      }
    }
    MH_RETURN_IF_ERROR(batch.Commit());
    if (Cancelled(o_)) return Status::Error(ErrorCode::kCancelled, "stopped by a signal");
    return Status::Ok();
  }

  void ReportProgress(const FolderPushPlan& plan) const {
    if (!o_.on_progress) return;
    sync::ProgressEvent e;
    e.folder = mapping_.source_name;
    e.messages_done = result_->appended;
    e.messages_total = plan.append.size();
    e.bytes_done = result_->bytes;
    o_.on_progress(e);
  }

  // `changed`: the archive's flags moved since they were pushed; their rows
  // (`pushed`, as read before planning) get the archive's flags once the
  // target has them.
  Status ApplyFlags(const std::vector<FlagDelta>& deltas, const std::vector<FlagDelta>& changed,
                    std::vector<index::PushedRecord>* pushed) {
    if (deltas.empty()) return Status::Ok();
    MH_RETURN_IF_ERROR(store_.ChangeFlags(deltas));
    if (changed.empty()) return Status::Ok();
    std::map<int64_t, const index::PushSourceMessage*> sources;
    for (const auto& s : sources_) sources[s.id] = &s;
    std::map<int64_t, index::PushedRecord*> rows;
    for (auto& r : *pushed) rows[r.message_id] = &r;
    index::ScopedBatch batch(&index_);
    MH_RETURN_IF_ERROR(batch.Begin());
    for (const FlagDelta& d : changed) {
      index::PushedRecord* row = rows.at(d.message_id);  // the plan made `d` from this row
      row->flags = sources.at(d.message_id)->flags;
      row->keywords = sources.at(d.message_id)->keywords;
      MH_RETURN_IF_ERROR(index_.RecordPushed(record_.id, *row));
    }
    result_->flag_updates += changed.size();
    return batch.Commit();
  }

  Status ApplyExpunges(const FolderPushPlan& plan) {
    if (plan.expunge.empty()) return Status::Ok();
    std::vector<uint32_t> uids;
    for (const auto& [id, uid] : plan.expunge) uids.push_back(uid);
    MH_RETURN_IF_ERROR(store_.Expunge(uids));
    index::ScopedBatch batch(&index_);
    MH_RETURN_IF_ERROR(batch.Begin());
    for (const auto& [id, uid] : plan.expunge)
      MH_RETURN_IF_ERROR(index_.ForgetPushed(record_.id, id));
    result_->expunged += plan.expunge.size();
    return batch.Commit();
  }

  sync::Archive& archive_;
  index::Index& index_;
  TargetStore& store_;
  const PushOptions& o_;
  const index::FolderRecord& folder_;
  FolderMapping& mapping_;
  PushFolderResult* result_;
  std::vector<index::PushSourceMessage> sources_;
  index::PushFolderRecord record_;
  bool loaded_ = false;
};

// The connection, reopened whenever it broke, behind the account's pacer.
class TargetSession {
 public:
  TargetSession(const PushOptions& o, Pacer& pacer) : o_(o), pacer_(pacer) {}
  ~TargetSession() {
    if (store_) store_->Close();
  }

  Result<TargetStore*> Get() {
    if (store_ && !store_->broken()) return store_.get();
    store_.reset();
    MH_RETURN_IF_ERROR(pacer_.gate().Wait());
    MH_ASSIGN_OR_RETURN(store_, o_.connect());
    return store_.get();
  }
  void Drop() { store_.reset(); }

 private:
  const PushOptions& o_;
  Pacer& pacer_;
  std::unique_ptr<TargetStore> store_;
};

// Runs `step` until it succeeds, fails for good, or the attempts run out;
// `progress` tells whether an attempt got something done (then it does not
// count against the attempts).
Status WithRetries(const PushOptions& o, Pacer& pacer, TargetSession& conn, int* attempts,
                   const std::function<Status(TargetStore&)>& step,
                   const std::function<uint64_t()>& progress) {
  int attempt = 0, throttles = 0;
  for (;;) {
    if (Cancelled(o)) return Status::Error(ErrorCode::kCancelled, "stopped by a signal");
    ++*attempts;
    const uint64_t before = progress ? progress() : 0;
    auto store = conn.Get();
    Status s = store.ok() ? step(**store) : store.status();
    if (s.ok() || s.code() == ErrorCode::kCancelled) return s;
    if (!s.transient() || s.retry() == RetryClass::kAuth) return s;
    if (store.ok() && (*store)->broken()) conn.Drop();
    if (progress && progress() > before) attempt = 0;
    if (!pacer.Backoff(s, &attempt, &throttles)) return s;
  }
}

}  // namespace

uint64_t PushResult::appended() const {
  uint64_t n = 0;
  for (const auto& f : folders) n += f.appended;
  return n;
}

uint64_t PushResult::bytes() const {
  uint64_t n = 0;
  for (const auto& f : folders) n += f.bytes;
  return n;
}

uint64_t PushResult::refused() const {
  uint64_t n = 0;
  for (const auto& f : folders) n += f.refused.size() + f.refused_before;
  return n;
}

uint64_t PushResult::failed_folders() const {
  return std::count_if(folders.begin(), folders.end(),
                       [](const PushFolderResult& f) { return !f.status.ok(); });
}

bool PushResult::verify_ok() const {
  return std::all_of(folders.begin(), folders.end(),
                     [](const PushFolderResult& f) { return !f.verify.ran || f.verify.ok(); });
}

PushResult PushArchive(sync::Archive& archive, const PushOptions& o) {
  PushResult result;
  Pacer pacer(o.retry, o.clock, o.cancel, sync::ReportPauses(o.on_progress));
  TargetSession conn(o, pacer);
  int setup_attempts = 0;
  TargetListing listing;
  result.status = WithRetries(
      o, pacer, conn, &setup_attempts,
      [&](TargetStore& store) -> Status {
        MH_ASSIGN_OR_RETURN(listing, store.List());
        return Status::Ok();
      },
      nullptr);
  if (!result.status.ok()) return result;

  auto folders = archive.index().ListFolders();
  if (!folders.ok()) {
    result.status = folders.status();
    return result;
  }
  std::vector<SourceFolder> sources;
  std::vector<const index::FolderRecord*> records;
  for (const index::FolderRecord& f : *folders) {
    std::optional<char> delim;
    if (!f.delimiter.empty()) delim = f.delimiter[0];
    if (!o.filter.Matches(f.display_name, delim)) continue;
    sources.push_back({f.id, f.display_name, f.delimiter, f.special_use});
    records.push_back(&f);
  }
  std::vector<FolderMapping> mappings =
      MapFolders(sources, listing.mailboxes, listing.delimiter, o.mapping);

  for (size_t i = 0; i < mappings.size(); ++i) {
    PushFolderResult folder_result;
    folder_result.source = mappings[i].source_name;
    folder_result.target = mappings[i].target_name;
    folder_result.note = mappings[i].note;
    folder_result.skipped = mappings[i].skip;
    if (!mappings[i].skip.empty()) {
      result.folders.push_back(std::move(folder_result));
      continue;
    }
    PushFolderResult* r = &folder_result;
    auto progress = [r] { return r->appended + r->matched + r->refused.size(); };
    r->status = WithRetries(
        o, pacer, conn, &r->attempts,
        [&](TargetStore& store) {
          return FolderPush(archive, store, o, *records[i], mappings[i], r).Run();
        },
        progress);
    if (r->status.ok() && o.verify && !o.dry_run) {
      r->status = WithRetries(
          o, pacer, conn, &r->attempts,
          [&](TargetStore& store) {
            return FolderPush(archive, store, o, *records[i], mappings[i], r).Verify();
          },
          nullptr);
    }
    const bool stop =
        r->status.code() == ErrorCode::kCancelled || r->status.retry() == RetryClass::kAuth ||
        (r->status.scope() == ErrorScope::kAccount && !r->status.ok() && !r->status.transient());
    result.folders.push_back(std::move(folder_result));
    if (stop) {
      const PushFolderResult& last = result.folders.back();
      result.status = last.target_full ? Status::Error(last.status.code(), last.status.message(),
                                                       ErrorScope::kAccount, RetryClass::kTransient)
                                       : last.status;
      break;
    }
  }
  return result;
}

}  // namespace mailhoard::push
