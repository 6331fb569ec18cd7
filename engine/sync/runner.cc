#include "engine/sync/runner.h"

#include <algorithm>
#include <deque>
#include <mutex>
#include <set>
#include <thread>
#include <tuple>

#include "core/pacer.h"

namespace mailhoard::sync {
namespace {

bool Cancelled(const RunOptions& o) { return o.cancel && o.cancel->load(); }

Status CancelledStatus() { return Status::Error(ErrorCode::kCancelled, "stopped by a signal"); }

// After sign-in, an authentication failure means the session's token
// expired (Exchange: "BYE Session invalidated - AccessTokenExpired", or
// "NO [AUTHENTICATIONFAILED]" to the next command), not bad credentials.
bool SessionExpired(const Status& s) { return s.code() == ErrorCode::kAuth; }

LocalFolderState LocalState(Archive& archive, const std::string& remote_name,
                            const std::set<int64_t>& with_unfetchable) {
  LocalFolderState state;
  auto found = archive.FindFolder(remote_name);
  if (!found.ok() || !found->has_value() || !(*found)->last_sync_at) return state;
  const index::FolderRecord& f = **found;
  state.known = true;
  state.has_unfetchable = with_unfetchable.count(f.id) > 0;
  state.uidvalidity = f.uidvalidity;
  state.uidnext = f.uidnext;
  state.messages = f.messages;
  state.highestmodseq = f.highestmodseq;
  state.last_uid_seen = f.last_uid_seen;
  return state;
}

// The folders to open, in the order to open them, with what each is
// expected to cost.
struct Plan {
  std::vector<FolderTask> tasks;  // largest first
  std::vector<uint64_t> fetches;  // expected, per task
  std::vector<std::string> seen;  // every selectable folder listed
};

Plan PlanFolders(Archive& archive, const std::vector<SourceFolder>& listing, const RunOptions& o,
                 SyncResult* result) {
  std::set<int64_t> with_unfetchable;
  {
    auto ids = archive.FoldersWithUnfetchable();
    if (ids.ok()) with_unfetchable.insert(ids->begin(), ids->end());
  }
  Plan plan;
  std::vector<FolderTask> tasks;
  std::vector<uint64_t> fetches;
  std::vector<uint32_t> sizes;
  for (const SourceFolder& f : listing) {
    if (!f.selectable) continue;
    plan.seen.push_back(f.info.remote_name);
    if (!o.filter.Matches(f.info.display_name, f.info.delimiter)) continue;
    if (!o.only_folders.empty() &&
        std::none_of(o.only_folders.begin(), o.only_folders.end(), [&](const std::string& p) {
          return GlobMatch(p, f.info.display_name, f.info.delimiter);
        })) {
      continue;
    }
    ++result->folders_listed;
    const LocalFolderState local = LocalState(archive, f.info.remote_name, with_unfetchable);
    FolderAction action = local.known ? FolderAction::kIncremental : FolderAction::kFull;
    uint64_t expected = 0;
    if (f.state && f.state->uidvalidity) {
      action = DecideFolder(*f.state, local, o.decisions);
      expected = ExpectedFetches(action, *f.state, local);
    }
    if (action == FolderAction::kSkip) {
      ++result->folders_skipped;
      continue;
    }
    tasks.push_back({f.info, action});
    fetches.push_back(expected);
    sizes.push_back(f.state ? f.state->messages : 0);
  }
  // Largest first, so the long pole starts early.
  std::vector<size_t> order(tasks.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return std::tie(fetches[a], sizes[a]) > std::tie(fetches[b], sizes[b]);
  });
  for (size_t i : order) {
    plan.tasks.push_back(std::move(tasks[i]));
    plan.fetches.push_back(fetches[i]);
  }
  return plan;
}

// What the sessions of one run share.
struct Shared {
  Shared(Archive& a, SourceStore& s, const RunOptions& options, Pacer& p,
         const std::vector<FolderTask>& t, std::vector<FolderResult>& r)
      : archive(a), source(s), o(options), pacer(p), tasks(t), results(r) {}

  Archive& archive;
  SourceStore& source;
  const RunOptions& o;
  Pacer& pacer;
  const std::vector<FolderTask>& tasks;
  std::vector<FolderResult>& results;

