#include "storage/index/statement.h"

#include <sqlite3.h>

#include <utility>

#include "storage/index/database.h"

namespace mailhoard::index {

Statement::Statement(Database* db, sqlite3_stmt* stmt, bool* in_use)
    : db_(db), stmt_(stmt), in_use_(in_use), status_(Status::Ok()) {}

Statement::Statement(Database* db, Status error) : db_(db), status_(std::move(error)) {}

Statement::~Statement() { Release(); }

Statement::Statement(Statement&& other) noexcept
    : db_(other.db_),
      stmt_(std::exchange(other.stmt_, nullptr)),
      in_use_(std::exchange(other.in_use_, nullptr)),
      done_(other.done_),
      status_(std::move(other.status_)) {}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    Release();
    db_ = other.db_;
    stmt_ = std::exchange(other.stmt_, nullptr);
    in_use_ = std::exchange(other.in_use_, nullptr);
    done_ = other.done_;
    status_ = std::move(other.status_);
  }
  return *this;
}

void Statement::Release() {
  if (stmt_ == nullptr) return;
  if (in_use_ != nullptr) {
    // Cached: leave it prepared for the next user, but drop its read lock
    // and any bound blobs now.
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
    *in_use_ = false;
    in_use_ = nullptr;
  } else {
    sqlite3_finalize(stmt_);
  }
  stmt_ = nullptr;
}

void Statement::CheckBind(int rc) {
  if (rc != SQLITE_OK && status_.ok()) status_ = db_->ErrorStatus(rc, "binding a parameter");
}

void Statement::BindNull(int index) {
  if (stmt_) CheckBind(sqlite3_bind_null(stmt_, index + 1));
}

void Statement::BindInt64(int index, int64_t value) {
  if (stmt_) CheckBind(sqlite3_bind_int64(stmt_, index + 1, value));
}

void Statement::BindText(int index, std::string_view value) {
  if (stmt_)
    CheckBind(sqlite3_bind_text64(stmt_, index + 1, value.data(), value.size(), SQLITE_TRANSIENT,
                                  SQLITE_UTF8));
}

void Statement::BindBlob(int index, std::string_view value) {
  if (stmt_)
    CheckBind(sqlite3_bind_blob64(stmt_, index + 1, value.data(), value.size(), SQLITE_TRANSIENT));
}

void Statement::BindTextOrNull(int index, std::string_view value) {
  if (value.empty()) {
    BindNull(index);
  } else {
    BindText(index, value);
  }
}

void Statement::BindBlobOrNull(int index, std::string_view value) {
  if (value.empty()) {
    BindNull(index);
  } else {
    BindBlob(index, value);
  }
}

void Statement::BindOptionalInt64(int index, const std::optional<int64_t>& value) {
  if (value) {
    BindInt64(index, *value);
  } else {
    BindNull(index);
  }
}

bool Statement::Step() {
  if (stmt_ == nullptr || !status_.ok() || done_) return false;
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  done_ = true;
  if (rc != SQLITE_DONE) {
    std::string what = "running \"";
    const char* sql = sqlite3_sql(stmt_);
    what += std::string_view(sql ? sql : "").substr(0, 60);
    what += "\"";
    status_ = db_->ErrorStatus(rc, what);
  }
  return false;
}

Status Statement::Run() {
  while (Step()) {
  }
  return status_;
}

void Statement::Reset(bool clear_bindings) {
  if (stmt_ == nullptr) return;
  sqlite3_reset(stmt_);
  if (clear_bindings) sqlite3_clear_bindings(stmt_);
  done_ = false;
  status_ = Status::Ok();
}

bool Statement::ColumnIsNull(int col) const {
  return sqlite3_column_type(stmt_, col) == SQLITE_NULL;
}

int64_t Statement::ColumnInt64(int col) const { return sqlite3_column_int64(stmt_, col); }

std::optional<int64_t> Statement::ColumnOptionalInt64(int col) const {
  if (ColumnIsNull(col)) return std::nullopt;
  return ColumnInt64(col);
}

std::string Statement::ColumnText(int col) const {
  const unsigned char* text = sqlite3_column_text(stmt_, col);
  if (text == nullptr) return {};
  return std::string(reinterpret_cast<const char*>(text),
                     static_cast<size_t>(sqlite3_column_bytes(stmt_, col)));
}

std::string Statement::ColumnBlob(int col) const { return std::string(ColumnBlobView(col)); }

std::string_view Statement::ColumnBlobView(int col) const {
  const void* data = sqlite3_column_blob(stmt_, col);
  if (data == nullptr) return {};
  return std::string_view(static_cast<const char*>(data),
                          static_cast<size_t>(sqlite3_column_bytes(stmt_, col)));
}

}  // namespace mailhoard::index
