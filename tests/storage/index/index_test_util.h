// Fixtures shared by the Index tests.
#pragma once

#include <catch2/catch.hpp>

#include <memory>
#include <string>
#include <string_view>

#include "storage/index/index.h"

namespace mailhoard::index::testing {

inline std::unique_ptr<Index> OpenIndex(const std::string& path, IndexOptions options = {}) {
  auto index = Index::Open(path, options);
  REQUIRE(index.ok());
  return std::move(index).value();
}

inline FolderRecord Folder(const std::string& remote, const std::string& path) {
  FolderRecord f;
  f.remote_name = remote;
  f.display_name = remote;
  f.delimiter = "/";
  f.local_path = path;
  return f;
}

inline int64_t AddFolder(Index& index, const std::string& remote, const std::string& path) {
  auto id = index.UpsertFolder(Folder(remote, path));
  REQUIRE(id.ok());
  return *id;
}

inline MessageRecord Message(int64_t folder_id, uint32_t uidvalidity, uint32_t uid) {
  MessageRecord m;
  m.folder_id = folder_id;
  m.uidvalidity = uidvalidity;
  m.uid = uid;
  m.file_name = "cur/1700000000." + std::to_string(uid) + ",U=" + std::to_string(uid) + ":2,S";
  m.size = 1000 + uid;
  m.internal_date = 1700000000 + uid;
  m.flags = "S";
  m.message_id = "<" + std::to_string(uid) + "@example.org>";
  m.date = 1700000000 + uid;
  m.from_addr = "Alice <alice@example.org>";
  m.subject = "message " + std::to_string(uid);
  m.sha256 = std::string(32, static_cast<char>(uid & 0xff));
  m.created_at = 1800000000;
  return m;
}

inline int64_t Insert(Index& index, const MessageRecord& m, std::string_view headers = "",
                      std::string_view body = "") {
  auto id = index.InsertMessage(m, headers, body);
  REQUIRE(id.ok());
  return *id;
}

}  // namespace mailhoard::index::testing
