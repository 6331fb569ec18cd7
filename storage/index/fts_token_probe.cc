#include "storage/index/fts_token_probe.h"

#include <sqlite3.h>

#include "storage/index/database.h"

namespace mailhoard::index {

struct FtsTokenProbe::Impl {
  fts5_tokenizer methods{};
  Fts5Tokenizer* tokenizer = nullptr;
  ~Impl() {
    if (tokenizer) methods.xDelete(tokenizer);
  }
};

namespace {

int StopAtFirstToken(void* ctx, int /*flags*/, const char* /*token*/, int length, int /*start*/,
                     int /*end*/) {
  if (length > 0) {
    *static_cast<bool*>(ctx) = true;
    return SQLITE_DONE;  // any non-OK code ends the tokenization early
  }
  return SQLITE_OK;
}

}  // namespace

FtsTokenProbe::FtsTokenProbe(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
FtsTokenProbe::~FtsTokenProbe() = default;

Result<std::unique_ptr<FtsTokenProbe>> FtsTokenProbe::Create(Database& db) {
  // The documented way to reach the fts5_api (sqlite.org/fts5.html#extending_fts5).
  fts5_api* api = nullptr;
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(db.handle(), "SELECT fts5(?1)", -1, &stmt, nullptr);
  if (rc == SQLITE_OK) {
    sqlite3_bind_pointer(stmt, 1, &api, "fts5_api_ptr", nullptr);
    sqlite3_step(stmt);
  }
  sqlite3_finalize(stmt);
  if (rc != SQLITE_OK || api == nullptr) return db.ErrorStatus(rc, "looking up the FTS5 API");
  auto impl = std::make_unique<Impl>();
  void* user_data = nullptr;
  rc = api->xFindTokenizer(api, "unicode61", &user_data, &impl->methods);
  if (rc != SQLITE_OK) return db.ErrorStatus(rc, "looking up the unicode61 tokenizer");
  const char* args[] = {"remove_diacritics", "2"};
  rc = impl->methods.xCreate(user_data, args, 2, &impl->tokenizer);
  if (rc != SQLITE_OK) return db.ErrorStatus(rc, "creating the unicode61 tokenizer");
  return std::unique_ptr<FtsTokenProbe>(new FtsTokenProbe(std::move(impl)));
}

bool FtsTokenProbe::HasTokens(std::string_view text) {
  bool found = false;
  impl_->methods.xTokenize(impl_->tokenizer, &found, FTS5_TOKENIZE_QUERY, text.data(),
                           static_cast<int>(text.size()), &StopAtFirstToken);
  return found;
}

}  // namespace mailhoard::index
