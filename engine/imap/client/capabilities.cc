#include "engine/imap/client/capabilities.h"

#include <algorithm>
#include <utility>

#include "engine/imap/value.h"

namespace mailhoard::imap {

Capabilities::Capabilities(std::vector<std::string> atoms) {
  atoms_.reserve(atoms.size());
  for (const std::string& a : atoms) atoms_.push_back(ToUpperAscii(a));
}

bool Capabilities::Has(std::string_view name) const {
  const std::string upper = ToUpperAscii(name);
  return std::find(atoms_.begin(), atoms_.end(), upper) != atoms_.end();
}

bool Capabilities::HasAuth(std::string_view mechanism) const {
  return Has("AUTH=" + std::string(mechanism));
}

std::string Capabilities::ToString() const {
  std::string out;
  for (const std::string& a : atoms_) {
    if (!out.empty()) out += ' ';
    out += a;
  }
  return out;
}

}  // namespace mailhoard::imap
