// Interpreting LIST / LSUB (RFC 3501 §7.2.2, RFC 5258 LIST-EXTENDED),
// STATUS (§7.2.4, RFC 7162, RFC 8438) and NAMESPACE (RFC 2342).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/status.h"
#include "engine/imap/response.h"

namespace mailhoard::imap {

struct ListResponse {
  bool lsub = false;
  std::vector<std::string> attributes;  // as sent: "\HasNoChildren", "\Sent"
  std::optional<char> delimiter;        // nullopt for NIL (flat namespace)
  // The name as the server sent it (modified UTF-7 unless UTF8=ACCEPT is
  // enabled); decode with DecodeMutf7 for display, keep raw for commands.
  std::string mailbox;
  std::vector<std::string> childinfo;  // RFC 5258 CHILDINFO ("SUBSCRIBED")
  std::optional<std::string> oldname;  // RFC 5465 OLDNAME
  // All extended items, upper-cased tag → value.
  std::vector<std::pair<std::string, Value>> extended;

  bool HasAttribute(std::string_view attr) const;  // case-insensitive
};

Result<ListResponse> ParseListResponse(const Response& r);  // LIST, LSUB or XLIST

struct StatusResponse {
  std::string mailbox;  // raw, like ListResponse::mailbox
  std::optional<uint32_t> messages;
  std::optional<uint32_t> recent;
  std::optional<uint32_t> uidnext;
  std::optional<uint32_t> uidvalidity;
  std::optional<uint32_t> unseen;
  std::optional<uint64_t> highestmodseq;
  std::optional<uint64_t> size;     // RFC 8438
  std::optional<uint32_t> deleted;  // RFC 9051
};

Result<StatusResponse> ParseStatusResponse(const Response& r);

struct Namespace {
  std::string prefix;
  std::optional<char> delimiter;
  bool operator==(const Namespace&) const = default;
};

struct NamespaceResponse {
  std::vector<Namespace> personal;
  std::vector<Namespace> other_users;
  std::vector<Namespace> shared;
};

Result<NamespaceResponse> ParseNamespaceResponse(const Response& r);

// An astring value (atom, number, quoted or literal string) as text. NIL's
// spelling counts as the atom "NIL", which is a valid mailbox name.
Result<std::string> AstringText(const Value& v);

}  // namespace mailhoard::imap
