// libFuzzer target for the server folder name → Maildir path mapping. The
// name comes from the server, the path is created on disk: whatever the
// server sends, the path must stay inside the account root.
// Input: byte 0 = options (bit 0: nested layout; bits 1-2: no delimiter,
// '/', '.', or byte 1 as the delimiter), then the remote name.
// Oracles (folder_path.h): no absolute path, no empty, "." or ".." step, no
// NUL, no name over kMaxNameBytes; maildir++ is one ".name" directory; nested
// never names a step cur/new/tmp (any case); a path that maps back maps back
// to this very name (two folders never share a directory); Assign() never
// returns a taken path.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "storage/maildir/folder_path.h"
#include "tests/fuzz/fuzz_util.h"

namespace {

using mailhoard::fuzz::Check;
using mailhoard::maildir::FolderPathMapper;
using mailhoard::maildir::kMaxNameBytes;
using mailhoard::maildir::Layout;

std::string Fold(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool IsInbox(std::string_view s) { return Fold(s) == "inbox"; }

void CheckSafe(const std::string& path, Layout layout) {
  Check(path.find('\0') == std::string::npos);
  if (layout == Layout::kMaildirPlusPlus) {
    if (path.empty()) return;  // INBOX: the account root
    Check(path.find('/') == std::string::npos);
    Check(path.size() >= 2 && path[0] == '.' && path != "..");
    Check(path.size() <= kMaxNameBytes);
    return;
  }
  Check(!path.empty() && path[0] != '/');
  size_t start = 0;
  for (;;) {
    const size_t slash = path.find('/', start);
    const std::string step =
        path.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
    Check(!step.empty() && step[0] != '.' && step.size() <= kMaxNameBytes);
    const std::string f = Fold(step);
    Check(f != "cur" && f != "new" && f != "tmp");
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2 || size > 4096) return 0;
  const uint8_t options = data[0];
  const Layout layout = (options & 1) ? Layout::kNested : Layout::kMaildirPlusPlus;
  std::optional<char> delimiter;
  switch ((options >> 1) & 3) {
    case 1:
      delimiter = '/';
      break;
    case 2:
      delimiter = '.';
      break;
    case 3:
      delimiter = static_cast<char>(data[1]);
      break;
    default:
      break;
  }
  const std::string_view name = mailhoard::fuzz::AsText(data + 2, size - 2);
  const FolderPathMapper mapper(layout);
  auto path = mapper.CanonicalPath(name, delimiter);
  if (!path.ok()) {
    Check(name.empty());
    return 0;
  }
  CheckSafe(*path, layout);
  auto back = mapper.RemoteName(*path, delimiter);
  if (back.ok()) Check(*back == name || (IsInbox(*back) && IsInbox(name)));

  std::vector<std::string> taken = {*path};
  for (int i = 0; i < 3; ++i) {
    auto assigned = mapper.Assign(name, delimiter, taken);
    if (!assigned.ok()) {
      Check(path->empty());  // only the root (INBOX in maildir++) cannot vary
      break;
    }
    CheckSafe(*assigned, layout);
    for (const std::string& t : taken) Check(Fold(t) != Fold(*assigned));
    taken.push_back(*assigned);
  }
  return 0;
}
