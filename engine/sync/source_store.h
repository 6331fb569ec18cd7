// A store mail is archived from, as the runner (runner.h) sees it: the
// driver interface that IMAP (imap_sync.h) and POP3 (pop3_sync.h)
// implement. A new source (JMAP, a local mbox) is one more driver: it
// lists its folders with whatever state it can report cheaply, and brings
// one folder's changes into the Archive on request. Everything around
// that — deciding which folders to open, how many connections, retrying
// and pausing for throttles, expired tokens, errors per folder — is the
// runner's, the same for every source.
#pragma once

#include <memory>
#include <optional>
#include <vector>

#include "core/pacer.h"
#include "core/status.h"
#include "engine/sync/archive.h"
#include "engine/sync/planner.h"
#include "engine/sync/sync_result.h"

namespace mailhoard::sync {

// One folder as the source lists it.
struct SourceFolder {
  RemoteFolderInfo info;
  // \Noselect or \NonExistent: it exists in the hierarchy but holds no mail.
  bool selectable = true;
  // What the listing told of it (LIST-STATUS, STATUS); absent when the
  // source could not say cheaply, and the folder is then always opened.
  std::optional<RemoteFolderState> state;
};

// One folder to bring into the archive, and what the planner decided.
struct FolderTask {
  RemoteFolderInfo folder;
  FolderAction action = FolderAction::kFull;
};

// One logged-in connection.
class SourceSession {
 public:
  virtual ~SourceSession() = default;
  // Brings the folder's changes into `archive` (new messages, flags,
  // expunges, as the source offers them) and fills `result`. Safe to run
  // again after any failure: it resumes from what the Archive holds.
  virtual Status SyncFolder(Archive& archive, const FolderTask& task, FolderResult* result) = 0;
  // The connection is gone (or, for a one-shot session, used): the runner
  // opens a new one before the next folder.
  virtual bool broken() const = 0;
  // Ends a usable session politely.
  virtual void Close() = 0;
};

class SourceStore {
 public:
  virtual ~SourceStore() = default;
  // Connects and signs in, waiting at `pacer`'s gate before every command
  // where the protocol allows. fresh_token: the last session ended because
  // its access token expired, so ask for a new one. With `listing`, also
  // lists every folder (a driver may pipeline that with the sign-in).
  virtual Result<std::unique_ptr<SourceSession>> Open(Pacer& pacer, bool fresh_token,
                                                      std::vector<SourceFolder>* listing) = 0;
  // Sessions the source allows at once (POP3: one; IMAP: the account's
  // `connections`).
  virtual int max_sessions() const = 0;
};

}  // namespace mailhoard::sync
