#include "cli/toml_reader.h"

#include <algorithm>

#include <cctype>

#include "cli/suggest.h"

namespace mailhoard::cli {
namespace {

bool IsBareKey(std::string_view key) {
  if (key.empty()) return false;
  for (char c : key) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-') return false;
  }
  return true;
}

const char* Describe(toml::node_type type) {
  switch (type) {
    case toml::node_type::table:
      return "a table";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a floating-point number";
    case toml::node_type::boolean:
      return "a boolean";
    case toml::node_type::date:
      return "a date";
    case toml::node_type::time:
      return "a time";
    case toml::node_type::date_time:
      return "a date-time";
    case toml::node_type::none:
      break;
  }
  return "nothing";
}

bool Before(const toml::source_position& a, const toml::source_position& b) {
  return a.line < b.line || (a.line == b.line && a.column < b.column);
}

bool IsLoopbackHttp(std::string_view url) {
  for (std::string_view prefix : {"http://127.0.0.1", "http://localhost", "http://[::1]"}) {
    if (url.substr(0, prefix.size()) == prefix &&
        (url.size() == prefix.size() || url[prefix.size()] == ':' || url[prefix.size()] == '/')) {
      return true;
    }
  }
  return false;
}

}  // namespace

std::string JoinKey(std::string_view path, std::string_view key) {
  std::string k = IsBareKey(key) ? std::string(key) : "\"" + std::string(key) + "\"";
  if (path.empty()) return k;
  return std::string(path) + "." + k;
}

Status LocatedError(const ParseContext& ctx, const toml::source_region& region,
                    std::string_view message) {
  std::string where = ctx.source_name;
  if (region.begin.line != 0) {
    where += ":" + std::to_string(region.begin.line) + ":" + std::to_string(region.begin.column);
  }
  return InvalidArgument(where + ": " + std::string(message));
}

std::string TableReader::Locate(const toml::source_region& region) const {
  std::string where = ctx_.source_name;
  if (region.begin.line != 0) {
    where += ":" + std::to_string(region.begin.line) + ":" + std::to_string(region.begin.column);
  }
  return where;
}

const toml::key* TableReader::FindKey(std::string_view key) const {
  auto it = table_.find(key);
  if (it == table_.end()) return nullptr;
  return &it->first;
}

std::string TableReader::ExpectedOneOf(std::span<const std::string_view> choices,
                                       std::string_view got) {
  std::string m = "expected one of ";
  for (size_t i = 0; i < choices.size(); ++i) {
    if (i) m += ", ";
    m += choices[i];
  }
  m += ", got \"" + std::string(got) + "\"";
  if (auto s = DidYouMean(got, choices)) m += " (did you mean \"" + *s + "\"?)";
  return m;
}

Status TableReader::CheckKeys(std::span<const std::string_view> known) const {
  std::vector<const toml::key*> unknown;
  for (auto&& [k, v] : table_) {
    bool ok = false;
    for (std::string_view name : known) ok = ok || k.str() == name;
    if (!ok) unknown.push_back(&k);
  }
  if (unknown.empty()) return Status::Ok();
  std::sort(unknown.begin(), unknown.end(), [](const toml::key* a, const toml::key* b) {
    return Before(a->source().begin, b->source().begin);
  });
  // `password = "..."` or `client_secret = "..."`: a literal secret would sit
  // in a file that gets copied, backed up and pasted into bug reports. The
  // value is never echoed.
  auto known_key = [&](const std::string& k) {
    for (std::string_view n : known) {
      if (n == k) return true;
    }
    return false;
  };
  std::vector<Status> errors;
  for (const toml::key* k : unknown) {
    const std::string name(k->str());
    if (known_key(name + "_cmd") && known_key(name + "_file") && known_key(name + "_env")) {
      errors.push_back(InvalidArgument(Locate(k->source()) + ": " + KeyPath(name) +
                                       ": a secret is never written in the config itself; use " +
                                       name + "_cmd (e.g. a password manager), " + name +
                                       "_file or " + name + "_env"));
      continue;
    }
    std::string message = "unknown key";
    if (auto s = DidYouMean(k->str(), known)) {
      message += " (did you mean \"" + *s + "\"?)";
    } else {
      message += "; expected one of ";
      for (size_t i = 0; i < known.size(); ++i) {
        if (i) message += ", ";
        message += known[i];
      }
    }
    errors.push_back(
        InvalidArgument(Locate(k->source()) + ": " + KeyPath(k->str()) + ": " + message));
  }
  // Collecting: every unknown key is reported, not only the first. The table
  // itself stops here: a misspelt required key would otherwise add a
  // "required" error for what is only the same typo.
  if (ctx_.errors != nullptr) {
    ctx_.errors->insert(ctx_.errors->end(), errors.begin(), errors.end());
  }
  return errors.front();
}

bool TableReader::KeyBefore(std::string_view a, std::string_view b) const {
  const toml::key* ka = FindKey(a);
  const toml::key* kb = FindKey(b);
  return ka && kb && Before(ka->source().begin, kb->source().begin);
}

Status TableReader::ValueError(std::string_view key, std::string_view message) const {
  const toml::node* node = table_.get(key);
  const toml::source_region region = node ? node->source() : toml::source_region{};
  return InvalidArgument(Locate(region) + ": " + KeyPath(key) + ": " + std::string(message));
}

