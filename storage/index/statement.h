// Statement: one prepared SQL statement, Chromium sql::Statement shape.
//
//   Statement s = db.GetCachedStatement(kSelectFoo);
//   s.BindInt64(0, folder_id);
//   while (s.Step()) Use(s.ColumnInt64(0));
//   MH_RETURN_IF_ERROR(s.status());
//
// Errors are sticky: a failed prepare or step makes every later Step() return
// false and status() report the first error, so call sites stay linear.
// Bind indexes are 0-based (SQLite's are 1-based; we add one).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"

struct sqlite3_stmt;

namespace mailhoard::index {

class Database;

class Statement {
 public:
  Statement() = default;  // invalid; status() says why
  ~Statement();
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  bool is_valid() const { return stmt_ != nullptr; }
  const Status& status() const { return status_; }

  void BindNull(int index);
  void BindInt64(int index, int64_t value);
  void BindText(int index, std::string_view value);
  void BindBlob(int index, std::string_view value);
  // NULL for an empty string / absent value: used for columns where "unknown"
  // must not compare equal to another "unknown" (message_id, sha256).
  void BindTextOrNull(int index, std::string_view value);
  void BindBlobOrNull(int index, std::string_view value);
  void BindOptionalInt64(int index, const std::optional<int64_t>& value);

  // Steps to the next row. False when done or on error (see status()).
  bool Step();
  // For statements that return no rows: steps to completion.
  Status Run();
  // Rewinds for another execution, keeping (clear_bindings=false) or clearing bindings.
  void Reset(bool clear_bindings = true);

  bool ColumnIsNull(int col) const;
  int64_t ColumnInt64(int col) const;
  std::optional<int64_t> ColumnOptionalInt64(int col) const;
  std::string ColumnText(int col) const;  // empty for NULL
  std::string ColumnBlob(int col) const;  // empty for NULL
  // Zero-copy view valid until the next Step/Reset.
  std::string_view ColumnBlobView(int col) const;

 private:
  friend class Database;
  Statement(Database* db, sqlite3_stmt* stmt, bool* in_use);
  Statement(Database* db, Status error);
  void CheckBind(int rc);
  void Release();

  Database* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
  bool* in_use_ = nullptr;  // non-null: borrowed from the database's cache
  bool done_ = false;
  Status status_ = InternalError("statement not prepared");
};

}  // namespace mailhoard::index
