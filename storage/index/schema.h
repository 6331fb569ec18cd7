// Schema of the per-account index and its forward migrations.
//
// The version lives in PRAGMA user_version, the owner in PRAGMA
// application_id. Each migration step runs in its own transaction together
// with the user_version bump, so a crash leaves the file at a whole version.
#pragma once

#include <cstdint>
#include <span>

#include "core/status.h"
#include "storage/index/database.h"

namespace mailhoard::index {

// "MhIx": marks a file as a mailhoard index (sqlite.org/fileformat.html#appid).
inline constexpr int32_t kApplicationId = 0x4D684978;

struct Migration {
  int version;              // the version this step produces; steps are 1, 2, 3, ...
  const char* description;  // for logs and error messages
  Status (*apply)(Database& db);
};

// The steps this build knows, oldest first.
std::span<const Migration> BuiltinMigrations();
int LatestSchemaVersion(std::span<const Migration> migrations);

// Reads (never writes) the file's identity. Returns its schema version, 0 for
// an empty new file. Refuses with kCorrupt a file that is not an SQLite
// database or belongs to another application, and with kUnsupported a
// mailhoard index newer than `latest_known`.
Result<int> InspectSchema(Database& db, int latest_known);

// Applies every step newer than the file's version, each in a transaction.
Status MigrateSchema(Database& db, std::span<const Migration> migrations);

}  // namespace mailhoard::index
