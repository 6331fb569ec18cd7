#include "engine/imap/client/connection.h"

#include <utility>

#include "engine/imap/client/status_mapping.h"
#include "engine/imap/response_codes.h"
#include "engine/net/deflate_transport.h"
#include "engine/net/socket_transport.h"

namespace mailhoard::imap {
namespace {

constexpr size_t kReadChunk = 16 * 1024;
// RFC 7888 §4: LITERAL- allows non-synchronising literals up to 4096 bytes.
constexpr size_t kLiteralMinusMax = 4096;

// Owned by the parser while a literal streams; the real sink stays with the
// Connection so it can travel with the completed response.
class ForwardingSink : public BodySink {
 public:
  explicit ForwardingSink(BodySink* inner) : inner_(inner) {}
  Status Write(const char* data, size_t len) override { return inner_->Write(data, len); }
  Status Finish() override { return inner_->Finish(); }

 private:
  BodySink* inner_;
};

net::SocketTransport* FindSocket(net::Transport* t) {
  if (auto* d = dynamic_cast<net::DeflateTransport*>(t)) t = &d->inner();
  return dynamic_cast<net::SocketTransport*>(t);
}

// Streamed bodies render as "<streamed N>" in Response::ToString; the trace
// promises "{N bytes}".
std::string TraceText(const Response& r) {
  std::string s = r.ToString();
  static constexpr std::string_view kStreamed = "<streamed ";
  for (size_t pos = s.find(kStreamed); pos != std::string::npos; pos = s.find(kStreamed, pos)) {
    size_t end = s.find('>', pos);
    if (end == std::string::npos) break;
    std::string n = s.substr(pos + kStreamed.size(), end - pos - kStreamed.size());
    std::string repl = "{" + n + " bytes}";
    s.replace(pos, end - pos + 1, repl);
    pos += repl.size();
  }
  return s;
}

}  // namespace

Connection::Connection(std::unique_ptr<net::Transport> transport, ParserLimits limits,
                       TraceSink* trace)
    : transport_(std::move(transport)),
      parser_([this](Response&& r) { return OnResponse(std::move(r)); }, limits),
      trace_(trace) {}

Connection::~Connection() = default;

void Connection::Break(Status status) {
  if (broken_.ok()) broken_ = std::move(status);
}

void Connection::Close() {
  transport_->Close();
  Break(NetworkError("connection to " + Describe() + " closed"));
}

Status Connection::OnResponse(Response&& r) {
  if (trace_ != nullptr) trace_->Line(TraceDirection::kReceived, TraceText(r));
  if (r.kind == ResponseKind::kUntagged && r.status == StatusWord::kBye) {
    bye_ = ByeStatus(r, Describe());
  }
  if (r.IsStatus() && r.code && alert_) {
    auto code = ParseResponseCode(*r.code);
    if (code.ok() && code->kind == CodeKind::kAlert) alert_(r.text);
  }
  queue_.push_back(Incoming{std::move(r), std::move(pending_bodies_)});
  pending_bodies_.clear();
  return Status::Ok();
}

Status Connection::Fill() {
  if (!broken_.ok()) return broken_;
  if (eof_) return bye_.ok() ? NetworkError("connection closed by " + Describe()) : bye_;
  char buf[kReadChunk];
  auto n = transport_->Read(buf, sizeof buf);
  if (!n.ok()) {
    // A timeout in IDLE is not fatal; anything else loses the stream.
    if (n.status().code() != ErrorCode::kTimeout || !timeout_expected_) Break(n.status());
    return n.status();
  }
  if (*n == 0) {
    eof_ = true;
    if (!bye_.ok()) {
      Break(bye_);
      return bye_;
    }
    Status at_eof = parser_.AtEof();
    Status s = NetworkError("connection closed by " + Describe() +
                            (at_eof.ok() ? "" : " (" + at_eof.message() + ")"));
    Break(s);
    return s;
  }
  Status s = parser_.Feed(buf, *n);
  if (!s.ok()) {
    Break(s.WithContext(Describe()));
    return broken_;
  }
  return Status::Ok();
}

Result<Incoming> Connection::Next() {
  while (queue_.empty()) {
    MH_RETURN_IF_ERROR(Fill());
  }
  Incoming in = std::move(queue_.front());
  queue_.pop_front();
  return in;
}

Status Connection::WriteTraced(std::string_view bytes, std::string_view trace_line) {
  if (!broken_.ok()) return broken_;
  if (trace_ != nullptr && !trace_line.empty()) trace_->Line(TraceDirection::kSent, trace_line);
  Status s = transport_->Write(bytes);
  if (!s.ok()) Break(s);
  return s;
}

Status Connection::WaitForContinuation(const std::string& tag, bool* aborted) {
  // Responses before the "+" (untagged data, other pipelined completions)
  // are kept for Next(); only the continuation itself is consumed.
  std::deque<Incoming> held;
  Status result = Status::Ok();
  for (;;) {
    if (queue_.empty()) {
      result = Fill();
      if (!result.ok()) break;
      continue;
    }
    Incoming in = std::move(queue_.front());
    queue_.pop_front();
    if (in.response.kind == ResponseKind::kContinuation) break;
    const bool ours = in.response.kind == ResponseKind::kTagged && in.response.tag == tag;
    held.push_back(std::move(in));
    if (ours) {
      *aborted = true;
      break;
    }
  }
  while (!held.empty()) {
    queue_.push_front(std::move(held.back()));
    held.pop_back();
  }
  return result;
}

bool Connection::Synchronizing(uint64_t literal_size) const {
  return literal_mode_ == LiteralMode::kSynchronizing ||
         (literal_mode_ == LiteralMode::kNonSyncSmall && literal_size > kLiteralMinusMax);
}

bool Connection::NeedsContinuation(const Command& command) const {
  for (const Command::Piece& p : command.pieces()) {
    if (p.literal && Synchronizing(p.literal_size())) return true;
  }
  return false;
}

Result<std::string> Connection::Send(const Command& command) {
  if (!broken_.ok()) return broken_;
  if (before_send_) MH_RETURN_IF_ERROR(before_send_());
  std::string tag = "A" + std::to_string(next_tag_++);
  std::string line = tag;
  std::string trace = tag;
  line += ' ';
  trace += ' ';
  const auto& pieces = command.pieces();
  for (size_t i = 0; i < pieces.size(); ++i) {
    const Command::Piece& p = pieces[i];
    if (!p.literal) {
      line += p.text;
      trace += p.secret ? RedactedPiece(p) : p.text;
      continue;
    }
    const uint64_t size = p.literal_size();
    const bool sync = Synchronizing(size);
    std::string announce = "{" + std::to_string(size) + (sync ? "}" : "+}");
    line += announce;
    trace += announce;
    line += "\r\n";
    if (sync) {
      MH_RETURN_IF_ERROR(WriteTraced(line, trace));
      line.clear();
      trace.clear();
      bool aborted = false;
      MH_RETURN_IF_ERROR(WaitForContinuation(tag, &aborted));
      if (aborted) return tag;
    } else {
      if (trace_ != nullptr) trace_->Line(TraceDirection::kSent, trace);
      trace.clear();
    }
    trace += p.secret ? RedactedPiece(p) : "{" + std::to_string(size) + " bytes}";
    if (!p.source) {
      line += p.text;
      continue;
    }
    // Streamed: what is pending goes first, then the source in its own
    // writes. The literal's length is promised on the wire, so a source
    // that gives more or fewer bytes leaves the connection unusable.
    MH_RETURN_IF_ERROR(WriteTraced(line, ""));
    line.clear();
    uint64_t written = 0;
    Status s = p.source->WriteTo([&](const char* data, size_t len) -> Status {
      if (len > size - written) return ProtocolError("literal source gave more than its size");
      written += len;
      return WriteTraced(std::string_view(data, len), "");
    });
    if (s.ok() && written != size) s = ProtocolError("literal source gave less than its size");
    if (!s.ok()) {
      Break(s);
      return s;
    }
  }
  line += "\r\n";
  MH_RETURN_IF_ERROR(WriteTraced(line, trace));
  return tag;
}

Status Connection::SendLine(std::string_view line, bool secret) {
  std::string bytes(line);
  bytes += "\r\n";
  return WriteTraced(bytes, secret ? kRedacted : line);
}

Status Connection::UpgradeTls(const net::TlsOptions& options) {
  if (!queue_.empty() || parser_.InProgress()) {
    Status s = TlsError(Describe() +
                        " sent data after accepting STARTTLS; refusing to continue (possible "
                        "command injection)");
    Break(s);
    return s;
  }
  Status s = transport_->StartTls(options);
  if (!s.ok()) Break(s);
  return s;
}

Status Connection::StartDeflate() {
  if (!queue_.empty() || parser_.InProgress()) {
    Status s = ProtocolError(Describe() + " sent data after accepting COMPRESS");
    Break(s);
    return s;
  }
  transport_ = std::make_unique<net::DeflateTransport>(std::move(transport_));
  deflate_ = true;
  return Status::Ok();
}

void Connection::set_body_sink_factory(BodySinkFactory factory) {
  user_factory_ = std::move(factory);
  parser_.set_body_sink_factory(
      [this](const BodyLiteralInfo& info) -> Result<std::unique_ptr<BodySink>> {
        MH_ASSIGN_OR_RETURN(std::unique_ptr<BodySink> sink, user_factory_(info));
        if (sink == nullptr) return std::unique_ptr<BodySink>();
        BodySink* raw = sink.get();
        pending_bodies_.push_back(std::move(sink));
        return std::unique_ptr<BodySink>(std::make_unique<ForwardingSink>(raw));
      });
}

void Connection::clear_body_sink_factory() {
  user_factory_ = nullptr;
  parser_.set_body_sink_factory(nullptr);
}

bool Connection::SetReadTimeout(std::chrono::milliseconds timeout) {
  net::SocketTransport* socket = FindSocket(transport_.get());
  if (socket == nullptr) return false;
  socket->set_io_timeout(timeout);
  return true;
}

std::chrono::milliseconds Connection::read_timeout() const {
  net::SocketTransport* socket = FindSocket(transport_.get());
  return socket ? socket->io_timeout() : std::chrono::milliseconds(0);
}

}  // namespace mailhoard::imap
