#include "engine/sync/imap_sync.h"

#include <algorithm>
#include <chrono>
#include <deque>
#include <mutex>
#include <set>
#include <thread>
#include <tuple>

#include "engine/core/pacer.h"
#include "engine/sync/imap_folder_sync.h"

namespace mailhoard::sync {
namespace {

bool Cancelled(const ImapSyncOptions& o) { return o.cancel && o.cancel->load(); }

// What the connections of one account share: the pacer (retry policy,
// clock, throttle gate), and client options that wait at the gate before
// every command.
struct AccountRun {
  explicit AccountRun(const ImapSyncOptions& options)
      : o(options),
        pacer(options.retry, options.clock, options.cancel, ReportPauses(options.on_progress)),
        client(options.client) {
    client.before_command = [this] { return pacer.gate().Wait(); };
  }

  Result<std::unique_ptr<imap::ImapClient>> Connect() {
    MH_RETURN_IF_ERROR(pacer.gate().Wait());
    return o.connect ? o.connect(client) : imap::ImapClient::Connect(client);
  }

  // fresh_token: the last session ended because its access token expired,
  // so this login asks for a new one instead of reusing it.
  Result<std::unique_ptr<imap::ImapClient>> ConnectAndLogin(bool fresh_token) {
    MH_ASSIGN_OR_RETURN(std::unique_ptr<imap::ImapClient> c, Connect());
    auth::Credentials credentials = o.credentials;
    if (fresh_token && credentials.refresh) credentials.secret = credentials.refresh;
    MH_RETURN_IF_ERROR(c->Login(credentials));
    return c;
  }

