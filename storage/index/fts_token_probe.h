// Asks FTS5's own tokenizer whether a search term yields any token, so the
// query translator can drop terms that would become empty phrases (an empty
// phrase matches nothing and would empty the whole AND).
#pragma once

#include <memory>
#include <string_view>

#include "core/status.h"

namespace mailhoard::index {

class Database;

class FtsTokenProbe {
 public:
  // Must match the tokenize= option of messages_fts (schema.cc).
  static Result<std::unique_ptr<FtsTokenProbe>> Create(Database& db);
  ~FtsTokenProbe();
  FtsTokenProbe(const FtsTokenProbe&) = delete;
  FtsTokenProbe& operator=(const FtsTokenProbe&) = delete;

  bool HasTokens(std::string_view text);

 private:
  struct Impl;
  explicit FtsTokenProbe(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace mailhoard::index
