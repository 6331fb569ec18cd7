// Transaction: rolls back in its destructor unless committed.
//
// At the outermost level it is BEGIN IMMEDIATE: the write lock is taken up
// front, so a competing writer surfaces as a transient SQLITE_BUSY at Begin()
// instead of half-way through a batch. Nested inside another transaction it
// is a SAVEPOINT, so a failed inner step (one message) can be undone without
// losing the caller's batch.
#pragma once

#include "core/status.h"

namespace mailhoard::index {

class Database;

class Transaction {
 public:
  explicit Transaction(Database* db) : db_(db) {}
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  Status Begin();
  Status Commit();
  void Rollback();
  bool is_active() const { return active_; }

 private:
  Database* db_;
  bool active_ = false;
  bool nested_ = false;
};

}  // namespace mailhoard::index
