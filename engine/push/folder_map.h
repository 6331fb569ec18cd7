// Where each archived folder goes on a push target (pure: no I/O).
//
// Special-use folders go by role, not by name (RFC 6154): Microsoft 365's
// "Sent Items" lands in whatever the target marks \Sent. INBOX goes to
// INBOX. Other names keep their hierarchy, re-joined with the target's
// delimiter; a name part that contains the target's delimiter cannot be
// one level there, so the character is replaced and the mapping says so.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace mailhoard::push {

struct SourceFolder {
  int64_t id = 0;
  std::string name;         // decoded UTF-8, as archived
  std::string delimiter;    // the source server's; empty: flat
  std::string special_use;  // "\Sent", … as the source listed it; may be empty
};

struct TargetMailbox {
  std::string name;  // decoded UTF-8
  std::string special_use;
  bool selectable = true;
};

struct FolderMapOptions {
  // Source folder name → target path ('/' separates levels), from config.
  std::map<std::string, std::string> renames;
  // Microsoft 365 reserves the top-level name "Files".
  bool exchange_target = false;
};

struct FolderMapping {
  int64_t source_id = 0;
  std::string source_name;
  std::string target_name;  // decoded UTF-8, with the target's delimiter
  std::string role;         // "\Sent", …: mapped by role
  bool create = false;      // not on the target yet
  std::string note;         // why the name differs, for the user
  std::string skip;         // not empty: not pushed, and why
};

// The role of a source folder: its special-use attribute, else its name
// as the common servers spell it (Microsoft 365, Gmail, Dovecot, Courier).
std::string RoleOf(const SourceFolder& folder);

std::vector<FolderMapping> MapFolders(const std::vector<SourceFolder>& sources,
                                      const std::vector<TargetMailbox>& targets,
                                      std::optional<char> target_delimiter,
                                      const FolderMapOptions& options);

}  // namespace mailhoard::push
