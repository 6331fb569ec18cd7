#include "cli/export/folder_file_names.h"

#include <optional>

#include "storage/maildir/folder_path.h"
#include "storage/maildir/sha256.h"

namespace mailhoard::cli {
namespace {

constexpr std::string_view kSuffix = ".mbox";

// Cut at a UTF-8 character boundary, marked as the mapper marks its own
// shortened names: "%%" and 16 hex digits of the full name's SHA-256.
std::string Shortened(const std::string& name) {
  maildir::Sha256 sha;
  sha.Update(name.data(), name.size());
  const std::string hash = maildir::ToHex(sha.Finish()).substr(0, 16);
  size_t keep = maildir::kMaxNameBytes - kSuffix.size() - 2 - hash.size();
  while (keep > 0 && (static_cast<unsigned char>(name[keep]) & 0xC0) == 0x80) --keep;
  return name.substr(0, keep) + "%%" + hash;
}

}  // namespace

Result<std::vector<std::string>> MboxFileNames(const std::vector<index::FolderRecord>& folders) {
  const maildir::FolderPathMapper mapper(maildir::Layout::kMaildirPlusPlus);
  std::vector<std::string> taken, names;
  for (const auto& f : folders) {
    std::optional<char> delimiter;
    if (!f.delimiter.empty()) delimiter = f.delimiter[0];
    const std::string& name = f.display_name.empty() ? f.remote_name : f.display_name;
    MH_ASSIGN_OR_RETURN(std::string path, mapper.Assign(name, delimiter, taken));
    taken.push_back(path);
    // maildir++ paths are "" for INBOX, else ".A.B".
    std::string base = path.empty() ? "INBOX" : path.substr(1);
    if (base.size() + kSuffix.size() > maildir::kMaxNameBytes) base = Shortened(base);
    names.push_back(base + std::string(kSuffix));
  }
  return names;
}

}  // namespace mailhoard::cli
