// UID FETCH <set> (UID FLAGS INTERNALDATE RFC822.SIZE BODY.PEEK[]): whole
// messages, streamed. BODY.PEEK never sets \Seen (RFC 3501 §6.4.5).
//
// Lifetime of a body: when the literal begins, the client asks the handler
// for a sink (OpenBody) and writes the bytes into it as they arrive; after
// the last byte it calls sink->Finish(); once the whole FETCH response is
// parsed it hands the sink back with OnMessage, which owns it from then on
// (commit it: rename tmp → cur, or drop it). A sink whose FETCH never
// completes (connection lost) is destroyed without Finish: it must then
// discard what it wrote.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "core/status.h"
#include "engine/imap/client/search.h"
#include "engine/imap/client/session.h"
#include "engine/imap/fetch_response.h"
#include "engine/imap/response_parser.h"
#include "engine/imap/sequence_set.h"

namespace mailhoard::imap {

class MessageHandler {
 public:
  virtual ~MessageHandler() = default;
  // The BODY[] literal of a message starts (info.uid is set when the
  // server sent UID first, as Dovecot does). Null: discard the bytes.
  virtual Result<std::unique_ptr<BodySink>> OpenBody(const BodyLiteralInfo& info) = 0;
  // One requested message, complete. `sink` is what OpenBody returned for
  // this response, already finished, or null when the server sent the body
  // as NIL or not at all (Exchange's placeholder for a message it cannot
  // retrieve: check fetch.bodies). An error stops the fetch: the replies
  // still in flight are read and thrown away (the connection stays usable),
  // bodies that begin afterwards get no sink, and a sink already opened for
  // a later message is dropped without OnMessage.
  virtual Status OnMessage(const FetchResponse& fetch, std::unique_ptr<BodySink> sink) = 0;
  // A FETCH with only flags for a UID (an unsolicited flag update, e.g.
  // another client set \Seen meanwhile).
  virtual Status OnFlagUpdate(uint32_t /*uid*/, const std::vector<std::string>& /*flags*/) {
    return Status::Ok();
  }
  // "* n EXPUNGE" / "* n EXISTS" / VANISHED during the fetch: the mailbox
  // changed; the next sync run will see it.
  virtual void OnMailboxChanged() {}
};

// Fetches every UID of `uids` that still exists. Responses whose UID is
// not in `uids` are ignored — in particular the last message that
// "UID FETCH n:*" returns even when n is beyond the highest UID (RFC 3501
// §6.4.8). A set with "*" is one command; an explicit long set is split
// into pipelined chunks. A BAD/NO for one chunk (Microsoft: "BAD Command
// Argument Error. 11") does not stop the other chunks; the first such error
// is returned at the end with scope kMessage and names its UID set, so the
// caller can mark those messages failed and keep the others.
//
// `alongside`, when given, is sent first in the same flight and collects its
// answer: the listing that tells which UIDs the FETCH should have delivered
// costs no round trip of its own. Its failure is returned before the
// FETCH's, with folder scope.
Status FetchMessages(OpContext ctx, const SequenceSet& uids, MessageHandler& handler,
                     UidSearch* alongside = nullptr);

}  // namespace mailhoard::imap
