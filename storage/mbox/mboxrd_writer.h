// One message as an mboxrd entry (RFC 4155 framing, mboxrd quoting), streamed.
//
//   MboxrdMessage m(sink, {FromLine(sender, when), {"Status: RO"}, {"Status"}});
//   while (...) m.Feed(chunk);   // the message's bytes, chunks of any size
//   m.Finish();
//
// What the exported copy differs in, and why:
//   - CRLF becomes LF (mbox is a Unix format; a lone CR is content and kept);
//   - every line matching ^>*From  gets one more '>' (mboxrd), in the header
//     as in the body, so a reader strips one '>' and has the bytes back;
//   - header fields named in `replace` (any case, with their continuation
//     lines) are left out and `add` goes at the end of the header block, so
//     Status:/X-Status: say what the archive knows, once;
//   - the entry ends with a newline (added if the message lacks one) and the
//     blank line that separates it from the next "From " line.
// Nothing else changes. Memory is bounded by one header field name.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace mailhoard::mbox {

// Receives output; false stops the export (a write failed).
using Sink = std::function<bool(std::string_view)>;

struct EntryFraming {
  std::string from_line;             // "From sender asctime-date" without the newline
  std::vector<std::string> add;      // whole header lines, without newlines
  std::vector<std::string> replace;  // field names dropped from the message's header
};

class MboxrdMessage {
 public:
  // Writes the "From " line at once.
  MboxrdMessage(const Sink& sink, EntryFraming framing);

  bool Feed(std::string_view data);
  bool Finish();

  // Whether Feed/Finish failed: the sink refused a write.
  bool failed() const { return failed_; }

 private:
  void Put(char c);
  void Line(char c);
  void Header(char c);
  void EndHeader();
  bool Emit();

  const Sink& sink_;
  EntryFraming framing_;
  std::string out_;
  bool failed_ = false;
  bool pending_cr_ = false;
  // Header state: a field name being read at the start of a line (until ':'
  // or something that cannot be in a name), and whether the current field
  // is one we drop.
  bool in_header_ = true;
  bool header_line_start_ = true;
  bool name_pending_ = false;
  std::string name_;
  bool dropping_ = false;
  // mboxrd state of the current output line: ">*From " seen so far.
  bool at_line_start_ = true;
  std::string prefix_;
};

}  // namespace mailhoard::mbox
