// LIST with SPECIAL-USE (RFC 6154) and either LIST-STATUS (RFC 5819) or one
// pipelined batch of STATUS commands: a no-op sync costs one round trip.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/core/status.h"
#include "engine/imap/client/session.h"
#include "engine/imap/mailbox_responses.h"

namespace mailhoard::imap {

struct MailboxInfo {
  std::string raw_name;  // as the server sent it; use this in commands
  // UTF-8 for display and local paths: decoded from modified UTF-7 unless
  // UTF8=ACCEPT is enabled. Falls back to raw_name (and sets
  // name_undecodable) when the server sent invalid mUTF-7.
  std::string name;
  bool name_undecodable = false;
  std::optional<char> delimiter;
  std::vector<std::string> attributes;   // as sent
  std::string special_use;               // "\Sent", "\Drafts", … or ""
  bool noselect = false;                 // \Noselect (or \NonExistent)
  bool nonexistent = false;              // \NonExistent (RFC 5258)
  std::optional<StatusResponse> status;  // when asked for and selectable
};

// All mailboxes (LIST "" "*"). With with_status, MESSAGES UIDNEXT
// UIDVALIDITY (and HIGHESTMODSEQ when CONDSTORE is offered) for every
// selectable one.
Result<std::vector<MailboxInfo>> ListMailboxes(OpContext ctx, bool with_status);

}  // namespace mailhoard::imap
