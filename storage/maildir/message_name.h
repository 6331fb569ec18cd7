// Maildir message file names: flags in the info suffix, and the fields we add.
//
// A delivered file is named
//   <unique>,U=<uid>,S=<size>:2,<flags>
// (cr.yp.to/proto/maildir.html for the unique part and ":2,"; ",S=" is the
// Dovecot/Courier size field, ",U=" carries the remote uid so that reconcile
// can adopt a file that landed before a crash without fetching it again).
// Flag letters are kept in ASCII order, as the Maildir spec requires.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace mailhoard::maildir {

// The six flags Maildir knows by letter. Remote keywords are not encoded in
// file names: the index keeps them.
enum MaildirFlag : uint8_t {
  kFlagDraft = 1 << 0,    // D  \Draft
  kFlagFlagged = 1 << 1,  // F  \Flagged
  kFlagPassed = 1 << 2,   // P  $Forwarded (forwarded, bounced, resent)
  kFlagReplied = 1 << 3,  // R  \Answered
  kFlagSeen = 1 << 4,     // S  \Seen
  kFlagTrashed = 1 << 5,  // T  \Deleted
};
using MaildirFlags = uint8_t;

// "DFPRST" subset in ASCII order, without the "2," prefix.
std::string FlagLetters(MaildirFlags flags);
// The reverse; letters it does not know are appended to *unknown (once
// each) when given.
MaildirFlags FlagsFromLetters(std::string_view letters, std::string* unknown = nullptr);

struct SplitFlags {
  MaildirFlags flags = 0;
  std::vector<std::string> keywords;  // in input order, duplicates removed
};

// Splits remote flag names into Maildir flags and keywords. System flags are
// matched case-insensitively ("\seen" == "\Seen"); "$Forwarded" and
// "Passed" map to P. "\Recent" is session state and is dropped.
SplitFlags SplitFlagNames(const std::vector<std::string>& names);

// The remote names of `flags` ("\Answered", "\Seen", ...), in letter order.
std::vector<std::string> FlagNames(MaildirFlags flags);

struct ParsedName {
  std::string base;              // everything before ":2," (stable across flag changes)
  std::string unique;            // the unique part: base up to the first ','
  std::optional<uint32_t> uid;   // from ",U=<uid>"
  std::optional<uint64_t> size;  // from ",S=<size>"
  bool has_info = false;         // ":2," present
  MaildirFlags flags = 0;
  // Info letters other than DFPRST (Dovecot keeps keywords as a-z); kept so a
  // flag change does not lose what another program wrote.
  std::string other_flags;
};

// Parses any Maildir file name; fields we do not recognise are ignored.
// Fails only for names that cannot be Maildir messages (empty, starting with
// '.', containing '/').
Result<ParsedName> ParseMessageName(std::string_view name);

// "<base>:2,<letters>": the name after a flag change. `other_flags` are merged
// back in ASCII order.
std::string WithFlags(const ParsedName& parsed, MaildirFlags flags);

}  // namespace mailhoard::maildir
