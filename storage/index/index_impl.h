// Private to storage/index: the state behind Index and helpers shared by its
// .cc files (index.cc, index_folders.cc, index_messages.cc, index_search.cc,
// index_pop3.cc).
#pragma once

#include <memory>
#include <string>

#include "storage/index/database.h"
#include "storage/index/fts_token_probe.h"
#include "storage/index/header_codec.h"
#include "storage/index/index.h"
#include "storage/index/transaction.h"

namespace mailhoard::index {

#define MH_FOLDER_COLUMNS                                                            \
  "id, remote_name, display_name, delimiter, local_path, special_use, uidvalidity, " \
  "uidnext, highestmodseq, messages, last_uid_seen, last_sync_at, last_error, state, gone_since"

#define MH_MESSAGE_COLUMNS                                                             \
  "id, folder_id, uidvalidity, uid, file_name, size, internal_date, flags, keywords, " \
  "sha256, line_endings, message_id, date, from_addr, to_addr, cc_addr, subject, "     \
  "expunged_at, unfetchable_reason, gm_msgid, modseq, created_at"

class Index::Impl {
 public:
  explicit Impl(const IndexOptions& opts) : options(opts), codec(opts.compression_level) {}

  // Loads every stored dictionary into the codec and makes the newest active.
  Status LoadDictionaries();
  // Counts headers stored without a dictionary (drives automatic training).
  Status CountUndictionaried();
  // After InsertMessage stored a dictionary-less header block.
  Status MaybeTrainDictionary(int64_t now);
  Result<int64_t> TrainDictionary(int64_t now);
  // Re-compresses every dictionary-less header block with the active dictionary.
  Status RecompressUndictionaried();

  // Fails with kNotFound naming `what` when the last statement changed no row.
  Status ExpectChanged(std::string_view what, int64_t id);

  IndexOptions options;
  Database db;
  std::unique_ptr<FtsTokenProbe> token_probe;  // created on first search
  HeaderCodec codec;
  std::unique_ptr<Transaction> batch;
  int schema_version = 0;
  int64_t undictionaried = 0;    // header blocks stored with dict id 0
  int64_t next_training_at = 0;  // retry point after a failed training
};

// Row readers: the statement's columns must be MH_FOLDER_COLUMNS /
// MH_MESSAGE_COLUMNS in that order.
FolderRecord ReadFolder(const Statement& s);
MessageRecord ReadMessage(const Statement& s);

Status NotFound(std::string message);

}  // namespace mailhoard::index
