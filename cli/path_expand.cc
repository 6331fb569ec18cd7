#include "cli/path_expand.h"

#include <cctype>
#include <cstdlib>

namespace mailhoard::cli {
namespace {

bool IsNameStart(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool IsNameChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

Result<std::string> Lookup(const std::string& name, const EnvLookup& env) {
  std::optional<std::string> value = env(name);
  if (!value || value->empty()) {
    return InvalidArgument("environment variable $" + name + " is not set");
  }
  return *value;
}

}  // namespace

EnvLookup ProcessEnv() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    if (v == nullptr) return std::nullopt;
    return std::string(v);
  };
}

Result<std::string> ExpandPath(std::string_view path, const EnvLookup& env) {
  std::string out;
  size_t i = 0;
  if (!path.empty() && path[0] == '~') {
    if (path.size() > 1 && path[1] != '/') {
      return InvalidArgument("\"~user\" paths are not supported; use $HOME or an absolute path");
    }
    MH_ASSIGN_OR_RETURN(out, Lookup("HOME", env));
    i = 1;
  }
  while (i < path.size()) {
    const char c = path[i];
    if (c != '$') {
      out += c;
      ++i;
      continue;
    }
    if (i + 1 < path.size() && path[i + 1] == '$') {
      out += '$';
      i += 2;
      continue;
    }
    std::string name;
    if (i + 1 < path.size() && path[i + 1] == '{') {
      const size_t close = path.find('}', i + 2);
      if (close == std::string_view::npos) return InvalidArgument("unterminated ${ in path");
      name = std::string(path.substr(i + 2, close - i - 2));
      i = close + 1;
    } else {
      size_t j = i + 1;
      while (j < path.size() && IsNameChar(path[j])) ++j;
      name = std::string(path.substr(i + 1, j - i - 1));
      i = j;
    }
    if (name.empty() || !IsNameStart(name[0])) {
      return InvalidArgument("'$' must be followed by a variable name (write $$ for a literal $)");
    }
    for (char n : name)
      if (!IsNameChar(n)) return InvalidArgument("bad variable name ${" + name + "}");
    MH_ASSIGN_OR_RETURN(std::string value, Lookup(name, env));
    out += value;
  }
  return out;
}

}  // namespace mailhoard::cli