Status TableReader::KeyError(std::string_view key, std::string_view message) const {
  const toml::key* k = FindKey(key);
  const toml::source_region region = k ? k->source() : toml::source_region{};
  return InvalidArgument(Locate(region) + ": " + KeyPath(key) + ": " + std::string(message));
}

Status TableReader::TableError(std::string_view message) const {
  // The root table has no useful position (toml++ says 1:1).
  if (path_.empty()) return InvalidArgument(ctx_.source_name + ": " + std::string(message));
  const std::string prefix = Locate(table_.source()) + ": [" + path_ + "]: ";
  return InvalidArgument(prefix + std::string(message));
}

void TableReader::Warn(std::string_view key, std::string_view message) const {
  if (ctx_.warnings == nullptr) return;
  const toml::node* node = table_.get(key);
  const toml::source_region region = node ? node->source() : table_.source();
  ctx_.warnings->push_back(Locate(region) + ": " + KeyPath(key) + ": " + std::string(message));
}

Status TableReader::TypeError(std::string_view key, std::string_view expected) const {
  const toml::node* node = table_.get(key);
  return ValueError(key, "expected " + std::string(expected) + ", got " +
                             Describe(node ? node->type() : toml::node_type::none));
}

Status TableReader::ReadString(std::string_view key, std::string* out) const {
  const toml::node* node = table_.get(key);
  if (node == nullptr) return Status::Ok();
  const auto* s = node->as_string();
  if (s == nullptr) return TypeError(key, "a string");
  if (s->get().empty()) {
    return ValueError(key, "must not be empty (remove the key to use the default)");
  }
  *out = s->get();
  return Status::Ok();
}

Status TableReader::ReadInt(std::string_view key, int64_t min, int64_t max, int64_t* out) const {
  const toml::node* node = table_.get(key);
  if (node == nullptr) return Status::Ok();
  const auto* i = node->as_integer();
  const std::string range = "an integer from " + std::to_string(min) + " to " + std::to_string(max);
  if (i == nullptr) return TypeError(key, range);
  if (i->get() < min || i->get() > max) {
    return ValueError(key, "expected " + range + ", got " + std::to_string(i->get()));
  }
  *out = i->get();
  return Status::Ok();
}

Status TableReader::ReadBool(std::string_view key, bool* out) const {
  const toml::node* node = table_.get(key);
  if (node == nullptr) return Status::Ok();
  const auto* b = node->as_boolean();
  if (b == nullptr) return TypeError(key, "true or false");
  *out = b->get();
  return Status::Ok();
}

Status TableReader::ReadStringArray(std::string_view key, std::vector<std::string>* out) const {
  const toml::node* node = table_.get(key);
  if (node == nullptr) return Status::Ok();
  const auto* a = node->as_array();
  if (a == nullptr) return TypeError(key, "an array of strings");
  std::vector<std::string> values;
  for (const toml::node& element : *a) {
    const auto* s = element.as_string();
    if (s == nullptr) {
      return LocatedError(ctx_, element.source(),
                          KeyPath(key) + ": expected an array of strings, found " +
                              Describe(element.type()) + " in it");
    }
    if (s->get().empty()) {
      return LocatedError(ctx_, element.source(), KeyPath(key) + ": empty string in array");
    }
    values.push_back(s->get());
  }
  *out = std::move(values);
  return Status::Ok();
}

Status TableReader::ReadPath(std::string_view key, std::string* out) const {
  std::string raw;
  MH_RETURN_IF_ERROR(ReadString(key, &raw));
  if (raw.empty()) return Status::Ok();
  Result<std::string> expanded = ExpandPath(raw, ctx_.env);
  if (!expanded.ok()) return ValueError(key, expanded.status().message());
  if (expanded->empty() || (*expanded)[0] != '/') {
    return ValueError(
        key, "must be an absolute path (after ~ and $VAR expansion), got \"" + *expanded + "\"");
  }
  *out = std::move(expanded).value();
  return Status::Ok();
}

Status TableReader::ReadUrl(std::string_view key, std::string* out) const {
  std::string url;
  MH_RETURN_IF_ERROR(ReadString(key, &url));
  if (url.empty()) return Status::Ok();
  // Tokens and client secrets travel to these URLs, so plain http is only
  // accepted for loopback (test servers).
  if (url.rfind("https://", 0) != 0 && !IsLoopbackHttp(url)) {
    return ValueError(key, "expected an https:// URL, got \"" + url + "\"");
  }
  *out = std::move(url);
  return Status::Ok();
}

Status TableReader::ReadTable(std::string_view key, const toml::table** out) const {
  *out = nullptr;
  const toml::node* node = table_.get(key);
  if (node == nullptr) return Status::Ok();
  const auto* t = node->as_table();
  if (t == nullptr) return TypeError(key, "a table");
  *out = t;
  return Status::Ok();
}

std::vector<std::pair<const toml::key*, const toml::node*>> InFileOrder(const toml::table& table) {
  std::vector<std::pair<const toml::key*, const toml::node*>> ordered;
  for (auto&& [name, node] : table) ordered.emplace_back(&name, &node);
  std::sort(ordered.begin(), ordered.end(), [](const auto& a, const auto& b) {
    const auto& pa = a.first->source().begin;
    const auto& pb = b.first->source().begin;
    return pa.line < pb.line || (pa.line == pb.line && pa.column < pb.column);
  });
  return ordered;
}

}  // namespace mailhoard::cli