  std::mutex mu;
  size_t next = 0;  // into tasks/results
  // The session that listed, handed to the first worker.
  std::unique_ptr<SourceSession> first_session;
  Status fatal;  // a sign-in failure stops everyone
};

// One session's worth of folders, taken from the shared list one at a
// time.
void Worker(Shared& run) {
  const RunOptions& o = run.o;
  std::unique_ptr<SourceSession> session;
  {
    std::lock_guard<std::mutex> lock(run.mu);
    session = std::move(run.first_session);
  }
  bool fresh_token = false;
  for (;;) {
    size_t i;
    {
      std::lock_guard<std::mutex> lock(run.mu);
      if (run.next == run.tasks.size() || !run.fatal.ok()) break;
      i = run.next++;
    }
    FolderResult& result = run.results[i];
    Status status;
    int attempt = 0, throttles = 0;
    for (;;) {
      if (Cancelled(o)) {
        status = CancelledStatus();
        break;
      }
      ++result.attempts;
      if (!session || session->broken()) {
        session.reset();
        auto opened = run.source.Open(run.pacer, fresh_token, nullptr);
        fresh_token = false;
        if (!opened.ok()) {
          status = opened.status();
          if (status.retry() == RetryClass::kAuth || !status.transient()) break;
          if (!run.pacer.Backoff(status, &attempt, &throttles)) break;
          continue;
        }
        session = std::move(opened).value();
      }
      const uint64_t done_before = result.fetched + result.unfetchable;
      status = session->SyncFolder(run.archive, run.tasks[i], &result);
      if (status.ok() || Cancelled(o)) break;
      const bool expired = SessionExpired(status);
      if (!status.transient() && !expired) break;
      // The connection may still be usable after a refusal; a transient
      // failure almost always means it is gone. An expired session is.
      if (session->broken() || expired) session.reset();
      fresh_token = fresh_token || expired;
      // A multi-hour folder outlives several tokens and the odd dropped
      // connection: an attempt that archived something was not wasted.
      if (result.fetched + result.unfetchable > done_before) attempt = 0;
      if (!run.pacer.Backoff(status, &attempt, &throttles)) break;
    }
    result.status = status;
    if (status.retry() == RetryClass::kAuth) {
      std::lock_guard<std::mutex> lock(run.mu);
      run.fatal = status;
    }
  }
  if (session && !session->broken()) session->Close();
}

}  // namespace

SyncResult RunSync(Archive& archive, SourceStore& source, const RunOptions& o) {
  SyncResult result;
  Pacer pacer(o.retry, o.clock, o.cancel, ReportPauses(o.on_progress));
  // Sign in and list, retrying transient failures.
  std::unique_ptr<SourceSession> session;
  std::vector<SourceFolder> listing;
  for (int attempt = 0, throttles = 0;;) {
    listing.clear();
    ++result.sign_in_attempts;
    auto opened = source.Open(pacer, false, &listing);
    if (opened.ok()) {
      session = std::move(opened).value();
      break;
    }
    const Status& s = opened.status();
    if (!s.transient() || s.retry() == RetryClass::kAuth || Cancelled(o) ||
        !pacer.Backoff(s, &attempt, &throttles)) {
      result.status = s;
      return result;
    }
  }

  // Decide per folder from the one listing: unchanged folders are not
  // even opened.
  Plan plan = PlanFolders(archive, listing, o, &result);
  auto gone = archive.MarkGoneFolders(plan.seen, o.dry_run);
  if (!gone.ok()) {
    result.status = gone.status();
    return result;
  }
  result.folders_gone = std::move(gone).value();
  result.folders.resize(plan.tasks.size());
  for (size_t i = 0; i < plan.tasks.size(); ++i) {
    result.folders[i].name = plan.tasks[i].folder.display_name;
    result.folders[i].action = plan.tasks[i].action;
  }

  Shared run(archive, source, o, pacer, plan.tasks, result.folders);
  run.first_session = std::move(session);
  const int workers =
      std::min(ConnectionsFor(plan.fetches, o.connections), std::max(1, source.max_sessions()));
  std::vector<std::thread> threads;
  for (int w = 1; w < workers; ++w) threads.emplace_back([&] { Worker(run); });
  Worker(run);
  for (auto& t : threads) t.join();
  if (!run.fatal.ok()) result.status = run.fatal;

  for (size_t i = 0; i < plan.tasks.size(); ++i) {
    const FolderResult& f = result.folders[i];
    if (f.status.ok() || o.dry_run) continue;
    // Best effort: the run's result already carries the error.
    (void)archive.RecordFolderError(plan.tasks[i].folder.remote_name, f.status.ToString());
  }
  Status flushed = archive.Flush();
  if (result.status.ok() && !flushed.ok()) result.status = flushed;
  return result;
}

}  // namespace mailhoard::sync
