// Strict, located reading of one TOML table (internal to the config parser).
//
// Every accessor reports errors as "source:line:col: full.key: what was
// expected, got what", and CheckKeys() turns any key the caller does not know
// into an error with a did-you-mean suggestion: a misspelt `delete_after_day`
// must never be silently ignored by a tool that deletes mail.
#pragma once

#include <toml++/toml.h>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cli/config_enums.h"
#include "cli/path_expand.h"
#include "core/status.h"

namespace mailhoard::cli {

struct ParseContext {
  std::string source_name;
  EnvLookup env;
  std::vector<std::string>* warnings;
  // When set, CheckKeys adds here every unknown key (and still returns the
  // first), and the config parser collects each table's first error, so one
  // pass reports them all.
  std::vector<Status>* errors = nullptr;
};

// "a", "b" -> "a.b"; segments that are not bare TOML keys are quoted.
std::string JoinKey(std::string_view path, std::string_view key);

class TableReader {
 public:
  TableReader(const toml::table& table, std::string path, const ParseContext& ctx)
      : table_(table), path_(std::move(path)), ctx_(ctx) {}

  const std::string& path() const { return path_; }
  const toml::table& table() const { return table_; }
  std::string KeyPath(std::string_view key) const { return JoinKey(path_, key); }
  bool Has(std::string_view key) const { return table_.contains(key); }
  // True if `a` appears before `b` in the file (both must be present).
  bool KeyBefore(std::string_view a, std::string_view b) const;

  // The first key in file order that is not in `known` is an error.
  Status CheckKeys(std::span<const std::string_view> known) const;

  // Each reader leaves *out untouched when the key is absent, so callers set
  // the default first. Strings must be non-empty.
  Status ReadString(std::string_view key, std::string* out) const;
  Status ReadInt(std::string_view key, int64_t min, int64_t max, int64_t* out) const;
  Status ReadBool(std::string_view key, bool* out) const;
  Status ReadStringArray(std::string_view key, std::vector<std::string>* out) const;
  // A string with ~ and $VARS expanded that must then be an absolute path.
  Status ReadPath(std::string_view key, std::string* out) const;
  // A string that must be an https:// URL (http:// only to loopback, for tests).
  Status ReadUrl(std::string_view key, std::string* out) const;

  template <typename E>
  Status ReadEnum(std::string_view key, std::span<const EnumEntry<E>> names, E* out) const {
    std::string text;
    MH_RETURN_IF_ERROR(ReadString(key, &text));
    if (text.empty()) return Status::Ok();
    std::vector<std::string_view> choices;
    for (const auto& e : names) {
      if (text == e.name) {
        *out = e.value;
        return Status::Ok();
      }
      choices.push_back(e.name);
    }
    return ValueError(key, ExpectedOneOf(choices, text));
  }

  // nullptr when absent; an error when present but not a table.
  Status ReadTable(std::string_view key, const toml::table** out) const;

  // Errors located at the key's value, at the key itself, or at the table.
  Status ValueError(std::string_view key, std::string_view message) const;
  Status KeyError(std::string_view key, std::string_view message) const;
  Status TableError(std::string_view message) const;
  void Warn(std::string_view key, std::string_view message) const;

  static std::string ExpectedOneOf(std::span<const std::string_view> choices, std::string_view got);

 private:
  std::string Locate(const toml::source_region& region) const;
  const toml::key* FindKey(std::string_view key) const;
  Status TypeError(std::string_view key, std::string_view expected) const;

  const toml::table& table_;
  std::string path_;
  const ParseContext& ctx_;
};

// The entries of `table` in file order (toml++ keeps keys sorted), so
// accounts and tenants are reported and synced in the order written.
std::vector<std::pair<const toml::key*, const toml::node*>> InFileOrder(const toml::table& table);

// "file:line:col: message", or "file: message" when toml++ has no position.
Status LocatedError(const ParseContext& ctx, const toml::source_region& region,
                    std::string_view message);

}  // namespace mailhoard::cli
