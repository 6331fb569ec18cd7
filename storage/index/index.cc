#include "storage/index/index.h"

#include <algorithm>
#include <utility>

#include "storage/index/index_impl.h"
#include "storage/index/schema.h"

namespace mailhoard::index {

namespace {

constexpr char kSelectDictionaries[] = "SELECT id, dict FROM dictionaries ORDER BY id";
constexpr char kCountUndictionaried[] =
    "SELECT count(*) FROM messages WHERE headers_dict_id = 0 AND headers IS NOT NULL";
constexpr char kSelectUndictionaried[] =
    "SELECT id, headers FROM messages WHERE headers_dict_id = 0 AND headers IS NOT NULL "
    "ORDER BY id LIMIT ?";
constexpr char kInsertDictionary[] =
    "INSERT INTO dictionaries (created_at, trained_from, dict) VALUES (?, ?, ?)";
constexpr char kUpdateHeaders[] =
    "UPDATE messages SET headers = ?, headers_dict_id = ? WHERE id = ?";
constexpr char kSelectHeaders[] = "SELECT headers, headers_dict_id FROM messages WHERE id = ?";
constexpr char kUpsertMeta[] =
    "INSERT INTO meta (key, value) VALUES (?, ?) "
    "ON CONFLICT (key) DO UPDATE SET value = excluded.value";
constexpr char kSelectMeta[] = "SELECT value FROM meta WHERE key = ?";
constexpr char kDeleteMeta[] = "DELETE FROM meta WHERE key = ?";

// Re-compression reads this many rows at a time, so training after a long
// dictionary-less period does not hold every header in memory.
constexpr int kRecompressChunk = 500;

}  // namespace

Status NotFound(std::string message) {
  return Status::Error(ErrorCode::kNotFound, std::move(message), ErrorScope::kMessage);
}

Index::Index(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Index::~Index() {
  if (impl_ && impl_->batch) RollbackBatch();
}

Result<std::unique_ptr<Index>> Index::Open(const std::string& path, const IndexOptions& options) {
  auto impl = std::make_unique<Impl>(options);
  DatabaseOptions db_options;
  db_options.read_only = options.read_only;
  db_options.create_if_missing = options.create_if_missing;
  db_options.busy_timeout_ms = options.busy_timeout_ms;
  MH_RETURN_IF_ERROR(impl->db.Open(path, db_options));

  std::span<const Migration> migrations = BuiltinMigrations();
  const int latest = LatestSchemaVersion(migrations);
  // Identity first, read-only: nothing below may run on a foreign file.
  MH_ASSIGN_OR_RETURN(int version, InspectSchema(impl->db, latest));
  if (options.read_only) {
    if (version == 0) return NotFound("index " + path + " does not exist or is empty");
    if (version < latest) {
      return Status::Error(ErrorCode::kUnsupported,
                           "index " + path + " needs a schema upgrade; run a sync first");
    }
  } else {
    MH_RETURN_IF_ERROR(impl->db.EnableWriteAheadLog());
    MH_RETURN_IF_ERROR(MigrateSchema(impl->db, migrations));
    version = latest;
  }
  impl->schema_version = version;
  MH_RETURN_IF_ERROR(impl->LoadDictionaries());
  MH_RETURN_IF_ERROR(impl->CountUndictionaried());
  return std::unique_ptr<Index>(new Index(std::move(impl)));
}

int Index::schema_version() const { return impl_->schema_version; }

// --- Batches ------------------------------------------------------------------

Status Index::BeginBatch() {
  if (impl_->batch) return InternalError("index: a batch is already open");
  auto transaction = std::make_unique<Transaction>(&impl_->db);
  MH_RETURN_IF_ERROR(transaction->Begin());
  impl_->batch = std::move(transaction);
  return Status::Ok();
}

Status Index::CommitBatch() {
  if (!impl_->batch) return InternalError("index: no batch is open");
  Status s = impl_->batch->Commit();
  if (!s.ok()) {
    RollbackBatch();
    return s;
  }
  impl_->batch.reset();
  return Status::Ok();
}

void Index::RollbackBatch() {
  if (!impl_->batch) return;
  impl_->batch->Rollback();
  impl_->batch.reset();
  // A dictionary trained inside the batch is gone from the file; the codec
  // must not keep compressing with it.
  (void)impl_->LoadDictionaries();
  (void)impl_->CountUndictionaried();
}

bool Index::in_batch() const { return impl_->batch != nullptr; }

// --- Meta ---------------------------------------------------------------------

Status Index::SetMeta(std::string_view key, std::string_view value) {
  Statement s = impl_->db.GetCachedStatement(kUpsertMeta);
  s.BindText(0, key);
  s.BindBlob(1, value);
  return s.Run();
}

Result<std::optional<std::string>> Index::GetMeta(std::string_view key) {
  Statement s = impl_->db.GetCachedStatement(kSelectMeta);
  s.BindText(0, key);
  if (s.Step()) return std::optional<std::string>(s.ColumnBlob(0));
  MH_RETURN_IF_ERROR(s.status());
  return std::optional<std::string>();
}

Status Index::DeleteMeta(std::string_view key) {
  Statement s = impl_->db.GetCachedStatement(kDeleteMeta);
  s.BindText(0, key);
  return s.Run();
}

Status Index::QuickCheck() {
  Statement s = impl_->db.GetUniqueStatement("PRAGMA quick_check");
  std::string problems;
  while (s.Step()) {
    std::string line = s.ColumnText(0);
    if (line != "ok") problems += (problems.empty() ? "" : "; ") + line;
  }
  MH_RETURN_IF_ERROR(s.status());
  if (!problems.empty()) {
    return Status::Error(ErrorCode::kCorrupt,
                         "index " + impl_->db.path() + " is damaged: " + problems);
  }
  return Status::Ok();
}

// --- Header dictionaries --------------------------------------------------------

Status Index::Impl::LoadDictionaries() {
  codec.Clear();
  Statement s = db.GetCachedStatement(kSelectDictionaries);
  int64_t newest = 0;
  while (s.Step()) {
    int64_t id = s.ColumnInt64(0);
    MH_RETURN_IF_ERROR(codec.AddDictionary(id, s.ColumnBlobView(1)));
    newest = std::max(newest, id);
  }
  MH_RETURN_IF_ERROR(s.status());
  return codec.SetActiveDictionary(newest);
}

Status Index::Impl::CountUndictionaried() {
  Statement s = db.GetCachedStatement(kCountUndictionaried);
  if (s.Step()) undictionaried = s.ColumnInt64(0);
  next_training_at = options.dictionary_training_samples;
  return s.status();
}

Status Index::Impl::MaybeTrainDictionary(int64_t now) {
  ++undictionaried;
  if (codec.active_dictionary() != 0 || options.dictionary_training_samples <= 0 ||
      undictionaried < next_training_at) {
    return Status::Ok();
  }
  Result<int64_t> trained = TrainDictionary(now);
  if (trained.ok()) return Status::Ok();
  // Samples unsuitable (too uniform) or the write failed: keep going without
  // a dictionary and try again after as many more headers.
  next_training_at = undictionaried + options.dictionary_training_samples;
  return trained.status();
}

Result<int64_t> Index::Impl::TrainDictionary(int64_t now) {
  std::vector<std::string> samples;
  {
    Statement s = db.GetCachedStatement(kSelectUndictionaried);
    s.BindInt64(0, std::max(options.dictionary_training_samples, 100));
    while (s.Step()) {
      MH_ASSIGN_OR_RETURN(std::string headers, codec.Decompress(s.ColumnBlobView(1), 0));
      samples.push_back(std::move(headers));
    }
    MH_RETURN_IF_ERROR(s.status());
  }
  MH_ASSIGN_OR_RETURN(std::string dict, HeaderCodec::Train(samples, options.dictionary_size));

  Transaction transaction(&db);
  MH_RETURN_IF_ERROR(transaction.Begin());
  Statement insert = db.GetCachedStatement(kInsertDictionary);
  insert.BindInt64(0, now);
  insert.BindInt64(1, static_cast<int64_t>(samples.size()));
  insert.BindBlob(2, dict);
  MH_RETURN_IF_ERROR(insert.Run());
  const int64_t id = db.last_insert_rowid();
  Status s = codec.AddDictionary(id, dict);
  if (s.ok()) s = codec.SetActiveDictionary(id);
  if (s.ok()) s = RecompressUndictionaried();
  if (s.ok()) s = transaction.Commit();
  if (!s.ok()) {
    transaction.Rollback();
    (void)LoadDictionaries();
    return s;
  }
  undictionaried = 0;
  return id;
}

Status Index::Impl::RecompressUndictionaried() {
  for (;;) {
    std::vector<std::pair<int64_t, std::string>> chunk;
    {
      Statement s = db.GetCachedStatement(kSelectUndictionaried);
      s.BindInt64(0, kRecompressChunk);
      while (s.Step()) {
        MH_ASSIGN_OR_RETURN(std::string headers, codec.Decompress(s.ColumnBlobView(1), 0));
        chunk.emplace_back(s.ColumnInt64(0), std::move(headers));
      }
      MH_RETURN_IF_ERROR(s.status());
    }
    if (chunk.empty()) return Status::Ok();
    for (const auto& [id, headers] : chunk) {
      MH_ASSIGN_OR_RETURN(HeaderCodec::Compressed c, codec.Compress(headers));
      Statement update = db.GetCachedStatement(kUpdateHeaders);
      update.BindBlob(0, c.data);
      update.BindInt64(1, c.dict_id);
      update.BindInt64(2, id);
      MH_RETURN_IF_ERROR(update.Run());
    }
  }
}

Result<int64_t> Index::TrainHeaderDictionary(int64_t now) { return impl_->TrainDictionary(now); }

int64_t Index::active_header_dictionary() const { return impl_->codec.active_dictionary(); }

Result<std::string> Index::GetHeaders(int64_t message_id) {
  std::string blob;
  int64_t dict_id = 0;
  {
    Statement s = impl_->db.GetCachedStatement(kSelectHeaders);
    s.BindInt64(0, message_id);
    if (!s.Step()) {
      MH_RETURN_IF_ERROR(s.status());
      return NotFound("index: no message " + std::to_string(message_id));
    }
    if (s.ColumnIsNull(0)) return std::string();
    blob = s.ColumnBlob(0);
    dict_id = s.ColumnInt64(1);
  }
  // A reader opened before the writer trained a dictionary has not seen it.
  if (dict_id != 0 && !impl_->codec.HasDictionary(dict_id)) {
    MH_RETURN_IF_ERROR(impl_->LoadDictionaries());
  }
  return impl_->codec.Decompress(blob, dict_id);
}

Status Index::Impl::ExpectChanged(std::string_view what, int64_t id) {
  if (db.changes() > 0) return Status::Ok();
  return NotFound("index: no " + std::string(what) + " " + std::to_string(id));
}

}  // namespace mailhoard::index
