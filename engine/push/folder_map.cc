#include "engine/push/folder_map.h"

#include <set>

#include "core/ascii.h"

namespace mailhoard::push {
namespace {

struct NamedRole {
  const char* name;  // compared without case, whole name
  const char* role;
};

// Names that mean a role when the server did not say (no SPECIAL-USE, or an
// archive made before it was recorded).
constexpr NamedRole kNamedRoles[] = {
    {"Sent", "\\Sent"},
    {"Sent Items", "\\Sent"},
    {"Sent Messages", "\\Sent"},
    {"Sent Mail", "\\Sent"},
    {"[Gmail]/Sent Mail", "\\Sent"},
    {"[Google Mail]/Sent Mail", "\\Sent"},
    {"Drafts", "\\Drafts"},
    {"[Gmail]/Drafts", "\\Drafts"},
    {"Trash", "\\Trash"},
    {"Deleted Items", "\\Trash"},
    {"Deleted Messages", "\\Trash"},
    {"[Gmail]/Trash", "\\Trash"},
    {"[Gmail]/Bin", "\\Trash"},
    {"Junk", "\\Junk"},
    {"Junk Email", "\\Junk"},
    {"Junk E-mail", "\\Junk"},
    {"Spam", "\\Junk"},
    {"[Gmail]/Spam", "\\Junk"},
    {"Archive", "\\Archive"},
    {"Archives", "\\Archive"},
    {"[Gmail]/All Mail", "\\All"},
    {"[Google Mail]/All Mail", "\\All"},
    {"[Gmail]/Starred", "\\Flagged"},
    {"[Gmail]/Important", "\\Important"},
};

// Where a role goes when the target has no folder marked with it.
const char* DefaultName(const std::string& role) {
  if (role == "\\Sent") return "Sent";
  if (role == "\\Drafts") return "Drafts";
  if (role == "\\Trash") return "Trash";
  if (role == "\\Junk") return "Junk";
  if (role == "\\Archive") return "Archive";
  return nullptr;
}

bool SameName(const std::string& a, const std::string& b) { return EqualsIgnoreAsciiCase(a, b); }

std::vector<std::string> Split(const std::string& name, const std::string& delimiter) {
  std::vector<std::string> parts;
  if (delimiter.empty()) return {name};
  size_t start = 0;
  for (;;) {
    size_t at = name.find(delimiter, start);
    if (at == std::string::npos) {
      parts.push_back(name.substr(start));
      return parts;
    }
    parts.push_back(name.substr(start, at - start));
    start = at + delimiter.size();
  }
}

}  // namespace

std::string RoleOf(const SourceFolder& folder) {
  for (const char* role : {"\\Sent", "\\Drafts", "\\Trash", "\\Junk", "\\Archive", "\\All",
                           "\\Flagged", "\\Important"}) {
    if (folder.special_use.find(role) != std::string::npos) return role;
  }
  std::string name = folder.name;
  if (!folder.delimiter.empty() && folder.delimiter != "/") {
    for (size_t at = 0; (at = name.find(folder.delimiter, at)) != std::string::npos; ++at) {
      name.replace(at, folder.delimiter.size(), "/");
    }
  }
  for (const NamedRole& r : kNamedRoles) {
    if (SameName(name, r.name)) return r.role;
  }
  return "";
}

std::vector<FolderMapping> MapFolders(const std::vector<SourceFolder>& sources,
                                      const std::vector<TargetMailbox>& targets,
                                      std::optional<char> target_delimiter,
                                      const FolderMapOptions& options) {
  const std::string delim = target_delimiter ? std::string(1, *target_delimiter) : "";
  auto exists = [&](const std::string& name) {
    for (const TargetMailbox& t : targets) {
      if (t.name == name || (SameName(name, "INBOX") && SameName(t.name, "INBOX"))) return true;
    }
    return false;
  };
  auto by_role = [&](const std::string& role) -> const TargetMailbox* {
    for (const TargetMailbox& t : targets) {
      if (t.selectable && t.special_use.find(role) != std::string::npos) return &t;
    }
    return nullptr;
  };
  std::vector<FolderMapping> out;
  std::set<std::string> taken;  // target names already chosen, so two sources never merge silently
  for (const SourceFolder& s : sources) {
    FolderMapping m;
    m.source_id = s.id;
    m.source_name = s.name;
    m.role = RoleOf(s);
    auto renamed = options.renames.find(s.name);
    if (renamed != options.renames.end()) {
      m.target_name = renamed->second;
      if (!delim.empty() && delim != "/") {
        for (size_t at = 0; (at = m.target_name.find('/', at)) != std::string::npos; ++at) {
          m.target_name.replace(at, 1, delim);
        }
      }
      m.note = "renamed in config";
    } else if (m.role == "\\All" || m.role == "\\Flagged" || m.role == "\\Important") {
      // Gmail's virtual folders hold copies of messages that live in other
      // folders; pushing them would duplicate every message.
      m.skip = "a virtual folder (" + m.role + ") of copies kept in other folders";
    } else if (SameName(s.name, "INBOX")) {
      m.target_name = "INBOX";
    } else if (!m.role.empty() && by_role(m.role)) {
      m.target_name = by_role(m.role)->name;
      if (m.target_name != s.name) m.note = "the target's " + m.role + " folder";
    } else if (!m.role.empty() && DefaultName(m.role)) {
      m.target_name = DefaultName(m.role);
      if (m.target_name != s.name) m.note = m.role + " folder";
    } else {
      std::vector<std::string> parts = Split(s.name, s.delimiter);
      bool replaced = false;
      for (std::string& p : parts) {
        if (delim.empty()) break;
        for (size_t at = 0; (at = p.find(delim, at)) != std::string::npos; ++at) {
          p.replace(at, delim.size(), "_");
          replaced = true;
        }
      }
      if (SameName(parts.front(), "INBOX")) parts.front() = "INBOX";
      for (size_t i = 0; i < parts.size(); ++i) {
        if (i) m.target_name += delim.empty() ? "_" : delim;
        m.target_name += parts[i];
      }
      if (replaced) m.note = "'" + delim + "' is the target's hierarchy delimiter; replaced by '_'";
    }
    if (m.skip.empty() && options.exchange_target) {
      // Exchange Online keeps "Files" for attachments and refuses APPEND
      // into it.
      const std::string top = delim.empty() ? m.target_name : Split(m.target_name, delim)[0];
      if (SameName(top, "Files")) {
        m.target_name = "Files (archived)" + m.target_name.substr(top.size());
        m.note = "\"Files\" is reserved by Microsoft 365";
      }
    }
    if (m.skip.empty()) {
      m.create = !exists(m.target_name);
      if (!taken.insert(m.target_name).second && m.note.empty()) {
        m.note = "shares the target folder with another archived folder";
      }
    }
    out.push_back(std::move(m));
  }
  return out;
}

}  // namespace mailhoard::push
