#include "storage/index/transaction.h"

#include "storage/index/database.h"

namespace mailhoard::index {

namespace {
constexpr char kBegin[] = "BEGIN IMMEDIATE";
constexpr char kCommit[] = "COMMIT";
constexpr char kRollback[] = "ROLLBACK";
constexpr char kSavepoint[] = "SAVEPOINT mh_nested";
constexpr char kRelease[] = "RELEASE mh_nested";
constexpr char kRollbackTo[] = "ROLLBACK TO mh_nested";
}  // namespace

Transaction::~Transaction() {
  if (active_) Rollback();
}

Status Transaction::Begin() {
  if (active_) return InternalError("index: transaction already begun");
  nested_ = db_->in_transaction();
  MH_RETURN_IF_ERROR(db_->GetCachedStatement(nested_ ? kSavepoint : kBegin).Run());
  active_ = true;
  return Status::Ok();
}

Status Transaction::Commit() {
  if (!active_) return InternalError("index: commit without an active transaction");
  // On failure the transaction stays active and the destructor rolls back.
  MH_RETURN_IF_ERROR(db_->GetCachedStatement(nested_ ? kRelease : kCommit).Run());
  active_ = false;
  return Status::Ok();
}

void Transaction::Rollback() {
  if (!active_) return;
  active_ = false;
  if (nested_) {
    (void)db_->GetCachedStatement(kRollbackTo).Run();
    (void)db_->GetCachedStatement(kRelease).Run();
  } else if (db_->in_transaction()) {
    // After SQLITE_FULL/IOERR SQLite may already have rolled back on its own.
    (void)db_->GetCachedStatement(kRollback).Run();
  }
}

}  // namespace mailhoard::index
