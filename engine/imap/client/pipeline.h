// Running commands and matching their tagged completions: one at a time or
// pipelined (RFC 3501 §5.5) with a bounded number in flight.
#pragma once

#include <cstddef>
#include <functional>
#include <span>
#include <vector>

#include "core/status.h"
#include "engine/imap/client/command.h"
#include "engine/imap/client/connection.h"
#include "engine/imap/sequence_set.h"

namespace mailhoard::imap {

// Receives every untagged response and continuation while commands run. An
// error stops the run: in-flight commands are still drained (their replies
// ignored) so the connection stays usable, then the error is returned.
using UntaggedHandler = std::function<Status(Incoming&)>;

struct PipelineOptions {
  size_t window = 8;                        // commands in flight at most
  ErrorScope scope = ErrorScope::kAccount;  // for tagged NO / BAD
  // Keep sending the remaining commands after one completes with NO/BAD
  // (one bad message must not stop a batch); the first failure is still
  // returned at the end.
  bool continue_on_error = false;
  // Per-command outcome, in command order (optional).
  std::vector<Status>* results = nullptr;
  // Per-command tagged response itself, in command order (optional), for
  // callers that read more than the status from it (a login's codes).
  std::vector<Response>* completions = nullptr;
};

Status RunPipelined(Connection& conn, std::span<const Command> commands,
                    const UntaggedHandler& on_untagged, const PipelineOptions& options);

// One command; its tagged response is mapped through TaggedStatus.
Status RunCommand(Connection& conn, const Command& command, const UntaggedHandler& on_untagged,
                  ErrorScope scope = ErrorScope::kAccount);

// Runs `command` and returns its tagged response itself (OK, NO or BAD);
// for commands whose completion the caller interprets (LOGIN, STARTTLS).
Result<Response> RunForCompletion(Connection& conn, const Command& command,
                                  const UntaggedHandler& on_untagged);

// TaggedStatus with the command's redacted summary.
Status TaggedStatusFor(const Response& tagged, const Command& command, ErrorScope scope);

// UID FETCH / STORE-style commands over a long UID set: one command per
// chunk so no line exceeds max_command_bytes. `prefix` is the text before
// the set ("UID FETCH"), `suffix` after it ("(UID FLAGS)").
std::vector<Command> ChunkedCommands(std::string_view prefix, const SequenceSet& set,
                                     std::string_view suffix, size_t max_command_bytes);

// An UntaggedHandler that ignores everything.
Status IgnoreUntagged(Incoming& in);

}  // namespace mailhoard::imap
