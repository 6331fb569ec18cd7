#include "storage/mbox/mboxrd_writer.h"

#include <utility>

#include "storage/mime/header_block.h"

namespace mailhoard::mbox {
namespace {

constexpr std::string_view kFrom = "From ";
// Longer than any name in `replace`: a longer name cannot match.
constexpr size_t kMaxName = 64;

// RFC 5322 §3.6.8 ftext: printable US-ASCII except ':'.
bool IsNameChar(char c) { return c > ' ' && c < 127 && c != ':'; }

}  // namespace

MboxrdMessage::MboxrdMessage(const Sink& sink, EntryFraming framing)
    : sink_(sink), framing_(std::move(framing)) {
  out_ = framing_.from_line + "\n";
  Emit();
}

bool MboxrdMessage::Feed(std::string_view data) {
  if (failed_) return false;
  for (char c : data) Put(c);
  return Emit();
}

bool MboxrdMessage::Finish() {
  if (failed_) return false;
  if (pending_cr_) {
    pending_cr_ = false;
    in_header_ ? Header('\r') : Line('\r');
  }
  if (in_header_) {
    // No empty line ended the header (a header-only message): the fields we
    // add still belong to it; the blank line below separates the entry.
    if (name_pending_) {
      name_pending_ = false;
      for (char n : name_) Line(n);
      header_line_start_ = false;
    }
    if (!header_line_start_ && !dropping_) Line('\n');
    for (const auto& line : framing_.add) {
      for (char a : line) Line(a);
      Line('\n');
    }
    in_header_ = false;
  }
  if (!prefix_.empty()) {
    out_ += prefix_;  // an unfinished ">*From" is content, not a From line
    prefix_.clear();
    at_line_start_ = false;
  }
  if (!at_line_start_) out_ += '\n';
  out_ += '\n';
  return Emit();
}

void MboxrdMessage::Put(char c) {
  if (pending_cr_) {
    pending_cr_ = false;
    if (c != '\n') in_header_ ? Header('\r') : Line('\r');  // a lone CR is content
  }
  if (c == '\r') {
    pending_cr_ = true;
    return;
  }
  in_header_ ? Header(c) : Line(c);
}

void MboxrdMessage::Header(char c) {
  if (name_pending_) {
    if (IsNameChar(c) && name_.size() < kMaxName) {
      name_ += c;
      return;
    }
    name_pending_ = false;
    dropping_ = false;
    if (c == ':' || c == ' ' || c == '\t') {  // "Name:" or obsolete "Name :"
      for (const auto& r : framing_.replace) {
        if (mime::EqualsIgnoreCase(name_, r)) dropping_ = true;
      }
    }
    if (!dropping_) {
      for (char n : name_) Line(n);
    }
    name_.clear();
  } else if (header_line_start_) {
    if (c == '\n') {
      EndHeader();
      return;
    }
    header_line_start_ = false;
    if (c != ' ' && c != '\t') {
      // A new field: its name decides whether it and its continuation
      // lines are dropped. A continuation keeps the previous decision.
      dropping_ = false;
      if (IsNameChar(c)) {
        name_pending_ = true;
        name_ = c;
        return;
      }
    }
  }
  if (c == '\n') header_line_start_ = true;
  if (!dropping_) Line(c);
}

void MboxrdMessage::EndHeader() {
  for (const auto& line : framing_.add) {
    for (char a : line) Line(a);
    Line('\n');
  }
  Line('\n');
  in_header_ = false;
}

void MboxrdMessage::Line(char c) {
  if (at_line_start_ || !prefix_.empty()) {
    // Still inside a possible ">*From " prefix?
    size_t gts = prefix_.find_first_not_of('>');
    if (gts == std::string::npos) gts = prefix_.size();
    const size_t matched = prefix_.size() - gts;  // chars of "From " matched so far
    const bool fits = (matched == 0 && c == '>') || (matched < kFrom.size() && c == kFrom[matched]);
    at_line_start_ = false;
    if (fits) {
      prefix_ += c;
      if (prefix_.size() - gts == kFrom.size()) {
        out_ += '>';
        out_ += prefix_;
        prefix_.clear();
      }
      return;
    }
    out_ += prefix_;
    prefix_.clear();
  }
  out_ += c;
  if (c == '\n') at_line_start_ = true;
}

bool MboxrdMessage::Emit() {
  if (!failed_ && !out_.empty() && !sink_(out_)) failed_ = true;
  out_.clear();
  return !failed_;
}

}  // namespace mailhoard::mbox
