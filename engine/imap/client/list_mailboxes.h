// LIST with SPECIAL-USE (RFC 6154) and either LIST-STATUS (RFC 5819) or one
// pipelined batch of STATUS commands: a no-op sync costs one round trip.
#pragma once

#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/status.h"
#include "engine/imap/client/command.h"
#include "engine/imap/client/connection.h"
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

// The LIST command ListMailboxes would send when the server offers
// SPECIAL-USE, LIST-EXTENDED and LIST-STATUS, with HIGHESTMODSEQ when
// `modseq`: sent speculatively in the login's flight (ImapClient), and
// answered BAD by a server without them.
Command ExtendedListCommand(bool modseq);

// Collects LIST and STATUS replies into MailboxInfo (a STATUS may come
// before or after its mailbox's LIST line).
class MailboxListing {
 public:
  explicit MailboxListing(const SessionState& state) : state_(state) {}
  // LIST and STATUS responses are taken; anything else is ignored.
  Status OnUntagged(Incoming& in);
  const std::vector<MailboxInfo>& mailboxes() const { return out_; }
  std::vector<MailboxInfo> Take();

 private:
  const SessionState& state_;
  std::vector<MailboxInfo> out_;
  std::unordered_map<std::string, size_t> index_;  // raw name → position in out_
  std::unordered_map<std::string, StatusResponse> early_status_;
};

}  // namespace mailhoard::imap
