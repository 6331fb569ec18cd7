// Which archived messages an export takes: --since / --until on the
// message's date, --as-of on what the archive saw. Pure; no clock, no I/O.
//
// What --as-of can know: the index stamps a message when a sync archived it
// (created_at) and, under the archive policy, when a later sync found it
// expunged on the server (expunged_at); a folder when a sync found it gone
// (gone_since). So "the mailbox as of T" is every message archived at or
// before T and not found expunged at or before T, in folders not found gone
// at or before T. It is as fine as the syncs were frequent: a message that
// arrived and was deleted between two syncs was never seen; one deleted
// before the first sync is unknown; a message that came back after
// `verify --repair` or a UIDVALIDITY change counts from its new row. It
// cannot know the flags of the past: the index keeps today's, and so does
// the export. Rows the mirror policy removed are gone from the index.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"
#include "storage/index/records.h"

namespace mailhoard::cli {

// A moment the user typed: "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM[:SS]" (a blank
// for the T, and a final Z, are accepted), always UTC. `end_of_day` picks
// the last second of a bare date (for --until and --as-of), else its first.
std::optional<int64_t> ParseExportTime(std::string_view text, bool end_of_day);

struct ExportWindow {
  std::optional<int64_t> since;  // message time >= since
  std::optional<int64_t> until;  // message time <= until
  std::optional<int64_t> as_of;  // the mailbox as the archive saw it then
};

// From the three option values (empty: not given) and `now` for
// "--as-of now". kInvalidArgument naming the option for a malformed value
// or --since after --until.
Result<ExportWindow> ParseExportWindow(std::string_view since, std::string_view until,
                                       std::string_view as_of, int64_t now);

// The time a message is filed under: INTERNALDATE (the server's arrival
// time), else its Date: header, else when it was archived. Also the date
// of its "From " line.
int64_t MessageTime(const index::MessageRecord& m);

bool InWindow(const index::MessageRecord& m, const ExportWindow& w);

// False when --as-of names a moment after a sync found the folder gone.
bool FolderExisted(const index::FolderRecord& f, const ExportWindow& w);

}  // namespace mailhoard::cli