  const ImapSyncOptions& o;
  Pacer pacer;
  imap::ClientOptions client;
};

LocalFolderState LocalState(Archive& archive, const std::string& raw_name,
                            const std::set<int64_t>& with_unfetchable) {
  LocalFolderState state;
  auto found = archive.FindFolder(raw_name);
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

RemoteFolderState RemoteState(const imap::StatusResponse& s) {
  return {s.uidvalidity.value_or(0), s.uidnext.value_or(0), s.messages.value_or(0),
          s.highestmodseq};
}

// The shared queue of folders and the one connection handed from the
// listing to the first worker.
struct WorkQueue {
  std::mutex mu;
  std::deque<size_t> pending;  // indexes into tasks/results
  std::unique_ptr<imap::ImapClient> first_client;
  Status fatal;  // an authentication failure stops everyone
};

// After login, an authentication failure means the session's token
// expired (Exchange: "BYE Session invalidated - AccessTokenExpired", or
// "NO [AUTHENTICATIONFAILED]" to the next command), not bad credentials.
bool SessionExpired(const Status& s) { return s.code() == ErrorCode::kAuth; }

void Worker(Archive& archive, AccountRun& run, const std::vector<FolderTask>& tasks,
            std::vector<FolderResult>& results, WorkQueue& queue) {
  const ImapSyncOptions& o = run.o;
  std::unique_ptr<imap::ImapClient> client;
  {
    std::lock_guard<std::mutex> lock(queue.mu);
    client = std::move(queue.first_client);
  }
  bool fresh_token = false;
  for (;;) {
    size_t i;
    {
      std::lock_guard<std::mutex> lock(queue.mu);
      if (queue.pending.empty() || !queue.fatal.ok()) break;
      i = queue.pending.front();
      queue.pending.pop_front();
    }
    FolderResult& result = results[i];
    Status status;
    int attempt = 0, throttles = 0;
    for (;;) {
      if (Cancelled(o)) {
        status = Status::Error(ErrorCode::kCancelled, "stopped by a signal");
        break;
      }
      ++result.attempts;
      if (!client || client->broken()) {
        client.reset();
        auto connected = run.ConnectAndLogin(fresh_token);
        fresh_token = false;
        if (!connected.ok()) {
          status = connected.status();
          if (status.retry() == RetryClass::kAuth || !status.transient()) break;
          if (!run.pacer.Backoff(status, &attempt, &throttles)) break;
          continue;
        }
        client = std::move(connected).value();
      }
      const uint64_t done_before = result.fetched + result.unfetchable;
      status = SyncImapFolder(*client, archive, tasks[i], o, &result);
      if (status.ok() || Cancelled(o)) break;
      const bool expired = SessionExpired(status);
      if (!status.transient() && !expired) break;
      // The connection may still be usable after a tagged NO; a transient
      // one almost always means it is gone. An expired session is.
      if (client->broken() || expired) client.reset();
      fresh_token = fresh_token || expired;
      // A multi-hour folder outlives several tokens and the odd dropped
      // connection: an attempt that archived something was not wasted.
      if (result.fetched + result.unfetchable > done_before) attempt = 0;
      if (!run.pacer.Backoff(status, &attempt, &throttles)) break;
    }
    result.status = status;
    if (status.retry() == RetryClass::kAuth) {
      std::lock_guard<std::mutex> lock(queue.mu);
      queue.fatal = status;
    }
  }
  if (client && !client->broken()) (void)client->Logout();
}

}  // namespace

bool SyncResult::ok() const { return status.ok() && failed_folders() == 0; }

uint64_t SyncResult::failed_folders() const {
  return std::count_if(folders.begin(), folders.end(),
                       [](const FolderResult& f) { return !f.status.ok(); });
}

uint64_t SyncResult::fetched() const {
  uint64_t n = 0;
  for (const auto& f : folders) n += f.fetched;
  return n;
}

uint64_t SyncResult::bytes() const {
  uint64_t n = 0;
  for (const auto& f : folders) n += f.bytes;
  return n;
}

SyncResult SyncImapAccount(Archive& archive, const ImapSyncOptions& o) {
  SyncResult result;
  AccountRun run(o);
  // Connect, log in and list, retrying transient failures.
  std::unique_ptr<imap::ImapClient> client;
  std::vector<imap::MailboxInfo> mailboxes;
  for (int attempt = 0, throttles = 0;;) {
    auto connected = run.Connect();
    Status s = connected.status();
    if (connected.ok()) {
      client = std::move(connected).value();
      auto listed = client->LoginAndList(o.credentials);
      if (listed.ok()) {
        mailboxes = std::move(listed).value();
        break;
      }
      s = listed.status();
    }
    if (!s.transient() || s.retry() == RetryClass::kAuth || Cancelled(o) ||
        !run.pacer.Backoff(s, &attempt, &throttles)) {
      result.status = s;
      return result;
    }
  }

  // Decide per folder, from the one LIST-STATUS (or pipelined STATUS) round
  // trip: unchanged folders are not even opened.
  std::set<int64_t> with_unfetchable;
  {
    auto ids = archive.FoldersWithUnfetchable();
    if (ids.ok()) with_unfetchable.insert(ids->begin(), ids->end());
  }
  std::vector<FolderTask> tasks;
  std::vector<std::string> seen;
  std::vector<uint32_t> sizes;
  std::vector<uint64_t> fetches;  // expected, per task
  for (const auto& m : mailboxes) {
    if (m.noselect || m.nonexistent) continue;
    seen.push_back(m.raw_name);
    if (!o.filter.Matches(m.name, m.delimiter)) continue;
    ++result.folders_listed;
    FolderAction action = FolderAction::kIncremental;
    const LocalFolderState local = LocalState(archive, m.raw_name, with_unfetchable);
    uint64_t expected = 0;
    if (m.status && m.status->uidvalidity) {
      const RemoteFolderState remote = RemoteState(*m.status);
      action = DecideFolder(remote, local, o.decisions);
      expected = ExpectedFetches(action, remote, local);
    } else if (!local.known) {
      action = FolderAction::kFull;
    }
    if (action == FolderAction::kSkip) {
      ++result.folders_skipped;
      continue;
    }
    tasks.push_back({m, action});
    sizes.push_back(m.status ? m.status->messages.value_or(0) : 0);
    fetches.push_back(expected);
  }
  if (!o.dry_run) {
    Status gone = archive.MarkGoneFolders(seen);
    if (!gone.ok()) {
      result.status = gone;
      return result;
    }
  }

  // Largest first, so the long pole starts early.
  std::vector<size_t> order(tasks.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return std::tie(fetches[a], sizes[a]) > std::tie(fetches[b], sizes[b]);
  });
  result.folders.resize(tasks.size());
  for (size_t i = 0; i < tasks.size(); ++i) {
    result.folders[i].name = tasks[i].mailbox.name;
    result.folders[i].action = tasks[i].action;
  }
  WorkQueue queue;
  queue.pending.assign(order.begin(), order.end());
  queue.first_client = std::move(client);
  const int workers = ConnectionsFor(fetches, o.connections);
  std::vector<std::thread> threads;
  for (int w = 1; w < workers; ++w) {
    threads.emplace_back([&] { Worker(archive, run, tasks, result.folders, queue); });
  }
  Worker(archive, run, tasks, result.folders, queue);
  for (auto& t : threads) t.join();
  if (!queue.fatal.ok()) result.status = queue.fatal;

  for (size_t i = 0; i < tasks.size(); ++i) {
    const FolderResult& f = result.folders[i];
    if (f.status.ok() || o.dry_run) continue;
    // Best effort: the run's result already carries the error.
    (void)archive.RecordFolderError(tasks[i].mailbox.raw_name, f.status.ToString());
  }
  Status flushed = archive.Flush();
  if (result.status.ok() && !flushed.ok()) result.status = flushed;
  return result;
}

}  // namespace mailhoard::sync
