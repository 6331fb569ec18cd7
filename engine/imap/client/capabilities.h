// Capabilities: the server's CAPABILITY list, compared case-insensitively
// (RFC 3501 §9: capability names are case-insensitive atoms).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace mailhoard::imap {

class Capabilities {
 public:
  Capabilities() = default;
  explicit Capabilities(std::vector<std::string> atoms);

  // Has("LIST-STATUS"), Has("compress=deflate").
  bool Has(std::string_view name) const;
  // Has("AUTH=" + mechanism).
  bool HasAuth(std::string_view mechanism) const;
  bool empty() const { return atoms_.empty(); }
  const std::vector<std::string>& atoms() const { return atoms_; }
  // "IMAP4rev1 IDLE …", for logs and error messages.
  std::string ToString() const;

 private:
  std::vector<std::string> atoms_;  // upper-cased
};

}  // namespace mailhoard::imap
