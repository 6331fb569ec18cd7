// One folder of an IMAP sync, on one connection: EXAMINE, re-map after a
// UIDVALIDITY change, apply flag changes and expunges, then stream the new
// messages into the Archive. Safe to run again after any failure: it
// resumes from what the Archive holds.
#pragma once

#include "engine/imap/client/imap_client.h"
#include "engine/sync/archive.h"
#include "engine/sync/imap_sync.h"
#include "engine/sync/source_store.h"
#include "engine/sync/sync_result.h"

namespace mailhoard::sync {

Status SyncImapFolder(imap::ImapClient& client, Archive& archive, const FolderTask& task,
                      const ImapSyncOptions& options, FolderResult* result);

}  // namespace mailhoard::sync
