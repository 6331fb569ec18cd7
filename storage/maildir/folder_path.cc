#include "storage/maildir/folder_path.h"

#include <algorithm>
#include <cstdio>
#include <unordered_set>

#include "storage/maildir/sha256.h"

namespace mailhoard::maildir {
namespace {

// Longest prefix kept when a name must be hashed; leaves room for the hash
// and a "%~n" suffix within kMaxNameBytes.
constexpr size_t kShortenedPrefix = 200;

bool IsInbox(std::string_view name) {
  if (name.size() != 5) return false;
  for (size_t i = 0; i < 5; ++i) {
    char c = name[i];
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (c != "INBOX"[i]) return false;
  }
  return true;
}

std::string FoldAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// Length of the well-formed UTF-8 sequence (RFC 3629: no overlongs, no
// surrogates, nothing above U+10FFFF) starting at s[i], or 0.
size_t Utf8SequenceLength(std::string_view s, size_t i) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = byte(i);
  size_t len;
  unsigned char lo = 0x80, hi = 0xBF;  // bounds of the second byte
  if (c >= 0xC2 && c <= 0xDF) {
    len = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    len = 3;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (i + len > s.size()) return 0;
  if (byte(i + 1) < lo || byte(i + 1) > hi) return 0;
  for (size_t k = 2; k < len; ++k) {
    if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
  }
  return len;
}

void AppendEscaped(std::string& out, unsigned char c) {
  static const char kHex[] = "0123456789ABCDEF";
  out.push_back('%');
  out.push_back(kHex[c >> 4]);
  out.push_back(kHex[c & 15]);
}

bool IsReserved(std::string_view component) {
  std::string f = FoldAscii(component);
  return f == "cur" || f == "new" || f == "tmp";
}

std::string EncodeComponent(std::string_view raw, Layout layout) {
  if (raw.empty()) return "%";
  std::string out;
  out.reserve(raw.size() + 8);
  for (size_t i = 0; i < raw.size();) {
    unsigned char c = static_cast<unsigned char>(raw[i]);
    if (c >= 0x80) {
      size_t len = Utf8SequenceLength(raw, i);
      if (len == 0) {
        AppendEscaped(out, c);
        ++i;
      } else {
        out.append(raw.substr(i, len));
        i += len;
      }
      continue;
    }
    bool escape = c < 0x20 || c == 0x7f || c == '/' || c == '\\' || c == '%';
    if (c == '.') escape = layout == Layout::kMaildirPlusPlus || i == 0;
    if (i == 0 && layout == Layout::kNested && IsReserved(raw)) escape = true;
    if (escape) {
      AppendEscaped(out, c);
    } else {
      out.push_back(static_cast<char>(c));
    }
    ++i;
  }
  return out;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Cuts `encoded` to at most `max` bytes without splitting a %XX escape or a
// UTF-8 sequence.
std::string_view CutAtBoundary(std::string_view encoded, size_t max) {
  size_t end = 0;
  for (size_t i = 0; i < encoded.size();) {
    size_t len = 1;
    unsigned char c = static_cast<unsigned char>(encoded[i]);
    if (c == '%' && i + 3 <= encoded.size() && HexValue(encoded[i + 1]) >= 0 &&
        HexValue(encoded[i + 2]) >= 0) {
      len = 3;
    } else if (c >= 0x80) {
      len = std::max<size_t>(1, Utf8SequenceLength(encoded, i));
    }
    if (i + len > max) break;
    i += len;
    end = i;
  }
  return encoded.substr(0, end);
}

// Keeps a directory name within kMaxNameBytes; `identity` is what the hash
// must tell apart (the raw remote bytes behind the name).
std::string Shorten(std::string encoded, std::string_view identity) {
  if (encoded.size() <= kMaxNameBytes) return encoded;
  Sha256 h;
  h.Update(identity.data(), identity.size());
  Sha256Digest d = h.Finish();
  std::string out(CutAtBoundary(encoded, kShortenedPrefix));
  out += "%%";
  out += ToHex(d.data(), 8);
  return out;
}

std::vector<std::string_view> Split(std::string_view name, std::optional<char> delimiter) {
  std::vector<std::string_view> parts;
  if (!delimiter) {
    parts.push_back(name);
    return parts;
  }
  size_t start = 0;
  for (;;) {
    size_t pos = name.find(*delimiter, start);
    if (pos == std::string_view::npos) {
      parts.push_back(name.substr(start));
      return parts;
    }
    parts.push_back(name.substr(start, pos - start));
    start = pos + 1;
  }
}

// Inverse of EncodeComponent; nullopt for a marker of a non-reversible name.
std::optional<std::string> DecodeComponent(std::string_view encoded) {
  if (encoded == "%") return std::string();
  std::string out;
  for (size_t i = 0; i < encoded.size(); ++i) {
    if (encoded[i] != '%') {
      out.push_back(encoded[i]);
      continue;
    }
    if (i + 2 >= encoded.size()) return std::nullopt;
    int hi = HexValue(encoded[i + 1]), lo = HexValue(encoded[i + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return out;
}

}  // namespace

Result<std::string> FolderPathMapper::CanonicalPath(std::string_view remote_name,
                                                    std::optional<char> delimiter) const {
  if (remote_name.empty()) return InvalidArgument("empty remote folder name");
  if (IsInbox(remote_name)) {
    return std::string(layout_ == Layout::kMaildirPlusPlus ? "" : "INBOX");
  }
  std::vector<std::string_view> parts = Split(remote_name, delimiter);
  if (layout_ == Layout::kMaildirPlusPlus) {
    std::string dir;
    for (std::string_view part : parts) {
      dir.push_back('.');
      dir += EncodeComponent(part, layout_);
    }
    std::string identity(remote_name);
    identity.push_back('\0');
    if (delimiter) identity.push_back(*delimiter);
    return Shorten(std::move(dir), identity);
  }
  std::string path;
  for (std::string_view part : parts) {
    if (!path.empty()) path.push_back('/');
    path += Shorten(EncodeComponent(part, layout_), part);
  }
  return path;
}

Result<std::string> FolderPathMapper::Assign(std::string_view remote_name,
                                             std::optional<char> delimiter,
                                             const std::vector<std::string>& taken) const {
  MH_ASSIGN_OR_RETURN(std::string path, CanonicalPath(remote_name, delimiter));
  std::string folded_path = FoldAscii(path);
  bool clash = false;
  for (const std::string& t : taken) {
    if (t.size() == path.size() && FoldAscii(t) == folded_path) clash = true;
  }
  if (!clash) return path;
  std::unordered_set<std::string> folded;
  folded.reserve(taken.size());
  for (const std::string& t : taken) folded.insert(FoldAscii(t));
  auto is_taken = [&](const std::string& p) { return folded.count(FoldAscii(p)) > 0; };
  if (path.empty()) {
    return InvalidArgument("INBOX is already assigned to the account root");
  }
  // Only the last directory name varies, so the folder stays beside its
  // siblings (nested) and keeps its leading '.' (maildir++).
  size_t slash = path.rfind('/');
  std::string parent = slash == std::string::npos ? "" : path.substr(0, slash + 1);
  std::string last = slash == std::string::npos ? path : path.substr(slash + 1);
  for (size_t n = 2;; ++n) {
    std::string suffix = "%~" + std::to_string(n);
    std::string candidate =
        parent + std::string(CutAtBoundary(last, kMaxNameBytes - suffix.size())) + suffix;
    if (!is_taken(candidate)) return candidate;
  }
}

Result<std::string> FolderPathMapper::RemoteName(std::string_view relative_path,
                                                 std::optional<char> delimiter) const {
  auto not_reversible = [&] {
    return Status::Error(ErrorCode::kNotFound,
                         "folder path \"" + std::string(relative_path) +
                             "\" is not a canonical mapping; the index knows its remote name");
  };
  std::vector<std::string_view> encoded;
  if (layout_ == Layout::kMaildirPlusPlus) {
    if (relative_path.empty()) return std::string("INBOX");
    if (relative_path.front() != '.') return not_reversible();
    encoded = Split(relative_path.substr(1), '.');
  } else {
    encoded = Split(relative_path, '/');
  }
  if (!delimiter && encoded.size() != 1) return not_reversible();
  std::string name;
  for (size_t i = 0; i < encoded.size(); ++i) {
    std::optional<std::string> part = DecodeComponent(encoded[i]);
    if (!part) return not_reversible();
    if (i > 0) name.push_back(*delimiter);
    name += *part;
  }
  // Only a name that maps back to exactly this path is the answer: this
  // rejects non-canonical escapes ("%41"), "inbox" vs "INBOX", and names
  // whose decoded parts contain the delimiter.
  Result<std::string> back = CanonicalPath(name, delimiter);
  if (!back.ok() || *back != relative_path) return not_reversible();
  return name;
}

}  // namespace mailhoard::maildir
